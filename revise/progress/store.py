"""The student's progress, kept in SQLite so that it is never lost: the :class:`Store` facade.

One database per data dir: ``<data dir>/progress.sqlite3``. Its parts live in
their own modules, and :class:`Store` brings them together behind one API:

- :mod:`~revise.progress.schema`: tables and forward migrations (``PRAGMA user_version``);
- :mod:`~revise.progress.files`: the data dir (0700) and its files (0600),
  setting an unusable database aside, connecting (WAL, FULL sync, busy timeout);
- :mod:`~revise.progress.salvage`: copying what can be read out of a damaged database;
- :mod:`~revise.progress.base`: transactions and error translation;
- :mod:`~revise.progress.records`: answers, overrides, undo, appeals, cards, the 错题本 and the log;
- :mod:`~revise.progress.personal`: settings, bookmarks and notes;
- :mod:`~revise.progress.attempts`: mock-exam attempts.

Durability and concurrency: every write is one ``BEGIN IMMEDIATE``
transaction committed before the call returns; a write that was not committed
raises :class:`StoreWriteError` and nothing of it is saved.

A file at the database path that is not a usable revise database is moved
aside to ``progress.sqlite3.corrupt-<timestamp>`` (never deleted), what can
still be read from it is salvaged into a fresh database, and :attr:`Store.notices`
says where it went and how many answers were kept. Damage found later (by the
background check of a big file, or by any query) takes the same path while the
app runs. An unusable data dir raises :class:`DataDirError`.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from revise.progress import files
from revise.progress.assessments import AssessmentsMixin
from revise.progress.attempts import AttemptsMixin, Marking, new_owner_token
from revise.progress.errors import (
    AttemptInUseError,
    AttemptTakenError,
    DataDirError,
    NewerSchemaError,
    StoreCorruptError,
    StoreError,
    StoreNotice,
    StoreWriteError,
)
from revise.progress.files import (
    DATA_DIR_HINT,
    DB_NAME,
    QUICK_CHECK_MAX_BYTES,
    SIDE_FILE_SUFFIXES,
    SQLITE_MAGIC,
    connect,
    contents_problem,
    ensure_writable_dir,
    exclusive_lock,
    file_identity,
    is_corruption,
    is_unwritable,
    quick_check,
    read_only_uri,
    retry_while_busy,
    unusable_file_reason,
)
from revise.progress.notebook_edits import NotebookEditsMixin
from revise.progress.personal import Note, PersonalMixin
from revise.progress.records import (
    MODES,
    NOTEBOOK_ADDED,
    NOTEBOOK_CLEAR_STREAK,
    NOTEBOOK_CLEARED,
    NOTEBOOK_ONE_MORE,
    NOTEBOOK_STILL_IN,
    VERDICTS,
    AnswerReceipt,
    CardRecord,
    NotebookEntry,
    ReviewRecord,
    UndoResult,
    next_notebook_state,
)
from revise.progress.salvage import quarantine
from revise.progress.schema import MIGRATIONS, Migration, db_time, latest_version, migrate, parse_db_time
from revise.progress.settings import DISPLAY_SCRIPTS, SETTINGS_DEFAULTS, validate_setting

__all__ = [
    "DB_NAME",
    "DISPLAY_SCRIPTS",
    "MIGRATIONS",
    "MODES",
    "NOTEBOOK_ADDED",
    "NOTEBOOK_CLEARED",
    "NOTEBOOK_CLEAR_STREAK",
    "NOTEBOOK_ONE_MORE",
    "NOTEBOOK_STILL_IN",
    "QUICK_CHECK_MAX_BYTES",
    "SETTINGS_DEFAULTS",
    "SIDE_FILE_SUFFIXES",
    "SQLITE_MAGIC",
    "VERDICTS",
    "AnswerReceipt",
    "AttemptInUseError",
    "AttemptTakenError",
    "CardRecord",
    "DataDirError",
    "Marking",
    "Migration",
    "NewerSchemaError",
    "Note",
    "NotebookEntry",
    "ReviewRecord",
    "Store",
    "StoreCorruptError",
    "StoreError",
    "StoreNotice",
    "StoreWriteError",
    "UndoResult",
    "db_time",
    "latest_version",
    "migrate",
    "new_owner_token",
    "next_notebook_state",
    "parse_db_time",
    "quarantine",
    "validate_setting",
]

# Kept for callers of the old single module.
_retry_while_busy = retry_while_busy


class Store(AttemptsMixin, PersonalMixin, NotebookEditsMixin, AssessmentsMixin):
    """The progress database of one data dir. Open with :meth:`Store.open`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notices: list[StoreNotice]) -> None:
        super().__init__(connection, path, notices)
        self._migrations: Sequence[Migration] = MIGRATIONS
        self._identity = file_identity(path)
        self._salvage_with_cli: bool | None = None
        self.integrity_checked = threading.Event()

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        integrity_check: bool | None = None,
        salvage_with_cli: bool | None = None,
    ) -> Store:
        """Open (creating or migrating) ``<data_dir>/progress.sqlite3``.

        A file there that is not a usable revise database is moved aside, what
        can be read from it salvaged, and a notice added to :attr:`notices`.
        Raises :class:`DataDirError` when the data dir cannot be written and
        :class:`NewerSchemaError` when the database is from a newer revise.
        `integrity_check` True runs ``PRAGMA quick_check`` now, False never;
        None (default) runs it now for files up to 16 MiB and in a worker thread
        for bigger ones (damage found there is handled at the next call).
        """
        data_dir = Path(data_dir).expanduser()
        ensure_writable_dir(data_dir)
        path = data_dir / DB_NAME
        notices: list[StoreNotice] = []
        # One instance at a time opens or sets aside: two starting together never move each other's fresh database.
        with exclusive_lock(path):
            reason = unusable_file_reason(path)
            if reason:
                notices.append(quarantine(path, reason, migrations=migrations, salvage_with_cli=salvage_with_cli))
            connection = cls._open_checked(path, notices, integrity_check, migrations, salvage_with_cli)
            try:
                retry_while_busy(lambda: migrate(connection, migrations))
            except sqlite3.Error as error:
                connection.close()
                if is_unwritable(error):
                    raise DataDirError(f"无法写入进度数据库 {path}：{error}；{DATA_DIR_HINT}") from None
                raise StoreError(f"无法准备进度数据库 {path}：{error}") from None
            except BaseException:
                connection.close()
                raise
        store = cls(connection, path, notices)
        store._migrations = migrations
        store._salvage_with_cli = salvage_with_cli
        if integrity_check is None and path.stat().st_size > files.QUICK_CHECK_MAX_BYTES:  # read at call time: one threshold
            store._start_background_check()
        else:
            store.integrity_checked.set()
        return store

    @staticmethod
    def _open_checked(
        path: Path, notices: list[StoreNotice], integrity_check: bool | None, migrations: Sequence[Migration], use_cli: bool | None
    ) -> sqlite3.Connection:
        """Connect, moving the file aside (and salvaging it) once if it proves to be corrupt or foreign."""
        for attempt in range(2):
            reason: str | None
            try:
                connection = connect(path)
            except sqlite3.DatabaseError as error:
                if not is_corruption(error):
                    if is_unwritable(error):
                        raise DataDirError(f"无法打开进度数据库 {path}：{error}；{DATA_DIR_HINT}") from None
                    raise StoreError(f"无法打开进度数据库 {path}：{error}") from None
                reason = "it is not a SQLite database" if "not a database" in str(error) else f"it is damaged: {error}"
            else:
                try:
                    reason = retry_while_busy(functools.partial(contents_problem, connection, path, integrity_check))
                except sqlite3.DatabaseError as error:
                    if not is_corruption(error):
                        connection.close()
                        raise StoreError(f"无法读取进度数据库 {path}：{error}") from None
                    reason = f"it is damaged: {error}"
                if reason is None:
                    return connection
                connection.close()
            if attempt:
                break
            notices.append(quarantine(path, reason, migrations=migrations, salvage_with_cli=use_cli))
        raise StoreError(f"无法在 {path} 新建进度数据库")

    def _start_background_check(self) -> None:
        """``quick_check`` a big database on its own read-only connection, off the caller's thread."""

        def check() -> None:
            try:
                with contextlib.closing(sqlite3.connect(read_only_uri(self.path), uri=True, check_same_thread=False)) as connection:
                    problem = quick_check(connection)
                if problem is not None:
                    self._damage = f"it is damaged: {problem}"
            except sqlite3.DatabaseError as error:
                if is_corruption(error):
                    self._damage = f"it is damaged: {error}"
            finally:
                self.integrity_checked.set()

        threading.Thread(target=check, name="revise-quick-check", daemon=True).start()

    def _recover(self, reason: str) -> bool:
        """Set the damaged database aside, salvage it and carry on with the fresh one (True), or False when impossible."""
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()
        try:
            with exclusive_lock(self.path):
                if file_identity(self.path) == self._identity:
                    self.notices.append(quarantine(self.path, reason, migrations=self._migrations, salvage_with_cli=self._salvage_with_cli))
                else:
                    self.notices.append(StoreNotice("进度数据库已被另一个 revise 窗口移开并重建；现在使用新的数据库。"))
                connection = connect(self.path)
                migrate(connection, self._migrations)
        except (StoreError, sqlite3.Error, OSError):
            with contextlib.suppress(sqlite3.Error, OSError):
                self._connection = connect(self.path)
            return False
        self._connection = connection
        self._identity = file_identity(self.path)
        return True

    def wait_for_integrity_check(self, timeout: float | None = None) -> bool:
        """Wait for the background check of a big database; True when it has finished."""
        return self.integrity_checked.wait(timeout)

    def take_notices(self) -> list[StoreNotice]:
        """The notices not yet shown, emptied: a UI polls this to tell the student about damage found while running."""
        with self._lock:
            # A new list: whoever kept the old one (the app's start-up notices) keeps what it had.
            notices, self.notices = self.notices, []
        return notices

    def close(self) -> None:
        """Close the connection; the data is already committed."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The database's schema version (PRAGMA user_version)."""
        return int(self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]))
