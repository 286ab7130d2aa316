"""Push a student's facts from their own SQLite store to the class store: one way, idempotent, safe to cut off.

What is pushed: review-log rows, submitted exam attempts with their answers,
point adjustments, and appeals (when the local store has an ``appeals``
table). Each row is keyed in the class store by (student roster id, local
store id, local row id) and carries the question id and the bank version, and
every INSERT is ``ON CONFLICT DO NOTHING``: pushing a row twice changes nothing.

Where a sync got to is kept in ``<data dir>/class-sync.json`` (see
:class:`SyncState`): the class store it syncs to (without its password), the
student, and a high-water mark per table, written only after the class store
committed. A sync cut off before the commit pushed nothing; one cut off after
the commit but before the state was saved re-sends rows the class store then
ignores. So nothing is lost and nothing doubled.

The local database is read through its own read-only connection, so a sync
never blocks (or is blocked by) the app writing answers.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revise.classroom.classstore import ClassStoreError, redact

if TYPE_CHECKING:
    import psycopg

STATE_FILE = "class-sync.json"
DB_NAME = "progress.sqlite3"
DEFAULT_BATCH = 2000

REVIEW_COLUMNS = "id, question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, overrides"
INSERT_REVIEW = (
    "INSERT INTO reviews (student_id, store_id, local_id, bank_version, question_id, question_type, reviewed_at, kind, response, verdict,"
    " score, rating, duration_ms, mode, overrides) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
INSERT_ATTEMPT = (
    "INSERT INTO exam_attempts (student_id, store_id, local_id, bank_version, paper_id, seed, minutes, started_at, submitted_at, auto_submitted,"
    " base_score, max_score, report) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
INSERT_ANSWER = (
    "INSERT INTO exam_answers (student_id, store_id, attempt_id, number, question_id, response, flagged)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
INSERT_ADJUSTMENT = (
    "INSERT INTO exam_adjustments (student_id, store_id, local_id, attempt_id, number, previous_points, points, adjusted_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
INSERT_APPEAL = (
    "INSERT INTO appeals (student_id, store_id, local_id, bank_version, question_id, created_at, payload)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


class SyncError(ClassStoreError):
    """A sync could not be done; the message (Chinese) says why."""


@dataclass
class SyncState:
    """Where syncing got to, saved in ``<data dir>/class-sync.json`` after every committed batch."""

    store_id: str = ""
    fingerprint: str | None = None  # the first review row's time and question: changes when the local database was replaced
    class_store: str | None = None  # the class store last synced to (no password)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> SyncState:
        """The saved state (a fresh one when there is none or it is unreadable)."""
        try:
            raw = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
            return cls(str(raw["store_id"]), raw.get("fingerprint"), raw.get("class_store"), dict(raw.get("targets") or {}))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(store_id=secrets.token_hex(8))

    def save(self, data_dir: Path) -> None:
        """Write the state atomically (temporary file, fsync, rename)."""
        path = data_dir / STATE_FILE
        tmp = path.with_name(f".{STATE_FILE}.{secrets.token_hex(4)}.tmp")
        payload = {"store_id": self.store_id, "fingerprint": self.fingerprint, "class_store": self.class_store, "targets": self.targets}
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def target(self, url: str) -> dict[str, Any]:
        """The high-water marks for one class store (by its URL without password)."""
        return self.targets.setdefault(redact(url), {"student_id": None, "review_log": 0, "exam_adjustments": 0, "appeals": 0, "attempts": []})


@dataclass
class SyncResult:
    """How many rows a sync sent and how many the class store did not have yet."""

    student_id: str
    class_store: str
    sent: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line in Chinese for the student."""
        total = sum(self.new.values())
        if not total:
            return f"已是最新：没有新的记录需要同步到 {self.class_store}"
        parts = "，".join(f"{LABELS.get(name, name)} {count} 条" for name, count in self.new.items() if count)
        return f"已同步到 {self.class_store}（学号 {self.student_id}）：{parts}"


LABELS = {"reviews": "答题记录", "exam_attempts": "模拟考试", "exam_answers": "考试答案", "exam_adjustments": "改分", "appeals": "申诉"}


