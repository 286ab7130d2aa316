"""The plumbing every part of the store shares: one connection, one lock, transactions, error translation.

Every public store method runs its SQL through :meth:`StoreBase._write` (one
``BEGIN IMMEDIATE`` transaction, committed before the call returns, so two
processes queue up instead of failing) or :meth:`StoreBase._read`. Both turn
SQLite errors into :class:`StoreError` subclasses with a message for the
student, and both take the *work* as a callable, so that after a damaged
database has been set aside and salvaged the work can run again on the fresh
one: a :class:`StoreCorruptError` reaches the caller only when that fails too.

The store is thread-safe (an RLock around the connection), so a UI can call it
from a worker thread and keep its event loop free while SQLite waits for a lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from revise.progress.errors import DataDirError, StoreCorruptError, StoreError, StoreNotice
from revise.progress.files import DATA_DIR_HINT, is_corruption, is_unwritable, write_error

T = TypeVar("T")


class StoreBase:
    """The connection of one progress database and the way every query and write goes through it."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notices: list[StoreNotice]) -> None:
        self._connection = connection
        self.path = path
        self.notices = notices
        self._lock = threading.RLock()
        # Set by the background integrity check when it finds damage; acted on at the next call.
        self._damage: str | None = None

    def _recover(self, reason: str) -> bool:
        """Set the damaged database aside and continue on a salvaged one; False when that is not possible here."""
        return False

    def _translate(self, error: sqlite3.Error, *, writing: bool) -> StoreError:
        if is_corruption(error):
            return StoreCorruptError(f"进度数据库 {self.path} 已损坏（{error}），未能自动移开重建；请重新启动 revise")
        failed = write_error(error) if writing else None
        if failed is not None:
            return failed
        if is_unwritable(error):
            return DataDirError(f"无法写入进度数据库 {self.path}：{error}；{DATA_DIR_HINT}")
        return StoreError(f"进度数据库 {self.path} 出错：{error}")

    def _run(self, work: Callable[[sqlite3.Connection], T], *, writing: bool) -> T:
        with self._lock:
            if self._damage is not None:
                reason, self._damage = self._damage, None
                self._recover(reason)
            for attempt in range(2):
                try:
                    return self._transaction(work) if writing else work(self._connection)
                except sqlite3.DatabaseError as error:
                    # Once: a database found damaged is set aside, salvaged, and the work runs again on the fresh one.
                    if attempt == 0 and is_corruption(error) and self._recover(f"it is damaged: {error}"):
                        continue
                    raise self._translate(error, writing=writing) from None
            raise AssertionError("unreachable")  # pragma: no cover

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """One IMMEDIATE transaction: the write lock is taken up front so concurrent writers wait, not fail."""
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (full disk, I/O error) may leave the transaction open: never leave it half done.
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            raise
        return result

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one committed transaction; StoreWriteError (nothing saved) when the disk refuses it."""
        return self._run(work, writing=True)

    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """Run a query on the connection, its errors translated."""
        return self._run(query, writing=False)
