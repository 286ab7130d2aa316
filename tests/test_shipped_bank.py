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
