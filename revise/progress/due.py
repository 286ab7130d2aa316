"""What "due today" means, defined once for home, the chapter list, practice and ``revise stats``.

A card is due today when its due time falls before the end of the student's
local day (:func:`revise.clock.end_of_day`): a card due at 23:00 counts at
08:00, so the number shown in the morning is the day's work, and it does not
grow as the day goes on. :func:`due_today_ids` is the one function that lists
them; :mod:`revise.progress.mastery` (chapter list, ``revise stats``) and
:mod:`revise.progress.forecast` count with the same :func:`due_cutoff`.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime, tzinfo
from typing import Protocol

from revise.clock import end_of_day


class DueSource(Protocol):
    """What :func:`due_today_ids` reads: the store's ids of cards due before a cutoff."""

    def due_today_ids(self, now: datetime, tz: tzinfo | None = None) -> list[str]: ...


def due_cutoff(now: datetime, tz: tzinfo | None = None) -> datetime:
    """The instant before which a due card counts as due today: the end of the local day containing `now`."""
    return end_of_day(now, tz)


def is_due_today(due: datetime | None, now: datetime, tz: tzinfo | None = None) -> bool:
    """True when a card with this due time is due today (a card never scheduled is not)."""
    return due is not None and due < due_cutoff(now, tz)


def due_today_ids(store: DueSource, now: datetime, tz: tzinfo | None = None, *, within: Container[str] | None = None) -> list[str]:
    """Ids of the cards due today (among `within`, e.g. a session's questions), most overdue first.

    Home, practice sessions and the mode chooser count with this; it is the
    list behind every "今日到期".
    """
    return [qid for qid in store.due_today_ids(now, tz) if within is None or qid in within]
