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
    assert problems == [f"{path}:1: 错误: 试卷“mini”要 5 道判断并改错题，题库里只有 2 道，还差 3 道"]


def test_shortfall_adds_sections_of_the_same_type(bank_with_paper: Path) -> None:
    path = write_paper(bank_with_paper, PAPER + "  - {title: 四、再来填空, type: fill, count: 1, points: 1}\n")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f"{path}:1: 错误: 试卷“mini”要 2 道填空题，题库里只有 1 道，还差 1 道"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("type: fill", "type: blank"), 5, "没有“blank”这种题型"),
        (("count: 1", "count: 0"), 5, "“count”应该是 1 到 200 之间的整数"),
        (("points: 2", "points: -1"), 5, "“points”应该大于 0、不超过 100"),
        (("minutes: 10", "minutes: 0"), 3, "“minutes”应该是 1 到 600 之间的整数"),
        (("minutes: 10", "minutes: 10000000000"), 3, "“minutes”应该是 1 到 600 之间的整数"),
        (("count: 1", "count: 1000000"), 5, "“count”应该是 1 到 200 之间的整数"),
        (("title: 小测\n", "titel: 小测\n"), 2, "试卷没有“titel”这个字段（是不是“title”？）"),
        (("type: fill, count: 1, points: 2", "type: fill, kind: 论文, count: 1, points: 2"), 5, "“kind”只能是名词解释、案例分析，不能是“论文”"),
    ],
)
def test_blueprint_errors(bank_with_paper: Path, change: tuple[str, str], line: int, message: str) -> None:
    path = write_paper(bank_with_paper, PAPER.replace(*change, 1))
    errors = [str(p) for p in load_bank([bank_with_paper]).errors]
    assert f"{path}:{line}: 错误: {message}" in errors


def test_unknown_chapter_weight(bank_with_paper: Path) -> None:
    path = write_paper(bank_with_paper, PAPER + "chapters: {营销理轮: 2}\n")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f"{path}:1: 错误: 试卷“mini”给不存在的章节“营销理轮”设了权重（是不是“营销理论”？）"]


def test_duplicate_paper_id(bank_with_paper: Path) -> None:
    write_paper(bank_with_paper, PAPER, "a.yaml")
    second = write_paper(bank_with_paper, PAPER, "b.yaml")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert problems == [f"{second}:1: 错误: 试卷 id“mini”重复了（第一次出现在 {bank_with_paper}/papers/a.yaml:1）"]


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


def test_sections_of_a_kind_draw_only_that_kind(bank_with_paper: Path) -> None:
    extra = bank_with_paper / "terms.yaml"
    extra.write_text(
        "chapter: 术语\nsource: s\nquestions:\n"
        + "".join(
            f"  - {{id: term{i}, type: short, kind: 名词解释, prompt: 解释术语{i}。, answer: 术语{i}的含义。, keypoints: [含义{i}], explanation: 因为如此}}\n"
            for i in range(3)
        )
        + "".join(
            f"  - {{id: plain{i}, type: short, prompt: 简述要点{i}。, answer: 要点{i}。, keypoints: [要点{i}], explanation: 因为如此}}\n" for i in range(3)
        ),
        encoding="utf-8",
    )
    write_paper(
        bank_with_paper,
        "id: terms\ntitle: 名词\nminutes: 10\nsections:\n"
        "  - {title: 一、名词解释, type: short, kind: 名词解释, count: 3, points: 5}\n"
        "  - {title: 二、简答题, type: short, count: 2, points: 5}\n",
    )
    result = load_bank([bank_with_paper])
    assert result.problems == []
    drawn = draw_paper(result.bank.papers["terms"], result.bank, 7)
    assert {q.question.id for q in drawn.section_questions(0)} == {"term0", "term1", "term2"}
    assert all(not q.question.id.startswith("term") for q in drawn.section_questions(1))
    # Four 名词解释 are asked for and three exist: the shortfall names the kind.
    path = write_paper(bank_with_paper, "id: terms\ntitle: 名词\nminutes: 10\nsections:\n  - {title: 一, type: short, kind: 名词解释, count: 4, points: 5}\n")
    problems = [str(p) for p in load_bank([bank_with_paper]).problems]
    assert f"{path}:1: 错误: 试卷“terms”要 4 道简答题（名词解释），题库里只有 3 道，还差 1 道" in problems
