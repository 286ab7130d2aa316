"""Fault injection for the progress store: make its writes fail on demand, as a full disk, an I/O error or a lock would.

    with failing_writes(store, "disk-full"):
        store.record_answer(...)   # raises StoreWriteError, nothing saved

The store's connection is wrapped while the block runs; the errors raised are
the ones SQLite itself raises (same message and result code), at the statement
where SQLite would raise them: a full disk or an I/O error at the first
INSERT/UPDATE/DELETE (or, with ``at="commit"``, at COMMIT, after every
statement succeeded), a lock held elsewhere at ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# (message, extended result code) as SQLite reports them.
FAULTS = {
    "disk-full": ("database or disk is full", 13),  # SQLITE_FULL
    "io": ("disk I/O error", 778),  # SQLITE_IOERR_WRITE
    "locked": ("database is locked", 5),  # SQLITE_BUSY, after the busy timeout ran out
    "corrupt": ("database disk image is malformed", 11),  # SQLITE_CORRUPT: a page went bad under the app
}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def sqlite_error(kind: str) -> sqlite3.OperationalError:
    """The error SQLite raises for `kind`, with its result code set as the sqlite3 module sets it."""
    message, code = FAULTS[kind]
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = {13: "SQLITE_FULL", 778: "SQLITE_IOERR_WRITE", 5: "SQLITE_BUSY", 11: "SQLITE_CORRUPT"}[code]  # type: ignore[attr-defined]
    return error


class FaultyConnection:
    """A sqlite3 connection whose writes fail while `kind` is set; everything else passes through."""

    def __init__(self, real: sqlite3.Connection, kind: str, at: str = "statement", times: int | None = None) -> None:
        self._real = real
        self.kind: str | None = kind
        self.at = at
        self.times = times
        self.failures = 0

    def _fails(self, sql: str) -> bool:
        if self.kind is None or (self.times is not None and self.failures >= self.times):
            return False
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if self.kind == "locked":
            return sql.strip().upper().startswith("BEGIN IMMEDIATE")
        if self.at == "commit":
            return verb == "COMMIT"
        return verb in WRITES

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        """Run `sql`, or raise the injected error for a write."""
        if self._fails(sql):
            self.failures += 1
            raise sqlite_error(self.kind or "io")
        return self._real.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def failing_writes(store: Any, kind: str, *, at: str = "statement", times: int | None = None) -> Iterator[FaultyConnection]:
    """Make `store`'s writes fail with `kind` ("disk-full", "io", "locked", "corrupt") until the block ends (or `times` failures)."""
    if kind not in FAULTS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
    real = store._connection
    faulty = FaultyConnection(real, kind, at, times)
    store._connection = faulty
    try:
        yield faulty
    finally:
        if store._connection is faulty:
            store._connection = real


def snapshot(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after a failed write to prove nothing changed."""
    connection = store._connection
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}
