"""The bank-format extensions: match questions, key points with meaning, option shuffling,
free-text kinds, the bank-wide settings file and tags that papers leave out."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

from revise.bank.files import discover_files
from revise.bank.loader import load_bank
from revise.bank.model import KeyPoint, MatchQuestion, ShortQuestion
from revise.bank.papers import draw_paper

HEADER = "chapter: 测试\nsource: seed.txt\nquestions:\n"


def load(tmp_path: Path, questions: str, *, settings: str | None = None, paper: str | None = None):
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir(exist_ok=True)
    (bank_dir / "ch.yaml").write_text(HEADER + textwrap.indent(textwrap.dedent(questions).strip("\n"), "  ") + "\n", encoding="utf-8")
    if settings is not None:
        (bank_dir / "bank.yaml").write_text(textwrap.dedent(settings), encoding="utf-8")
    if paper is not None:
        (bank_dir / "papers").mkdir(exist_ok=True)
        (bank_dir / "papers" / "p.yaml").write_text(textwrap.dedent(paper), encoding="utf-8")
    result = load_bank([bank_dir])
    return result.bank, [str(p).replace(f"{bank_dir}/", "") for p in result.problems]


MATCH = """
- id: m1
  type: match
  prompt: 将4P与4C配对。
  pairs:
    - [产品, 顾客]
    - [价格, 成本]
    - [渠道, 便利]
  distractors: [关系]
  explanation: 一一对应。
"""


def test_match_question_is_read_with_its_pairs_and_distractors(tmp_path: Path) -> None:
    bank, problems = load(tmp_path, MATCH)
    assert problems == []
    question = bank.questions["m1"]
    assert isinstance(question, MatchQuestion)
    assert question.lefts == ("产品", "价格", "渠道")
    assert question.rights == ("顾客", "成本", "便利", "关系")


def test_match_pair_must_have_two_sides(tmp_path: Path) -> None:
    _, problems = load(tmp_path, MATCH.replace("- [价格, 成本]", "- [价格]"))
    assert problems == ["ch.yaml:9: 错误: 每组配对是正好两项文字的列表：[左, 右]"]


def test_match_right_items_must_differ(tmp_path: Path) -> None:
    _, problems = load(tmp_path, MATCH.replace("distractors: [关系]", "distractors: [成本]"))
    assert problems == ["ch.yaml:8: 错误: 右边的各项不能重复；重复的有：成本"]


def test_key_points_with_term_and_says(tmp_path: Path) -> None:
    bank, problems = load(
        tmp_path,
        """
        - id: s1
          type: short
          kind: 名词解释
          prompt: 解释惰性忠诚。
          answer: 客户因惰性不愿寻找新的供应商。
          keypoints:
            - [重复购买, 反复购买]
            - {term: [惰性忠诚, 惰性型忠诚], says: [[不愿寻找新的供应商, 懒得换], [并不满意, 不一定满意]]}
            - {says: [[满意], [不一定忠诚]], label: 满意不一定忠诚}
          explanation: 惰性忠诚并不等于满意。
        """,
    )
    assert problems == []
    question = bank.questions["s1"]
    assert isinstance(question, ShortQuestion)
    assert question.kind == "名词解释"
    plain, with_term, without_term = question.keypoints
    assert plain == KeyPoint(phrases=("重复购买", "反复购买"))
    assert with_term.term == ("惰性忠诚", "惰性型忠诚")
    assert with_term.says == (("不愿寻找新的供应商", "懒得换"), ("并不满意", "不一定满意"))
    assert with_term.label == "惰性忠诚：不愿寻找新的供应商、并不满意"
    assert without_term.label == "满意不一定忠诚"


def test_key_point_mapping_needs_says_and_known_keys(tmp_path: Path) -> None:
    _, problems = load(
        tmp_path,
        """
        - id: s1
          type: short
          prompt: 解释。
          answer: 答。
          keypoints:
            - {term: 惰性忠诚, sayz: [[懒得换]]}
          explanation: 解释。
        """,
    )
    assert problems == ["ch.yaml:9: 错误: 要点没有“sayz”这个字段（是不是“says”？）"]


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "- {id: s1, type: short, kind: 论文, prompt: 解释。, answer: 答。, keypoints: [甲], explanation: 解释。}")
    assert problems == ["ch.yaml:4: 错误: “kind”只能是名词解释、案例分析，不能是“论文”"]


def test_shuffle_defaults_on_and_can_be_turned_off(tmp_path: Path) -> None:
    bank, problems = load(
        tmp_path,
        """
        - {id: c1, type: choice, prompt: 选。, options: [甲, 乙], answer: A, explanation: 解释。}
        - {id: c2, type: multi, prompt: 选。, options: [很满意, 满意, 不满意], answer: AB, shuffle: false, explanation: 解释。}
        """,
    )
    assert problems == []
    assert bank.questions["c1"].shuffle is True  # type: ignore[attr-defined]
    assert bank.questions["c2"].shuffle is False  # type: ignore[attr-defined]


SETTINGS = """
sources:
  seed.txt: {title: 《复习重点》}
