"""Pilot tests of the exam rules a student sees and chooses, driven like a student with the fixed clock.

Issue 14: the marking rules and the time rule shown before starting; a grace
period, "not counted" and abandoning; the header whole at 80 and 100 columns
(bug 12). Issue 11: 判我对 in the exam review, and the wrong-answers filter.
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest
from test_exam_screen import EXAM_PAPERS, answer, captured_runs, exam_screen, load_exam_bank, messages, number_of, sit_and_hand_in
from textual.widgets import RadioSet
from tui_helpers import FIXTURE_BANK, FIXTURES, SEED, SIZE, act, screen_text

from revise.cli import main
from revise.sessions.exam import TimeRule
from revise.tui.app import ExamRequest, build_app
from revise.tui.screens.exam_report import ExamReportScreen
from revise.tui.screens.papers import ExamStartDialog, PaperPickScreen
from revise.tui.widgets.dialogs import ConfirmDialog, NoticeDialog
from revise.tui.widgets.navigator import QuestionNavigator

LONG_PAPERS = FIXTURES / "exam_papers_long"


@pytest.fixture
def bank():
    """The fixture bank with the seven-question paper "mini" (10 minutes, 22 points)."""
    return load_exam_bank(FIXTURE_BANK, EXAM_PAPERS)


@pytest.fixture
def make_exam_app(bank, store, clock):
    """The app on the exam bank with the fixed clock, time zone and seed."""

    def make(exam: ExamRequest | None = None, *, on_bank=None):
        return build_app(on_bank or bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=exam)

    return make


# -- before starting -----------------------------------------------------------------------------------


async def test_the_rules_are_shown_before_starting_and_the_choice_is_kept(make_exam_app, store) -> None:
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<e>", "<enter>")
        assert isinstance(app.screen, ExamStartDialog)
        shown = screen_text(app)
        assert "每题得分按 0.5 分取整" in shown and "多项选择题：全对得满分；少选按选对的比例给分" in shown
        assert "自动交卷" in shown and "宽限 5 分钟" in shown and "不计成绩" in shown
        await act(pilot, "<escape>")  # back to the papers: nothing started
        assert isinstance(app.screen, PaperPickScreen) and store.exam_attempts() == []
        await act(pilot, "<enter>")
        await pilot.click("#rule-grace")
        await pilot.click("#start")
        await pilot.pause()
        screen = exam_screen(app)
        assert screen.session.rule == TimeRule("grace", 5)
        assert "到时宽限5分钟" in screen_text(app)  # on the navigator's edge all through the exam
        assert any("时间到后宽限5分钟" in message for message in messages(app))
        await act(pilot, "<ctrl+o>", "<y>")  # give it up: the next paper starts with the same choice offered
        await act(pilot, "<e>", "<enter>")
        assert app.screen.query_one("#time-rule", RadioSet).pressed_button.id == "rule-grace"
    assert store.exam_attempts() == []


# -- when the time runs out ----------------------------------------------------------------------------


async def test_a_grace_period_lets_the_student_finish_and_marks_late_answers(make_exam_app, store, clock) -> None:
    app = make_exam_app(ExamRequest("mini", rule=TimeRule.of("grace", 2)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.ticker.pause()  # this test ticks by hand
        await answer(pilot, screen, "mkt-4c-odd")
        clock.advance(minutes=10)
        screen.tick()
        await pilot.pause()
        assert "宽限 02:00" in screen_text(app) and screen.query_one("#exam-clock").has_class("urgent")
        assert any("宽限 2 分钟内仍可作答" in message for message in messages(app))
        await answer(pilot, screen, "mkt-4c-judge-true")  # after the deadline
        screen.save_current(force=True)
        await pilot.pause()
        clock.advance(minutes=2)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, NoticeDialog)
        await act(pilot, "<escape>")
        report_screen = app.screen
        assert isinstance(report_screen, ExamReportScreen)
        late = number_of(screen, "mkt-4c-judge-true")
        assert "⏱ 超时作答" in str(report_screen.query_one(f"#item-{late}").content)
        assert "⏱ 超时作答" not in str(report_screen.query_one(f"#item-{number_of(screen, 'mkt-4c-odd')}").content)
        rules = str(report_screen.query_one("#report-rules").content)
        assert "到时宽限2分钟" in rules and "超时作答 1 题（按时得分 2）" in rules
    [attempt] = store.exam_attempts()
    assert attempt["auto_submitted"] and attempt["counted"] and attempt["score"] == 4


async def test_not_counted_when_the_time_runs_out(make_exam_app, store, clock) -> None:
    app = make_exam_app(ExamRequest("mini", rule=TimeRule.of("nocount")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        await answer(pilot, screen, "mkt-4c-odd")
        clock.advance(minutes=10)
        await pilot.pause(0.6)  # the interval timer's own tick hands the paper in
        assert isinstance(app.screen, NoticeDialog) and "不计入成绩走势" in screen_text(app)
        await act(pilot, "<escape>")
        assert isinstance(app.screen, ExamReportScreen)
        assert "不计入成绩走势" in str(app.screen.query_one("#report-rules").content)
    [attempt] = store.exam_attempts()
    assert attempt["submitted_at"] is not None and not attempt["counted"] and attempt["time_rule"] == "nocount"


async def test_abandoning_asks_first_and_leaves_nothing_in_the_trend(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        await answer(pilot, screen, "mkt-4c-odd")
        await act(pilot, "<ctrl+o>")
        assert isinstance(app.screen, ConfirmDialog) and "不计入成绩走势" in screen_text(app)
        await act(pilot, "<n>")
        assert app.screen is screen and store.unfinished_exam_attempt() == screen.session.attempt_id
        await act(pilot, "<escape>")  # the leave dialog says how to give up
        assert "ctrl+o" in screen_text(app)
        await act(pilot, "<n>", "<ctrl+o>", "<y>")
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("已放弃这次考试" in message for message in messages(app))
    assert store.exam_attempts() == [] and store.unfinished_exam_attempt() is None and store.reviews() == []


# -- the header at 80 and 100 columns (bug 12) -------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_exam_header_keeps_number_points_progress_and_clock_whole(store, clock, size: tuple[int, int]) -> None:
    bank = load_exam_bank(FIXTURE_BANK, LONG_PAPERS)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=ExamRequest("long"))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        judge = next(q.number for q in screen.session.drawn.questions if q.question.type == "judge")
        await screen.go_to(judge)
        await act(pilot, "<ctrl+f>")
        header = screen_text(app).splitlines()[1]
        for part in (f"第 {judge}/7 题", "2分", "已答 0/7", "? 已标记", "剩余 1:30:00", "四、判断并改错题"):
            assert part in header, (part, header)
        assert "…" in header  # only the long section title is cut


# -- the review: 判我对 and the wrong answers only (issue 11) ----------------------------------------------------


async def test_appealing_in_the_review_like_a_student(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        choice, right = number_of(screen, "mkt-4c-odd"), number_of(screen, "mkt-4c-judge-true")
        await screen.go_to(choice)
        await act(pilot, "<bank:a>", "<enter>", presented=screen.session.question(choice))  # wrong
        await answer(pilot, screen, "mkt-4c-judge-true")  # right
        await act(pilot, "<ctrl+t>", "<y>")
        report_screen = app.screen
        assert isinstance(report_screen, ExamReportScreen)
        assert "✗ 错误（自动评分）" in str(report_screen.query_one(f"#item-{choice}").content)
        assert "在错题本里" in str(report_screen.query_one("#report-notebook").content)
        report_screen.show_item(right)
        await act(pilot, "<r>")
        assert any(f"第 {right} 题不能判我对：已判为正确" in message for message in messages(app))
        report_screen.show_item(choice)
        await act(pilot, "<r>")
        header = str(report_screen.query_one(f"#item-{choice}").content)
        assert "✓ 判我对（原判 ✗ 错误）" in header and "2/2 分" in header
        assert report_screen.report.total == 4 and "总分 4 / 22" in screen_text(app)
        assert dict(report_screen.query_one("#report-navigator", QuestionNavigator).states)[choice] == "correct"
        assert not report_screen.query(f"#appeal-{choice}")  # not offered twice
        assert "没有题目进错题本" in str(report_screen.query_one("#report-notebook").content)
    [appeal] = store.appeals()
    assert (appeal["question_id"], appeal["original_verdict"]) == ("mkt-4c-odd", "incorrect") and appeal["review_id"] is not None
    assert store.notebook_ids() == [] and store.exam_attempts()[0]["score"] == 4


async def test_the_review_can_show_only_the_wrong_answers(make_exam_app) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await sit_and_hand_in(app, pilot, ["mkt-4c-odd"])  # right; the other six left blank
        report_screen = app.screen
        right, blank = number_of(screen, "mkt-4c-odd"), number_of(screen, "val-crm-short")
        await act(pilot, "<f>")
        shown = {number: report_screen.query_one(f"#item-{number}").display for number in range(1, 8)}
        assert shown == {number: number != right for number in range(1, 8)}
        assert "只看错题" in screen_text(app)
        assert not report_screen.query(".item-body")[right - 1].display and report_screen.query(".item-body")[blank - 1].display
        report_screen.show_item(right)  # going to a hidden question shows everything again
        await pilot.pause()
        assert report_screen.query_one(f"#item-{right}").display and not report_screen.wrong_only


async def test_the_rules_and_the_review_follow_the_display_script(make_exam_app, store) -> None:
    store.set_setting("display_script", "traditional")
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<e>", "<enter>")
        assert "評分規則" in screen_text(app) and "時間到時怎麼辦" in screen_text(app)
        await act(pilot, "<enter>")
        await sit_and_hand_in(app, pilot, ["mkt-4c-odd"])
        shown = screen_text(app)
        assert "自動評分" in shown and "判我對" in shown and "只看錯題" in shown and "自动评分" not in shown


# -- revise exam --time-up -------------------------------------------------------------------------------------


def test_revise_exam_takes_the_time_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import shutil

    bank_dir = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank_dir)
    shutil.copytree(EXAM_PAPERS / "papers", bank_dir / "papers")
    requests = captured_runs(monkeypatch)
    common = ["exam", "--bank", str(bank_dir), "--data-dir", str(tmp_path / "data"), "--paper", "mini"]
    assert main([*common, "--time-up", "grace", "--grace", "3"]) == 0
    assert main([*common, "--time-up", "nocount"]) == 0
    assert requests == [ExamRequest("mini", rule=TimeRule("grace", 3)), ExamRequest("mini", rule=TimeRule("nocount"))]
    assert main([*common, "--grace", "3"]) == 2
    assert "--grace 只能和 --time-up grace 一起用" in capsys.readouterr().err
