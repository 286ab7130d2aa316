"""Pilot tests of the mock exam: sitting a paper against a mocked clock, saving, handing in, resuming, the report, `revise exam`.

The exam screen reads ``app.clock`` on every tick, so these tests move a
:class:`FixedClock` and call the screen's ``tick`` (the same method its
interval timer calls) instead of waiting for real minutes to pass.
"""

from __future__ import annotations

import shutil
from datetime import timezone
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, TextArea
from tui_helpers import FIXTURE_BANK, FIXTURES, HOSTILE_BANK, SEED, SIZE, act, screen_text, shown_keys, type_text

from revise.cli import main
from revise.sessions.exam import ExamSession
from revise.tui.app import ExamRequest, ReviseApp, build_app
from revise.tui.screens.exam import SAVE_INTERVAL, ExamScreen, countdown_text, numbers_text
from revise.tui.screens.exam_report import ExamReportScreen
from revise.tui.screens.papers import ExamStartDialog, PaperPickScreen
from revise.tui.screens.statistics import StatisticsScreen, sparkline, trend_text
from revise.tui.widgets.answers import ChoiceList
from revise.tui.widgets.dialogs import AdjustPointsDialog, ConfirmDialog, NoticeDialog, ResumeExamDialog
from revise.tui.widgets.navigator import QuestionNavigator

EXAM_PAPERS = FIXTURES / "exam_papers"
HOSTILE_PAPERS = FIXTURES / "exam_markup_papers"

# What the student does for each fixture question ("<key>" presses a key, "<bank:c>" picks option C
# by its bank letter wherever the paper shows it, anything else is typed), and the response the store
# should then hold (options by bank letter).
ACTIONS = {
    "mkt-4p-list": (["产品", "<enter>", "价格", "<enter>", "地点", "<enter>", "促销", "<enter>"], "产品、价格、地点、促销"),
    "mkt-4c-odd": (["<bank:c>", "<enter>"], "C"),
    "mkt-4p-multi": (["<bank:ace>", "<enter>"], "ACE"),
    "mkt-4c-judge-true": (["<t>"], "对"),
    "mkt-4c-judge": (["<f>", "沟通", "<enter>"], "错，沟通"),
    "val-crm-short": (["以客户为中心", "<ctrl+s>"], "以客户为中心"),
}


def load_exam_bank(*paths: Path):
    """A bank (with papers) loaded without errors."""
    from revise.bank.loader import load_bank

    result = load_bank(list(paths))
    assert not result.errors, [str(problem) for problem in result.errors]
    return result.bank


@pytest.fixture
def bank():
    """The fixture bank with the seven-question paper "mini" (10 minutes, 22 points)."""
    return load_exam_bank(FIXTURE_BANK, EXAM_PAPERS)


@pytest.fixture
def make_exam_app(bank, store, clock):
    """The app on the exam bank with the fixed clock, time zone and seed."""

    def make(exam: ExamRequest | None = None, *, on_bank=None) -> ReviseApp:
        return build_app(on_bank or bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=exam)

    return make


async def answer(pilot, screen: ExamScreen, question_id: str) -> None:
    """Go to a question and answer it as ACTIONS says."""
    number = number_of(screen, question_id)
    await screen.go_to(number)
    await act(pilot, *ACTIONS[question_id][0], presented=screen.session.question(number))


def exam_screen(app) -> ExamScreen:
    """The exam screen on top (the test fails otherwise)."""
    assert isinstance(app.screen, ExamScreen), app.screen
    return app.screen


def number_of(screen: ExamScreen, question_id: str) -> int:
    """Where a question landed on the drawn paper."""
    [number] = [q.number for q in screen.session.drawn.questions if q.question.id == question_id]
    return number


def messages(app) -> list[str]:
    """The notifications shown so far."""
    return [notification.message for notification in app._notifications]


def stored_answers(store, attempt_id: int) -> dict[int, tuple[str, bool]]:
    """number -> (response, flagged) as saved in the store."""
    return {number: (response, flagged) for number, response, flagged in store.exam_attempt(attempt_id)["answers"]}


