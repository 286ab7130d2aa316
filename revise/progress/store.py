"""The student's progress, kept in SQLite so that it is never lost.

One database per data dir: ``<data dir>/progress.sqlite3``. It holds

- ``review_log``: every answer, append-only (triggers refuse UPDATE and
  DELETE), with the question id, the time in UTC, the response, the verdict,
  score and rating, the answer's duration and the mode. An override ("I knew
  it well" / "I guessed") is a further row pointing at the answer it overrides;
- ``cards``: the FSRS state and due time of every question answered at least
  once, with counts of correct, partial and incorrect answers;
- ``notebook``: the 错题本 (wrong-answer notebook) state;
- ``settings``: the student's settings as JSON values;
- ``exam_attempts``, ``exam_answers``, ``exam_adjustments`` (schema 2): mock
  exams, saved answer by answer so a killed app can resume them.

Durability and concurrency: WAL mode, ``synchronous=FULL`` and a busy timeout;
every write is one ``BEGIN IMMEDIATE`` transaction (so two processes queue up
instead of failing with "database is locked"), committed before the call
returns. The schema version lives in ``PRAGMA user_version`` and grows by
forward migrations (:data:`MIGRATIONS`): schema 2 added the exam tables, schema 3
marks attempts that can no longer be resumed.

A file at the database path that is not a usable SQLite database (or not a
revise database) is moved aside to ``progress.sqlite3.corrupt-<timestamp>``
and a fresh database is started; :attr:`Store.notices` says where it went.
An unusable data dir raises :class:`DataDirError`, whose message the CLI
prints before exiting with status 1.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from revise.clock import utc
from revise.progress.scheduling import (
    AGAIN,
    DEFAULT_DESIRED_RETENTION,
    HARD,
    LEARNING,
    RATING_NAMES,
    RELEARNING,
    CardState,
    rating_for_verdict,
    review,
)

DB_NAME = "progress.sqlite3"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
# `PRAGMA quick_check` reads the whole file (about 8 ms per MiB here); run it at open only for files up
# to this size (a student's real history stays far below it).
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")
VERDICTS = ("correct", "partial", "incorrect")
MODES = ("practice", "exam", "drill")
# A question leaves the notebook after this many correct answers in a row.
NOTEBOOK_CLEAR_STREAK = 2

# What happened to the notebook on an answer (None: it was not involved).
NOTEBOOK_ADDED = "added"  # answered wrong: now in the notebook
NOTEBOOK_STILL_IN = "still-in"  # in the notebook and not answered right
NOTEBOOK_ONE_MORE = "one-more"  # in the notebook, right once: one more to clear it
NOTEBOOK_CLEARED = "cleared"  # right twice in a row: out of the notebook

SETTINGS_DEFAULTS: dict[str, Any] = {
    "desired_retention": DEFAULT_DESIRED_RETENTION,
    "daily_new_limit": 20,
    "display_script": "simplified",
    "skip_feedback_on_correct": False,
}
DISPLAY_SCRIPTS = ("simplified", "traditional")


class StoreError(Exception):
    """A problem with the progress database; the message is meant for the student."""


class DataDirError(StoreError):
    """The data dir cannot be created or written."""


class NewerSchemaError(StoreError):
    """The database was written by a newer revise; it is left untouched."""


class StoreCorruptError(StoreError):
    """The database turned out to be damaged while in use."""


@dataclass(frozen=True)
class StoreNotice:
    """Something the student should be told about the database, e.g. that a corrupt file was moved."""

    message: str
    moved_to: Path | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Migration:
    """One forward step of the schema: the statements that take version-1 to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


