"""Shared helpers of the UI tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from clocks import ManualClock

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"
HOSTILE_BANK = FIXTURES / "markup_bank"
# A Monday morning, so calendars and "today" never depend on when the tests run.
START = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
SEED = 7
SIZE = (80, 24)


class FixedClock(ManualClock):
    """A clock the test moves by hand, starting at START."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def load(bank_path: Path):
    """A bank loaded without errors (the test fails otherwise)."""
    from revise.bank.loader import load_bank

    result = load_bank([bank_path])
    assert not result.errors, [str(p) for p in result.errors]
    return result.bank


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def no_cursor_blink(app) -> None:
    """Stop cursors blinking so snapshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


async def type_text(pilot, text: str) -> None:
    """Type text the way a terminal delivers it: one key event per character, with the character attached.

    (``Pilot.press`` loses full-width punctuation such as "，", whose key name
    it cannot map back to a character.)
    """
    from textual import events
    from textual.keys import _character_to_key

    for character in text:
        key = character if character.isalnum() else _character_to_key(character)
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
        await pilot.pause()
