"""What the screens are given when they are built: the bank, the store, the clock, the display script and the seed.

Screens never reach into the app for these ("attributes down"); they ask for
navigation and report problems with messages ("messages up", see
:mod:`revise.tui.messages`). A change of display script is published on
:attr:`Services.script_changed`; the theme on Textual's own
``App.theme_changed_signal``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from revise.clock import local_zone

if TYPE_CHECKING:
    from textual.signal import Signal

    from revise.bank.model import Bank
    from revise.progress.store import Store
    from revise.sessions.engine import Filters, PracticeEngine
    from revise.tui.display import DisplayScript

Clock = Callable[[], datetime]


@dataclass
class Services:
    """The objects every screen works with; built once by the app."""

    bank: Bank
    store: Store
    clock: Clock
    show: DisplayScript
    script_changed: Signal[str]
    tz: tzinfo | None = None  # None: the machine's local zone
    rng_seed: int | None = None  # fixed in tests, so sessions and papers are reproducible

    def zone(self, moment: datetime | None = None) -> tzinfo:
        """The time zone "today" is counted in."""
        return self.tz or local_zone(moment or self.clock())

    def local_time(self, moment: datetime, pattern: str = "%H:%M") -> str:
        """A stored (UTC) moment in the student's time zone."""
        return moment.astimezone(self.zone(moment)).strftime(pattern)

    def new_engine(self, *, filters: Filters | None = None, notebook_only: bool = False, queue: list[str] | None = None) -> PracticeEngine:
        """A practice session on this bank and store, with this clock and seed."""
        from revise.sessions.engine import PracticeEngine

        return PracticeEngine(
            self.bank,
            self.store,
            filters=filters,
            notebook_only=notebook_only,
            now=self.clock,
            rng_seed=self.rng_seed,
            queue=queue,
            tz=self.tz,  # "today" in the same zone as every screen
        )