def _local(data_dir: Path) -> sqlite3.Connection:
    """A read-only connection to the student's progress database."""
    path = data_dir / DB_NAME
    if not path.is_file():
        raise SyncError(f"{data_dir} 里还没有学习记录（{DB_NAME}）；先练习再同步")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15, isolation_level=None)
    connection.execute("PRAGMA busy_timeout = 15000")
    return connection


def _tables(local: sqlite3.Connection) -> set[str]:
    return {row[0] for row in local.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _fingerprint(local: sqlite3.Connection) -> str | None:
    row = local.execute("SELECT reviewed_at, question_id FROM review_log ORDER BY id LIMIT 1").fetchone()
    return f"{row[0]} {row[1]}" if row else None


def current_student(connection: psycopg.Connection) -> str | None:
    """The roster id of the student the connection's role belongs to (None for the owner or an unknown role)."""
    row = connection.execute("SELECT class_current_student()").fetchone()
    return row[0] if row else None


Hook = Callable[[str], None]


def sync(
    data_dir: Path | str,
    connection: psycopg.Connection,
    url: str,
    bank_version: str,
    *,
    student_id: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    hook: Hook | None = None,
) -> SyncResult:
    """Push what is new in `data_dir` to the class store on `connection` (reached through `url`).

    `student_id` defaults to the student the connection's role belongs to.
    `hook`, when given, is called with ``"committed"`` after each batch's
    commit and before its state is saved (the tests cut syncs off there).
    """
    import psycopg

    data_dir = Path(data_dir)
    try:
        student = student_id or current_student(connection)
    except psycopg.Error as error:
        raise SyncError(f"班级数据库还没有建好（先运行 `revise class create`）：{str(error).strip()}") from None
    if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        connection.rollback()
    if not student:
        raise SyncError("这个数据库账号不属于名单中的任何学生；请使用老师给你的同步地址")
    local = _local(data_dir)
    try:
        state = SyncState.load(data_dir)
        fingerprint = _fingerprint(local)
        if state.fingerprint is not None and fingerprint != state.fingerprint:
            # The local database was replaced (e.g. a damaged one moved aside): a new store id, from the start.
            state = SyncState(store_id=secrets.token_hex(8))
        state.fingerprint = fingerprint
        state.class_store = redact(url)
        target = state.target(url)
        if target.get("student_id") not in (None, student):
            raise SyncError(f"这个学习记录已经以学号 {target['student_id']} 同步到 {redact(url)}，不能再以 {student} 同步")
        target["student_id"] = student
        result = SyncResult(student, redact(url))
        tables = _tables(local)

        def commit_batch(push: Callable[[psycopg.Cursor], None]) -> None:
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    push(cursor)
            except psycopg.errors.InsufficientPrivilege as error:
                raise SyncError(f"班级数据库拒绝了这些记录（只能上传自己的记录）：{str(error).strip()}") from None
            except psycopg.Error as error:
                raise SyncError(f"同步中断，未完成的部分下次会重新上传：{str(error).strip()}") from None
            if hook is not None:
                hook("committed")
            state.save(data_dir)

        def count(name: str, cursor: psycopg.Cursor, rows: list[tuple[Any, ...]], statement: str) -> None:
            if not rows:
                return
            cursor.executemany(statement, rows)
            result.sent[name] = result.sent.get(name, 0) + len(rows)
            result.new[name] = result.new.get(name, 0) + max(cursor.rowcount, 0)

        # Review log, batch by batch.
        while True:
            rows = local.execute(
                f"SELECT {REVIEW_COLUMNS} FROM review_log WHERE id > ? ORDER BY id LIMIT ?", (int(target["review_log"]), batch_size)
            ).fetchall()
            if not rows:
                break
            values = [(student, state.store_id, row[0], bank_version, *row[1:]) for row in rows]
            target["review_log"] = rows[-1][0]  # saved only once the batch is committed
            commit_batch(lambda cursor, values=values: count("reviews", cursor, values, INSERT_REVIEW))  # type: ignore[misc]

        # Submitted exam attempts with their answers, then adjustments.
        if "exam_attempts" in tables:
            pushed = set(target.get("attempts") or [])
            attempts = [
                row
                for row in local.execute(
                    "SELECT id, paper_id, seed, minutes, started_at, submitted_at, auto_submitted, score, max_score, report, questions"
                    " FROM exam_attempts WHERE submitted_at IS NOT NULL ORDER BY id"
                )
                if row[0] not in pushed
            ]
            for start in range(0, len(attempts), max(1, batch_size // 50)):
                chunk = attempts[start : start + max(1, batch_size // 50)]
                attempt_rows, answer_rows = [], []
                for row in chunk:
                    attempt_id, score = row[0], row[7]
                    delta = local.execute(
                        "SELECT coalesce(sum(points - previous_points), 0) FROM exam_adjustments WHERE attempt_id = ?", (attempt_id,)
                    ).fetchone()[0]
                    base = None if score is None else float(score) - float(delta)
                    attempt_rows.append(
                        (student, state.store_id, attempt_id, bank_version, row[1], row[2], row[3], row[4], row[5], bool(row[6]), base, row[8], row[9])
                    )
                    numbers = {int(number): qid for number, qid in json.loads(row[10])}
                    for number, response, flagged in local.execute("SELECT number, response, flagged FROM exam_answers WHERE attempt_id = ?", (attempt_id,)):
                        answer_rows.append((student, state.store_id, attempt_id, number, numbers.get(int(number), ""), response, bool(flagged)))

                def push_attempts(cursor: psycopg.Cursor, attempt_rows: list = attempt_rows, answer_rows: list = answer_rows) -> None:
                    count("exam_attempts", cursor, attempt_rows, INSERT_ATTEMPT)
                    count("exam_answers", cursor, answer_rows, INSERT_ANSWER)

                target["attempts"] = sorted(pushed | {row[0] for row in chunk})
                commit_batch(push_attempts)
                pushed |= {row[0] for row in chunk}
            pushed_attempts = sorted(pushed)
            placeholders = ",".join("?" * len(pushed_attempts)) or "NULL"
            while True:
                rows = local.execute(
                    "SELECT id, attempt_id, number, previous_points, points, adjusted_at FROM exam_adjustments"
                    f" WHERE id > ? AND attempt_id IN ({placeholders}) ORDER BY id LIMIT ?",
                    (int(target["exam_adjustments"]), *pushed_attempts, batch_size),
                ).fetchall()
                if not rows:
                    break
                values = [(student, state.store_id, *row) for row in rows]
                target["exam_adjustments"] = rows[-1][0]
                commit_batch(lambda cursor, values=values: count("exam_adjustments", cursor, values, INSERT_ADJUSTMENT))  # type: ignore[misc]

        # Appeals, when this store has them (whatever their columns: the row goes along as JSON).
        if "appeals" in tables:
            columns = [row[1] for row in local.execute("PRAGMA table_info(appeals)")]
            if "id" in columns:
                while True:
                    cursor_local = local.execute("SELECT * FROM appeals WHERE id > ? ORDER BY id LIMIT ?", (int(target["appeals"]), batch_size))
                    rows = [dict(zip(columns, row)) for row in cursor_local.fetchall()]
                    if not rows:
                        break
                    when = next((c for c in ("created_at", "appealed_at", "at", "submitted_at") if c in columns), None)
                    values = [
                        (
                            student,
                            state.store_id,
                            row["id"],
                            bank_version,
                            row.get("question_id"),
                            row.get(when) if when else None,
                            json.dumps(row, ensure_ascii=False, default=str),
                        )
                        for row in rows
                    ]
                    target["appeals"] = rows[-1]["id"]
                    commit_batch(lambda cursor, values=values: count("appeals", cursor, values, INSERT_APPEAL))  # type: ignore[misc]
        state.save(data_dir)
        return result
    finally:
        local.close()


def sync_to(data_dir: Path | str, url: str, bank_version: str, *, student_id: str | None = None, batch_size: int = DEFAULT_BATCH) -> SyncResult:
    """Open a small connection pool to `url`, sync `data_dir` through it and close it."""
    from psycopg_pool import ConnectionPool, PoolTimeout

    pool = ConnectionPool(url, min_size=1, max_size=1, open=False, kwargs={"connect_timeout": 10})
    try:
        pool.open(wait=True, timeout=15)
    except PoolTimeout:
        pool.close()
        raise SyncError(f"无法连接班级数据库 {redact(url)}（检查地址、账号和密码）") from None
    try:
        with pool.connection() as connection:
            return sync(data_dir, connection, url, bank_version, student_id=student_id, batch_size=batch_size)
    finally:
        pool.close()
