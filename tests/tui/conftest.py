"""Fixtures for the UI tests: an app on the fixture bank with a store under tmp_path, a fixed clock and seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import pytest
from tui_helpers import FIXTURE_BANK, SEED, FixedClock, load


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
