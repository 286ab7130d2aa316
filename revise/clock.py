"""One clock for the whole app: what "now" and "today" mean.

Every part asks here, so practice, statistics, exams and the screens agree on
the time and on which local day it is. Times are aware datetimes in UTC;
"today" is the student's local calendar day. Tests pass their own `now`
callable wherever a component takes one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def utc(moment: datetime) -> datetime:
    """The same instant as an aware datetime in ``timezone.utc``."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(timezone.utc)


def local_zone(now: datetime) -> tzinfo:
    """The machine's time zone at `now` (a fixed offset)."""
    zone = now.astimezone().tzinfo
    assert zone is not None
    return zone


def local_day(moment: datetime) -> date:
    """The student's local calendar day at `moment`."""
    return moment.astimezone(local_zone(moment)).date()


def start_of_day(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """The UTC instant at which the local day containing `moment` began."""
    zone = tz if tz is not None else local_zone(moment)
    day = moment.astimezone(zone).date()
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def end_of_day(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """The UTC instant at which the local day containing `moment` ends (the next day's start)."""
    zone = tz if tz is not None else local_zone(moment)
    day = moment.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)