async def test_sit_a_paper_until_the_time_runs_out(make_exam_app, store, clock) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        session = screen.session
        assert screen.current == 1
        assert "剩余 10:00" in screen_text(app)
        answered = ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4c-judge-true"]
        for question_id in answered:
            await answer(pilot, screen, question_id)
        # Nothing is marked during the exam (the rule line says how the question will be marked, nothing more).
        shown = screen_text(app)
        assert not any(word in shown for word in ("✓ 正确", "～ 部分正确", "✗ 错误", "参考答案", "总分"))
        # Flag the multiple-choice question.
        flagged = number_of(screen, "mkt-4p-multi")
        await screen.go_to(flagged)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert session.state(flagged) == "flagged"
        navigator = screen.query_one("#navigator", QuestionNavigator)
        assert dict(navigator.states)[flagged] == "flagged"
        assert dict(navigator.states)[number_of(screen, "mkt-4c-odd")] == "answered"
        assert dict(navigator.states)[number_of(screen, "val-crm-short")] == "unanswered"

        clock.advance(minutes=5)
        screen.tick()
        await pilot.pause()
        assert any("还剩 5 分钟" in message for message in messages(app))
        assert "剩余 05:00" in screen_text(app)
        clock.advance(minutes=4, seconds=30)
        screen.tick()
        await pilot.pause()
        assert any("还剩 1 分钟" in message for message in messages(app))
        assert screen.query_one("#exam-clock").has_class("urgent")

        clock.advance(seconds=30)
        await pilot.pause(0.6)  # the interval timer's own tick hands the paper in
        assert isinstance(app.screen, NoticeDialog)
        assert "自动交卷" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        assert "时间到自动交卷" in screen_text(app)

    [attempt] = store.exam_attempts()
    expected = {"mkt-4p-list": 2, "mkt-4c-odd": 2, "mkt-4p-multi": 4, "mkt-4c-judge-true": 2}  # full marks of the answered ones
    assert attempt["auto_submitted"] is True
    assert attempt["score"] == sum(expected.values())
    assert attempt["max_score"] == 22
    saved = stored_answers(store, attempt["id"])
    for question_id in answered:
        assert saved[number_of(screen, question_id)][0] == ACTIONS[question_id][1]
    assert saved[flagged][1] is True
    # Every answer fed the scheduler in exam mode.
    assert {row.mode for row in store.reviews()} == {"exam"}
    assert {row.question_id for row in store.reviews()} == set(answered)


