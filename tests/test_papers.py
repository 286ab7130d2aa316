"""Paper blueprints: validation errors, chapter weights and reproducible drawing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.papers import allocate, draw_paper
from revise.paths import shipped_bank

PAPER = """\
id: mini
title: 小测
minutes: 10
sections:
  - {title: 一、填空题, type: fill, count: 1, points: 2}
  - {title: 二、判断并改错题, type: judge, count: 2, points: 3}
  - {title: 三、计算题, type: numeric, count: 2, points: 5}
"""


@pytest.fixture
def bank_with_paper(tmp_path: Path, fixture_bank_path: Path) -> Path:
    """A copy of the fixture bank with a `papers/` folder."""
    bank = tmp_path / "bank"
    shutil.copytree(fixture_bank_path, bank)
    (bank / "papers").mkdir()
    return bank


def write_paper(bank: Path, text: str, name: str = "mini.yaml") -> Path:
    """Write a blueprint into the bank's papers folder."""
    path = bank / "papers" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_paper_loads(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER)
    result = load_bank([bank_with_paper])
    assert result.problems == []
    paper = result.bank.papers["mini"]
    assert paper.minutes == 10 and paper.total_points == 18 and paper.question_count == 5


def test_shortfall_is_named(bank_with_paper: Path) -> None:
    path = write_paper(bank_with_paper, PAPER.replace("type: judge, count: 2", "type: judge, count: 5"))
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f'{path}:1: error: paper "mini" asks for 5 judge questions (判断并改错题) but the bank has 2: 3 short']


def test_shortfall_adds_sections_of_the_same_type(bank_with_paper: Path) -> None:
    path = write_paper(bank_with_paper, PAPER + "  - {title: 四、再来填空, type: fill, count: 1, points: 1}\n")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f'{path}:1: error: paper "mini" asks for 2 fill questions (填空题) but the bank has 1: 1 short']


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("type: fill", "type: blank"), 5, 'unknown question type "blank"'),
        (("count: 1", "count: 0"), 5, '"count" must be a whole number of at least 1'),
        (("points: 2", "points: -1"), 5, '"points" must be greater than 0'),
        (("minutes: 10", "minutes: 0"), 3, '"minutes" must be a whole number greater than 0'),
        (("title: 小测\n", "titel: 小测\n"), 2, 'unknown key "titel" in a paper (did you mean "title"?)'),
    ],
)
def test_blueprint_errors(bank_with_paper: Path, change: tuple[str, str], line: int, message: str) -> None:
    path = write_paper(bank_with_paper, PAPER.replace(*change, 1))
    errors = [str(p) for p in load_bank([bank_with_paper]).errors]
    assert f"{path}:{line}: error: {message}" in errors


def test_unknown_chapter_weight(bank_with_paper: Path) -> None:
    path = write_paper(bank_with_paper, PAPER + "chapters: {营销理轮: 2}\n")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f'{path}:1: error: paper "mini" weights unknown chapter "营销理轮" (did you mean "营销理论"?)']


def test_duplicate_paper_id(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER, "a.yaml")
    second = write_paper(bank_with_paper, PAPER, "b.yaml")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f'{second}:1: error: duplicate paper id "mini" (first defined at {bank_with_paper}/papers/a.yaml:1)']


def test_same_seed_same_paper_and_numbers(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER)
    bank = load_bank([bank_with_paper]).bank
    first = draw_paper(bank.papers["mini"], bank, seed=42)
    again = draw_paper(bank.papers["mini"], bank, seed=42)
    assert [(q.question.id, q.params, q.prompt) for q in first.questions] == [(q.question.id, q.params, q.prompt) for q in again.questions]
    assert [q.number for q in first.questions] == [1, 2, 3, 4, 5]
    numeric = [q for q in first.questions if q.question.type == "numeric"]
    assert numeric and all(q.params for q in numeric if q.question.id != "val-fixed")
    assert all("{" not in q.prompt for q in numeric)


def test_different_seeds_vary(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER)
    bank = load_bank([bank_with_paper]).bank
    shown = {tuple(sorted(str(q.params) for q in draw_paper(bank.papers["mini"], bank, seed).questions)) for seed in range(20)}
    assert len(shown) > 1


def test_draw_never_repeats_and_matches_blueprint(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER)
    bank = load_bank([bank_with_paper]).bank
    drawn = draw_paper(bank.papers["mini"], bank, seed=3)
    ids = [q.question.id for q in drawn.questions]
    assert len(ids) == len(set(ids))
    assert [q.question.type for q in drawn.questions] == ["fill", "judge", "judge", "numeric", "numeric"]
    assert [q.points for q in drawn.questions] == [2, 3, 3, 5, 5]


def test_allocate_follows_weights_and_availability() -> None:
    assert allocate(10, {"a": 3, "b": 1, "c": 1}, {"a": 100, "b": 100, "c": 100}) == {"a": 6, "b": 2, "c": 2}
    assert allocate(10, {"a": 1, "b": 1}, {"a": 2, "b": 100}) == {"a": 2, "b": 8}
    assert allocate(3, {"a": 1, "b": 0}, {"a": 1, "b": 5}) == {"a": 1, "b": 0}
    assert sum(allocate(7, {"a": 1, "b": 1, "c": 1}, {"a": 5, "b": 5, "c": 5}).values()) == 7


def test_weighted_paper_spreads_by_chapter(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER.replace("count: 2, points: 5", "count: 3, points: 5") + "chapters: {客户价值与满意: 1}\n")
    bank = load_bank([bank_with_paper]).bank
    drawn = draw_paper(bank.papers["mini"], bank, seed=1)
    numeric = [q for q in drawn.questions if q.question.type == "numeric"]
    assert {q.question.chapter for q in numeric} == {"客户价值与满意"}


def test_shipped_papers_draw_full(tmp_path: Path) -> None:
    result = load_bank([shipped_bank()])
    assert {"final-standard", "quick-20"} <= set(result.bank.papers)
    standard = result.bank.papers["final-standard"]
    assert standard.total_points == 100 and standard.minutes == 90
    assert result.bank.papers["quick-20"].minutes == 20
    drawn = draw_paper(standard, result.bank, seed=2026)
    assert len(drawn.questions) == standard.question_count
