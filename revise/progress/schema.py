"""The database schema: forward migrations kept in ``PRAGMA user_version``, and stored times.

Each :class:`Migration` takes the schema from one version to the next in its own
transaction. Migrations are only ever added at the end, never edited: a
database written by any earlier revise opens and is brought up to date, and one
written by a newer revise is refused untouched (:class:`NewerSchemaError`).

Versions: 1 the review log, cards, notebook and settings; 2 exam attempts; 3
abandoned attempts; 4 the window holding an attempt; 5 the state before each
answer and undone answers; 6 bookmarks and notes; 7 appeals; 8 self-assessed
key points.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from revise.clock import utc
from revise.progress.errors import NewerSchemaError


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

SCHEMA_V4 = (
    # The window that holds an attempt: one attempt is open in one window at a time.
    "ALTER TABLE exam_attempts ADD COLUMN owner TEXT",
    "ALTER TABLE exam_attempts ADD COLUMN owner_seen_at TEXT",
)


def _append_only(table: str) -> tuple[str, str]:
    """Triggers that refuse UPDATE and DELETE on `table`."""
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END",
    )


SCHEMA_V5 = (
    # The card and notebook state before each answer, kept by the store (not the caller), so an
    # override, an undo or an appeal starts from what the database held, never from a stale copy.
    """
    CREATE TABLE answer_states (
        review_id INTEGER PRIMARY KEY REFERENCES review_log (id),
        card_before TEXT,                   -- JSON of the CardState, NULL for a first answer
        notebook_before TEXT,               -- JSON of the NotebookEntry, NULL when never in it
        scheduled INTEGER NOT NULL DEFAULT 1
    )
    """,
    *_append_only("answer_states"),
    # Undo is a compensating record: the answer's row stays, this row says it no longer counts.
    """
    CREATE TABLE review_undos (
        review_id INTEGER PRIMARY KEY REFERENCES review_log (id),
        undone_at TEXT NOT NULL
    )
    """,
    *_append_only("review_undos"),
)

SCHEMA_V6 = (
    "CREATE TABLE bookmarks (question_id TEXT PRIMARY KEY, added_at TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE notes (question_id TEXT PRIMARY KEY, text TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID",
)

SCHEMA_V7 = (
    # 判我对: the student says an answer marked wrong was right. Kept for the teacher, never changed.
    """
    CREATE TABLE appeals (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        review_id INTEGER REFERENCES review_log (id),
        original_verdict TEXT NOT NULL,
        response TEXT NOT NULL,
        appealed_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX appeals_by_question ON appeals (question_id, id)",
    *_append_only("appeals"),
)

SCHEMA_V8 = (
    # 自评: key points of a short or essay answer the student says they made in their own words.
    # Each change is a row holding every point ticked so far; the answer's row never changes.
    """
    CREATE TABLE self_assessments (
        id INTEGER PRIMARY KEY,
        review_id INTEGER NOT NULL REFERENCES review_log (id),
        question_id TEXT NOT NULL,
        points TEXT NOT NULL,               -- JSON list of the key point labels ticked
        score_before REAL NOT NULL,         -- the automatic score
        score REAL NOT NULL,                -- with the ticked points credited
        verdict_before TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'partial', 'incorrect')),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        override_id INTEGER REFERENCES review_log (id),
        assessed_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX self_assessments_by_review ON self_assessments (review_id, id)",
    *_append_only("self_assessments"),
)

SCHEMA_V9 = (
    # What happens when an exam's time runs out, chosen by the student at the start (kept for a resumed attempt):
    # 'submit' hands it in, 'grace' allows grace_minutes more (answers changed then are late), 'nocount' leaves it out of the trend.
    "ALTER TABLE exam_attempts ADD COLUMN time_rule TEXT NOT NULL DEFAULT 'submit'",
    "ALTER TABLE exam_attempts ADD COLUMN grace_minutes INTEGER NOT NULL DEFAULT 0",
    # 0: handed in but not counted in the score trend (time ran out under 'nocount').
    "ALTER TABLE exam_attempts ADD COLUMN counted INTEGER NOT NULL DEFAULT 1",
    # 1: the answer was changed after the deadline, in the grace period.
    "ALTER TABLE exam_answers ADD COLUMN late INTEGER NOT NULL DEFAULT 0",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "review log, cards, notebook and settings", SCHEMA_V1),
    Migration(2, "exam attempts, their answers and point adjustments", SCHEMA_V2),
    Migration(3, "abandoned exam attempts", SCHEMA_V3),
    Migration(4, "the window that holds an exam attempt", SCHEMA_V4),
    Migration(5, "state before each answer, and undone answers", SCHEMA_V5),
    Migration(6, "bookmarks and notes", SCHEMA_V6),
    Migration(7, "appeals", SCHEMA_V7),
    Migration(8, "self-assessed key points", SCHEMA_V8),
    Migration(9, "exam time rules, counted attempts and late answers", SCHEMA_V9),
)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The schema version a database has after all migrations."""
    return migrations[-1].version if migrations else 0


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
                    f"进度数据库的结构版本是 {version}，比这个 revise 能识别的（{latest}）更新；数据库没有改动。请升级 revise，或用 --data-dir 另选目录。"
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


def db_time(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order: 2025-01-02T03:04:05.000000+00:00."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_db_time(text: str) -> datetime:
    """The aware UTC datetime of a stored timestamp."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)


def optional_time(text: str | None) -> datetime | None:
    """:func:`parse_db_time` of a nullable column."""
    return parse_db_time(text) if text else None
