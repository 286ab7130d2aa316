"""The statistics a student looks at, and the exam date: due ahead, the practice calendar, type mastery, time, exam trends, 考前冲刺."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.bank.drills import practice_questions
from revise.bank.model import Bank, Location, NumericQuestion, Question, TrueFalseQuestion
from revise.progress.forecast import (
    MAX_COUNTED_MS,
    days_until,
    due_ahead,
    due_per_day,
    exam_moment,
    exam_trends,
    heat_level,
    heatmap,
    heatmap_start,
    mastery_by_type,
    parse_exam_date,
    plan_days,
    practice_heatmap,
    sprint_for,
    sprint_ids,
    sprint_selection,
    time_costs,
)
from revise.progress.mastery import compute_mastery
from revise.progress.scheduling import LEARNING, REVIEW, CardState, retrievability_of
from revise.progress.store import Store

UTC8 = timezone(timedelta(hours=8))
# 10:00 on Wednesday 5 March 2025 in UTC+8.
NOW = datetime(2025, 3, 5, 2, 0, tzinfo=timezone.utc)
TODAY = date(2025, 3, 5)
HERE = Location(Path("01.yaml"), 1)


def local(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant on a local day of March 2025 in UTC+8."""
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC8)


# -- due ahead ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "day_index"),
    [
        (local(1, 9), 0),  # overdue for days: today's work
        (local(5, 9, 59), 0),
        (local(5, 23, 59), 0),  # due tonight counts this morning (the one "due today")
        (local(6, 0, 0), 1),  # local midnight starts tomorrow
        (local(11, 23, 59), 6),
        (local(12, 0, 0), None),  # beyond the week shown
        (None, None),
    ],
)
def test_due_per_day_puts_each_card_on_its_local_day(due: datetime | None, day_index: int | None) -> None:
    days = due_per_day([due], NOW, UTC8)
    assert [day for day, _ in days] == [TODAY + timedelta(days=offset) for offset in range(7)]
    assert [count for _, count in days] == [int(index == day_index) for index in range(7)]


def test_due_per_day_counts_and_length() -> None:
    due = [local(4), local(5, 12), local(6, 1), local(6, 2), local(8, 20)]
    assert [count for _, count in due_per_day(due, NOW, UTC8, days=4)] == [2, 2, 0, 1]


def test_due_ahead_today_agrees_with_masterys_due_today(fixture_bank: Bank, store: Store) -> None:
    for index, qid in enumerate(["mkt-4p-list", "mkt-4c-odd", "val-fixed", "gone"]):
        store.record_answer(question_id=qid, question_type="fill", response="", verdict="incorrect", score=0.0, at=NOW - timedelta(minutes=index))
    questions = practice_questions(fixture_bank)
    days = due_ahead(store, NOW, UTC8, only=questions)
    assert days[0][1] == compute_mastery(fixture_bank, store, now=NOW, tz=UTC8).bank.due_today == 3  # "gone" left the bank
    assert due_ahead(store, NOW, UTC8)[0][1] == 4


# -- the practice calendar ------------------------------------------------------------------------------------


def test_the_heatmap_is_week_columns_ending_with_this_week() -> None:
    counts = {TODAY: 5, date(2025, 3, 3): 2, date(2025, 2, 24): 1, date(2025, 1, 1): 9}
    heat = heatmap(counts, TODAY, weeks=2)
    assert heatmap_start(TODAY, 2) == date(2025, 2, 24)  # a Monday
    assert len(heat.weeks) == 2 and all(len(week) == 7 for week in heat.weeks)
    assert heat.weeks[0][0] == (date(2025, 2, 24), 1)
    assert heat.weeks[1][0] == (date(2025, 3, 3), 2)
    assert heat.weeks[1][2] == (TODAY, 5)
    assert heat.weeks[1][3:] == [None] * 4  # Thursday onwards has not happened yet
    assert (heat.total, heat.active_days, heat.busiest) == (8, 3, 5)  # 1 January is outside the calendar
    assert len(heat.days) == 10


@pytest.mark.parametrize(("count", "busiest", "level"), [(0, 10, 0), (1, 10, 1), (3, 10, 2), (5, 10, 2), (6, 10, 3), (10, 10, 4), (4, 0, 0)])
def test_heat_levels(count: int, busiest: int, level: int) -> None:
    assert heat_level(count, busiest) == level


def test_the_practice_heatmap_counts_the_stores_answers_per_local_day(store: Store) -> None:
    def answer(qid: str, at: datetime) -> int:
        return store.record_answer(question_id=qid, question_type="fill", response="", verdict="correct", score=1.0, at=at).review_id

    answer("a", local(4, 23, 30))
    answer("b", datetime(2025, 3, 4, 16, 30, tzinfo=timezone.utc))  # 00:30 on 5 March in UTC+8
    undone = answer("c", local(5, 9))
    store.undo_answer(undone, at=local(5, 9, 1))
    answer("d", local(5, 9, 30))
    heat = practice_heatmap(store, NOW, UTC8, weeks=1)
    assert heat.weeks[0][:3] == [(date(2025, 3, 3), 0), (date(2025, 3, 4), 1), (TODAY, 2)]


