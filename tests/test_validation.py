"""Every validation rule of the bank format, each asserting its message and its line."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.yaml_source import MAX_FILE_BYTES

HEADER = "chapter: 测试\nsource: seed.txt\n"


def problems_in(tmp_path: Path, text: str, name: str = "ch.yaml") -> list[str]:
    """Problems found in one file, as `name:line: severity: message` without the directory."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_bank([path])
    return [str(p).replace(f"{tmp_path}/", "") for p in result.problems]


def errors_in(tmp_path: Path, text: str) -> list[str]:
    """Only the error lines."""
    return [p for p in problems_in(tmp_path, text) if ": 错误: " in p]


def question(body: str, *, concept: bool = False) -> str:
    """A chapter file whose only question is `body` (starting at line 4, or line 8 with a concept)."""
    concepts = "concepts:\n  - id: c1\n    name: 概念\n    members: [甲, 乙]\n" if concept else ""
    return HEADER + concepts + "questions:\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n"


def test_fixture_bank_is_clean(fixture_bank) -> None:
    types = {q.type for q in fixture_bank.questions.values()}
    assert types == {"fill", "choice", "multi", "truefalse", "judge", "short", "essay", "numeric"}


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = HEADER + "questions:\n  - id: q1\n    prompt: [unclosed\n    type: truefalse\n"
    [problem] = problems_in(tmp_path, text)
    assert problem == "ch.yaml:6: 错误: YAML 语法错误（第 9 列）：did not find expected ',' or ']'"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("chapter: 测试\n".encode() + "questions: 客户\n".encode("gbk"))
    [problem] = [str(p) for p in load_bank([path]).problems]
    assert (
        problem
        == f"{path}:2: 错误: 文件是 GBK（ANSI）编码，不是 UTF-8；请另存为 UTF-8：记事本选“另存为 → 编码：UTF-8”，VS Code 点右下角编码选“通过编码保存 → UTF-8”"
    )


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + "chapter: 测试\n".encode())
    result = load_bank([path])
    assert result.errors == [] and result.bank.chapters[0].title == "测试"


