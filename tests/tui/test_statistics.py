"""Pilot tests of 统计 as a student uses it: what is due this week, the calendar, mastery by chapter and type,
the questions that cost the most time, 判我对 counted, and the mock-exam trend of each paper on its own."""

from __future__ import annotations

from datetime import timezone

import pytest
from textual.widgets import DataTable
from tui_helpers import FIXTURE_BANK, FIXTURES, SEED, SIZE, act, load, screen_text

from revise.sessions.exam import ExamSession, TimeRule
from revise.tui.app import build_app
from revise.tui.screens.exam_report import ExamReportScreen
from revise.tui.screens.statistics import StatisticsScreen
from revise.tui.widgets.charts import BarChart


@pytest.fixture
def bank():
    """The fixture bank with two papers: "mini" and "long" (the same questions under long titles)."""
    from revise.bank.loader import load_bank

    result = load_bank([FIXTURE_BANK, FIXTURES / "exam_papers", FIXTURES / "exam_papers_long"])
    assert not result.errors
    return result.bank


def practise(store, clock) -> None:
    """Answers over two days, with durations, and one 判我对."""
    for question_id, verdict, seconds in (("mkt-4c-odd", "incorrect", 40), ("mkt-4p-tf", "correct", 6), ("val-fixed", "correct", 250)):
        receipt = store.record_answer(
            question_id=question_id,
            question_type=load(FIXTURE_BANK).questions[question_id].type,
            response="x",
            verdict=verdict,
            score=1.0 if verdict == "correct" else 0.0,
            at=clock(),
            duration_ms=seconds * 1000,
        )
        if question_id == "mkt-4c-odd":
            store.record_appeal(question_id, receipt.review_id, verdict, "x", clock())
    clock.advance(days=1)
    store.record_answer(question_id="val-fixed", question_type="numeric", response="1", verdict="incorrect", score=0.0, at=clock(), duration_ms=700_000)


async def test_overview_shows_the_week_ahead_the_calendar_and_appeals(bank, store, clock) -> None:
    practise(store, clock)
    clock.advance(hours=3)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<t>")
        assert isinstance(app.screen, StatisticsScreen)
        shown = screen_text(app)
        assert "判我对 1 次" in shown and "累计作答 4" in shown
        assert "未来 7 天到期（今天含已过期）" in shown and "练习日历（最近 12 周，2 天）" in shown
        # Today's count is the one definition of due today (progress/due.py), overdue included.
        due = app.screen.query_one("#due-chart", BarChart).rows
        assert len(due) == 7 and due[0][0] == "今天 3/11" and due[1][0] == "明天 3/12" and due[2][0] == "周四 3/13"
        assert due[0][2] == f"{len(store.due_today_ids(clock(), timezone.utc))}题"
        calendar = str(app.screen.query_one("#heatmap").content)
        assert calendar.splitlines()[1].startswith("一 ") and calendar.count("██") >= 2  # both practice days, busiest shade


async def test_mastery_by_chapter_and_by_question_type(bank, store, clock) -> None:
    practise(store, clock)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<t>", "<2>")
        shown = screen_text(app)
        assert "按章节" in shown and "营销理论" in shown
        rows = {label: detail for label, _, detail in app.screen.query_one("#type-mastery-chart", BarChart).rows}
        assert set(rows) >= {"单项选择题", "判断题", "计算题"} and rows["判断题"].endswith("/3")


async def test_the_questions_that_cost_the_most_time(bank, store, clock) -> None:
    practise(store, clock)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<t>", "<5>")
        table = app.screen.query_one("#time-table", DataTable)
        rows = [[cell.plain for cell in table.get_row_at(index)] for index in range(table.row_count)]
        # 250 s plus 700 s capped at 10 minutes; then 40 s; then 6 s.
        assert [row[:3] for row in rows] == [["14:10", "2", "7:05"], ["0:40", "1", "0:40"], ["0:06", "1", "0:06"]]
        assert "企业80%的销售业绩" in rows[0][3]
        table.focus()
        await act(pilot, "<down>")
        assert "共 1 次，总用时 0:40" in str(app.screen.query_one("#time-detail").content)


def sit(bank, store, clock, paper: str, seed: int, right: bool, rule: TimeRule | None = None, minutes: int = 5) -> ExamSession:
    """A handed-in attempt: the single choice right or left blank, `minutes` after starting."""
    session = ExamSession.start(bank, store, bank.papers[paper], seed=seed, clock=clock, rule=rule)
    if right:
        choice = next(q.number for q in session.drawn.questions if q.question.id == "mkt-4c-odd")
        session.set_answer(choice, "C")
    clock.advance(minutes=minutes)
    session.submit(auto=session.expired)
    clock.advance(days=1)
    return session


async def test_each_paper_has_its_own_trend_and_uncounted_attempts_stay_out(bank, store, clock) -> None:
    sit(bank, store, clock, "mini", 1, right=False)
    sit(bank, store, clock, "long", 2, right=True)
    late = sit(bank, store, clock, "mini", 3, right=True, rule=TimeRule.of("nocount"), minutes=12)
    sit(bank, store, clock, "mini", 4, right=True)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<t>", "<4>")
        trend = str(app.screen.query_one("#exam-trend").content).splitlines()
        assert trend[1].startswith("小测验") and "最近 9%（↑ 9%）" in trend[1] and "2次" in trend[1]  # mini: 0% then 9%, not mixed with long
        assert trend[2].startswith("客户关系管理 期末模拟卷") and "最近 9%" in trend[2] and "1次" in trend[2]
        table = app.screen.query_one("#exam-table", DataTable)
        rows = {table.get_row_at(index)[5].plain: table.get_row_at(index) for index in range(table.row_count)}
        assert rows["不计成绩"][4].plain == ""  # no trend arrow for the attempt that does not count
        newest = table.get_row_at(0)
        assert newest[1].plain == "小测验" and newest[4].plain == "↑ 9%"  # against the previous counted mini, not long
        table.focus()
        table.move_cursor(row=[table.get_row_at(i)[5].plain for i in range(table.row_count)].index("不计成绩"))
        await act(pilot, "<enter>")
        assert isinstance(app.screen, ExamReportScreen) and app.screen.report.attempt_id == late.attempt_id
        assert "不计入成绩走势" in screen_text(app)


async def test_statistics_follow_the_display_script(bank, store, clock) -> None:
    practise(store, clock)
    sit(bank, store, clock, "mini", 1, right=True)
    store.set_setting("display_script", "traditional")
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<t>")
        shown = screen_text(app)
        assert "判我對 1 次" in shown and "未來 7 天到期" in shown and "練習日曆" in shown and "判我对" not in shown
        await act(pilot, "<4>")
        assert "各試卷得分率走勢" in screen_text(app)
