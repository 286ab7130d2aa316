"""Fixtures for the UI tests: an app on the fixture bank with a store under tmp_path, a fixed clock and seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import pytest
from tui_helpers import FIXTURE_BANK, SEED, FixedClock, load, steady_cursor_reactives


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursors in UI tests: snapshots do not depend on timing, and no blink timer runs."""
    for widget_class, steady in steady_cursor_reactives():
        monkeypatch.setattr(widget_class, "cursor_blink", steady)


@pytest.fixture(autouse=True)
def pauses_wait_for_store_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pilot.pause()` also waits for the app's store calls, which run in thread workers.

    An idle check alone cannot see a thread waiting on fsync; without this a
    test could look at the screen before the answer it just gave was saved.
    """
    import contextlib

    from textual.pilot import Pilot

    original = Pilot.pause

    async def pause(self: Pilot, delay: float | None = None) -> None:
        await original(self, delay)  # lets a key just pressed start its store call
        store_calls = [worker for worker in self.app.workers if worker.group == "store" and not worker.is_finished]
        if store_calls:
            with contextlib.suppress(Exception):  # a failed call is the app's to report, not the pause's
                await self.app.workers.wait_for_complete(store_calls)
            await original(self)

    monkeypatch.setattr(Pilot, "pause", pause)


@pytest.fixture
def clock() -> FixedClock:
    """The fixed clock shared by the app and the test."""
    return FixedClock()


@pytest.fixture
def store(tmp_path: Path):
    """A fresh progress store in tmp_path."""
    from revise.progress.store import Store

    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def make_app(store, clock: FixedClock) -> Callable:
    """Build the app as the CLI does, on the fixture bank (or another), with the fixed clock, time zone and seed."""
    from revise.tui.app import build_app

    def make(bank_path: Path | None = None, **options):
        bank = load(bank_path or FIXTURE_BANK)
        options.setdefault("clock", clock)
        options.setdefault("tz", timezone.utc)
        options.setdefault("rng_seed", SEED)
        return build_app(bank, store, **options)

    return make