async def test_answers_are_saved_as_they_change_at_most_once_a_second(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.ticker.pause()  # this test ticks by hand
        now = [1000.0]
        screen.monotonic = lambda: now[0]
        short = number_of(screen, "val-crm-short")
        await screen.go_to(short)
        attempt = screen.session.attempt_id

        await type_text(pilot, "以客户")
        assert short not in stored_answers(store, attempt)
        navigator = screen.query_one("#navigator", QuestionNavigator)
        screen.tick()
        # Not shown as saved until the store has committed it (issue 13 #6).
        assert dict(navigator.states)[short] == "unsaved"
        await pilot.pause()
        assert stored_answers(store, attempt)[short][0] == "以客户"  # the first change is saved on the next tick
        assert dict(navigator.states)[short] == "answered"
        await type_text(pilot, "为中心")
        screen.tick()
        await pilot.pause()
        assert stored_answers(store, attempt)[short][0] == "以客户"  # then no more than once per SAVE_INTERVAL
        now[0] += SAVE_INTERVAL
        screen.tick()
        await pilot.pause()
        assert stored_answers(store, attempt)[short][0] == "以客户为中心"

        # Moving to another question saves at once, whatever the interval.
        await type_text(pilot, "，长期")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert stored_answers(store, attempt)[short][0] == "以客户为中心，长期"
        assert screen.current == short - 1
        # Coming back shows what was typed.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.forms[short].query_one(TextArea).text == "以客户为中心，长期"


async def test_the_interval_timer_saves_without_help(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        numeric = next(q.number for q in screen.session.drawn.questions if q.question.type == "numeric")
        await screen.go_to(numeric)
        await type_text(pilot, "12")
        await pilot.pause(SAVE_INTERVAL + 0.5)
        assert stored_answers(store, screen.session.attempt_id)[numeric][0] == "12"


async def test_hand_in_asks_first_and_counts_unanswered_and_flagged(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        for question_id in ("mkt-4c-odd", "mkt-4c-judge-true"):
            await answer(pilot, screen, question_id)
        choice = number_of(screen, "mkt-4c-odd")
        await screen.go_to(choice)
        await pilot.press("ctrl+f")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        message = screen_text(app)
        unanswered = sorted(set(range(1, 8)) - {choice, number_of(screen, "mkt-4c-judge-true")})
        assert f"还有 5 题未作答：{numbers_text(unanswered)}" in message
        assert f"有 1 题标记了待检查：第 {choice} 题" in message
        # Enter on the default button (or N) goes back to the paper.
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and not screen.session.submitted
        assert store.exam_attempts()[0]["submitted_at"] is None
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
    [attempt] = store.exam_attempts()
    assert attempt["auto_submitted"] is False and attempt["score"] == 4


async def test_time_running_out_closes_an_open_dialog(make_exam_app, store, clock) -> None:
    app = make_exam_app(ExamRequest("mini", minutes=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam_screen(app)  # the exam is on screen
        assert "剩余 02:00" in screen_text(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        clock.advance(minutes=2)
        await pilot.pause(0.6)  # the exam's timer keeps ticking under the dialog
        assert isinstance(app.screen, NoticeDialog)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "ExamReportScreen", "NoticeDialog"]
    assert store.exam_attempts()[0]["auto_submitted"] is True


async def test_navigator_click_and_number_entry(make_exam_app) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        navigator = screen.query_one("#navigator", QuestionNavigator)
        # Number 5 is the fifth cell: cells are the digits, the mark and a space.
        await pilot.click(QuestionNavigator, offset=(1 + 4 * navigator.cell_width, 0))
        await pilot.pause()
        assert screen.current == 5
        await pilot.press("ctrl+g")
        await pilot.pause()
        await type_text(pilot, "9")
        await pilot.press("enter")
        await pilot.pause()
        assert "请输入 1 到 7 之间的题号" in screen_text(app)
        await pilot.press("backspace")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current == 2
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.current == 3


def crash_mid_exam(bank, store, clock) -> ExamSession:
    """An attempt begun in an earlier run of the app, which then died: answers saved, one flagged."""
    session = ExamSession.start(bank, store, bank.papers["mini"], seed=3, clock=clock)
    by_id = {q.question.id: q.number for q in session.drawn.questions}
    session.set_answer(by_id["mkt-4p-list"], "产品、价格、（空）、促销")
    session.set_answer(by_id["mkt-4c-odd"], "C")
    session.set_answer(by_id["mkt-4p-multi"], "AE")
    session.set_answer(by_id["mkt-4c-judge"], "错，沟通")
    session.set_answer(by_id["val-crm-short"], "以客户为中心\n第二行")
    session.toggle_flag(by_id["mkt-4c-odd"])
    return session


async def test_resume_from_home_after_a_crash(make_exam_app, bank, store, clock) -> None:
    crashed = crash_mid_exam(bank, store, clock)
    by_id = {q.question.id: q.number for q in crashed.drawn.questions}
    clock.advance(minutes=3, seconds=15)
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeExamDialog)
        offer = screen_text(app)
        assert "剩余时间 06:45" in offer and "已答 5/7 题，1 题标记待检查" in offer
        await pilot.press("enter")  # 继续考试 has the focus
        await pilot.pause()
        screen = exam_screen(app)
        assert screen.session.attempt_id == crashed.attempt_id
        assert "剩余 06:45" in screen_text(app)
        assert screen.current == min(screen.session.unanswered())  # the first unanswered question
        states = dict(screen.query_one("#navigator", QuestionNavigator).states)
        assert states[by_id["mkt-4c-odd"]] == "flagged" and states[by_id["mkt-4p-list"]] == "answered"

        await screen.go_to(by_id["mkt-4p-list"])
        assert [blank.value for blank in screen.forms[by_id["mkt-4p-list"]].blanks()] == ["产品", "价格", "", "促销"]
        await screen.go_to(by_id["mkt-4c-odd"])
        # Options come back where this paper shows them (its own shuffled order).
        [key] = shown_keys(screen.session.question(by_id["mkt-4c-odd"]), "c")
        assert screen.forms[by_id["mkt-4c-odd"]].query_one(ChoiceList).highlighted == ord(key) - ord("a")
        await screen.go_to(by_id["mkt-4p-multi"])
        ticked = {ord(key) - ord("a") for key in shown_keys(screen.session.question(by_id["mkt-4p-multi"]), "ae")}
        assert screen.forms[by_id["mkt-4p-multi"]].query_one(ChoiceList).chosen == ticked
        await screen.go_to(by_id["mkt-4c-judge"])
        judge = screen.forms[by_id["mkt-4c-judge"]]
        assert judge.query_one("#correction", Input).value == "沟通" and judge.query_one("#false", Button).has_class("chosen")
        await screen.go_to(by_id["val-crm-short"])
        assert screen.forms[by_id["val-crm-short"]].query_one(TextArea).text == "以客户为中心\n第二行"
        # Restoring wrote nothing back: every form gives the response it was restored from.
        for number, form in screen.forms.items():
            from revise.tui.screens.exam import current_response

            assert current_response(form).display() == screen.session.responses.get(number, "")

        # The countdown keeps to the real deadline.
        clock.advance(minutes=6)
        screen.tick()
        assert "剩余 00:45" in screen_text(app)


async def test_deadline_passed_while_away_hands_in_what_was_saved(make_exam_app, bank, store, clock) -> None:
    crashed = crash_mid_exam(bank, store, clock)
    clock.advance(minutes=30)
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoticeDialog)
        notice = screen_text(app)
        assert "已按保存的答案交卷" in notice
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        report = app.screen.report
        assert report.attempt_id == crashed.attempt_id and report.auto_submitted
        assert f"总分 {report.total:g} / 22" in screen_text(app)
    [attempt] = store.exam_attempts()
    assert attempt["submitted_at"] is not None and attempt["auto_submitted"] is True
    assert attempt["score"] == report.total
    responses = {item.number: item.response for item in report.items if item.response}
    assert responses == crashed.responses
    assert store.unfinished_exam_attempt() is None


async def test_home_entry_picks_a_paper_and_offers_an_unfinished_one(make_exam_app, store) -> None:
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "模拟考试" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PaperPickScreen)
        shown = screen_text(app)
        assert "小测验" in shown and "10分钟 · 7题 · 满分22分" in shown and "五、简答题  1题 × 6分" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamStartDialog)
        await pilot.press("enter")
        await pilot.pause()
        screen = exam_screen(app)
        await answer(pilot, screen, screen.session.question(1).question.id)
        # Leave (the clock keeps running) and come back through the home entry.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "计时不会暂停" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ResumeExamDialog)
        await pilot.click("#resume")
        await pilot.pause()
        resumed = exam_screen(app)
        assert resumed.session.attempt_id == screen.session.attempt_id
        assert resumed.session.responses[1] == screen.session.responses[1]
    assert len(store.exam_attempts()) == 1


async def test_hand_in_the_old_attempt_and_start_the_one_asked_for(make_exam_app, bank, store, clock) -> None:
    crashed = crash_mid_exam(bank, store, clock)
    app = make_exam_app(ExamRequest("mini", seed=11))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeExamDialog)
        assert "交卷，开始新的" in screen_text(app)
        await pilot.click("#submit")
        await pilot.pause()
        # Handing in is never one stray click: it asks first (issue 14, bug 4).
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        screen = exam_screen(app)
        assert screen.session.attempt_id != crashed.attempt_id and screen.session.drawn.seed == 11
        assert any("已交卷" in message for message in messages(app))
    (old,) = (row for row in store.exam_attempts() if row["id"] == crashed.attempt_id)
    assert old["submitted_at"] is not None and old["auto_submitted"] is False


