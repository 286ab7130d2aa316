"""Salvaging a damaged database: copy every row that can still be read into a fresh one.

One damaged page must not cost a student thousands of answers. The damaged
file has already been set aside (and is never written: it is opened read-only,
or read by ``sqlite3 -readonly … .recover``). Rows are copied table by table
into the fresh database, keeping their ids, so the log keeps its order:

- with the ``sqlite3`` command-line shell present, its ``.recover`` rebuilds
  what it can into a temporary database first (it finds rows even behind a
  damaged interior page);
- otherwise, or when that fails, rows are read directly: rowid tables a range
  at a time and, around a damaged page, one row at a time; other tables from
  both ends until the damage.

:func:`quarantine` is the whole set-aside path: move the file aside, build the
fresh database under a temporary name, salvage into it, rename it into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from revise.progress.errors import StoreError, StoreNotice
from revise.progress.files import SIDE_FILE_SUFFIXES, connect, move_aside, read_only_uri
from revise.progress.schema import MIGRATIONS, Migration, migrate

# In copy order: parents before the rows that point at them.
TABLES = (
    "settings",
    "review_log",
    "answer_states",
    "review_undos",
    "cards",
    "notebook",
    "exam_attempts",
    "exam_answers",
    "exam_adjustments",
    "bookmarks",
    "notes",
    "appeals",
    "self_assessments",
)
CHUNK = 200
RECOVER_TIMEOUT_S = 120


@dataclass(frozen=True)
class SalvageResult:
    """How many rows were kept per table, and whether ``.recover`` was used."""

    kept: dict[str, int]
    used_recover: bool

    @property
    def answers(self) -> int:
        """Answers kept (log rows of kind 'answer')."""
        return self.kept.get("answers", 0)


def salvage(source: Path, target: sqlite3.Connection, *, use_cli: bool | None = None) -> SalvageResult:
    """Copy what can be read from the damaged database at `source` into `target` (already migrated).

    `use_cli` None uses ``sqlite3 .recover`` when the shell is installed. Never
    raises for damage: what cannot be read is skipped.
    """
    cli = shutil.which("sqlite3") if use_cli is not False else None
    if cli:
        with tempfile.TemporaryDirectory(prefix="revise-salvage-") as scratch:
            recovered = Path(scratch) / "recovered.sqlite3"
            if _recover_with_cli(cli, source, recovered):
                kept = _copy_all(recovered, target)
                if kept.get("answers", 0):
                    return SalvageResult(kept, True)
    # No shell, or it recovered no answers: read the file ourselves (rows already copied are kept once).
    return SalvageResult(_copy_all(source, target), False)


def _recover_with_cli(cli: str, source: Path, recovered: Path) -> bool:
    try:
        dump = subprocess.run(
            [cli, "-readonly", str(source), ".recover"],
            capture_output=True,
            timeout=RECOVER_TIMEOUT_S,
            check=False,
        )
        if not dump.stdout:
            return False
        load = subprocess.run([cli, str(recovered)], input=dump.stdout, capture_output=True, timeout=RECOVER_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return load.returncode == 0 or recovered.exists()


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _has_rowid(connection: sqlite3.Connection, table: str) -> bool:
    try:
        connection.execute(f"SELECT rowid FROM {table} LIMIT 0")
    except sqlite3.Error:
        return False
    return True


def _copy_all(source: Path, target: sqlite3.Connection) -> dict[str, int]:
    kept: dict[str, int] = {}
    try:
        connection = sqlite3.connect(read_only_uri(source), uri=True)
    except sqlite3.Error:
        return kept
    with contextlib.closing(connection):
        with contextlib.suppress(sqlite3.Error):
            connection.execute("PRAGMA query_only = ON")
        target.execute("BEGIN IMMEDIATE")
        try:
            for table in TABLES:
                try:
                    wanted = _columns(target, table)
                    present = set(_columns(connection, table))
                except sqlite3.Error:
                    continue
                columns = [name for name in wanted if name in present]
                if not columns:
                    continue
                insert = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                count = answers = 0
                kind_at = columns.index("kind") if table == "review_log" and "kind" in columns else None
                for row in _readable_rows(connection, table, columns):
                    try:
                        if target.execute(insert, row).rowcount:
                            count += 1
                            answers += kind_at is not None and row[kind_at] == "answer"
                    except sqlite3.Error:
                        continue  # a row the new schema refuses (damaged values): skipped
                kept[table] = count
                if table == "review_log":
                    kept["answers"] = answers
            target.execute("COMMIT")
        except BaseException:
            if target.in_transaction:
                target.execute("ROLLBACK")
            raise
    return kept


def _readable_rows(connection: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """Every row of `table` that can still be read, skipping damaged pages."""
    select = f"SELECT {', '.join(columns)} FROM {table}"
    if _has_rowid(connection, table):
        yield from _rows_by_rowid(connection, table, columns)
        return
    seen: set[tuple[Any, ...]] = set()
    for order in ("", " ORDER BY 1 DESC"):
        try:
            for row in connection.execute(select + order):
                if row not in seen:
                    seen.add(row)
                    yield tuple(row)
        except sqlite3.Error:
            continue  # read from the other end up to the damage


def _rows_by_rowid(connection: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid"
    highest = _highest_rowid(connection, table)
    if highest is None:
        return
    low = 1
    while low <= highest:
        high = low + CHUNK - 1
        try:
            rows = connection.execute(select, (low, high)).fetchall()
        except sqlite3.Error:
            rows = []
            for rowid in range(low, high + 1):  # around the damage: one row at a time
                with contextlib.suppress(sqlite3.Error):
                    rows.extend(connection.execute(select, (rowid, rowid)).fetchall())
        yield from (tuple(row) for row in rows)
        low = high + 1


def _highest_rowid(connection: sqlite3.Connection, table: str) -> int | None:
    for query in (f"SELECT MAX(rowid) FROM {table}", f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1"):
        with contextlib.suppress(sqlite3.Error):
            row = connection.execute(query).fetchone()
            return int(row[0]) if row and row[0] is not None else None
    # The right edge is damaged: scan forward as far as the file lets us.
    highest = None
    with contextlib.suppress(sqlite3.Error):
        for (rowid,) in connection.execute(f"SELECT rowid FROM {table} ORDER BY rowid"):
            highest = rowid
    return highest


def _salvageable(reason: str) -> bool:
    """Damage (not a foreign database, not a directory) is worth reading rows out of."""
    return reason.startswith("it is damaged") or reason == "it is not a SQLite database"


def quarantine(path: Path, reason: str, *, migrations: Sequence[Migration] = MIGRATIONS, salvage_with_cli: bool | None = None) -> StoreNotice:
    """Move an unusable database aside (never deleting it) and, for a damaged one, salvage what it holds.

    The salvaged rows go into a fresh database built under a temporary name and
    renamed into place, so no other instance ever sees it half-filled. Call it
    holding :func:`~revise.progress.files.exclusive_lock`.
    """
    target = move_aside(path, reason)
    message = f"The progress database {path} could not be used ({reason}). It was moved to {target} and a fresh database was started; nothing was deleted."
    if not (_salvageable(reason) and target.is_file()):
        return StoreNotice(message, target)
    result = _salvage_into_place(target, path, migrations, salvage_with_cli)
    if result is None:
        return StoreNotice(message + " 无法从损坏的文件中救回记录；原文件已保留。", target, 0)
    message += f" 已从损坏的数据库中救回 {result.answers} 条作答记录，原文件保留未删。"
    return StoreNotice(message, target, result.answers)


def _salvage_into_place(source: Path, path: Path, migrations: Sequence[Migration], use_cli: bool | None) -> SalvageResult | None:
    fresh = path.with_name(f"{path.name}.salvage-{os.getpid()}")
    try:
        connection = connect(fresh)
        try:
            migrate(connection, migrations)
            result = salvage(source, connection, use_cli=use_cli)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        os.replace(fresh, path)
        return result
    except (sqlite3.Error, OSError, StoreError):
        # Only our own partial copy is removed; the set-aside original is untouched.
        for leftover in (fresh, *(Path(f"{fresh}{suffix}") for suffix in SIDE_FILE_SUFFIXES)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        return None