def test_file_over_5_mb(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    [problem] = [str(p) for p in load_bank([path]).problems]
    assert problem == f"{path}: 错误: 文件有 5.0 MB，超过了 5 MB 的上限；请把它拆成几个章节文件"


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("chapter: *i")
    started = time.perf_counter()
    problems = problems_in(tmp_path, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started
    [problem] = problems
    assert problem.startswith("ch.yaml:1: 错误: YAML 别名（&/*）用得太多：展开后会有 ")
    assert problem.endswith(" 个值，拒绝载入")
    assert elapsed < 5  # generous: the refusal must not expand the document


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    problems = problems_in(tmp_path, "chapter: 测试\nloop: &a [*a]\n")
    assert problems == ["ch.yaml:1: 错误: YAML 嵌套太深，或者某个别名（*）引用了它自己"]


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"chapter: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = problems_in(tmp_path, text)
    assert not marker.exists()
    assert problems and problems[0].startswith("ch.yaml:1: 错误:")


def test_missing_required_field(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  answer: true\n")) == ["ch.yaml:4: 错误: 判断题缺少必填字段“prompt”"]


def test_missing_chapter_title(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "order: 1\nquestions: []\n") == ["ch.yaml:1: 错误: 章节文件缺少必填字段“chapter”"]


def test_missing_type(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  prompt: 题目\n")) == ["ch.yaml:4: 错误: 题目缺少必填字段“type”"]


def test_wrong_field_type(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  answer: 也许\n")) == [
        "ch.yaml:7: 错误: “answer”应该是 true 或 false，而不是“也许”"
    ]
    assert errors_in(tmp_path, question("- id: q1\n  type: choice\n  prompt: [题目]\n  options: [甲, 乙]\n  answer: A\n")) == [
        "ch.yaml:6: 错误: “prompt”应该是文字，而不是列表"
    ]


def test_unknown_type_with_suggestion(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: multiple\n  prompt: 题目\n")) == ["ch.yaml:5: 错误: 没有“multiple”这种题型（是不是“multi”？）"]


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  anwser: true\n"))
    assert errors == [
        "ch.yaml:4: 错误: 判断题缺少必填字段“answer”",
        "ch.yaml:7: 错误: 判断题没有“anwser”这个字段（是不是“answer”？）",
    ]


def test_key_of_another_type_is_named(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  answer: true\n  options: [甲, 乙]\n"))
    assert errors == ["ch.yaml:8: 错误: “options”不是判断题的字段，它属于单项选择题、多项选择题"]


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "chapter: 测试\nquestoins: []\n") == ["ch.yaml:2: 错误: 章节文件没有“questoins”这个字段（是不是“questions”？）"]


def test_duplicate_question_id_names_both_places(tmp_path: Path) -> None:
    body = "- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n  explanation: 因为\n"
    (tmp_path / "a.yaml").write_text(question(body), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(question(body), encoding="utf-8")
    problems = [str(p) for p in load_bank([tmp_path]).problems]
    assert problems == [f"{tmp_path}/b.yaml:4: 错误: 题目 id“q1”重复了（第一次出现在 {tmp_path}/a.yaml:4）"]


def test_duplicate_concept_id(tmp_path: Path) -> None:
    text = "chapter: 测试\nconcepts:\n  - {id: c1, name: 甲}\n  - {id: c1, name: 乙}\n"
    errors = errors_in(tmp_path, text)
    assert errors == ["ch.yaml:4: 错误: 概念 id“c1”重复了（第一次出现在 ch.yaml:3）"]


def test_invalid_concept_id(tmp_path: Path) -> None:
    assert errors_in(tmp_path, "chapter: 测试\nconcepts:\n  - {id: Bad_Id, name: 甲}\n") == [
        "ch.yaml:3: 错误: 概念 id“Bad_Id”不合规则：只能用小写字母、数字和“-”，并以字母或数字开头"
    ]


def test_unknown_concept_reference(tmp_path: Path) -> None:
    body = "- id: q1\n  type: truefalse\n  concept: c2\n  prompt: 甲\n  answer: true\n  explanation: 因为\n"
    assert errors_in(tmp_path, question(body, concept=True)) == ["ch.yaml:8: 错误: 题目“q1”指向不存在的概念“c2”"]


def test_unknown_confusable_reference(tmp_path: Path) -> None:
    text = "chapter: 测试\nconcepts:\n  - {id: loyalty-types, name: 甲}\n  - {id: c2, name: 乙, confusable: [loyalty-type]}\n"
    assert errors_in(tmp_path, text) == ["ch.yaml:4: 错误: 概念“c2”的 confusable 里有不存在的概念“loyalty-type”（是不是“loyalty-types”？）"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("E", "答案“E”超出了范围：只有 3 个选项（A-C）"),
        ("AB", "单项选择题只有一个答案字母；有几个正确答案时请用 type: multi（多项选择题）"),
    ],
)
def test_choice_answer_letter(tmp_path: Path, answer: str, message: str) -> None:
    body = f"- id: q1\n  type: choice\n  prompt: 题目\n  options: [甲, 乙, 丙]\n  answer: {answer}\n"
    assert errors_in(tmp_path, question(body)) == [f"ch.yaml:8: 错误: {message}"]


def test_multi_answer_out_of_range(tmp_path: Path) -> None:
    body = "- id: q1\n  type: multi\n  prompt: 题目\n  options: [甲, 乙, 丙]\n  answer: ACD\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:8: 错误: 答案“D”超出了范围：只有 3 个选项（A-C）"]


def test_too_many_options(tmp_path: Path) -> None:
    body = "- id: q1\n  type: choice\n  prompt: 题目\n  options: [a, b, c, d, e, f, g, h, i]\n  answer: A\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: 错误: 选择题要有 2 到 8 个选项，这里有 9 个"]


def test_duplicated_options(tmp_path: Path) -> None:
    body = "- id: q1\n  type: choice\n  prompt: 题目\n  options:\n    - 价格\n    - 产品\n    - 价格\n  answer: A\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:10: 错误: 选项 C“价格”和选项 A 重复了"]


def test_fill_blank_count_differs(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: 4P是____、____和____。\n  answer: [产品, 价格]\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: 错误: prompt has 3 blanks but there are 2 answers"]


def test_fill_without_blank(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: 4P是什么\n  answer: 产品\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:6: 错误: 填空题的题干里没有空；每个空写成 ____（两个以上下划线）"]


def test_fill_accept_with_several_blanks(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: ____和____\n  answer: [甲, 乙]\n  accept: [丙]\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:8: 错误: “accept”只用于只有一个空的填空题；多个空时，请把其他写法写进每个空的答案列表里"]


def test_judge_false_without_correction(tmp_path: Path) -> None:
    body = "- id: q1\n  type: judge\n  prompt: 第三代呼叫中心是多媒体呼叫中心。\n  answer: false\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: 错误: 判断并改错题的答案是 false（错），但没有给出“correction”（改正）"]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__('os').system('true')", "公式里不能用函数“__import__('os').system”（只能用 min、max、round、abs）"),
        ("a.real * 2", "公式里不能有 'a.real'"),
        ("a if a else 1", "公式里不能有 'a if a else 1'"),
        ("a % 2", "公式里不能用运算符 '%'（可用 + - * / ** 和括号）"),
        ("'x' * a", "公式里只能有数字，不能有 'x'"),
        ("a +", "公式不是合法的算式：invalid syntax"),
        ("max(a, key=abs)", "公式里的函数不能带关键字参数"),
        ("a ** 1000", "公式在 a=1 时无法计算：指数 1000 太大"),
        ("a / (a - a)", "公式在 a=1 时无法计算：算不出“a / (a - a)”的值（除以零）"),
    ],
)
def test_formula_outside_whitelist(tmp_path: Path, formula: str, message: str) -> None:
    body = f'- id: q1\n  type: numeric\n  prompt: 数为{{a}}\n  params: {{a: [1, 5]}}\n  formula: "{formula}"\n'
    errors = errors_in(tmp_path, question(body))
    # A formula that does not parse is reported at its own line; one that fails for some values, at its question.
    line = 4 if message.startswith("公式在") else 8
    assert errors == [f"ch.yaml:{line}: 错误: {message}"]


def test_formula_undeclared_param(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 收入{revenue}\n  params: {revenue: [1, 5]}\n  formula: revenue - cost\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:8: 错误: 公式用了没有声明的参数“cost”"]


def test_prompt_placeholder_without_param(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 收入{revenue}成本{cost}\n  params: {revenue: [1, 5]}\n  formula: revenue * 2\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:6: 错误: 题干里有 {cost}，但没有参数“cost”"]


def test_numeric_needs_answer_or_formula(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 多少\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:4: 错误: 计算题要有“answer”或“formula”，而且只能有其中一个"]


def test_bad_tolerance(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 多少\n  answer: 3\n  tolerance: about\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:8: 错误: 误差“about”应该是数字，或者像“1%”这样的百分比"]


def test_warning_no_explanation(tmp_path: Path) -> None:
    problems = problems_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n"))
    assert problems == ["ch.yaml:4: 警告: 题目“q1”没有解析（explanation）"]


def test_warning_no_source(tmp_path: Path) -> None:
    text = "chapter: 测试\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: 甲\n    answer: true\n    explanation: 因为\n"
    assert problems_in(tmp_path, text) == ["ch.yaml:3: 警告: 题目“q1”没有出处（source），所在章节也没有给出"]


def test_warning_concept_without_questions(tmp_path: Path) -> None:
    text = "chapter: 测试\nsource: s.txt\nconcepts:\n  - id: lonely\n    name: 孤\n"
    assert problems_in(tmp_path, text) == ["ch.yaml:4: 警告: 概念“lonely”还没有题目指向它"]


def test_warning_empty_file(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "# nothing yet\n") == ["ch.yaml: 警告: 文件是空的"]


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert [str(p) for p in load_bank([missing]).problems] == [f"{missing}: 错误: 找不到这个文件或文件夹"]


def test_directory_is_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(question("- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n  explanation: 因\n"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(question("- id: q2\n  type: truefalse\n  prompt: 乙\n  answer: false\n  explanation: 因\n"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not yaml")
    result = load_bank([tmp_path])
    assert result.problems == []
    assert sorted(result.bank.questions) == ["q1", "q2"]


def test_parsed_values(fixture_bank) -> None:
    fill = fixture_bank.questions["mkt-4p-list"]
    assert fill.blanks[2] == ("地点", "渠道", "place") and fill.any_order is True
    choice = fixture_bank.questions["mkt-4c-odd"]
    assert choice.answer == 2 and choice.options[2] == "促销"
    assert fixture_bank.questions["mkt-4p-multi"].answer == frozenset({0, 2, 4})
    judge = fixture_bank.questions["mkt-4c-judge"]
    assert judge.answer is False and judge.corrections == ("沟通", "communication")
    stock = fixture_bank.questions["val-stock"]
    assert stock.expected({"last": 10, "inbound": 10, "now": 30}) == 0
    assert stock.expected({"last": 20, "inbound": 30, "now": 10}) == 50
    assert stock.accept == {0.0: ("不进货",)}
    assert fixture_bank.questions["val-fixed"].expected() == 20
    assert fixture_bank.questions["mkt-4p-tf"].source == "000_01d0379ea40b424b.txt"  # the chapter's default
    assert [c.title for c in fixture_bank.chapters] == ["营销理论", "客户价值与满意"]


@pytest.mark.parametrize(
    ("params", "formula", "message"),
    [
        # A failure deep inside the range, not at its smallest values: 100 / (b - 3) at b = 3.
        ("{b: [1, 5]}", "100 / (b - 3)", "公式在 b=3 时无法计算：算不出“100 / (b - 3)”的值（除以零）"),
        # Leaving the real numbers for half the range.
        ("{a: [1, 10]}", "(5 - a) ** 0.5", "公式在 a=6 时无法计算：-1 ** 0.5 不是实数"),
        ("{a: [1, 3]}", "(a - 5) ** 0.5", "公式在 a=1 时无法计算：-4 ** 0.5 不是实数"),
        # Ranges too large to mean anything, or to compute with.
        ("{a: [-1000000000000000000000000000000, 1000000000000000000000000000000]}", "a * 2", "参数“a”的范围有"),
        ("{a: [1, 2, 100000000000000000000]}", "a * 2", "参数“a”的值达到 1e+20；取值要在 ±1e+09 以内"),
    ],
)
def test_formula_checked_over_its_whole_parameter_space(tmp_path: Path, params: str, formula: str, message: str) -> None:
    shown = "".join(f"{{{name}}}" for name in ("a", "b") if f"{name}:" in params)
    body = f'- id: q1\n  type: numeric\n  prompt: 数为{shown}\n  params: {params}\n  formula: "{formula}"\n'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1 and message in errors[0], errors


def test_formula_over_many_combinations_is_sampled_and_still_catches_a_corner(tmp_path: Path) -> None:
    # 2001 × 2001 combinations: too many to try them all, but the corner a = b fails.
    body = '- id: q1\n  type: numeric\n  prompt: "{a} {b}"\n  params: {a: [0, 2000], b: [0, 2000]}\n  formula: "1 / (a - b + 2000)"\n'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1 and "公式在 a=0, b=2000" in errors[0], errors


def test_a_file_of_millions_of_tiny_values_is_refused_before_it_is_composed(tmp_path: Path) -> None:
    path = tmp_path / "ch.yaml"
    path.write_text("chapter: x\nquestions: [" + ",".join(["1"] * 400_000) + "]\n", encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_bank([path]).problems]
    assert problems == ["ch.yaml: 错误: 文件里的 YAML 值超过 300,000 个；请拆成几个章节文件，或确认它是题库文件"]


def test_problems_per_file_stop_at_a_hundred_with_a_count_of_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "ch.yaml"
    path.write_text("chapter: x\nquestions: [" + ",".join(["1"] * 250) + "]\n", encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_bank([path]).problems]
    assert len(problems) == 101
    assert problems[0] == "ch.yaml: 错误: 这个文件还有 150 个问题没有列出；请先改正上面这些"
    assert problems[1] == "ch.yaml:2: 错误: 题目应该是一组字段（键: 值），而不是1"


def test_many_unknown_confusables_are_reported_with_hints(tmp_path: Path) -> None:
    # Each concept names a misspelt neighbour: every one is reported, each with the right hint.
    lines = ["chapter: x", "source: s", "concepts:"]
    lines += [f"  - {{id: concept-{i}, name: 概念{i}, confusable: [concpt-{(i + 1) % 500}]}}" for i in range(500)]
    path = tmp_path / "ch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = [p.message for p in load_bank([path]).errors]
    assert len(errors) == 500
    assert "概念“concept-7”的 confusable 里有不存在的概念“concpt-8”（是不是“concept-8”？）" in errors


def test_oversized_text_fields_are_refused(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- {id: q1, type: truefalse, prompt: " + "很长" * 3000 + ", answer: true}"))
    assert errors == ["ch.yaml:4: 错误: “prompt”有 6,000 个字，超过了 5,000 字的上限"]


def test_terminal_escapes_in_bank_text_are_shown_not_obeyed(tmp_path: Path) -> None:
    # An unknown key that clears the screen and renames the terminal title.
    body = '- {id: q1, type: truefalse, prompt: 对吗, answer: true, "\\e[2J\\e]0;pwned\\a": 1}'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1
    assert "\x1b" not in errors[0] and "\x07" not in errors[0]
    assert "判断题没有“␛[2J␛]0;pwned␇”这个字段" in errors[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A full-width colon after a key name: libyaml would blame a later line.
        (
            HEADER + "questions:\n  - id: q1\n    type：truefalse\n    prompt: 对吗\n",
            "ch.yaml:5: 错误: “type”后面用了中文冒号“：”；字段名后要用英文冒号加一个空格，例如“type: ”",
        ),
        # Full-width spaces as indentation.
        (
            HEADER + "questions:\n  - id: q1\n\u3000\u3000type: truefalse\n",
            "ch.yaml:5: 错误: 行首用了全角空格缩进；YAML 只认半角空格，请把全角空格换成半角空格",
        ),
        # `-id:` without a space.
        (HEADER + "questions:\n  -id: q1\n    type: truefalse\n", "ch.yaml:4: 错误: “-id:”里的“-”后面少了一个空格；列表的每一项要写成“- id: …”"),
        # Chinese quotes used as YAML quotes around text with an ASCII colon.
        (
            HEADER + "questions:\n  - id: q1\n    prompt: “注意: 这是题干”\n    type: truefalse\n",
            "ch.yaml:5: 错误: 中文引号“”不能当 YAML 的引号用；要给含英文冒号的文字加引号，请用英文引号 \"…\" 或 '…'",
        ),
        # An ASCII `: ` inside unquoted Chinese text.
        (
            HEADER + "questions:\n  - id: q1\n    prompt: 注意: 这是题干\n    type: truefalse\n",
            "ch.yaml:5: 错误: 这行文字里有英文冒号加空格“: ”，YAML 会把它当成字段分隔；请给整段文字加英文引号，或改用中文冒号“：”",
        ),
    ],
)
def test_typing_slips_are_explained_on_their_own_line(tmp_path: Path, text: str, expected: str) -> None:
    # The slip comes first at its line; what it breaks further down may be reported too.
    problems = problems_in(tmp_path, text)
    assert expected in problems
    assert problems[0] == expected or problems[0].split(":")[1] < expected.split(":")[1]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("乙", "答案要写选项字母，不是选项内容：“乙”是选项 B，请写成 answer: B"),
        ("B.", None),
        ("Ｂ", None),
        ("“B”", None),
        ("B或C", "答案“B或C”里有不是选项字母的字符；答案只写选项字母，例如 B 或 ACD"),
    ],
)
def test_choice_answers_in_the_forms_teachers_write(tmp_path: Path, answer: str, message: str | None) -> None:
    body = f"- id: q1\n  type: choice\n  prompt: 题目\n  options: [甲, 乙, 丙]\n  answer: {answer}\n  explanation: 因为\n"
    result = load_bank([write(tmp_path, question(body))])
    if message is None:
        assert result.errors == [] and result.bank.questions["q1"].answer == 1  # type: ignore[attr-defined]
    else:
        assert [str(p).replace(f"{tmp_path}/", "") for p in result.errors] == [f"ch.yaml:8: 错误: {message}"]


def test_options_with_their_own_letters_are_refused(tmp_path: Path) -> None:
    body = "- id: q1\n  type: choice\n  prompt: 题目\n  options: [A. 甲, B. 乙, C. 丙]\n  answer: B\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: 错误: 选项不要自带“A.”“B.”这样的前缀，系统会自动加上字母；请删掉每个选项前面的字母和点"]


def test_unit_in_ime_quotes_is_read_with_a_warning(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 多少钱\n  answer: 5\n  unit: “元”\n  explanation: 因为\n"
    result = load_bank([write(tmp_path, question(body))])
    assert [str(p).replace(f"{tmp_path}/", "") for p in result.problems] == ["ch.yaml:8: 警告: 单位不用加引号：请写成 unit: 元"]
    assert result.bank.questions["q1"].unit == "元"  # type: ignore[attr-defined]


def write(tmp_path: Path, text: str, name: str = "ch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    # No chapter title, a bad question, and a duplicate id whose first copy is the bad one.
    text = (
        "source: s\nquestions:\n"
        "  - {id: q1, type: choice, prompt: 题, options: [甲, 乙], answer: E, explanation: 因为}\n"
        "  - {id: q1, type: truefalse, prompt: 题, answer: true, explanation: 因为}\n"
    )
    problems = problems_in(tmp_path, text)
    assert problems == [
        "ch.yaml:1: 错误: 章节文件缺少必填字段“chapter”",
        "ch.yaml:3: 错误: 答案“E”超出了范围：只有 2 个选项（A-B）",
    ]
    # With a title, the duplicate is reported too, though its first copy is unusable.
    problems = problems_in(tmp_path, "chapter: 测试\n" + text)
    assert problems == [
        "ch.yaml:4: 错误: 答案“E”超出了范围：只有 2 个选项（A-B）",
        "ch.yaml:5: 错误: 题目 id“q1”重复了（第一次出现在 ch.yaml:4）",
    ]