async def sit_and_hand_in(app, pilot, question_ids: list[str]) -> ExamScreen:
    """Answer these questions, then hand in with the confirmation."""
    screen = exam_screen(app)
    for question_id in question_ids:
        await answer(pilot, screen, question_id)
    await pilot.press("ctrl+t")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert isinstance(app.screen, ExamReportScreen)
    return screen


async def test_report_lists_every_question_and_adjusting_points_is_recorded(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = await sit_and_hand_in(app, pilot, ["mkt-4c-odd", "val-crm-short", "mkt-4c-judge"])
        report_screen = app.screen
        report = report_screen.report
        short = number_of(exam, "val-crm-short")
        item = report.items[short - 1]
        assert item.found and item.missed and item.adjustable
        total_before, points_before = report.total, item.points
        body = report_screen.query_one("#report-body")
        # Every question is there with its answer, key, verdict, points and explanation.
        for each in report.items:
            header = str(report_screen.query_one(f"#item-{each.number}").content)
            assert f"第 {each.number} 题" in header and f"{each.max_points:g} 分" in header
        report_screen.show_item(short)
        await pilot.pause()
        shown = screen_text(app)
        assert "以客户为中心" in shown and "漏掉要点" in shown and "✗客户价值最大化" in shown
        assert "～ 部分正确" in shown

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AdjustPointsDialog)
        await type_text(pilot, "9")
        await pilot.press("enter")
        await pilot.pause()
        assert "得分须在 0 到 6 之间" in screen_text(app)
        await pilot.press("ctrl+a", "ctrl+k")  # clear the field
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is report_screen
        assert report.items[short - 1].points == 5 and report.items[short - 1].adjusted
        assert report.total == pytest.approx(total_before - points_before + 5)
        assert f"总分 {report.total:g} / 22" in screen_text(app)
        assert "（已调整）" in str(report_screen.query_one(f"#item-{short}").content)
        assert body is report_screen.query_one("#report-body")

    [attempt] = store.exam_attempts()
    assert attempt["score"] == report.total
    [(number, previous, points, _at)] = store.exam_adjustments(attempt["id"])
    assert (number, previous, points) == (short, points_before, 5)