# -- mastery by type --------------------------------------------------------------------------------------


def _question(cls: type[Question], qid: str, chapter: str = "第一章", **fields: object) -> Question:
    return cls(id=qid, prompt=f"{qid}?", location=HERE, chapter=chapter, **fields)  # type: ignore[call-arg]


def test_mastery_by_type_is_the_mean_per_type_in_bank_order() -> None:
    questions = {
        "t1": _question(TrueFalseQuestion, "t1"),
        "t2": _question(TrueFalseQuestion, "t2"),
        "n1": _question(NumericQuestion, "n1", answer=1.0),
        "t3": _question(TrueFalseQuestion, "t3"),
    }
    rows = mastery_by_type({"t1": 0.95, "t2": 0.5, "n1": 0.2, "ghost": 1.0}, questions)
    assert [(r.type, r.label, r.questions, r.mastered) for r in rows] == [("truefalse", "判断题", 3, 1), ("numeric", "计算题", 1, 0)]
    assert rows[0].mastery == pytest.approx((0.95 + 0.5 + 0) / 3)
    assert rows[1].mastery == pytest.approx(0.2)


# -- time spent ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    id: int
    question_id: str
    duration_ms: int | None
    kind: str = "answer"
    params: dict[str, float] | None = None
    undone: bool = False


def test_time_costs_rank_by_total_time_and_leave_out_what_does_not_count() -> None:
    questions = {
        "slow": _question(TrueFalseQuestion, "slow"),
        "many": _question(TrueFalseQuestion, "many"),
        "calc": NumericQuestion(id="calc", prompt="上期库存{last}箱，进货{inbound}箱？", location=HERE, chapter="第二章", answer=1.0),
        "untimed": _question(TrueFalseQuestion, "untimed"),
    }
    rows = [
        Timed(1, "slow", 3 * 60_000),
        Timed(2, "many", 60_000),
        Timed(3, "many", 60_000),
        Timed(4, "many", 90_000),
        Timed(5, "calc", 60 * 60_000, params={"last": 10, "inbound": 12}),  # left open for an hour: counted as the cap
        Timed(6, "calc", 1000, params={"last": 20, "inbound": 30}),
        Timed(7, "slow", 20 * 60_000, undone=True),
        Timed(8, "slow", 20 * 60_000, kind="override"),
        Timed(9, "untimed", None),
        Timed(10, "gone", 30 * 60_000),
        Timed(11, "many", 0),
    ]
    costs = time_costs(rows, questions, top=10)
    assert [(c.question_id, c.answers, c.total_ms) for c in costs] == [("calc", 2, MAX_COUNTED_MS + 1000), ("many", 3, 210_000), ("slow", 1, 180_000)]
    assert costs[0].prompt == "上期库存20箱，进货30箱？"  # the values last drawn, never the raw template
    assert costs[0].chapter == "第二章" and costs[0].type == "numeric"
    assert costs[1].mean_ms == pytest.approx(70_000)
    assert [c.question_id for c in time_costs(rows, questions, top=1)] == ["calc"]
    assert time_costs(rows, questions, top=0) == []


# -- mock-exam trends -----------------------------------------------------------------------------------------


def _attempt(attempt_id: int, paper: str, day: int, score: float | None, max_score: float = 100.0, submitted: bool = True) -> dict:
    return {"id": attempt_id, "paper_id": paper, "submitted_at": local(day, 20) if submitted else None, "score": score, "max_score": max_score}


def test_exam_trends_are_per_paper_oldest_first_and_never_mixed() -> None:
    attempts = [  # newest first, as Store.exam_attempts gives them
        _attempt(6, "final", 9, 80),
        _attempt(5, "mid", 8, 30, 50),
        _attempt(4, "final", 7, 62),
        _attempt(3, "final", 4, None, submitted=False),  # still unfinished
        _attempt(2, "old", 3, 10, 20),
        _attempt(1, "final", 2, 70),
    ]
    trends = exam_trends(attempts, {"mid": "期中模拟", "final": "期末模拟"})
    assert [(t.paper_id, t.title) for t in trends] == [("mid", "期中模拟"), ("final", "期末模拟"), ("old", "old")]
    final = trends[1]
    assert [p.attempt_id for p in final.points] == [1, 4, 6]
    assert [p.percent for p in final.points] == [0.7, 0.62, 0.8]
    assert final.latest.attempt_id == 6 and final.best.attempt_id == 6
    assert final.change == pytest.approx(0.18)
    assert trends[0].change is None and trends[0].latest.percent == 0.6
    assert exam_trends([]) == []


# -- the exam date --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("exam", "left"), [(date(2025, 3, 5), 0), (date(2025, 3, 6), 1), (date(2025, 6, 20), 107), (date(2025, 3, 1), -4)])
def test_days_until_the_exam_count_local_days(exam: date, left: int) -> None:
    assert days_until(exam, NOW, UTC8) == left


