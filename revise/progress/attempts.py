"""Mock-exam attempts: drawn papers saved answer by answer, handed in in one transaction.

One attempt is open in one window at a time. The window holding it is its
*owner* (a token naming host, process and session); every write of an attempt
names its owner and is refused with :class:`AttemptTakenError` once another
window has taken it over. A window that died (same host, process gone) or fell
silent for :data:`LEASE_STALE` holds nothing, so a crash never locks the
student out of their own exam.

Handing in marks what the *store* holds (:meth:`AttemptsMixin.hand_in_exam_attempt`),
inside the write transaction, so a window with a stale copy can never overwrite
answers another window saved.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from revise.clock import utc
from revise.progress.errors import AttemptInUseError, AttemptTakenError, StoreError
from revise.progress.records import AnswerReceipt, RecordsMixin, check_answer
from revise.progress.schema import db_time, optional_time, parse_db_time

# A window on another machine (a synced data dir) that has not written for this long holds nothing.
LEASE_STALE = timedelta(minutes=10)
IN_USE_MESSAGE = "这场考试正在另一个窗口中进行。可以在这里接着考，另一个窗口随即不能再作答。"
TAKEN_MESSAGE = "这场考试已在另一个窗口中接着考了，这个窗口不能再作答；请到那个窗口继续。"


def new_owner_token() -> str:
    """A token naming this window: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, as someone else (or we cannot tell: assume alive)
    return True


def owner_gone(owner: str, seen_at: datetime | None, now: datetime) -> bool:
    """True when the window named by `owner` can no longer be writing: its process is gone, or it fell silent.

    A token from this very process is treated as gone too: a second session
    object in one app replaces the first (the first is refused if it writes).
    """
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        return pid == os.getpid() or not _process_alive(pid)
    return seen_at is None or now - seen_at > LEASE_STALE


@dataclass
class Marking:
    """What a hand-in's marking function returns: the answers to log, the totals and how to write the report.

    `report` receives the receipts of the logged answers (in `answers` order)
    and returns the report's JSON, so the report can name the log rows.
    """

    answers: list[dict[str, Any]]
    score: float
    max_score: float
    report: Callable[[list[AnswerReceipt]], str]
    extra: dict[str, Any] = field(default_factory=dict)


_ATTEMPT_COLUMNS = (
    "id, paper_id, seed, minutes, started_at, deadline, questions, submitted_at, auto_submitted, score, max_score, report, owner,"
    " time_rule, grace_minutes, counted"
)


class SavedAnswers(dict[int, tuple[str, bool]]):
    """{number: (response, flagged)} as committed, and `late`: the numbers changed after the deadline (in a grace period)."""

    def __init__(self, answers: dict[int, tuple[str, bool]], late: set[int]) -> None:
        super().__init__(answers)
        self.late = late


def _attempt_from_row(row: Sequence[Any]) -> dict[str, Any]:
    attempt_id, paper_id, seed, minutes, started, deadline, questions, submitted, auto, score, max_score, report, owner, rule, grace, counted = row
    return {
        "id": attempt_id,
        "paper_id": paper_id,
        "seed": seed,
        "minutes": minutes,
        "started_at": parse_db_time(started),
        "deadline": parse_db_time(deadline),
        "questions": [(int(number), qid) for number, qid in json.loads(questions)],
        "submitted_at": optional_time(submitted),
        "auto_submitted": bool(auto),
        "score": score,
        "max_score": max_score,
        "report": report,
        "owner": owner,
        "time_rule": rule,
        "grace_minutes": int(grace),
        "counted": bool(counted),
    }


