"""Snapshots of the mock exam at 80x24: the paper picker, the exam mid-paper, the hand-in confirmation, the report, the history.

The clock, time zone and seed are fixed, and every answer is saved before the
snapshot is taken (the screen otherwise saves on a real-time tick), so each
run draws the same screen. Update with
``pytest tests/tui/test_exam_snapshots.py --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

from datetime import timezone

import pytest
from tui_helpers import FIXTURE_BANK, FIXTURES, SEED, SIZE, no_cursor_blink, shown_keys, type_text

from revise.sessions.exam import ExamSession
from revise.tui.app import ExamRequest, build_app
from revise.tui.screens.exam import ExamScreen

EXAM_PAPERS = FIXTURES / "exam_papers"


@pytest.fixture
def exam_app(store, clock):
    """A factory for the app on the fixture bank with the "mini" paper, fixed clock and seed."""
    from revise.bank.loader import load_bank

    result = load_bank([FIXTURE_BANK, EXAM_PAPERS])
    assert not result.errors

    def make(exam: ExamRequest | None = None):
        return build_app(result.bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=exam)

    return make


async def settle(pilot) -> None:
    """Save what is on screen, drop the toasts and stop cursors blinking."""
    app = pilot.app
    for screen in app.screen_stack:
        if isinstance(screen, ExamScreen):
            screen.save_current(force=True)
    await pilot.pause()
    app.clear_notifications()
    no_cursor_blink(app)
    await pilot.pause()


def mid_paper(clock, *then: str):
    """Answer the fill and choice questions, flag the choice, tick one option of the multi, 3m20s in; then press `then`."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        await type_text(pilot, "产品")
        await pilot.press("enter")
        await type_text(pilot, "价格")
        await pilot.press("enter", "enter", "enter")  # two blanks left empty; the last Enter goes on
        # Question 2 is the single choice: pick option C (the right one) wherever this paper shows it.
        await pilot.press(*shown_keys(screen.session.question(2), "c"), "enter")
        await pilot.press("ctrl+b", "ctrl+f", "ctrl+n")
        await pilot.press("a")
        clock.advance(minutes=3, seconds=20)
        screen.tick()
        await settle(pilot)
        if then:
            await pilot.press(*then)
            await settle(pilot)

    return run_before


def test_exam_mid_paper(snap_compare, exam_app, clock) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=mid_paper(clock), terminal_size=SIZE)


def test_exam_hand_in_confirmation(snap_compare, exam_app, clock) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=mid_paper(clock, "ctrl+t"), terminal_size=SIZE)


def test_exam_report(snap_compare, exam_app, clock) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=mid_paper(clock, "ctrl+t", "y"), terminal_size=SIZE)


def test_exam_report_short_answer_keypoints(snap_compare, exam_app, clock) -> None:
    async def run_before(pilot) -> None:
        await mid_paper(clock)(pilot)
        screen = pilot.app.screen
        short = next(q.number for q in screen.session.drawn.questions if q.question.id == "val-crm-short")
        await screen.go_to(short)
        await type_text(pilot, "以客户为中心，重视长期关系")
        await pilot.press("ctrl+t", "y")
        await settle(pilot)
        pilot.app.screen.show_item(short)
        await settle(pilot)

    assert snap_compare(exam_app(ExamRequest("mini")), run_before=run_before, terminal_size=SIZE)


def test_paper_picker(snap_compare, exam_app) -> None:
    assert snap_compare(exam_app(), press=["e"], terminal_size=SIZE)


def test_resume_offer(snap_compare, exam_app, store, clock) -> None:
    app = exam_app()
    session = ExamSession.start(app.bank, store, app.bank.papers["mini"], seed=SEED, clock=clock)
    session.set_answer(1, "产品")
    session.toggle_flag(2)
    clock.advance(minutes=4)
    assert snap_compare(app, terminal_size=SIZE)


def test_statistics_exam_history(snap_compare, exam_app, store, clock) -> None:
    app = exam_app()
    for seed, answers in ((1, {}), (2, {"mkt-4c-odd": "C"}), (3, {"mkt-4c-odd": "C", "mkt-4c-judge-true": "对"})):
        session = ExamSession.start(app.bank, store, app.bank.papers["mini"], seed=seed, clock=clock)
        for drawn in session.drawn.questions:
            if drawn.question.id in answers:
                session.set_answer(drawn.number, answers[drawn.question.id])
        clock.advance(minutes=8)
        session.submit()
        clock.advance(days=1)
    assert snap_compare(app, press=["t", "4"], terminal_size=SIZE)


