"""A clock the tests move by hand, for the engine, exams and the app."""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    """A UTC clock that stands still until told to move."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. advance(minutes=5)."""
        self.moment += timedelta(**delta)