SCHEMA_V1 = (
    """
    CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        question_type TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,          -- UTC, fixed-width ISO 8601
        kind TEXT NOT NULL DEFAULT 'answer' CHECK (kind IN ('answer', 'override')),
        response TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'partial', 'incorrect')),
        score REAL NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        duration_ms INTEGER,
        mode TEXT NOT NULL,
        params TEXT,                        -- JSON of a numeric question's values
        overrides INTEGER REFERENCES review_log (id)
    )
    """,
    # Activity and streak queries count answers in time ranges: index-only with `kind` first.
    "CREATE INDEX review_log_by_time ON review_log (kind, reviewed_at)",
    "CREATE INDEX review_log_by_question ON review_log (question_id, id)",
    """
    CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END
    """,
    """
    CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END
    """,
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        question_type TEXT NOT NULL,
        state INTEGER NOT NULL,             -- fsrs.State: 1 learning, 2 review, 3 relearning
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        first_review TEXT NOT NULL,
        reviews INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        partial INTEGER NOT NULL DEFAULT 0,
        incorrect INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID
    """,
    "CREATE INDEX cards_by_due ON cards (due)",
    "CREATE INDEX cards_by_first_review ON cards (first_review)",
    """
    CREATE TABLE notebook (
        question_id TEXT PRIMARY KEY,
        added_at TEXT NOT NULL,
        last_wrong_at TEXT NOT NULL,
        times_wrong INTEGER NOT NULL DEFAULT 1,
        correct_streak INTEGER NOT NULL DEFAULT 0,
        cleared_at TEXT                     -- NULL while the question is in the notebook
    ) WITHOUT ROWID
    """,
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)

SCHEMA_V2 = (
    """
    CREATE TABLE exam_attempts (
        id INTEGER PRIMARY KEY,
        paper_id TEXT NOT NULL,
        seed INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        questions TEXT NOT NULL,            -- JSON [[number, question id], ...] as drawn
        submitted_at TEXT,                  -- NULL while the attempt is unfinished
        auto_submitted INTEGER NOT NULL DEFAULT 0,
        score REAL,
        max_score REAL,
        report TEXT                         -- JSON of the scored report
    )
    """,
    "CREATE INDEX exam_attempts_by_submission ON exam_attempts (submitted_at, id)",
    """
    CREATE TABLE exam_answers (
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts (id),
        number INTEGER NOT NULL,
        response TEXT NOT NULL DEFAULT '',
        flagged INTEGER NOT NULL DEFAULT 0,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, number)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE exam_adjustments (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts (id),
        number INTEGER NOT NULL,
        previous_points REAL NOT NULL,
        points REAL NOT NULL,
        adjusted_at TEXT NOT NULL
    )
    """,
)

SCHEMA_V3 = (
    # Set when an attempt can no longer be resumed (its paper left the bank, or its questions changed).
    "ALTER TABLE exam_attempts ADD COLUMN abandoned_at TEXT",
    "ALTER TABLE exam_attempts ADD COLUMN abandon_reason TEXT",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "review log, cards, notebook and settings", SCHEMA_V1),
    Migration(2, "exam attempts, their answers and point adjustments", SCHEMA_V2),
    Migration(3, "abandoned exam attempts", SCHEMA_V3),
)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The schema version a database has after all migrations."""
    return migrations[-1].version if migrations else 0


def db_time(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order: 2025-01-02T03:04:05.000000+00:00."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_db_time(text: str) -> datetime:
    """The aware UTC datetime of a stored timestamp."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)


def _optional_time(text: str | None) -> datetime | None:
    return parse_db_time(text) if text else None


@dataclass(frozen=True)
class CardRecord:
    """A question's stored card: FSRS state plus answer counts."""

    question_id: str
    question_type: str
    card: CardState
    first_review: datetime
    reviews: int = 0
    correct: int = 0
    partial: int = 0
    incorrect: int = 0


@dataclass(frozen=True)
class NotebookEntry:
    """A question's 错题本 state; `cleared_at` is None while it is in the notebook."""

    question_id: str
    added_at: datetime
    last_wrong_at: datetime
    times_wrong: int = 1
    correct_streak: int = 0
    cleared_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True while the question is in the notebook."""
        return self.cleared_at is None


@dataclass(frozen=True)
class ReviewRecord:
    """One row of the review log."""

    id: int
    question_id: str
    question_type: str
    reviewed_at: datetime
    kind: str
    response: str
    verdict: str
    score: float
    rating: int
    duration_ms: int | None
    mode: str
    params: dict[str, float] | None
    overrides: int | None


@dataclass(frozen=True)
class AnswerReceipt:
    """What one recorded answer changed, with the state before it (so that it can be overridden)."""

    review_id: int
    question_id: str
    question_type: str
    response: str
    verdict: str
    score: float
    rating: int
    reviewed_at: datetime
    mode: str
    params: dict[str, float] | None
    scheduled: bool
    card_before: CardState | None
    card_after: CardState | None
    notebook_before: NotebookEntry | None
    notebook_after: NotebookEntry | None
    notebook_status: str | None

    @property
    def rating_name(self) -> str:
        """'again', 'hard', 'good' or 'easy'."""
        return RATING_NAMES[self.rating]


def next_notebook_state(entry: NotebookEntry | None, question_id: str, rating: int, at: datetime) -> tuple[NotebookEntry | None, str | None]:
    """The notebook entry after an answer with `rating`, and what happened (a NOTEBOOK_* status or None).

    Again (wrong) puts the question in the notebook or keeps it there; Hard
    (partial) breaks its run of correct answers; Good or Easy counts towards the
    two in a row that take it out.
    """
    at = utc(at)
    active = entry is not None and entry.active
    if rating == AGAIN:
        if active:
            assert entry is not None
            return replace(entry, last_wrong_at=at, times_wrong=entry.times_wrong + 1, correct_streak=0), NOTEBOOK_STILL_IN
        times = entry.times_wrong + 1 if entry is not None else 1
        return NotebookEntry(question_id, added_at=at, last_wrong_at=at, times_wrong=times), NOTEBOOK_ADDED
    if not active:
        return entry, None
    assert entry is not None
    if rating == HARD:
        return replace(entry, correct_streak=0), NOTEBOOK_STILL_IN
    streak = entry.correct_streak + 1
    if streak >= NOTEBOOK_CLEAR_STREAK:
        return replace(entry, correct_streak=streak, cleared_at=at), NOTEBOOK_CLEARED
    return replace(entry, correct_streak=streak), NOTEBOOK_ONE_MORE


def validate_setting(key: str, value: Any) -> Any:
    """The setting's value in its proper type; ValueError naming the problem when it is not acceptable."""
    if key not in SETTINGS_DEFAULTS:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(SETTINGS_DEFAULTS)}")
    if key == "desired_retention":
        number = _number(key, value)
        if not 0.7 <= number <= 0.99:
            raise ValueError("desired_retention must be between 0.7 and 0.99")
        return number
    if key == "daily_new_limit":
        number = _number(key, value)
        if not number.is_integer() or not 0 <= number <= 10_000:
            raise ValueError("daily_new_limit must be a whole number from 0 to 10000")
        return int(number)
    if key == "display_script":
        if value not in DISPLAY_SCRIPTS:
            raise ValueError(f"display_script must be one of {', '.join(DISPLAY_SCRIPTS)}")
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    if isinstance(value, bool):
        return value
    raise ValueError(f"{key} must be true or false")


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, not {value!r}") from None


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """True for "not a database" and "malformed" errors, never for locks or I/O trouble."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    message = str(error).lower()
    return "not a database" in message or "malformed" in message


def _is_unwritable(error: sqlite3.Error) -> bool:
    message = str(error).lower()
    return "readonly" in message or "read-only" in message or "unable to open" in message or "permission" in message


DATA_DIR_HINT = "choose another with --data-dir DIR or the REVISE_DATA_DIR environment variable"


def ensure_writable_dir(data_dir: Path) -> None:
    """Create the data dir if needed and prove it writable; DataDirError otherwise."""
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"the data directory {data_dir} is not a directory; {DATA_DIR_HINT}")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"cannot create the data directory {data_dir}: {error.strerror or error}; {DATA_DIR_HINT}") from None
    if not data_dir.is_dir():
        raise DataDirError(f"the data directory {data_dir} is not a directory; {DATA_DIR_HINT}")
    try:
        # A real file, not os.access: read-only mounts and root's bypass make access() lie.
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        raise DataDirError(f"cannot write to the data directory {data_dir}: {error.strerror or error}; {DATA_DIR_HINT}") from None


def _unusable_file_reason(path: Path) -> str | None:
    """Why the file at `path` cannot be a SQLite database, judging by what it is and its header."""
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        return "it is not a regular file"
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise DataDirError(f"cannot read the progress database {path}: {error.strerror or error}; {DATA_DIR_HINT}") from None
    if header and header != SQLITE_MAGIC:
        return "it is not a SQLite database"
    return None


def quarantine(path: Path, reason: str) -> StoreNotice:
    """Move an unusable database (and its -wal/-shm files) to `<name>.corrupt-<timestamp>`; never delete it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists() or any(Path(f"{target}{suffix}").exists() for suffix in SIDE_FILE_SUFFIXES):
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    try:
        if path.exists() or path.is_symlink():
            os.rename(path, target)
        for suffix in SIDE_FILE_SUFFIXES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.rename(side, f"{target}{suffix}")
    except OSError as error:
        raise DataDirError(f"the progress database {path} is unusable ({reason}) and could not be moved aside: {error.strerror or error}") from None
    message = (
        f"The progress database {path} could not be used ({reason}). "
        f"It was moved to {target} and a fresh database was started; nothing was deleted."
    )
    return StoreNotice(message, target)


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(error).lower()
    return "locked" in message or "busy" in message


def _retry_while_busy(action: Callable[[], Any]) -> Any:
    """Run `action`, retrying for up to the busy timeout while another process holds a lock.

    Switching a new database to WAL needs an exclusive lock and SQLite reports
    "database is locked" at once rather than waiting, e.g. when two instances
    start on a fresh data dir together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.2)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, FULL sync and a busy timeout."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _retry_while_busy(lambda: connection.execute("PRAGMA journal_mode = WAL").fetchone())
        # FULL: a committed answer survives a power cut too, not only a crash.
        connection.execute("PRAGMA synchronous = FULL")
    except BaseException:
        connection.close()
        raise
    return connection


def _contents_problem(connection: sqlite3.Connection, path: Path, integrity_check: bool | None) -> str | None:
    """Why an open database is not a usable revise database, or None. Raises sqlite3 errors as they come."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables:
        return "it is a SQLite database, but not one of revise's"
    if integrity_check is None:
        integrity_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    if integrity_check and version > 0:
        result = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
        if result != "ok":
            return f"it is damaged: {result}"
    return None


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations the database lacks, each in its own transaction; the versions applied."""
    applied: list[int] = []
    latest = latest_version(migrations)
    for migration in migrations:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Read inside the write lock: another process may have just migrated.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > latest:
                raise NewerSchemaError(
                    f"the progress database uses schema version {version}, newer than this revise understands "
                    f"({latest}); it was left untouched. Upgrade revise, or use another --data-dir."
                )
            if version >= migration.version:
                connection.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {int(migration.version)}")
            connection.execute("COMMIT")
            applied.append(migration.version)
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return applied


# What record_answer's optional arguments default to.
ANSWER_DEFAULTS: dict[str, Any] = {"rating": None, "duration_ms": None, "mode": "practice", "params": None, "schedule": True}


def _check_answer(answer: dict[str, Any]) -> None:
    """ValueError for an answer the log would refuse, before any transaction starts."""
    if answer.get("verdict") not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {answer.get('verdict')!r}")
    if answer.get("mode", "practice") not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {answer.get('mode')!r}")
    rating = answer.get("rating")
    if rating is not None and rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1-4, not {rating!r}")


class Store:
    """The progress database of one data dir. Open with :meth:`Store.open`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notices: list[StoreNotice]) -> None:
        self._connection = connection
        self.path = path
        self.notices = notices
        self._lock = threading.RLock()

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str, *, migrations: Sequence[Migration] = MIGRATIONS, integrity_check: bool | None = None) -> Store:
        """Open (creating or migrating) ``<data_dir>/progress.sqlite3``.

        A file there that is not a usable revise database is moved aside and a
        notice added to :attr:`notices`. Raises :class:`DataDirError` when the
        data dir cannot be written and :class:`NewerSchemaError` when the
        database is from a newer revise. `integrity_check` runs
        ``PRAGMA quick_check`` (default: only for files up to 16 MiB).
        """
        data_dir = Path(data_dir).expanduser()
        ensure_writable_dir(data_dir)
        path = data_dir / DB_NAME
        notices: list[StoreNotice] = []
        reason = _unusable_file_reason(path)
        if reason:
            notices.append(quarantine(path, reason))
        connection = cls._open_checked(path, notices, integrity_check)
        try:
            _retry_while_busy(lambda: migrate(connection, migrations))
        except sqlite3.Error as error:
            connection.close()
            if _is_unwritable(error):
                raise DataDirError(f"cannot write the progress database {path}: {error}; {DATA_DIR_HINT}") from None
            raise StoreError(f"cannot prepare the progress database {path}: {error}") from None
        except BaseException:
            connection.close()
            raise
        return cls(connection, path, notices)

    @staticmethod
    def _open_checked(path: Path, notices: list[StoreNotice], integrity_check: bool | None) -> sqlite3.Connection:
        """Connect, moving the file aside once if it proves to be corrupt or foreign."""
        for attempt in range(2):
            reason: str | None
            try:
                connection = _connect(path)
            except sqlite3.DatabaseError as error:
                if not _is_corruption(error):
                    if _is_unwritable(error):
                        raise DataDirError(f"cannot open the progress database {path}: {error}; {DATA_DIR_HINT}") from None
                    raise StoreError(f"cannot open the progress database {path}: {error}") from None
                reason = "it is not a SQLite database" if "not a database" in str(error) else f"it is damaged: {error}"
            else:
                try:
                    reason = _retry_while_busy(lambda: _contents_problem(connection, path, integrity_check))
                except sqlite3.DatabaseError as error:
                    if not _is_corruption(error):
                        connection.close()
                        raise StoreError(f"cannot read the progress database {path}: {error}") from None
                    reason = f"it is damaged: {error}"
                if reason is None:
                    return connection
                connection.close()
            if attempt:
                break
            notices.append(quarantine(path, reason))
        raise StoreError(f"cannot start a fresh progress database at {path}")

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
        return self._read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as error:
            if _is_corruption(error):
                raise StoreCorruptError(
                    f"the progress database {self.path} is damaged ({error}); restart revise to move it aside and start afresh"
                ) from None
            if _is_unwritable(error):
                raise DataDirError(f"cannot write the progress database {self.path}: {error}; {DATA_DIR_HINT}") from None
            raise StoreError(f"the progress database {self.path} failed: {error}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: the write lock is taken up front so concurrent writers wait, not fail."""
        with self._lock, self._translated_errors():
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _read(self, query: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock, self._translated_errors():
            return query(self._connection)

    # -- settings --------------------------------------------------------------------------

    def get_setting(self, key: str) -> Any:
        """A setting's value, or its default when never set (KeyError for an unknown key)."""
        if key not in SETTINGS_DEFAULTS:
            raise KeyError(key)
        row = self._read(lambda c: c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone())
        if row is None:
            return SETTINGS_DEFAULTS[key]
        try:
            return validate_setting(key, json.loads(row[0]))
        except ValueError:
            return SETTINGS_DEFAULTS[key]  # a hand-edited bad value must not stop the app

    def set_setting(self, key: str, value: Any) -> Any:
        """Validate and save a setting; returns the value as stored. ValueError when not acceptable."""
        value = validate_setting(key, value)
        with self._write() as connection:
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        return value

    def settings(self) -> dict[str, Any]:
        """Every setting, defaults filled in."""
        return {key: self.get_setting(key) for key in SETTINGS_DEFAULTS}

    # -- answers ---------------------------------------------------------------------------

    def record_answer(
        self,
        *,
        question_id: str,
        question_type: str,
        response: str,
        verdict: str,
        score: float,
        at: datetime,
        rating: int | None = None,
        duration_ms: int | None = None,
        mode: str = "practice",
        params: dict[str, float] | None = None,
        schedule: bool = True,
    ) -> AnswerReceipt:
        """Log an answer, reschedule its card and update the notebook, in one committed transaction.

        The card is read inside the transaction, so two processes answering the
        same question both count. `rating` defaults to the verdict's; with
        `schedule=False` the card is left as it was (the log and notebook still change).
        """
        answer = dict(
            question_id=question_id, question_type=question_type, response=response, verdict=verdict, score=score,
            at=at, rating=rating, duration_ms=duration_ms, mode=mode, params=params, schedule=schedule,
        )
        _check_answer(answer)
        with self._write() as connection:
            return self._record_answer(connection, answer)

    def _record_answer(self, connection: sqlite3.Connection, answer: dict[str, Any]) -> AnswerReceipt:
        """record_answer's work inside the caller's transaction; `answer` holds record_answer's arguments."""
        answer = {**ANSWER_DEFAULTS, **answer}
        question_id, question_type, response = answer["question_id"], answer["question_type"], answer["response"]
        verdict, score, at, rating = answer["verdict"], answer["score"], answer["at"], answer["rating"]
        duration_ms, mode, params, schedule = answer["duration_ms"], answer["mode"], answer["params"], answer["schedule"]
        rating = rating_for_verdict(verdict) if rating is None else rating
        at = utc(at)
        params_json = json.dumps(params, sort_keys=True) if params else None
        record = self._card_record(connection, question_id)
        card_before = record.card if record else None
        card_after = review(card_before, rating, at, desired_retention=self._retention(connection)) if schedule else card_before
        cursor = connection.execute(
            "INSERT INTO review_log (question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params)"
            " VALUES (?, ?, ?, 'answer', ?, ?, ?, ?, ?, ?, ?)",
            (question_id, question_type, db_time(at), response, verdict, float(score), rating, duration_ms, mode, params_json),
        )
        review_id = int(cursor.lastrowid)  # type: ignore[arg-type]
        if schedule:
            assert card_after is not None
            self._save_card(connection, question_id, question_type, card_after, at, verdict)
        notebook_before = self._notebook_entry(connection, question_id)
        notebook_after, status = next_notebook_state(notebook_before, question_id, rating, at)
        self._save_notebook(connection, question_id, notebook_after)
        return AnswerReceipt(
            review_id=review_id,
            question_id=question_id,
            question_type=question_type,
            response=response,
            verdict=verdict,
            score=float(score),
            rating=rating,
            reviewed_at=at,
            mode=mode,
            params=params,
            scheduled=schedule,
            card_before=card_before,
            card_after=card_after,
            notebook_before=notebook_before,
            notebook_after=notebook_after,
            notebook_status=status,
        )

    def record_override(self, receipt: AnswerReceipt, rating: int, *, at: datetime | None = None) -> AnswerReceipt:
        """Re-rate an answer: reschedule from its pre-answer card state, redo the notebook, and log the override.

        The override is logged as its own row (kind 'override', pointing at the
        answer); the answer's row is never changed. Returns the updated receipt.
        """
        if rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        logged_at = utc(at) if at is not None else datetime.now(timezone.utc)
        with self._write() as connection:
            card_after = receipt.card_after
            if receipt.scheduled:
                # Scheduled as of the answer's time, as if this had been the rating all along.
                card_after = review(receipt.card_before, rating, receipt.reviewed_at, desired_retention=self._retention(connection))
                connection.execute(
                    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ? WHERE question_id = ?",
                    (*self._card_columns(card_after), receipt.question_id),
                )
            connection.execute(
                "INSERT INTO review_log (question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params, overrides)"
                " VALUES (?, ?, ?, 'override', ?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    receipt.question_id,
                    receipt.question_type,
                    db_time(logged_at),
                    receipt.response,
                    receipt.verdict,
                    receipt.score,
                    rating,
                    receipt.mode,
                    json.dumps(receipt.params, sort_keys=True) if receipt.params else None,
                    receipt.review_id,
                ),
            )
            notebook_after, status = next_notebook_state(receipt.notebook_before, receipt.question_id, rating, receipt.reviewed_at)
            self._save_notebook(connection, receipt.question_id, notebook_after)
        return replace(receipt, rating=rating, card_after=card_after, notebook_after=notebook_after, notebook_status=status)

    @staticmethod
    def _retention(connection: sqlite3.Connection) -> float:
        row = connection.execute("SELECT value FROM settings WHERE key = 'desired_retention'").fetchone()
        if row is None:
            return DEFAULT_DESIRED_RETENTION
        try:
            return validate_setting("desired_retention", json.loads(row[0]))
        except ValueError:
            return DEFAULT_DESIRED_RETENTION

    @staticmethod
    def _card_columns(card: CardState) -> tuple:
        assert card.due is not None
        return (
            card.state,
            card.step,
            card.stability,
            card.difficulty,
            db_time(card.due),
            db_time(card.last_review) if card.last_review else None,
        )

    def _save_card(self, connection: sqlite3.Connection, question_id: str, question_type: str, card: CardState, at: datetime, verdict: str) -> None:
        counts = tuple(int(verdict == name) for name in VERDICTS)
        connection.execute(
            "INSERT INTO cards (question_id, question_type, state, step, stability, difficulty, due, last_review, first_review, reviews, correct, partial, incorrect)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT (question_id) DO UPDATE SET question_type = excluded.question_type, state = excluded.state,"
            " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due,"
            " last_review = excluded.last_review, reviews = reviews + 1, correct = correct + excluded.correct,"
            " partial = partial + excluded.partial, incorrect = incorrect + excluded.incorrect",
            (question_id, question_type, *self._card_columns(card), db_time(at), *counts),
        )

    @staticmethod
    def _save_notebook(connection: sqlite3.Connection, question_id: str, entry: NotebookEntry | None) -> None:
        if entry is None:
            connection.execute("DELETE FROM notebook WHERE question_id = ?", (question_id,))
            return
        connection.execute(
            "INSERT OR REPLACE INTO notebook (question_id, added_at, last_wrong_at, times_wrong, correct_streak, cleared_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                question_id,
                db_time(entry.added_at),
                db_time(entry.last_wrong_at),
                entry.times_wrong,
                entry.correct_streak,
                db_time(entry.cleared_at) if entry.cleared_at else None,
            ),
        )

    # -- cards -----------------------------------------------------------------------------

    _CARD_SELECT = (
        "SELECT question_id, question_type, state, step, stability, difficulty, due, last_review, first_review,"
        " reviews, correct, partial, incorrect FROM cards"
    )

    @staticmethod
    def _card_from_row(row: tuple) -> CardRecord:
        qid, qtype, state, step, stability, difficulty, due, last_review, first_review, reviews, correct, partial, incorrect = row
        card = CardState(state, step, stability, difficulty, parse_db_time(due), _optional_time(last_review))
        return CardRecord(qid, qtype, card, parse_db_time(first_review), reviews, correct, partial, incorrect)

    def _card_record(self, connection: sqlite3.Connection, question_id: str) -> CardRecord | None:
        row = connection.execute(self._CARD_SELECT + " WHERE question_id = ?", (question_id,)).fetchone()
        return self._card_from_row(row) if row else None

    def get_card(self, question_id: str) -> CardRecord | None:
        """The stored card of a question, or None if it was never answered (and scheduled)."""
        return self._read(lambda c: self._card_record(c, question_id))

    def cards(self) -> dict[str, CardRecord]:
        """Every stored card by question id, including those of questions no longer in the bank."""
        rows = self._read(lambda c: c.execute(self._CARD_SELECT).fetchall())
        return {row[0]: self._card_from_row(row) for row in rows}

    def card_states(self) -> dict[str, CardState]:
        """Every stored card's FSRS state by question id (lighter than :meth:`cards`)."""
        rows = self._read(lambda c: c.execute("SELECT question_id, state, step, stability, difficulty, due, last_review FROM cards").fetchall())
        return {
            qid: CardState(state, step, stability, difficulty, parse_db_time(due), _optional_time(last))
            for qid, state, step, stability, difficulty, due, last in rows
        }

    def verdict_totals_by_type(self) -> dict[str, tuple[int, int, int]]:
        """(correct, partial, incorrect) answer counts per question type, over every card."""
        rows = self._read(lambda c: c.execute("SELECT question_type, SUM(correct), SUM(partial), SUM(incorrect) FROM cards GROUP BY question_type").fetchall())
        return {qtype: (correct, partial, incorrect) for qtype, correct, partial, incorrect in rows}

    def most_incorrect(self) -> list[tuple[str, int, int]]:
        """(question id, incorrect answers, all answers) of every card answered wrong at least once, most wrong first."""
        return self._read(
            lambda c: c.execute(
                "SELECT question_id, incorrect, reviews FROM cards WHERE incorrect > 0"
                " ORDER BY incorrect DESC, CAST(incorrect AS REAL) / reviews DESC, question_id"
            ).fetchall()
        )

    def mastery_rows(self) -> list[tuple[str, int, float | None, str | None, str]]:
        """(question id, state, stability, last review, due) of every card, times as stored text: the fast path for mastery."""
        return self._read(lambda c: c.execute("SELECT question_id, state, stability, last_review, due FROM cards").fetchall())

    def seen_ids(self) -> set[str]:
        """Ids of every question with a card (answered at least once)."""
        return {row[0] for row in self._read(lambda c: c.execute("SELECT question_id FROM cards").fetchall())}

    def due_ids(self, now: datetime) -> list[str]:
        """Ids of cards due at `now`, most overdue first."""
        rows = self._read(lambda c: c.execute("SELECT question_id FROM cards WHERE due <= ? ORDER BY due, question_id", (db_time(now),)).fetchall())
        return [row[0] for row in rows]

    def learning_ids_due_by(self, moment: datetime) -> list[str]:
        """Ids of cards in (re)learning steps due by `moment`, soonest first (for learning ahead)."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT question_id FROM cards WHERE due <= ? AND state IN (?, ?) ORDER BY due, question_id",
                (db_time(moment), LEARNING, RELEARNING),
            ).fetchall()
        )
        return [row[0] for row in rows]

    def new_since(self, moment: datetime) -> int:
        """How many questions were answered for the first time at or after `moment`."""
        return self._read(lambda c: c.execute("SELECT COUNT(*) FROM cards WHERE first_review >= ?", (db_time(moment),)).fetchone()[0])

    # -- notebook --------------------------------------------------------------------------

    _NOTEBOOK_SELECT = "SELECT question_id, added_at, last_wrong_at, times_wrong, correct_streak, cleared_at FROM notebook"

    @staticmethod
    def _notebook_from_row(row: tuple) -> NotebookEntry:
        qid, added, last_wrong, times, streak, cleared = row
        return NotebookEntry(qid, parse_db_time(added), parse_db_time(last_wrong), times, streak, _optional_time(cleared))

    def _notebook_entry(self, connection: sqlite3.Connection, question_id: str) -> NotebookEntry | None:
        row = connection.execute(self._NOTEBOOK_SELECT + " WHERE question_id = ?", (question_id,)).fetchone()
        return self._notebook_from_row(row) if row else None

    def notebook_entry(self, question_id: str) -> NotebookEntry | None:
        """A question's notebook entry (active or cleared), or None if it was never in it."""
        return self._read(lambda c: self._notebook_entry(c, question_id))

    def notebook(self, *, include_cleared: bool = False) -> list[NotebookEntry]:
        """The notebook's entries, oldest first; only those still in it unless `include_cleared`."""
        where = "" if include_cleared else " WHERE cleared_at IS NULL"
        rows = self._read(lambda c: c.execute(self._NOTEBOOK_SELECT + where + " ORDER BY added_at, question_id").fetchall())
        return [self._notebook_from_row(row) for row in rows]

    def notebook_ids(self) -> list[str]:
        """Ids of the questions in the notebook, oldest entry first."""
        return [entry.question_id for entry in self.notebook()]

    # -- the review log --------------------------------------------------------------------

    _REVIEW_SELECT = (
        "SELECT id, question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params, overrides FROM review_log"
    )

    @staticmethod
    def _review_from_row(row: tuple) -> ReviewRecord:
        rid, qid, qtype, at, kind, response, verdict, score, rating, duration, mode, params, overrides = row
        return ReviewRecord(rid, qid, qtype, parse_db_time(at), kind, response, verdict, score, rating, duration, mode, json.loads(params) if params else None, overrides)

    def history(self, question_id: str) -> list[ReviewRecord]:
        """Every log row of a question (answers and overrides), oldest first."""
        rows = self._read(lambda c: c.execute(self._REVIEW_SELECT + " WHERE question_id = ? ORDER BY id", (question_id,)).fetchall())
        return [self._review_from_row(row) for row in rows]

    def reviews(self, *, limit: int | None = None) -> list[ReviewRecord]:
        """The most recent log rows (all of them without `limit`), oldest first."""
        if limit is None:
            rows = self._read(lambda c: c.execute(self._REVIEW_SELECT + " ORDER BY id").fetchall())
        else:
            rows = self._read(lambda c: c.execute(self._REVIEW_SELECT + " ORDER BY id DESC LIMIT ?", (limit,)).fetchall())[::-1]
        return [self._review_from_row(row) for row in rows]

    def answer_count(self) -> int:
        """How many answers were logged (overrides not counted)."""
        return self._read(lambda c: c.execute("SELECT COUNT(*) FROM review_log WHERE kind = 'answer'").fetchone()[0])

    def answers_in_ranges(self, boundaries: Sequence[datetime]) -> list[int]:
        """Answers logged in each range [boundaries[i], boundaries[i+1]) (e.g. local days); one fewer than boundaries."""
        texts = [db_time(moment) for moment in boundaries]

        def count(connection: sqlite3.Connection) -> list[int]:
            # One index range count per day: no per-row date arithmetic.
            query = "SELECT COUNT(*) FROM review_log WHERE kind = 'answer' AND reviewed_at >= ? AND reviewed_at < ?"
            return [connection.execute(query, (low, high)).fetchone()[0] for low, high in zip(texts, texts[1:])]

        return self._read(count)

    def answered_between(self, start: datetime, end: datetime) -> bool:
        """True when at least one answer was logged in [start, end)."""
        row = self._read(
            lambda c: c.execute(
                "SELECT 1 FROM review_log WHERE kind = 'answer' AND reviewed_at >= ? AND reviewed_at < ? LIMIT 1",
                (db_time(start), db_time(end)),
            ).fetchone()
        )
        return row is not None

    def last_answer_before(self, moment: datetime) -> datetime | None:
        """The time of the latest answer before `moment`, or None."""
        row = self._read(
            lambda c: c.execute(
                "SELECT reviewed_at FROM review_log WHERE kind = 'answer' AND reviewed_at < ? ORDER BY reviewed_at DESC LIMIT 1",
                (db_time(moment),),
            ).fetchone()
        )
        return parse_db_time(row[0]) if row else None

    # -- exam attempts ---------------------------------------------------------------------

    def start_exam_attempt(self, paper_id: str, seed: int, minutes: int, started_at: datetime, deadline: datetime, questions: Sequence[tuple[int, str]]) -> int:
        """Record a new attempt at a drawn paper: its seed, time limit, deadline and (number, question id) list; its id."""
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT INTO exam_attempts (paper_id, seed, minutes, started_at, deadline, questions) VALUES (?, ?, ?, ?, ?, ?)",
                (paper_id, int(seed), int(minutes), db_time(started_at), db_time(deadline), json.dumps([[int(n), qid] for n, qid in questions])),
            )
            return int(cursor.lastrowid)  # type: ignore[arg-type]

    def save_exam_answer(self, attempt_id: int, number: int, response: str, flagged: bool, at: datetime) -> None:
        """Save (replace) the response and flag of one question of an attempt, committed at once."""
        with self._write() as connection:
            connection.execute(
                "INSERT INTO exam_answers (attempt_id, number, response, flagged, saved_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (attempt_id, number) DO UPDATE SET response = excluded.response, flagged = excluded.flagged, saved_at = excluded.saved_at",
                (attempt_id, int(number), response, int(bool(flagged)), db_time(at)),
            )

    def submit_exam_attempt(
        self, attempt_id: int, at: datetime, auto: bool, score: float, max_score: float, report: str, answers: Sequence[dict[str, Any]]
    ) -> list[AnswerReceipt]:
        """Hand in an attempt: log every graded answer (as :meth:`record_answer` takes them) and store the report.

        One transaction: either all of it is saved or none. An attempt already
        submitted (e.g. by another window) is left as it was and nothing is
        logged twice; the result is then empty.
        """
        for answer in answers:
            _check_answer(answer)
        with self._write() as connection:
            row = connection.execute("SELECT submitted_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise StoreError(f"there is no exam attempt {attempt_id}")
            if row[0] is not None:
                return []
            receipts = [self._record_answer(connection, answer) for answer in answers]
            connection.execute(
                "UPDATE exam_attempts SET submitted_at = ?, auto_submitted = ?, score = ?, max_score = ?, report = ? WHERE id = ?",
                (db_time(at), int(bool(auto)), float(score), float(max_score), report, attempt_id),
            )
            return receipts

    def adjust_exam_points(self, attempt_id: int, number: int, previous: float, points: float, score: float, report: str, at: datetime) -> None:
        """Record a student's change to one answer's points and store the new total and report."""
        with self._write() as connection:
            connection.execute(
                "INSERT INTO exam_adjustments (attempt_id, number, previous_points, points, adjusted_at) VALUES (?, ?, ?, ?, ?)",
                (attempt_id, int(number), float(previous), float(points), db_time(at)),
            )
            connection.execute("UPDATE exam_attempts SET score = ?, report = ? WHERE id = ?", (float(score), report, attempt_id))

    _ATTEMPT_COLUMNS = "id, paper_id, seed, minutes, started_at, deadline, questions, submitted_at, auto_submitted, score, max_score, report"

    @staticmethod
    def _attempt_from_row(row: tuple) -> dict[str, Any]:
        attempt_id, paper_id, seed, minutes, started, deadline, questions, submitted, auto, score, max_score, report = row
        return {
            "id": attempt_id,
            "paper_id": paper_id,
            "seed": seed,
            "minutes": minutes,
            "started_at": parse_db_time(started),
            "deadline": parse_db_time(deadline),
            "questions": [(int(number), qid) for number, qid in json.loads(questions)],
            "submitted_at": _optional_time(submitted),
            "auto_submitted": bool(auto),
            "score": score,
            "max_score": max_score,
            "report": report,
        }

    def exam_attempt(self, attempt_id: int) -> dict[str, Any] | None:
        """An attempt with its saved answers as (number, response, flagged), or None when there is no such attempt."""

        def query(connection: sqlite3.Connection) -> dict[str, Any] | None:
            row = connection.execute(f"SELECT {self._ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                return None
            attempt = self._attempt_from_row(row)
            answers = connection.execute("SELECT number, response, flagged FROM exam_answers WHERE attempt_id = ? ORDER BY number", (attempt_id,))
            attempt["answers"] = [(number, response, bool(flagged)) for number, response, flagged in answers]
            return attempt

        return self._read(query)

    def unfinished_exam_attempt(self) -> int | None:
        """The id of the newest attempt started and never submitted, or None."""
        row = self._read(
            lambda c: c.execute("SELECT id FROM exam_attempts WHERE submitted_at IS NULL AND abandoned_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        )
        return row[0] if row else None

    def abandon_exam_attempt(self, attempt_id: int, reason: str, at: datetime) -> None:
        """Stop offering an unfinished attempt that cannot be resumed (e.g. its paper left the bank).

        Its saved answers stay in the database; it is no longer unfinished or listed in the history.
        """
        with self._write() as connection:
            connection.execute(
                "UPDATE exam_attempts SET abandoned_at = ?, abandon_reason = ? WHERE id = ? AND submitted_at IS NULL",
                (db_time(utc(at)), reason, attempt_id),
            )

    def exam_attempts(self) -> list[dict[str, Any]]:
        """Every attempt that was not abandoned, newest first (without saved answers)."""
        rows = self._read(
            lambda c: c.execute(f"SELECT {self._ATTEMPT_COLUMNS} FROM exam_attempts WHERE abandoned_at IS NULL ORDER BY id DESC").fetchall()
        )
        return [self._attempt_from_row(row) for row in rows]

    def exam_adjustments(self, attempt_id: int) -> list[tuple[int, float, float, datetime]]:
        """(number, previous points, points, when) of every adjustment to an attempt, oldest first."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT number, previous_points, points, adjusted_at FROM exam_adjustments WHERE attempt_id = ? ORDER BY id", (attempt_id,)
            ).fetchall()
        )
        return [(number, previous, points, parse_db_time(at)) for number, previous, points, at in rows]