# -- issue 14: the rules before starting, the header at 80 and 120 columns, a grace period, the review --------

LONG_PAPERS = FIXTURES / "exam_papers_long"
WIDE = (120, 40)


@pytest.fixture
def long_app(store, clock):
    """A factory for the app on the fixture bank with the "long" paper (the shipped papers' long section titles)."""
    from revise.bank.loader import load_bank

    result = load_bank([FIXTURE_BANK, LONG_PAPERS])
    assert not result.errors

    def make(exam: ExamRequest | None = None):
        return build_app(result.bank, store, clock=clock, tz=timezone.utc, rng_seed=SEED, exam=exam)

    return make


def test_exam_start_dialog(snap_compare, exam_app) -> None:
    assert snap_compare(exam_app(), press=["e", "enter"], terminal_size=SIZE)


def flagged_judge(clock):
    """The long paper on its first 对/错 question, flagged, 2 minutes in."""

    async def run_before(pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ExamScreen)
        await screen.go_to(next(q.number for q in screen.session.drawn.questions if q.question.type == "judge"))
        await pilot.press("ctrl+f")
        clock.advance(minutes=2)
        screen.tick()
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [SIZE, WIDE], ids=["80x24", "120x40"])
def test_exam_header_long_section_title(snap_compare, long_app, clock, size) -> None:
    assert snap_compare(long_app(ExamRequest("long")), run_before=flagged_judge(clock), terminal_size=size)


def test_exam_in_grace_period(snap_compare, exam_app, clock) -> None:
    from revise.sessions.exam import TimeRule

    async def run_before(pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ExamScreen)
        screen.ticker.pause()
        await type_text(pilot, "产品")
        clock.advance(minutes=11, seconds=15)
        screen.tick()
        await settle(pilot)

    assert snap_compare(exam_app(ExamRequest("mini", rule=TimeRule.of("grace", 5))), run_before=run_before, terminal_size=SIZE)


def appealed_and_filtered(*then: str):
    """Hand the mid paper in, appeal the wrong fill question, then press `then` (e.g. f for the wrong answers only)."""

    async def run_before(pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ExamScreen)
        await type_text(pilot, "产品")
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.press(*shown_keys(screen.session.question(2), "c"), "enter")
        await pilot.press("ctrl+t", "y")
        await settle(pilot)
        report = pilot.app.screen
        report.show_item(1)
        await pilot.press("r")
        await settle(pilot)
        if then:
            await pilot.press(*then)
            await settle(pilot)

    return run_before


def test_exam_report_after_an_appeal(snap_compare, exam_app) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=appealed_and_filtered(), terminal_size=SIZE)


def test_exam_report_wrong_answers_only(snap_compare, exam_app) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=appealed_and_filtered("f"), terminal_size=SIZE)


def test_exam_report_wide(snap_compare, exam_app, clock) -> None:
    assert snap_compare(exam_app(ExamRequest("mini")), run_before=mid_paper(clock, "ctrl+t", "y"), terminal_size=WIDE)


def sat_twice_and_practised(app, store, clock) -> None:
    """Three attempts at mini (one not counted), one at long, and some timed practice."""
    from revise.sessions.exam import TimeRule

    for question_id, seconds in (("mkt-4c-odd", 40), ("val-fixed", 250), ("mkt-4p-tf", 6)):
        question = app.bank.questions[question_id]
        store.record_answer(
            question_id=question_id, question_type=question.type, response="x", verdict="correct", score=1.0, at=clock(), duration_ms=seconds * 1000
        )
    for paper, seed, right, rule, minutes in (("mini", 1, False, None, 5), ("mini", 2, True, "nocount", 12), ("mini", 3, True, None, 5)):
        session = ExamSession.start(app.bank, store, app.bank.papers[paper], seed=seed, clock=clock, rule=TimeRule.of(rule) if rule else None)
        if right:
            session.set_answer(next(q.number for q in session.drawn.questions if q.question.id == "mkt-4c-odd"), "C")
        clock.advance(minutes=minutes)
        session.submit(auto=session.expired)
        clock.advance(days=1)


@pytest.mark.parametrize(("tab", "size"), [("1", WIDE), ("4", WIDE), ("5", SIZE)], ids=["overview-120x40", "exams-120x40", "time-80x24"])
def test_statistics_tabs(snap_compare, exam_app, store, clock, tab, size) -> None:
    app = exam_app()
    sat_twice_and_practised(app, store, clock)
    assert snap_compare(app, press=["t", tab], terminal_size=size)
