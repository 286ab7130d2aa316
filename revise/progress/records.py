"""Answers, cards and the 错题本: the review log and the state the scheduler and the notebook derive from it.

- ``review_log`` is append-only (triggers). An override ("I knew it well"), an
  undo and an appeal are further records; the answer's row never changes.
- ``answer_states`` keeps the card and notebook state *before* each answer, so
  re-rating or undoing starts from what the database held, never from a copy a
  window kept (a stale copy would erase another instance's newer answer).
- Re-rating an answer that is no longer its question's latest changes nothing
  but the log: the newer answer already moved the card on.
- A partial answer is a mistake too: it enters the 错题本.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from revise.clock import utc, utc_now
from revise.progress.base import StoreBase
from revise.progress.due import due_cutoff
from revise.progress.errors import StoreError
from revise.progress.rows import (
    ANSWER_DEFAULTS,
    CARD_SELECT,
    MODES,
    NOT_UNDONE,
    NOTEBOOK_ADDED,
    NOTEBOOK_CLEAR_STREAK,
    NOTEBOOK_CLEARED,
    NOTEBOOK_ONE_MORE,
    NOTEBOOK_SELECT,
    NOTEBOOK_STILL_IN,
    REVIEW_SELECT,
    VERDICTS,
    AnswerReceipt,
    CardRecord,
    NotebookEntry,
    ReviewRecord,
    UndoResult,
    card_from_json,
    card_from_row,
    card_record,
    card_to_json,
    check_answer,
    fitted_parameters,
    is_undone,
    newer_answer_exists,
    next_notebook_state,
    notebook_entry,
    notebook_from_row,
    notebook_to_json,
    retention,
    review_from_row,
    save_card,
    save_notebook,
    set_card_state,
    state_before,
)
from revise.progress.scheduling import GOOD, LEARNING, RATING_NAMES, RELEARNING, CardState, rating_for_verdict, review
from revise.progress.schema import db_time, optional_time, parse_db_time

__all__ = [
    "MODES",
    "NOTEBOOK_ADDED",
    "NOTEBOOK_CLEARED",
    "NOTEBOOK_CLEAR_STREAK",
    "NOTEBOOK_ONE_MORE",
    "NOTEBOOK_STILL_IN",
    "VERDICTS",
    "AnswerReceipt",
    "CardRecord",
    "NotebookEntry",
    "RecordsMixin",
    "ReviewRecord",
    "UndoResult",
    "check_answer",
    "next_notebook_state",
]


class RecordsMixin(StoreBase):
    """Recording answers, re-rating and undoing them, and reading cards, the notebook and the log."""

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
        `schedule=False` the card is left as it was (the log and notebook still
        change). Returns only once committed: :class:`StoreWriteError` when it
        was not (nothing of it is saved).
        """
        answer = dict(
            question_id=question_id,
            question_type=question_type,
            response=response,
            verdict=verdict,
            score=score,
            at=at,
            rating=rating,
            duration_ms=duration_ms,
            mode=mode,
            params=params,
            schedule=schedule,
        )
        check_answer(answer)
        return self._write(lambda connection: self._record_answer(connection, answer))

    def _record_answer(self, connection: sqlite3.Connection, answer: dict[str, Any]) -> AnswerReceipt:
        """record_answer's work inside the caller's transaction; `answer` holds record_answer's arguments."""
        answer = {**ANSWER_DEFAULTS, **answer}
        question_id, question_type, response = answer["question_id"], answer["question_type"], answer["response"]
        verdict, score, at, rating = answer["verdict"], answer["score"], answer["at"], answer["rating"]
        duration_ms, mode, params, schedule = answer["duration_ms"], answer["mode"], answer["params"], answer["schedule"]
        rating = rating_for_verdict(verdict) if rating is None else rating
        at = utc(at)
        params_json = json.dumps(params, sort_keys=True) if params else None
        record = card_record(connection, question_id)
        card_before = record.card if record else None
        card_after = (
            review(card_before, rating, at, desired_retention=retention(connection), parameters=fitted_parameters(connection)) if schedule else card_before
        )
        cursor = connection.execute(
            "INSERT INTO review_log (question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params)"
            " VALUES (?, ?, ?, 'answer', ?, ?, ?, ?, ?, ?, ?)",
            (question_id, question_type, db_time(at), response, verdict, float(score), rating, duration_ms, mode, params_json),
        )
        assert cursor.lastrowid is not None
        review_id = int(cursor.lastrowid)
        if schedule:
            assert card_after is not None
            save_card(connection, question_id, question_type, card_after, at, verdict)
        notebook_before = notebook_entry(connection, question_id)
        connection.execute(
            "INSERT INTO answer_states (review_id, card_before, notebook_before, scheduled) VALUES (?, ?, ?, ?)",
            (review_id, card_to_json(card_before), notebook_to_json(notebook_before), int(bool(schedule))),
        )
        notebook_after, status = next_notebook_state(notebook_before, question_id, rating, at, verdict)
        save_notebook(connection, question_id, notebook_after)
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

    def _rerate(self, connection: sqlite3.Connection, receipt: AnswerReceipt, rating: int) -> AnswerReceipt:
        """Apply `rating` to an answer, from the state the store held before it; the current state when a newer answer exists."""
        qid = receipt.question_id
        if is_undone(connection, receipt.review_id):
            raise StoreError("这次作答已经撤销，不能再改评分")
        if newer_answer_exists(connection, qid, receipt.review_id):
            # The question was answered again since (maybe in another window): that answer decides the card.
            current = card_record(connection, qid)
            entry = notebook_entry(connection, qid)
            return replace(receipt, rating=rating, card_after=current.card if current else receipt.card_after, notebook_after=entry, notebook_status=None)
        before = state_before(connection, receipt.review_id, qid)
        card_before = before.card if before else receipt.card_before
        notebook_before = before.notebook if before else receipt.notebook_before
        scheduled = before.scheduled if before else receipt.scheduled
        card_after = receipt.card_after
        if scheduled:
            # Scheduled as of the answer's time, as if this had been the rating all along.
            card_after = review(card_before, rating, receipt.reviewed_at, desired_retention=retention(connection), parameters=fitted_parameters(connection))
            set_card_state(connection, qid, card_after)
        notebook_after, status = next_notebook_state(notebook_before, qid, rating, receipt.reviewed_at, receipt.verdict)
        save_notebook(connection, qid, notebook_after)
        return replace(
            receipt,
            rating=rating,
            card_before=card_before,
            card_after=card_after,
            notebook_before=notebook_before,
            notebook_after=notebook_after,
            notebook_status=status,
        )

    def _log_override(self, connection: sqlite3.Connection, receipt: AnswerReceipt, rating: int, at: datetime) -> None:
        connection.execute(
            "INSERT INTO review_log (question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params, overrides)"
            " VALUES (?, ?, ?, 'override', ?, ?, ?, ?, NULL, ?, ?, ?)",
            (
                receipt.question_id,
                receipt.question_type,
                db_time(at),
                receipt.response,
                receipt.verdict,
                receipt.score,
                rating,
                receipt.mode,
                json.dumps(receipt.params, sort_keys=True) if receipt.params else None,
                receipt.review_id,
            ),
        )

    def record_override(self, receipt: AnswerReceipt, rating: int, *, at: datetime | None = None) -> AnswerReceipt:
        """Re-rate an answer and log the override (kind 'override', pointing at the answer; its row never changes).

        The card and notebook are rebuilt from the state the *store* held before
        the answer, not from the receipt a window kept. When the question has
        been answered again since (e.g. in another window), that newer answer
        stands: only the override is logged. Returns the updated receipt.
        """
        if rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        logged_at = utc(at) if at is not None else utc_now()

        def work(connection: sqlite3.Connection) -> AnswerReceipt:
            updated = self._rerate(connection, receipt, rating)
            self._log_override(connection, receipt, rating, logged_at)
            return updated

        return self._write(work)

    def receipt_for(self, review_id: int) -> AnswerReceipt | None:
        """The receipt of a logged answer as the store holds it now (None when there is no such answer)."""

        def query(connection: sqlite3.Connection) -> AnswerReceipt | None:
            return self._receipt(connection, review_id)

        return self._read(query)

    def _receipt(self, connection: sqlite3.Connection, review_id: int) -> AnswerReceipt | None:
        row = connection.execute(REVIEW_SELECT + " WHERE id = ? AND kind = 'answer'", (review_id,)).fetchone()
        if row is None:
            return None
        record = review_from_row(row)
        rated = connection.execute("SELECT rating FROM review_log WHERE kind = 'override' AND overrides = ? ORDER BY id DESC LIMIT 1", (review_id,)).fetchone()
        before = state_before(connection, review_id, record.question_id)
        current = card_record(connection, record.question_id)
        return AnswerReceipt(
            review_id=review_id,
            question_id=record.question_id,
            question_type=record.question_type,
            response=record.response,
            verdict=record.verdict,
            score=record.score,
            rating=rated[0] if rated else record.rating,
            reviewed_at=record.reviewed_at,
            mode=record.mode,
            params=record.params,
            scheduled=before.scheduled if before else True,
            card_before=before.card if before else None,
            card_after=current.card if current else None,
            notebook_before=before.notebook if before else None,
            notebook_after=notebook_entry(connection, record.question_id),
            notebook_status=None,
        )

    def card_states_before(self) -> dict[int, CardState | None]:
        """The card state the store held before each answer, by review id, in one read (answers logged before schema 5 are absent)."""
        rows = self._read(lambda c: c.execute("SELECT review_id, card_before FROM answer_states").fetchall())
        return {int(review_id): card_from_json(text) for review_id, text in rows}

    def is_committed(self, review_id: int) -> bool:
        """True when the answer (or override) `review_id` is in the database: what a UI checks before showing ✓."""
        return self._read(lambda c: c.execute("SELECT 1 FROM review_log WHERE id = ?", (review_id,)).fetchone() is not None)

    def undo_answer(self, review_id: int, *, at: datetime | None = None) -> UndoResult:
        """Take back a question's latest answer: append a compensating record and restore the card and 错题本.

        The answer's log row stays (the log is append-only); ``review_undos`` says
        it no longer counts, and every count, the scheduler and the notebook
        follow. Only a question's latest answer can be undone (StoreError
        otherwise); undoing twice changes nothing more.
        """
        undone_at = utc(at) if at is not None else utc_now()

        def work(connection: sqlite3.Connection) -> UndoResult:
            row = connection.execute("SELECT question_id, verdict FROM review_log WHERE id = ? AND kind = 'answer'", (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {review_id} 的作答记录")
            question_id, verdict = row
            if is_undone(connection, review_id):
                current = card_record(connection, question_id)
                return UndoResult(review_id, question_id, current.card if current else None, notebook_entry(connection, question_id))
            if newer_answer_exists(connection, question_id, review_id):
                raise StoreError("这道题之后又作答过，只能撤销最后一次作答")
            before = state_before(connection, review_id, question_id)
            if before is None:
                raise StoreError("这次作答记录于旧版本，无法撤销")
            if before.scheduled:
                if before.card is None:
                    # The card existed only because of this answer; the log keeps everything.
                    connection.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))
                else:
                    set_card_state(connection, question_id, before.card)
                    column = {"correct": "correct", "partial": "partial", "incorrect": "incorrect"}[verdict]
                    connection.execute(f"UPDATE cards SET reviews = MAX(reviews - 1, 0), {column} = MAX({column} - 1, 0) WHERE question_id = ?", (question_id,))
            save_notebook(connection, question_id, before.notebook)
            connection.execute("INSERT INTO review_undos (review_id, undone_at) VALUES (?, ?)", (review_id, db_time(undone_at)))
            return UndoResult(review_id, question_id, before.card if before.scheduled else None, before.notebook)

        return self._write(work)

    # -- appeals (判我对) -----------------------------------------------------------------------

    def record_appeal(self, question_id: str, review_id: int | None, original_verdict: str, response: str, at: datetime) -> int:
        """Log that the student says an answer was right; the answer's rating becomes Good and it leaves the 错题本.

        The appeal keeps the original verdict and response for the teacher
        (``revise appeals``). With a `review_id` of the question's latest
        answer, the card is rescheduled as if it had been rated Good (logged as
        an override); the notebook entry is cleared either way, unless the
        question was answered wrong again since. Returns the appeal's id.
        """
        if original_verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {original_verdict!r}")
        at = utc(at)

        def work(connection: sqlite3.Connection) -> int:
            newer = False
            if review_id is not None:
                receipt = self._receipt(connection, review_id)
                if receipt is None or receipt.question_id != question_id:
                    raise StoreError(f"题目 {question_id} 没有编号为 {review_id} 的作答记录")
                newer = newer_answer_exists(connection, question_id, review_id)
                if not is_undone(connection, review_id):
                    self._rerate(connection, receipt, GOOD)
                    self._log_override(connection, receipt, GOOD, at)
            entry = notebook_entry(connection, question_id)
            if entry is not None and entry.active and not newer:
                save_notebook(connection, question_id, replace(entry, cleared_at=at))
            cursor = connection.execute(
                "INSERT INTO appeals (question_id, review_id, original_verdict, response, appealed_at) VALUES (?, ?, ?, ?, ?)",
                (question_id, review_id, original_verdict, response, db_time(at)),
            )
            assert cursor.lastrowid is not None
            return int(cursor.lastrowid)

        return self._write(work)

    def appeals(self, question_id: str | None = None) -> list[dict[str, Any]]:
        """Every appeal (of one question when given), oldest first: id, question_id, review_id, original_verdict, response, appealed_at."""
        where, args = (" WHERE question_id = ?", (question_id,)) if question_id is not None else ("", ())
        rows = self._read(
            lambda c: c.execute(
                "SELECT id, question_id, review_id, original_verdict, response, appealed_at FROM appeals" + where + " ORDER BY id", args
            ).fetchall()
        )
        return [
            {"id": aid, "question_id": qid, "review_id": rid, "original_verdict": verdict, "response": response, "appealed_at": parse_db_time(at)}
            for aid, qid, rid, verdict, response, at in rows
        ]

    # -- cards -----------------------------------------------------------------------------

    def get_card(self, question_id: str) -> CardRecord | None:
        """The stored card of a question, or None if it was never answered (and scheduled)."""
        return self._read(lambda c: card_record(c, question_id))

    def cards(self) -> dict[str, CardRecord]:
        """Every stored card by question id, including those of questions no longer in the bank."""
        rows = self._read(lambda c: c.execute(CARD_SELECT).fetchall())
        return {row[0]: card_from_row(row) for row in rows}

    def card_states(self) -> dict[str, CardState]:
        """Every stored card's FSRS state by question id (lighter than :meth:`cards`)."""
        rows = self._read(lambda c: c.execute("SELECT question_id, state, step, stability, difficulty, due, last_review FROM cards").fetchall())
        return {
            qid: CardState(state, step, stability, difficulty, parse_db_time(due), optional_time(last))
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

    def due_today_ids(self, now: datetime, tz: tzinfo | None = None) -> list[str]:
        """Ids of cards due today (before the local day ends: :func:`revise.progress.due.due_cutoff`), most overdue first.

        The one definition of "due today" for home, the chapter list and ``revise stats``.
        """
        cutoff = db_time(due_cutoff(now, tz))
        rows = self._read(lambda c: c.execute("SELECT question_id FROM cards WHERE due < ? ORDER BY due, question_id", (cutoff,)).fetchall())
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
        return int(self._read(lambda c: c.execute("SELECT COUNT(*) FROM cards WHERE first_review >= ?", (db_time(moment),)).fetchone()[0]))

    # -- notebook --------------------------------------------------------------------------

    def notebook_entry(self, question_id: str) -> NotebookEntry | None:
        """A question's notebook entry (active or cleared), or None if it was never in it."""
        return self._read(lambda c: notebook_entry(c, question_id))

    def notebook(self, *, include_cleared: bool = False) -> list[NotebookEntry]:
        """The notebook's entries, oldest first; only those still in it unless `include_cleared`."""
        where = "" if include_cleared else " WHERE cleared_at IS NULL"
        rows = self._read(lambda c: c.execute(NOTEBOOK_SELECT + where + " ORDER BY added_at, question_id").fetchall())
        return [notebook_from_row(row) for row in rows]

    def notebook_ids(self) -> list[str]:
        """Ids of the questions in the notebook, oldest entry first."""
        return [entry.question_id for entry in self.notebook()]

    # -- the review log --------------------------------------------------------------------

    def history(self, question_id: str) -> list[ReviewRecord]:
        """Every log row of a question (answers, undone ones marked, and overrides), oldest first."""
        rows = self._read(lambda c: c.execute(REVIEW_SELECT + " WHERE question_id = ? ORDER BY id", (question_id,)).fetchall())
        return [review_from_row(row) for row in rows]

    def reviews(self, *, limit: int | None = None) -> list[ReviewRecord]:
        """The most recent log rows (all of them without `limit`), oldest first."""
        if limit is None:
            rows = self._read(lambda c: c.execute(REVIEW_SELECT + " ORDER BY id").fetchall())
        else:
            rows = self._read(lambda c: c.execute(REVIEW_SELECT + " ORDER BY id DESC LIMIT ?", (limit,)).fetchall())[::-1]
        return [review_from_row(row) for row in rows]

    def answer_count(self) -> int:
        """How many answers were logged (overrides and undone answers not counted)."""
        return int(self._read(lambda c: c.execute(f"SELECT COUNT(*) FROM review_log WHERE kind = 'answer' AND {NOT_UNDONE}").fetchone()[0]))

    def answers_in_ranges(self, boundaries: Sequence[datetime]) -> list[int]:
        """Answers logged in each range [boundaries[i], boundaries[i+1]) (e.g. local days); one fewer than boundaries."""
        texts = [db_time(moment) for moment in boundaries]

        def count(connection: sqlite3.Connection) -> list[int]:
            # One index range count per day: no per-row date arithmetic.
            query = f"SELECT COUNT(*) FROM review_log WHERE kind = 'answer' AND reviewed_at >= ? AND reviewed_at < ? AND {NOT_UNDONE}"
            return [connection.execute(query, (low, high)).fetchone()[0] for low, high in itertools.pairwise(texts)]

        return self._read(count)

    def answered_between(self, start: datetime, end: datetime) -> bool:
        """True when at least one answer was logged in [start, end)."""
        row = self._read(
            lambda c: c.execute(
                f"SELECT 1 FROM review_log WHERE kind = 'answer' AND reviewed_at >= ? AND reviewed_at < ? AND {NOT_UNDONE} LIMIT 1",
                (db_time(start), db_time(end)),
            ).fetchone()
        )
        return row is not None

    def last_answer_before(self, moment: datetime) -> datetime | None:
        """The time of the latest answer before `moment`, or None."""
        row = self._read(
            lambda c: c.execute(
                f"SELECT reviewed_at FROM review_log WHERE kind = 'answer' AND reviewed_at < ? AND {NOT_UNDONE} ORDER BY reviewed_at DESC LIMIT 1",
                (db_time(moment),),
            ).fetchone()
        )
        return parse_db_time(row[0]) if row else None
