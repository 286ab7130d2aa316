"""自评: the key points of a short or essay answer the student says they made in their own words.

The grader finds key points by matching; a student who made a point in other
words can tick it on the feedback. That is logged as a self-assessment (its
own append-only table, never mistaken for the grader's verdict), with the score
and verdict it leads to. The caller computes those with the grader's one rule
from score to verdict (``revise.grading.result.scored``); the rating follows
the verdict as it does for every answer (:func:`rating_for_verdict`), and the
card and the 错题本 are redone from the state before the answer, exactly as an
override redoes them (an override row in the review log says so to every
reader of ratings).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from revise.clock import utc, utc_now
from revise.progress.errors import StoreError
from revise.progress.records import VERDICTS, AnswerReceipt, RecordsMixin
from revise.progress.scheduling import rating_for_verdict
from revise.progress.schema import db_time, parse_db_time

__all__ = ["AssessmentsMixin", "SelfAssessment"]


@dataclass(frozen=True)
class SelfAssessment:
    """One logged self-assessment: every point ticked so far, and the score and verdict they lead to."""

    id: int
    review_id: int
    question_id: str
    points: tuple[str, ...]
    score_before: float
    score: float
    verdict_before: str
    verdict: str
    rating: int
    assessed_at: datetime


class AssessmentsMixin(RecordsMixin):
    """Logging self-assessed key points and reading them back."""

    def record_self_assessment(self, receipt: AnswerReceipt, points: Iterable[str], *, score: float, verdict: str, at: datetime | None = None) -> AnswerReceipt:
        """Log that the student ticked `points` (all of them so far) on an answer; re-rate it from `verdict`.

        `score` and `verdict` are the answer's with those points credited (the
        automatic ones when `points` is empty: the ticks were taken back). The
        card and notebook are rebuilt from the state before the answer with the
        verdict's rating; the returned receipt carries the new score, verdict
        and rating. StoreError for an undone answer.
        """
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"score must be between 0 and 1, not {score!r}")
        ticked = list(dict.fromkeys(points))
        rating = rating_for_verdict(verdict)
        logged_at = utc(at) if at is not None else utc_now()

        def work(connection: sqlite3.Connection) -> AnswerReceipt:
            row = connection.execute("SELECT verdict, score FROM review_log WHERE id = ? AND kind = 'answer'", (receipt.review_id,)).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {receipt.review_id} 的作答记录")
            verdict_before, score_before = row
            assessed = replace(receipt, verdict=verdict, score=float(score))
            # The notebook follows the new verdict (a partial answer ticked to full marks leaves it).
            updated = self._rerate(connection, assessed, rating)
            self._log_override(connection, assessed, rating, logged_at)
            override_id = connection.execute("SELECT last_insert_rowid()").fetchone()[0]
            connection.execute(
                "INSERT INTO self_assessments (review_id, question_id, points, score_before, score, verdict_before, verdict, rating, override_id, assessed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    receipt.review_id,
                    receipt.question_id,
                    json.dumps(ticked, ensure_ascii=False),
                    float(score_before),
                    float(score),
                    verdict_before,
                    verdict,
                    rating,
                    override_id,
                    db_time(logged_at),
                ),
            )
            return updated

        return self._write(work)

    def self_assessments(self, question_id: str | None = None) -> list[SelfAssessment]:
        """Every self-assessment (of one question when given), oldest first."""
        if question_id is None:
            return self._assessments("", ())
        return self._assessments(" WHERE question_id = ?", (question_id,))

    def latest_self_assessment(self, review_id: int) -> SelfAssessment | None:
        """The points ticked on an answer as they stand now (its latest self-assessment), or None."""
        rows = self._assessments(" WHERE review_id = ?", (review_id,))
        return rows[-1] if rows else None

    def _assessments(self, where: str, args: tuple[object, ...]) -> list[SelfAssessment]:
        query = (
            "SELECT id, review_id, question_id, points, score_before, score, verdict_before, verdict, rating, assessed_at"
            f" FROM self_assessments{where} ORDER BY id"
        )
        rows = self._read(lambda c: c.execute(query, args).fetchall())
        return [
            SelfAssessment(aid, rid, qid, tuple(json.loads(points)), before, score, verdict_before, verdict, rating, parse_db_time(at))
            for aid, rid, qid, points, before, score, verdict_before, verdict, rating, at in rows
        ]