class AttemptsMixin(RecordsMixin):
    """Exam attempts, their saved answers, ownership, hand-in and point adjustments."""

    def start_exam_attempt(
        self,
        paper_id: str,
        seed: int,
        minutes: int,
        started_at: datetime,
        deadline: datetime,
        questions: Sequence[tuple[int, str]],
        *,
        owner: str | None = None,
        time_rule: str = "submit",
        grace_minutes: int = 0,
    ) -> int:
        """Record a new attempt at a drawn paper (seed, time limit, deadline, (number, question id) list), held by `owner`; its id.

        `time_rule` ("submit", "grace" or "nocount") and `grace_minutes` say what happens when the time runs out.
        """

        def work(connection: sqlite3.Connection) -> int:
            cursor = connection.execute(
                "INSERT INTO exam_attempts (paper_id, seed, minutes, started_at, deadline, questions, owner, owner_seen_at, time_rule, grace_minutes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    paper_id,
                    int(seed),
                    int(minutes),
                    db_time(started_at),
                    db_time(deadline),
                    json.dumps([[int(n), qid] for n, qid in questions]),
                    owner,
                    db_time(started_at) if owner else None,
                    time_rule,
                    int(grace_minutes),
                ),
            )
            assert cursor.lastrowid is not None
            return int(cursor.lastrowid)

        return self._write(work)

    # -- ownership ---------------------------------------------------------------------------

    def claim_exam_attempt(self, attempt_id: int, owner: str, at: datetime, *, take_over: bool = False) -> None:
        """Make `owner` the window holding an attempt.

        :class:`AttemptInUseError` when another live window holds it, unless
        `take_over` (the student chose to continue here: the other window is
        then refused at its next write).
        """
        at = utc(at)

        def work(connection: sqlite3.Connection) -> None:
            row = connection.execute("SELECT owner, owner_seen_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {attempt_id} 的考试记录")
            holder, seen = row
            if holder not in (None, owner) and not take_over and not owner_gone(holder, optional_time(seen), at):
                raise AttemptInUseError(IN_USE_MESSAGE, attempt_id)
            connection.execute("UPDATE exam_attempts SET owner = ?, owner_seen_at = ? WHERE id = ?", (owner, db_time(at), attempt_id))

        self._write(work)

    def release_exam_attempt(self, attempt_id: int, owner: str) -> None:
        """Let go of an attempt this window holds (closing the exam without handing in)."""
        self._write(lambda c: c.execute("UPDATE exam_attempts SET owner = NULL WHERE id = ? AND owner = ?", (attempt_id, owner)))

    @staticmethod
    def _check_owner(connection: sqlite3.Connection, attempt_id: int, owner: str | None, at: datetime) -> None:
        """Inside a write: refuse a window that no longer holds the attempt, and note that the holder is alive."""
        if owner is None:
            return  # a caller that does not take part in ownership (scripts, old callers)
        row = connection.execute("SELECT owner FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise StoreError(f"没有编号为 {attempt_id} 的考试记录")
        if row[0] is not None and row[0] != owner:
            raise AttemptTakenError(TAKEN_MESSAGE, attempt_id)
        connection.execute("UPDATE exam_attempts SET owner = ?, owner_seen_at = ? WHERE id = ?", (owner, db_time(utc(at)), attempt_id))

    # -- answers -----------------------------------------------------------------------------

    def save_exam_answer(
        self, attempt_id: int, number: int, response: str, flagged: bool, at: datetime, *, owner: str | None = None, late: bool = False
    ) -> None:
        """Save (replace) the response and flag of one question of an attempt, committed before returning.

        `late`: saved after the deadline (in a grace period); an answer stays late once its response changed late.

        :class:`StoreWriteError` when the disk refused it (nothing saved: retry),
        :class:`AttemptTakenError` when another window holds the attempt, and
        StoreError for an attempt already handed in.
        """

        def work(connection: sqlite3.Connection) -> None:
            self._check_owner(connection, attempt_id, owner, at)
            row = connection.execute("SELECT submitted_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is not None and row[0] is not None:
                raise StoreError("这份试卷已经交卷，不能再改答案")
            connection.execute(
                "INSERT INTO exam_answers (attempt_id, number, response, flagged, saved_at, late) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (attempt_id, number) DO UPDATE SET response = excluded.response, flagged = excluded.flagged, saved_at = excluded.saved_at,"
                " late = CASE WHEN excluded.response != exam_answers.response THEN MAX(exam_answers.late, excluded.late) ELSE exam_answers.late END",
                (attempt_id, int(number), response, int(bool(flagged)), db_time(at), int(bool(late) and bool(response))),
            )

        self._write(work)

    def saved_exam_answer(self, attempt_id: int, number: int) -> tuple[str, bool] | None:
        """(response, flagged) as committed for one question, or None: what a UI compares before showing an answer as saved."""
        row = self._read(
            lambda c: c.execute("SELECT response, flagged FROM exam_answers WHERE attempt_id = ? AND number = ?", (attempt_id, int(number))).fetchone()
        )
        return (row[0], bool(row[1])) if row else None

    @staticmethod
    def _saved_answers(connection: sqlite3.Connection, attempt_id: int) -> SavedAnswers:
        rows = connection.execute("SELECT number, response, flagged, late FROM exam_answers WHERE attempt_id = ?", (attempt_id,)).fetchall()
        return SavedAnswers({number: (response, bool(flagged)) for number, response, flagged, _ in rows}, {number for number, *_, late in rows if late})

    # -- handing in ----------------------------------------------------------------------------

    def hand_in_exam_attempt(
        self,
        attempt_id: int,
        at: datetime,
        auto: bool,
        mark: Callable[[SavedAnswers], Marking],
        *,
        owner: str | None = None,
        counted: bool = True,
    ) -> tuple[Marking, list[AnswerReceipt]] | None:
        """Hand in an attempt, marking the answers the store holds, in one transaction.

        `mark` gets {number: (response, flagged)} as committed (with `.late`)
        and returns a :class:`Marking`; its answers are logged (mode exam) and
        its report stored. None when the attempt was already handed in (by
        another window): nothing is logged twice. `counted=False` keeps it out
        of the score trend (time ran out under the "nocount" rule).
        """

        def work(connection: sqlite3.Connection) -> tuple[Marking, list[AnswerReceipt]] | None:
            row = connection.execute("SELECT submitted_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {attempt_id} 的考试记录")
            if row[0] is not None:
                return None
            self._check_owner(connection, attempt_id, owner, at)
            marking = mark(self._saved_answers(connection, attempt_id))
            for answer in marking.answers:
                check_answer(answer)
            receipts = [self._record_answer(connection, answer) for answer in marking.answers]
            connection.execute(
                "UPDATE exam_attempts SET submitted_at = ?, auto_submitted = ?, score = ?, max_score = ?, report = ?, owner = NULL, counted = ? WHERE id = ?",
                (db_time(at), int(bool(auto)), float(marking.score), float(marking.max_score), marking.report(receipts), int(bool(counted)), attempt_id),
            )
            return marking, receipts

        return self._write(work)

    def submit_exam_attempt(
        self,
        attempt_id: int,
        at: datetime,
        auto: bool,
        score: float,
        max_score: float,
        report: str,
        answers: Sequence[dict[str, Any]],
        *,
        owner: str | None = None,
    ) -> list[AnswerReceipt]:
        """Hand in an attempt already marked by the caller: log every graded answer and store the report.

        One transaction: either all of it is saved or none. An attempt already
        submitted (e.g. by another window) is left as it was and nothing is
        logged twice; the result is then empty. Prefer :meth:`hand_in_exam_attempt`,
        which marks what the store holds.
        """
        for answer in answers:
            check_answer(answer)
        marking = Marking(list(answers), score, max_score, lambda _receipts: report)
        handed_in = self.hand_in_exam_attempt(attempt_id, at, auto, lambda _saved: marking, owner=owner)
        return handed_in[1] if handed_in else []

    def adjust_exam_points(self, attempt_id: int, number: int, previous: float, points: float, score: float, report: str, at: datetime) -> None:
        """Record a change to one answer's points and store the new total and report."""

        def work(connection: sqlite3.Connection) -> None:
            connection.execute(
                "INSERT INTO exam_adjustments (attempt_id, number, previous_points, points, adjusted_at) VALUES (?, ?, ?, ?, ?)",
                (attempt_id, int(number), float(previous), float(points), db_time(at)),
            )
            connection.execute("UPDATE exam_attempts SET score = ?, report = ? WHERE id = ?", (float(score), report, attempt_id))

        self._write(work)

    # -- reading -------------------------------------------------------------------------------

    def exam_attempt(self, attempt_id: int) -> dict[str, Any] | None:
        """An attempt with its saved answers as (number, response, flagged), or None when there is no such attempt."""

        def query(connection: sqlite3.Connection) -> dict[str, Any] | None:
            row = connection.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                return None
            attempt = _attempt_from_row(row)
            saved = self._saved_answers(connection, attempt_id)
            attempt["answers"] = [(number, *saved[number]) for number in sorted(saved)]
            attempt["late"] = sorted(saved.late)
            last = connection.execute("SELECT MAX(saved_at) FROM exam_answers WHERE attempt_id = ?", (attempt_id,)).fetchone()[0]
            attempt["last_saved_at"] = optional_time(last)
            return attempt

        return self._read(query)

    def unfinished_exam_attempt(self) -> int | None:
        """The id of the newest attempt started and never submitted, or None."""
        row = self._read(
            lambda c: c.execute("SELECT id FROM exam_attempts WHERE submitted_at IS NULL AND abandoned_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        )
        return int(row[0]) if row else None

    def abandon_exam_attempt(self, attempt_id: int, reason: str, at: datetime) -> None:
        """Stop offering an unfinished attempt that cannot be resumed (e.g. its paper left the bank).

        Its saved answers stay in the database; it is no longer unfinished or listed in the history.
        """
        self._write(
            lambda c: c.execute(
                "UPDATE exam_attempts SET abandoned_at = ?, abandon_reason = ?, owner = NULL WHERE id = ? AND submitted_at IS NULL",
                (db_time(utc(at)), reason, attempt_id),
            )
        )

    def exam_attempts(self) -> list[dict[str, Any]]:
        """Every attempt that was not abandoned, newest first (without saved answers)."""
        rows = self._read(lambda c: c.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM exam_attempts WHERE abandoned_at IS NULL ORDER BY id DESC").fetchall())
        return [_attempt_from_row(row) for row in rows]

    def last_exam_time_rule(self) -> tuple[str, int] | None:
        """(time rule, grace minutes) the newest attempt was started with, abandoned ones included: the student's last choice."""
        row = self._read(lambda c: c.execute("SELECT time_rule, grace_minutes FROM exam_attempts ORDER BY id DESC LIMIT 1").fetchone())
        return (row[0], int(row[1])) if row else None

    def exam_adjustments(self, attempt_id: int) -> list[tuple[int, float, float, datetime]]:
        """(number, previous points, points, when) of every adjustment to an attempt, oldest first."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT number, previous_points, points, adjusted_at FROM exam_adjustments WHERE attempt_id = ? ORDER BY id", (attempt_id,)
            ).fetchall()
        )
        return [(number, previous, points, parse_db_time(at)) for number, previous, points, at in rows]
