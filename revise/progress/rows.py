"""The records of the progress store as Python values, and the row-level SQL the store's parts share.

Cards, notebook entries, log rows and answer receipts; the 错题本 rule
(:func:`next_notebook_state`); and helpers that read or write one row inside a
transaction the caller holds, used by answers, appeals and exam hand-ins alike.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from revise.clock import utc
from revise.progress.scheduling import AGAIN, DEFAULT_DESIRED_RETENTION, HARD, RATING_NAMES, CardState
from revise.progress.schema import db_time, optional_time, parse_db_time
from revise.progress.settings import validate_setting

VERDICTS = ("correct", "partial", "incorrect")
MODES = ("practice", "exam", "drill")
# A question leaves the notebook after this many correct answers in a row.
NOTEBOOK_CLEAR_STREAK = 2

# What happened to the notebook on an answer (None: it was not involved).
NOTEBOOK_ADDED = "added"  # answered wrong (or partly): now in the notebook
NOTEBOOK_STILL_IN = "still-in"  # in the notebook and not answered right
NOTEBOOK_ONE_MORE = "one-more"  # in the notebook, right once: one more to clear it
NOTEBOOK_CLEARED = "cleared"  # right twice in a row (or appealed): out of the notebook

# Log rows that count as answers: not undone.
NOT_UNDONE = "id NOT IN (SELECT review_id FROM review_undos)"


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
    """One row of the review log; `undone` is True for an answer taken back with undo."""

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
    undone: bool = False


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


@dataclass(frozen=True)
class UndoResult:
    """The state a question is back in after its last answer was undone."""

    review_id: int
    question_id: str
    card: CardState | None
    notebook: NotebookEntry | None


def next_notebook_state(
    entry: NotebookEntry | None, question_id: str, rating: int, at: datetime, verdict: str | None = None
) -> tuple[NotebookEntry | None, str | None]:
    """The notebook entry after an answer with `rating`, and what happened (a NOTEBOOK_* status or None).

    Again (wrong), or a partial verdict rated Hard, puts the question in the
    notebook or keeps it there; Hard otherwise breaks its run of correct
    answers; Good or Easy counts towards the two in a row that take it out.
    """
    at = utc(at)
    active = entry is not None and entry.active
    if rating == AGAIN or (rating == HARD and verdict == "partial"):
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


# What record_answer's optional arguments default to.
ANSWER_DEFAULTS: dict[str, Any] = {"rating": None, "duration_ms": None, "mode": "practice", "params": None, "schedule": True}


def check_answer(answer: dict[str, Any]) -> None:
    """ValueError for an answer the log would refuse, before any transaction starts."""
    if answer.get("verdict") not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {answer.get('verdict')!r}")
    if answer.get("mode", "practice") not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {answer.get('mode')!r}")
    rating = answer.get("rating")
    if rating is not None and rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1-4, not {rating!r}")


# -- (de)serialising the state kept before each answer ---------------------------------------------


def card_to_json(card: CardState | None) -> str | None:
    """A card state as JSON text (None stays None)."""
    if card is None:
        return None
    return json.dumps(
        {
            "state": card.state,
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": db_time(card.due) if card.due else None,
            "last_review": db_time(card.last_review) if card.last_review else None,
        }
    )


def card_from_json(text: str | None) -> CardState | None:
    """The card state of :func:`card_to_json`'s text."""
    if not text:
        return None
    data = json.loads(text)
    return CardState(data["state"], data["step"], data["stability"], data["difficulty"], optional_time(data["due"]), optional_time(data["last_review"]))


def notebook_to_json(entry: NotebookEntry | None) -> str | None:
    """A notebook entry as JSON text (None stays None)."""
    if entry is None:
        return None
    return json.dumps(
        {
            "added_at": db_time(entry.added_at),
            "last_wrong_at": db_time(entry.last_wrong_at),
            "times_wrong": entry.times_wrong,
            "correct_streak": entry.correct_streak,
            "cleared_at": db_time(entry.cleared_at) if entry.cleared_at else None,
        }
    )


def notebook_from_json(question_id: str, text: str | None) -> NotebookEntry | None:
    """The notebook entry of :func:`notebook_to_json`'s text."""
    if not text:
        return None
    data = json.loads(text)
    return NotebookEntry(
        question_id,
        parse_db_time(data["added_at"]),
        parse_db_time(data["last_wrong_at"]),
        data["times_wrong"],
        data["correct_streak"],
        optional_time(data["cleared_at"]),
    )


CARD_SELECT = (
    "SELECT question_id, question_type, state, step, stability, difficulty, due, last_review, first_review, reviews, correct, partial, incorrect FROM cards"
)
NOTEBOOK_SELECT = "SELECT question_id, added_at, last_wrong_at, times_wrong, correct_streak, cleared_at FROM notebook"
REVIEW_SELECT = (
    "SELECT id, question_id, question_type, reviewed_at, kind, response, verdict, score, rating, duration_ms, mode, params, overrides,"
    " id IN (SELECT review_id FROM review_undos) FROM review_log"
)


def card_from_row(row: Sequence[Any]) -> CardRecord:
    qid, qtype, state, step, stability, difficulty, due, last_review, first_review, reviews, correct, partial, incorrect = row
    card = CardState(state, step, stability, difficulty, parse_db_time(due), optional_time(last_review))
    return CardRecord(qid, qtype, card, parse_db_time(first_review), reviews, correct, partial, incorrect)


