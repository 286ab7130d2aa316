"""What "due today" means, defined once for home, the chapter list, practice and ``revise stats``.

A card is due today when its due time falls before the end of the student's
local day (:func:`revise.clock.end_of_day`): a card due at 23:00 counts at
08:00, so the number shown in the morning is the day's work, and it does not
grow as the day goes on.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from revise.clock import end_of_day


def due_cutoff(now: datetime, tz: tzinfo | None = None) -> datetime:
    """The instant before which a due card counts as due today: the end of the local day containing `now`."""
    return end_of_day(now, tz)


def is_due_today(due: datetime | None, now: datetime, tz: tzinfo | None = None) -> bool:
    """True when a card with this due time is due today (a card never scheduled is not)."""
    return due is not None and due < due_cutoff(now, tz)