async def test_report_says_which_questions_went_to_the_notebook(make_exam_app, store) -> None:
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        choice = number_of(screen, "mkt-4c-odd")
        await screen.go_to(choice)
        await act(pilot, "<bank:a>", "<enter>", presented=screen.session.question(choice))  # wrong
        await pilot.press("ctrl+t", "y")
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        note = str(app.screen.query_one("#report-notebook").content)
        assert f"答错的第 {choice} 题在错题本里" in note
        assert "✗ 错误" in str(app.screen.query_one(f"#item-{choice}").content)
        assert app.screen.query_one(f"#item-{choice}").has_class("incorrect")
    assert store.notebook_ids() == ["mkt-4c-odd"]


async def test_statistics_history_with_trend_opens_a_report(make_exam_app, bank, store, clock) -> None:
    for seed, right in ((1, []), (2, ["C"])):
        session = ExamSession.start(bank, store, bank.papers["mini"], seed=seed, clock=clock)
        choice = next(q.number for q in session.drawn.questions if q.question.id == "mkt-4c-odd")
        for response in right:
            session.set_answer(choice, response)
        session.submit()
        clock.advance(days=1)
    ExamSession.start(bank, store, bank.papers["mini"], seed=3, clock=clock)  # unfinished
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # not now
        await pilot.pause()
        await pilot.press("t", "4")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)
        shown = screen_text(app)
        assert "未交卷" in shown and "0/22" in shown and "2/22" in shown and "↑ 9%" in shown
        assert sparkline([0.0, 2 / 22]) in shown
        table = app.screen.query_one("#exam-table", DataTable)
        table.focus()
        await pilot.press("down", "enter")  # the newest handed-in attempt
        await pilot.pause()
        assert isinstance(app.screen, ExamReportScreen)
        assert app.screen.report.total == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)


def test_small_helpers() -> None:
    from datetime import timedelta

    assert countdown_text(timedelta(minutes=90)) == "1:30:00"
    assert countdown_text(timedelta(seconds=0.2)) == "00:01"
    assert countdown_text(timedelta(seconds=-5)) == "00:00"
    assert numbers_text([2, 5]) == "第 2、5 题"
    assert numbers_text(range(1, 20)).endswith("等 19 题")
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert trend_text(0.5, 0.4) == "↑ 10%" and trend_text(0.4, 0.5) == "↓ 10%" and trend_text(0.5, None) == "—"


