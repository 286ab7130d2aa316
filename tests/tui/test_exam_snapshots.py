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
