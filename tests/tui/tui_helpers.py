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
    """Kept for old callers: cursors no longer blink in any UI test (see conftest's `steady_cursors`)."""
    from textual.widgets import Input, TextArea

    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


def steady_cursor_reactives():
    """Replacement class attributes that make Input and TextArea cursors not blink (no timer, no repaint)."""
    from textual.reactive import reactive
    from textual.widgets import Input, TextArea

    replacements = []
    for widget_class in (Input, TextArea):
        steady: reactive[bool] = reactive(False, init=False)
        steady.__set_name__(widget_class, "cursor_blink")
        replacements.append((widget_class, steady))
    return replacements


def _send_key(pilot, key: str, character: str | None) -> None:
    from textual import events

    event = events.Key(key, character)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)


async def type_text(pilot, text: str) -> None:
    """Type text the way a terminal delivers it: one key event per character, with the character attached.

    The keys are queued together and the app is waited for once: the focused
    widget takes them in order, so a pause per character only costs time.
    (``Pilot.press`` loses full-width punctuation such as "，", whose key name
    it cannot map back to a character.)
    """
    from textual.keys import _character_to_key

    for character in text:
        _send_key(pilot, character if character.isalnum() else _character_to_key(character), character)
    await pilot.pause()


def shown_keys(presented, bank_letters: str) -> list[str]:
    """The letter keys a student presses to choose these options (bank letters), given the order they are shown in."""
    from revise.bank.shuffle import bank_to_shown

    bank_indexes = {ord(letter.upper()) - ord("A") for letter in bank_letters}
    return [chr(ord("a") + position) for position in sorted(bank_to_shown(presented.order, bank_indexes))]


async def act(pilot, *actions: str, presented=None) -> None:
    """The one way tests drive the app: "<key>" presses a key, "<bank:ac>" picks those options
    (bank letters, mapped to the letters shown for `presented`), anything else is typed; then one pause."""
    for action in actions:
        if action.startswith("<bank:") and action.endswith(">"):
            assert presented is not None, "picking options by bank letter needs the question as presented"
            await pilot.press(*shown_keys(presented, action[6:-1]))
        elif action.startswith("<") and action.endswith(">"):
            await pilot.press(action[1:-1])
        else:
            await type_text(pilot, action)
    await pilot.pause()
