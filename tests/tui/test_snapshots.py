"""Snapshots at 80x24 (pytest-textual-snapshot): home, a question of each type, feedback, statistics, settings.

Every app here has a fixed clock, time zone and seed, so numeric parameters,
dates, heatmaps and durations are the same on every run. Update with
``pytest tests/tui/test_snapshots.py --snapshot-update`` after a deliberate
change, and look at the report before committing.
"""

from __future__ import annotations

import pytest
from tui_helpers import SIZE, no_cursor_blink, type_text

from revise.tui.screens.practice import PracticeScreen


def record(store, clock, *answers: tuple[str, str, str]) -> None:
    """Store answers (question id, type, verdict) at the fixed time, as if practised earlier today."""
    for question_id, question_type, verdict in answers:
        score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict]
        store.record_answer(question_id=question_id, question_type=question_type, response="x", verdict=verdict, score=score, at=clock())


SOME_PROGRESS = (
    ("mkt-4c-odd", "choice", "incorrect"),
    ("mkt-4p-tf", "truefalse", "correct"),
    ("mkt-4p-multi", "multi", "partial"),
    ("val-fixed", "numeric", "correct"),
)


def session(*question_ids: str, then: tuple[str, ...] = (), text: str = ""):
    """A run_before that opens a session on these questions, optionally types and presses keys."""

    async def run_before(pilot) -> None:
        app = pilot.app
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=list(question_ids)), title="开始练习"))
        await pilot.pause()
        no_cursor_blink(app)
        if text:
            await type_text(pilot, text)
        if then:
            await pilot.press(*then)
        await pilot.pause()
        no_cursor_blink(app)

    return run_before


def test_home_fresh(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_home_with_progress(snap_compare, make_app, store, clock) -> None:
    record(store, clock, *SOME_PROGRESS)
    clock.advance(hours=1)
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_home_light_theme(snap_compare, make_app, store, clock) -> None:
    record(store, clock, *SOME_PROGRESS)
    assert snap_compare(make_app(theme="textual-light"), terminal_size=SIZE)


QUESTIONS = {
    "fill_inline": session("mkt-4p-list", text="产品"),
    "fill_numbered": session("drill:4c:list"),
    "choice": session("mkt-4c-odd", then=("c",)),
    "multi": session("mkt-4p-multi", then=("a", "e")),
    "truefalse": session("mkt-4p-tf"),
    "judge_with_correction": session("mkt-4c-judge", then=("f",), text=""),
    "short": session("val-crm-short", text="以客户为中心"),
    "essay": session("val-crm-essay"),
    "numeric_with_params": session("val-satisfaction"),
}


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_question(snap_compare, make_app, name: str) -> None:
    assert snap_compare(make_app(), run_before=QUESTIONS[name], terminal_size=SIZE)


def test_feedback_partial_short_answer(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=session("val-crm-short", text="以客户为中心", then=("ctrl+s",)), terminal_size=SIZE)


def test_feedback_incorrect_choice(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=session("mkt-4c-odd", then=("a", "enter")), terminal_size=SIZE)


def test_session_summary(snap_compare, make_app) -> None:
    steps = ("a", "enter", "enter", "f", "enter")
    assert snap_compare(make_app(), run_before=session("mkt-4c-odd", "mkt-4p-tf", then=steps), terminal_size=SIZE)


def test_statistics_overview(snap_compare, make_app, store, clock) -> None:
    record(store, clock, *SOME_PROGRESS)
    clock.advance(days=1)
    record(store, clock, ("mkt-4c-odd", "choice", "correct"), ("val-crm-short", "short", "partial"))
    clock.advance(hours=2)
    assert snap_compare(make_app(), press=["t"], terminal_size=SIZE)


def test_statistics_mastery(snap_compare, make_app, store, clock) -> None:
    record(store, clock, *SOME_PROGRESS)
    clock.advance(hours=2)
    assert snap_compare(make_app(), press=["t", "2"], terminal_size=SIZE)


def test_statistics_most_wrong(snap_compare, make_app, store, clock) -> None:
    record(store, clock, *SOME_PROGRESS)
    assert snap_compare(make_app(), press=["t", "3"], terminal_size=SIZE)


def test_settings(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("o")
        await pilot.pause()
        no_cursor_blink(pilot.app)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)


def test_study_concept(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["s", "enter", "down"], terminal_size=SIZE)


def test_chapters(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["c", "space"], terminal_size=SIZE)


def test_traditional_script_question(snap_compare, make_app, store) -> None:
    store.set_setting("display_script", "traditional")
    assert snap_compare(make_app(), run_before=session("mkt-4c-judge", then=("f",)), terminal_size=SIZE)