def notebook_from_row(row: Sequence[Any]) -> NotebookEntry:
    qid, added, last_wrong, times, streak, cleared = row
    return NotebookEntry(qid, parse_db_time(added), parse_db_time(last_wrong), times, streak, optional_time(cleared))


def review_from_row(row: Sequence[Any]) -> ReviewRecord:
    rid, qid, qtype, at, kind, response, verdict, score, rating, duration, mode, params, overrides, undone = row
    return ReviewRecord(
        rid,
        qid,
        qtype,
        parse_db_time(at),
        kind,
        response,
        verdict,
        score,
        rating,
        duration,
        mode,
        json.loads(params) if params else None,
        overrides,
        bool(undone),
    )


def card_record(connection: sqlite3.Connection, question_id: str) -> CardRecord | None:
    """The stored card of a question, read on `connection` (inside the caller's transaction)."""
    row = connection.execute(CARD_SELECT + " WHERE question_id = ?", (question_id,)).fetchone()
    return card_from_row(row) if row else None


def notebook_entry(connection: sqlite3.Connection, question_id: str) -> NotebookEntry | None:
    """The notebook entry of a question, read on `connection`."""
    row = connection.execute(NOTEBOOK_SELECT + " WHERE question_id = ?", (question_id,)).fetchone()
    return notebook_from_row(row) if row else None


def retention(connection: sqlite3.Connection) -> float:
    """The desired retention setting, read inside the transaction."""
    row = connection.execute("SELECT value FROM settings WHERE key = 'desired_retention'").fetchone()
    if row is None:
        return DEFAULT_DESIRED_RETENTION
    try:
        return float(validate_setting("desired_retention", json.loads(row[0])))
    except ValueError:
        return DEFAULT_DESIRED_RETENTION


def fitted_parameters(connection: sqlite3.Connection) -> tuple[float, ...] | None:
    """The student's own FSRS parameters (`revise stats --fit`), read inside the transaction; None for the defaults."""
    row = connection.execute("SELECT value FROM settings WHERE key = 'fsrs_parameters'").fetchone()
    if row is None:
        return None
    try:
        value = validate_setting("fsrs_parameters", json.loads(row[0]))
    except ValueError:
        return None  # a hand-edited bad value falls back to the defaults
    return tuple(float(weight) for weight in value) if value else None


def card_columns(card: CardState) -> tuple[int, int | None, float | None, float | None, str, str | None]:
    """The `cards` columns state..last_review of a card state."""
    assert card.due is not None
    return (card.state, card.step, card.stability, card.difficulty, db_time(card.due), db_time(card.last_review) if card.last_review else None)


def save_card(connection: sqlite3.Connection, question_id: str, question_type: str, card: CardState, at: datetime, verdict: str) -> None:
    """Insert or update a card after an answer, counting the answer's verdict."""
    counts = tuple(int(verdict == name) for name in VERDICTS)
    connection.execute(
        "INSERT INTO cards (question_id, question_type, state, step, stability, difficulty, due, last_review, first_review, reviews, correct, partial, incorrect)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET question_type = excluded.question_type, state = excluded.state,"
        " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due,"
        " last_review = excluded.last_review, reviews = reviews + 1, correct = correct + excluded.correct,"
        " partial = partial + excluded.partial, incorrect = incorrect + excluded.incorrect",
        (question_id, question_type, *card_columns(card), db_time(at), *counts),
    )


def set_card_state(connection: sqlite3.Connection, question_id: str, card: CardState) -> None:
    """Replace a card's FSRS state, leaving its counts."""
    connection.execute(
        "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ? WHERE question_id = ?",
        (*card_columns(card), question_id),
    )


def save_notebook(connection: sqlite3.Connection, question_id: str, entry: NotebookEntry | None) -> None:
    """Store a question's notebook entry (None: it was never in the notebook)."""
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


def newer_answer_exists(connection: sqlite3.Connection, question_id: str, review_id: int) -> bool:
    """True when the question was answered (and not undone) after the log row `review_id`."""
    row = connection.execute(
        f"SELECT 1 FROM review_log WHERE question_id = ? AND kind = 'answer' AND id > ? AND {NOT_UNDONE} LIMIT 1",
        (question_id, review_id),
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class StateBefore:
    """The card and notebook state the store held before one answer, and whether that answer was scheduled."""

    card: CardState | None
    notebook: NotebookEntry | None
    scheduled: bool


def state_before(connection: sqlite3.Connection, review_id: int, question_id: str) -> StateBefore | None:
    """The card and notebook state the store held before an answer (None for answers logged before schema 5)."""
    row = connection.execute("SELECT card_before, notebook_before, scheduled FROM answer_states WHERE review_id = ?", (review_id,)).fetchone()
    if row is None:
        return None
    return StateBefore(card_from_json(row[0]), notebook_from_json(question_id, row[1]), bool(row[2]))


def is_undone(connection: sqlite3.Connection, review_id: int) -> bool:
    """True when the answer `review_id` was undone."""
    return connection.execute("SELECT 1 FROM review_undos WHERE review_id = ?", (review_id,)).fetchone() is not None