async def test_command_palette_starts_a_paper(make_exam_app) -> None:
    app = make_exam_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "模拟考试：小测验")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert exam_screen(app).session.drawn.paper.id == "mini"


async def test_paper_picker_and_resume_offer_show_markup_literally(store, clock) -> None:
    bank = load_exam_bank(HOSTILE_BANK, HOSTILE_PAPERS)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PaperPickScreen)
        shown = screen_text(app)
        assert "[b]试卷[/b] [link=https://evil.example]卷[/link]" in shown and "[/x]二、单选  1题 × 2分" in shown
        await pilot.press("enter")  # the paper's rules
        await pilot.pause()
        assert isinstance(app.screen, ExamStartDialog)
        assert "《[b]试卷[/b] [link=https://evil.example]卷[/link]》" in screen_text(app)
        await pilot.press("enter")  # 开始考试 has the focus
        await pilot.pause()
        await pilot.press("escape", "y")  # leave: the attempt stays unfinished
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ResumeExamDialog)
        assert "《[b]试卷[/b]" in screen_text(app)
        assert str(app.screen.query_one("#resume-message").content).startswith("《[b]试卷[/b] [link=https://evil.example]卷[/link]》还没有交卷")


async def test_markup_in_bank_and_answers_is_shown_literally(store, clock) -> None:
    bank = load_exam_bank(HOSTILE_BANK, HOSTILE_PAPERS)
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=ExamRequest("hostile"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        assert "[b]试卷[/b] [link=https://evil.example]卷[/link]" in screen_text(app)
        typed = {
            "markup-fill": ["[b]甲[/b]", "<enter>", "[/x]", "<enter>"],
            "markup-short": ["[b]不知道[/b] [/x]", "<ctrl+s>"],
            "markup-numeric": ["[b]9[/b]", "<enter>"],
        }
        for drawn in screen.session.drawn.questions:
            await screen.go_to(drawn.number)
            await pilot.pause()
            shown = screen_text(app)
            assert drawn.prompt.split("____")[0].split("{")[0] in shown, drawn.question.id
            section = screen.session.drawn.paper.sections[drawn.section].title
            assert section in shown
            for option in getattr(drawn.question, "options", ()):
                assert option in shown
            if drawn.question.id in typed:
                await act(pilot, *typed[drawn.question.id])
        await pilot.press("ctrl+t", "y")
        await pilot.pause()
        report_screen = app.screen
        assert isinstance(report_screen, ExamReportScreen)
        assert "[b]一[/b]、填空" in screen_text(app)
        for item in report_screen.report.items:
            body = report_screen.query("#report-body > .item-body")[item.number - 1]
            text = str(body.content)
            assert item.explanation in text
            if item.response:
                assert item.response in text
        short = next(item for item in report_screen.report.items if item.question_id == "markup-short")
        report_screen.show_item(short.number)
        await pilot.pause()
        shown = screen_text(app)
        assert "[b]不知道[/b] [/x]" in shown and "✗[b]要点一" in shown


# -- revise exam ------------------------------------------------------------------------------


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    """A copy of the fixture bank with the mini paper, as --bank takes it."""
    target = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, target)
    shutil.copytree(EXAM_PAPERS / "papers", target / "papers")
    return target


def captured_runs(monkeypatch: pytest.MonkeyPatch) -> list[ExamRequest | None]:
    """Replace the app's run with one that records the exam it was asked to open."""
    requests: list[ExamRequest | None] = []
    monkeypatch.setattr(ReviseApp, "run", lambda self, *a, **k: requests.append(self.exam_request))
    return requests