def test_days_until_follows_the_local_day_not_utc() -> None:
    late = datetime(2025, 3, 5, 17, 0, tzinfo=timezone.utc)  # 01:00 on 6 March in UTC+8
    assert days_until(date(2025, 3, 6), late, UTC8) == 0
    assert days_until(date(2025, 3, 6), late, timezone.utc) == 1


@pytest.mark.parametrize("text", ["2025-13-01", "六月二十日", "", "2025/06/20"])
def test_a_bad_exam_date_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(ValueError, match="考试日期"):
        parse_exam_date(text)


def test_an_exam_date_is_read_with_spaces_around_it() -> None:
    assert parse_exam_date(" 2025-06-20 ") == date(2025, 6, 20)


# -- 考前冲刺 --------------------------------------------------------------------------------------------------


def _review_card(stability: float, last_day: int) -> CardState:
    return CardState(state=REVIEW, step=None, stability=stability, difficulty=5.0, due=local(last_day) + timedelta(days=stability), last_review=local(last_day))


SPRINT_QUESTIONS = {qid: _question(TrueFalseQuestion, qid) for qid in ("strong", "weak", "weaker", "fresh", "never", "also-weak")}
SPRINT_CARDS = {
    "strong": _review_card(400.0, 4),  # remembered well past the exam
    "weak": _review_card(3.0, 4),
    "weaker": _review_card(1.0, 3),
    "also-weak": _review_card(3.0, 4),
    "fresh": CardState(state=LEARNING, step=1, stability=0.4, difficulty=7.0, due=local(5, 10), last_review=local(5, 9)),
}
EXAM = date(2025, 3, 9)  # in 4 days


def test_the_sprint_is_the_weakest_at_the_exam_first_spread_over_the_days_left() -> None:
    items = sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, EXAM, NOW, UTC8, target=0.9)
    assert sprint_ids(items) == ["fresh", "weaker", "weak", "also-weak"]  # equal recall: bank order
    moment = exam_moment(EXAM, UTC8)
    assert moment == datetime(2025, 3, 8, 16, 0, tzinfo=timezone.utc)
    for item in items:
        card = SPRINT_CARDS[item.question_id]
        assert item.recall_at_exam == pytest.approx(retrievability_of(card.stability, card.last_review, moment))
        assert item.recall_at_exam < 0.9 and item.seen
    assert [item.study_on for item in items] == [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2), TODAY + timedelta(days=3)]


def test_the_sprint_target_limit_and_unseen_questions() -> None:
    everything = sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, EXAM, NOW, UTC8, target=0.9999, include_unseen=True)
    assert sprint_ids(everything)[0] == "never"  # never answered: nothing to recall at all
    assert "strong" in sprint_ids(everything)
    assert sprint_ids(sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, EXAM, NOW, UTC8, target=0.9, limit=2)) == ["fresh", "weaker"]
    assert sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, EXAM, NOW, UTC8, target=0.01) == []


@pytest.mark.parametrize(("exam", "days"), [(date(2025, 3, 5), {TODAY}), (date(2025, 3, 6), {TODAY})])
def test_an_exam_today_or_tomorrow_puts_the_whole_sprint_today(exam: date, days: set[date]) -> None:
    items = sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, exam, NOW, UTC8)
    assert items and {item.study_on for item in items} == days


def test_no_sprint_once_the_exam_is_past() -> None:
    assert sprint_selection(SPRINT_CARDS, SPRINT_QUESTIONS, date(2025, 3, 4), NOW, UTC8) == []


@pytest.mark.parametrize(
    ("count", "days", "offsets"),
    [(0, 3, []), (3, 3, [0, 1, 2]), (5, 2, [0, 0, 0, 1, 1]), (2, 10, [0, 1]), (4, 0, [0, 0, 0, 0])],
)
def test_plan_days_spreads_items_evenly(count: int, days: int, offsets: list[int]) -> None:
    assert plan_days(count, TODAY, days) == [TODAY + timedelta(days=offset) for offset in offsets]


def test_the_sprint_from_the_store_aims_at_the_students_retention(fixture_bank: Bank, store: Store) -> None:
    at = NOW - timedelta(days=20)
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="", verdict="correct", score=1.0, at=at)
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="", verdict="correct", score=1.0, at=at + timedelta(minutes=10))
    questions = practice_questions(fixture_bank)
    store.set_setting("desired_retention", 0.7)
    # Two correct answers 20 days ago, then nothing: predicted recall at the exam between the two aims.
    recall = retrievability_of(store.card_states()["mkt-4p-tf"].stability, at + timedelta(minutes=10), exam_moment(EXAM, UTC8))
    assert 0.6 < recall < 0.7  # weak at 70%, fine at 60%
    assert sprint_ids(sprint_for(store, questions, EXAM, NOW, UTC8)) == ["mkt-4p-tf"]
    assert sprint_for(store, questions, EXAM, NOW, UTC8, target=0.6) == []
