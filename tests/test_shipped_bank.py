"""The shipped bank: strictly valid, in the exam's mix of types, and every list drilled."""

from __future__ import annotations

from collections import Counter

import pytest

from revise.bank.loader import load_bank
from revise.bank.model import ChoiceQuestion, MultiQuestion
from revise.cli import main
from revise.paths import shipped_bank

MINIMUMS = {"fill": 150, "choice": 70, "multi": 50, "truefalse": 40, "judge": 40, "short": 40, "essay": 10, "numeric": 12}


@pytest.fixture(scope="module")
def shipped():
    """The shipped bank and its problems."""
    return load_bank([shipped_bank()])


def test_validate_strict_passes(capsys) -> None:
    assert main(["validate", "--strict"]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith("：0 个错误，0 个警告")


def test_no_problems_at_all(shipped) -> None:
    assert [str(p) for p in shipped.problems] == []


def test_type_minimums(shipped) -> None:
    counts = Counter(q.type for q in shipped.bank.questions.values())
    short_of = {t: (counts[t], n) for t, n in MINIMUMS.items() if counts[t] < n}
    assert short_of == {}
    assert len(shipped.bank.questions) >= 450


def test_chapters_follow_the_course(shipped) -> None:
    chapters = shipped.bank.chapters
    assert 8 <= len(chapters) <= 14
    assert all(chapter.order is not None for chapter in chapters)


def test_every_list_concept_has_two_questions(shipped) -> None:
    targets = Counter(q.concept for q in shipped.bank.questions.values() if q.concept)
    thin = [c.id for c in shipped.bank.concepts.values() if c.members and targets[c.id] < 2]
    assert thin == []


def test_every_question_cites_its_source_and_explains(shipped) -> None:
    seeds = {"000_01d0379ea40b424b.txt", "001_cb38aa2354773f15.txt", "002_c9e3104110a19de3.txt", "003_25f23d41768e22d1.txt", "004_cd9b388276d76a43.txt"}
    questions = shipped.bank.questions.values()
    assert {q.id for q in questions if q.source not in seeds} == set()
    assert {q.id for q in questions if not q.explanation or len(q.explanation) < 10} == set()


def test_no_all_of_the_above_options(shipped) -> None:
    lazy = ("以上都是", "以上都对", "以上都不是", "以上均是", "以上皆是", "all of the above")
    offenders = [
        q.id
        for q in shipped.bank.questions.values()
        if isinstance(q, (ChoiceQuestion, MultiQuestion)) and any(word in option for option in q.options for word in lazy)
    ]
    assert offenders == []


def test_bank_is_simplified_chinese_without_seed_noise(shipped) -> None:
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    noise = ("**", "realation", "乙个", "食物", "种子")
    for question in shipped.bank.questions.values():
        shown = " ".join([question.prompt, question.explanation or "", *getattr(question, "options", ())])
        assert to_simplified.convert(shown) == shown, question.id
        assert not any(word in shown for word in noise), question.id


# -- a bank that cannot be gamed (issue: shuffled options, balanced keys, no leaked answers) ----------


def test_single_choice_letters_are_close_to_uniform(shipped) -> None:
    # Exported unshuffled, the key's position must carry no signal: each of A-D within 18-32%.
    questions = [q for q in shipped.bank.questions.values() if isinstance(q, ChoiceQuestion) and len(q.options) >= 4]
    shares = {letter: sum(1 for q in questions if q.answer == index) / len(questions) for index, letter in enumerate("ABCD")}
    assert all(0.18 <= share <= 0.32 for share in shares.values()), shares


def test_single_choice_not_belonging_questions_do_not_favour_the_last_option(shipped) -> None:
    negative = [q for q in shipped.bank.questions.values() if isinstance(q, ChoiceQuestion) and ("不属于" in q.prompt or "不是" in q.prompt)]
    last = sum(1 for q in negative if q.answer == len(q.options) - 1)
    assert last <= 0.4 * len(negative), (last, len(negative))


def test_multiple_choice_answers_come_in_every_shape(shipped) -> None:
    questions = [q for q in shipped.bank.questions.values() if isinstance(q, MultiQuestion)]
    with_first = sum(1 for q in questions if 0 in q.answer)
    with_last = sum(1 for q in questions if len(q.options) - 1 in q.answer)
    first_k = sum(1 for q in questions if q.answer == frozenset(range(len(q.answer))))
    all_correct = sum(1 for q in questions if len(q.answer) == len(q.options))
    sizes = Counter(len(q.answer) for q in questions)
    assert with_first <= 0.75 * len(questions), with_first
    assert with_last <= 0.75 * len(questions), with_last
    assert first_k <= 0.25 * len(questions), first_k
    assert all_correct >= 3
    assert len(sizes) >= 3, sizes


def test_multiple_choice_is_at_least_as_common_as_single_choice(shipped) -> None:
    counts = Counter(q.type for q in shipped.bank.questions.values())
    assert counts["multi"] >= counts["choice"], counts


@pytest.mark.parametrize("qtype", ["judge", "truefalse"])
def test_true_and_false_are_balanced(shipped, qtype: str) -> None:
    questions = [q for q in shipped.bank.questions.values() if q.type == qtype]
    share = sum(1 for q in questions if q.answer) / len(questions)  # type: ignore[attr-defined]
    assert 0.40 <= share <= 0.60, share


def _fold(text: str) -> str:
    """Text as the grader compares it: Simplified, half-width, no spaces or punctuation."""
    import unicodedata

    import opencc

    simplified = opencc.OpenCC("t2s").convert(unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in simplified.lower() if ch.isalnum())


def test_no_fill_or_judge_answer_is_printed_in_its_own_question(shipped) -> None:
    from revise.bank.model import FillQuestion, JudgeQuestion

    leaks = []
    for question in shipped.bank.questions.values():
        shown = _fold(question.prompt + "".join(getattr(question, "options", ())))
        if isinstance(question, FillQuestion):
            keys = [blank[0] for blank in question.blanks]
        elif isinstance(question, JudgeQuestion) and not question.answer:
            keys = list(question.corrections[:1])
        else:
            continue
        leaks += [(question.id, key) for key in keys if len(_fold(key)) >= 2 and _fold(key) in shown]
    assert leaks == []


def test_every_source_has_a_readable_title(shipped) -> None:
    bank = shipped.bank
    assert {q.source for q in bank.questions.values()} <= set(bank.sources)
    assert all(not title.title.endswith(".txt") for title in bank.sources.values())


def test_the_exam_mix_is_there(shipped) -> None:
    questions = list(shipped.bank.questions.values())
    kinds = Counter(getattr(q, "kind", None) for q in questions)
    counts = Counter(q.type for q in questions)
    assert kinds["名词解释"] >= 10 and kinds["案例分析"] >= 5, kinds
    assert counts["match"] >= 15, counts
    assert counts["short"] >= 83 and counts["essay"] >= 25, counts
    assert len(questions) >= 672 + 150


def test_extension_material_stays_off_the_shipped_papers(shipped) -> None:
    from revise.bank.papers import draw_paper

    extension = {q.id for q in shipped.bank.questions.values() if "拓展" in q.tags}
    assert len(extension) >= 11
    for paper in shipped.bank.papers.values():
        for seed in range(5):
            assert not {item.question.id for item in draw_paper(paper, shipped.bank, seed).questions} & extension


def test_explanations_teach_free_text_key_points_carry_meaning(shipped) -> None:
    # A question that asks for explanation has key points with content (`says`), so naming terms is not enough.
    from revise.bank.model import ShortQuestion

    asks = ("简述", "论述", "说明", "分析", "为什么", "阐述")
    names_only = [
        q.id
        for q in shipped.bank.questions.values()
        if isinstance(q, ShortQuestion) and any(word in q.prompt for word in asks) and not any(point.says for point in q.keypoints)
    ]
    assert len(names_only) <= 0.1 * sum(1 for q in shipped.bank.questions.values() if isinstance(q, ShortQuestion)), names_only


@pytest.mark.slow
def test_the_ambiguity_lint_is_clean(shipped) -> None:
    """`revise validate --lint`: no other concept's answer accepted, every accept form accepted, every key point in its model answer."""
    from revise.grading.lint import lint_bank

    assert [str(problem) for problem in lint_bank(shipped.bank)] == []


@pytest.mark.parametrize(
    ("qid", "response"),
    [
        ("val-cdv-judge", "错，应为客户让渡价值"),  # the statement's own wrong term, spread around the key 客户价值
        ("val-cdv-judge", "错，客户交易价值"),
        ("sys-crm-types-list", "运营型、合作型、分析型"),  # 合作型 is not the course's term for 协作型
    ],
)
def test_another_terms_answer_is_refused(shipped, qid: str, response: str) -> None:
    from revise.grading import grade

    assert grade(shipped.bank.questions[qid], response, shipped.bank).verdict != "correct"