def test_revise_exam_opens_the_app_on_the_paper(bank_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requests = captured_runs(monkeypatch)
    assert main(["--bank", str(bank_dir), "--data-dir", str(tmp_path / "data"), "exam", "--paper", "mini", "--minutes", "5", "--seed", "4"]) == 0
    assert main(["exam", "--bank", str(bank_dir), "--data-dir", str(tmp_path / "data")]) == 0
    assert requests == [ExamRequest("mini", 5, 4), ExamRequest(None, None, None)]


def test_revise_exam_unknown_paper_is_a_clear_error(bank_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    requests = captured_runs(monkeypatch)
    assert main(["exam", "--bank", str(bank_dir), "--data-dir", str(tmp_path / "data"), "--paper", "minni"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("revise") and "minni" in err and "“mini”" in err and "试卷有：mini" in err
    assert "Traceback" not in err and requests == []


def test_revise_exam_on_a_bank_without_papers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    requests = captured_runs(monkeypatch)
    assert main(["exam", "--bank", str(FIXTURE_BANK), "--data-dir", str(tmp_path / "data")]) == 1
    assert "没有试卷" in capsys.readouterr().err and requests == []


@pytest.mark.parametrize("minutes", ["0", "-3", "ten"])
def test_revise_exam_rejects_bad_minutes(minutes: str, bank_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["exam", "--bank", str(bank_dir), "--minutes", minutes])
    assert exit_info.value.code == 2
    assert "须是大于 0 的整数分钟" in capsys.readouterr().err


async def test_revise_exam_request_with_an_unknown_paper_inside_the_app(make_exam_app, store) -> None:
    """Reached only if the bank changed under the CLI's check: a notice, no attempt, the home screen."""
    app = make_exam_app(ExamRequest("gone"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("gone" in message for message in messages(app))
    assert store.exam_attempts() == []


async def test_a_repair_notice_stays_on_top_of_the_exam(bank, store, clock) -> None:
    app = build_app(bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, notices=["progress.sqlite3 was moved to x"], exam=ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [type(screen).__name__ for screen in app.screen_stack] == ["HomeScreen", "ExamScreen", "NoticeDialog"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)


async def test_disk_full_during_the_exam_is_retried_quietly_and_told_once(make_exam_app, store, clock) -> None:
    """Issue 13 #6/#19: a refused save is never shown as saved, is retried in the background, and is reported once."""
    from faults import failing_writes

    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.ticker.pause()  # this test ticks by hand
        now = [1000.0]
        screen.monotonic = lambda: now[0]
        navigator = screen.query_one("#navigator", QuestionNavigator)
        numeric = next(q.number for q in screen.session.drawn.questions if q.question.type == "numeric")
        await screen.go_to(numeric)
        with failing_writes(store, "disk-full"):
            await type_text(pilot, "12")
            for _ in range(8):  # two seconds of ticks
                now[0] += 0.25
                screen.tick()
                await pilot.pause()
            assert dict(navigator.states)[numeric] == "unsaved"
            assert numeric not in stored_answers(store, screen.session.attempt_id)
            failures = [message for message in messages(app) if "没能保存" in message]
            assert len(failures) == 1 and "会自动重试" in failures[0]
            await pilot.press("escape")  # the leave dialog does not claim everything is saved
            await pilot.pause()
            assert "有的答案还没能保存" in screen_text(app)
            await pilot.press("n")
            await pilot.pause()
        now[0] += 5  # the disk has room again: the next tick saves it
        screen.tick()
        await pilot.pause()
        assert stored_answers(store, screen.session.attempt_id)[numeric][0] == "12"
        assert dict(navigator.states)[numeric] == "answered"


async def test_adjusting_points_goes_to_the_question_being_read(make_exam_app, store) -> None:
    """Issue 14 bug 3: `a` on one question never opens another question's adjustment."""
    app = make_exam_app(ExamRequest("mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = await sit_and_hand_in(app, pilot, ["mkt-4c-odd", "val-crm-short"])
        report_screen = app.screen
        choice, short = number_of(exam, "mkt-4c-odd"), number_of(exam, "val-crm-short")
        report_screen.show_item(choice)
        await pilot.pause()
        await act(pilot, "<a>")
        assert app.screen is report_screen  # no dialog for a question that cannot be adjusted ...
        assert any(f"第 {choice} 题不能调整" in message for message in messages(app))  # ... and it says which
        report_screen.show_item(short)
        await pilot.pause()
        await act(pilot, "<a>")
        assert isinstance(app.screen, AdjustPointsDialog)
        assert f"第 {short} 题" in screen_text(app)