synonyms:
  - [顾客, 客户]
  - [便利, 方便]
"""


def test_settings_file_gives_source_titles_and_synonyms(tmp_path: Path) -> None:
    bank, problems = load(tmp_path, "- {id: t1, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。, ref: 第三章}", settings=SETTINGS)
    assert problems == []
    assert bank.sources["seed.txt"].cite(bank.questions["t1"].ref) == "《复习重点》第三章"
    assert bank.synonyms == (("顾客", "客户"), ("便利", "方便"))
    assert "bank.yaml" not in [path.name for path in bank.files]  # not a chapter


def test_a_word_belongs_to_one_synonym_group(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "- {id: t1, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。}", settings=SETTINGS + "  - [客户, 用户]\n")
    assert problems == ["bank.yaml:7: 错误: “客户”已经在第 5 行的同义词组里了；一个词只能属于一组"]


def test_a_cited_source_without_a_title_is_a_warning(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "- {id: t1, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。, source: other.txt}", settings=SETTINGS)
    assert problems == ["ch.yaml:4: 警告: 题目“t1”的出处“other.txt”在 bank.yaml 里没有标题"]


def test_files_are_found_whatever_the_case_of_their_suffix(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.YAML", "c.yml", "bank.yaml", "notes.txt"):
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    found = discover_files([tmp_path])
    assert [path.name for path in found.chapters] == ["a.yaml", "b.YAML", "c.yml"]
    assert [path.name for path in found.settings] == ["bank.yaml"]


def test_papers_leave_out_excluded_tags(tmp_path: Path) -> None:
    questions = "\n".join(
        f"- {{id: t{index}, type: truefalse, prompt: 第{index}题, answer: true, explanation: 解释。{', tags: [拓展]' if index % 2 else ''}}}"
        for index in range(10)
    )
    paper = "id: p\ntitle: 卷\nminutes: 10\nexclude_tags: [拓展]\nsections:\n  - {title: 判断, type: truefalse, count: 5, points: 2}\n"
    bank, problems = load(tmp_path, questions, paper=paper)
    assert problems == []
    for seed in range(5):
        drawn = draw_paper(bank.papers["p"], bank, seed)
        assert sorted(item.question.id for item in drawn.questions) == ["t0", "t2", "t4", "t6", "t8"]
    # Six eligible questions are needed for six: the tagged ones do not count.
    _, problems = load(tmp_path, questions, paper=paper.replace("count: 5", "count: 6"))
    assert len(problems) == 1 and "要 6 道判断题，题库里只有 5 道" in problems[0]


def test_a_formula_that_cannot_be_drawn_is_skipped_in_practice(tmp_path: Path) -> None:
    from revise.bank.formula import parse_formula
    from revise.bank.model import Location, NumericQuestion, Param
    from revise.bank.params import UndrawableError, draw_params

    question = NumericQuestion(id="n", prompt="{a}", location=Location(tmp_path, 1), formula=parse_formula("1 / (a - a)"), params=(Param("a", 1, 3),))
    try:
        draw_params(question, random.Random(1))
    except UndrawableError as error:
        assert '"n"' in str(error)
    else:
        raise AssertionError("an undrawable question must raise UndrawableError")


def test_option_order_is_a_permutation_and_respects_shuffle_false(tmp_path: Path) -> None:
    from revise.bank.shuffle import bank_to_shown, option_order, shown_letters, shown_to_bank

    bank, _ = load(
        tmp_path,
        """
        - {id: c1, type: choice, prompt: 选。, options: [甲, 乙, 丙, 丁], answer: A, explanation: 解释。}
        - {id: c2, type: choice, prompt: 选。, options: [很满意, 满意, 一般, 不满意], answer: B, shuffle: false, explanation: 解释。}
        """,
    )
    orders = {option_order(bank.questions["c1"], random.Random(seed)) for seed in range(40)}
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len(orders) > 10  # really shuffled
    # Where the key lands is spread over every position.
    assert {order.index(0) for order in orders} == {0, 1, 2, 3}
    assert {option_order(bank.questions["c2"], random.Random(seed)) for seed in range(10)} == {(0, 1, 2, 3)}
    order = (2, 0, 3, 1)
    assert shown_to_bank(order, {0, 3}) == {2, 1}
    assert bank_to_shown(order, {2, 1}) == {0, 3}
    assert shown_letters(order, frozenset({0})) == "B"


def test_citations_use_titles_and_never_file_names(tmp_path: Path) -> None:
    bank, _ = load(
        tmp_path,
        """
        - {id: t1, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。, ref: 第三章}
        - {id: t2, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。, source: unknown.txt, ref: P12}
        - {id: t3, type: truefalse, prompt: 对吗, answer: true, explanation: 解释。, source: unknown.txt}
        """,
        settings=SETTINGS,
    )
    assert bank.citation(bank.questions["t1"]) == "《复习重点》第三章"
    assert bank.citation(bank.questions["t2"]) == "P12"
    assert bank.citation(bank.questions["t3"]) == ""
