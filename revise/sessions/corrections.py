"""Taking back and self-assessing the last answer of a practice session.

- **Undo** (撤销): the store appends a compensating record and puts the card
  and the 错题本 back (:meth:`revise.progress.store.Store.undo_answer`); the
  session stops counting the answer and serves the same question again (same
  values, same option order). Taken back from the next question, that question
  waits and comes straight after.
- **自评**: the student ticks key points of a short or essay answer they made
  in their own words. The score is recomputed with each ticked point
  credited; the verdict follows from the score by the grader's one rule
  (:func:`revise.grading.result.scored`), and the store rates and logs it.

Both change what the engine counts, so this module works on the engine's
session state. It is kept apart from ``engine.py`` only while that module has
another owner; the engine's own methods are the natural home.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from revise.progress.scheduling import RATING_NAMES

if TYPE_CHECKING:
    from revise.sessions.engine import Outcome, PracticeEngine, Presented


@dataclass(frozen=True)
class Assessed:
    """An answer's self-assessment as it stands: the points ticked and the score and verdict they give."""

    points: tuple[str, ...]
    score: float
    verdict: str


def assessed_score(result: object, ticked: int) -> tuple[float, str]:
    """The score with `ticked` more key points credited, and the verdict the grader gives that score."""
    from revise.grading.result import scored

    found: tuple[str, ...] = getattr(result, "found", ())
    missed: tuple[str, ...] = getattr(result, "missed", ())
    total = len(found) + len(missed)
    base = float(getattr(result, "score", 0.0))
    score = min(1.0, base + ticked / total) if total else base
    graded = scored(score, "", "")
    return graded.score, graded.verdict


class SessionCorrections:
    """Undo and self-assessment for one practice session (one per :class:`PracticeEngine`)."""

    def __init__(self, engine: PracticeEngine) -> None:
        self.engine = engine
        self.assessed: dict[int, Assessed] = {}  # by review id: answers with at least one point ticked
        self._waiting: Presented | None = None  # the question set aside by an undo from it

    # -- what the session shows --------------------------------------------------------------

    def next_question(self) -> Presented | None:
        """The engine's next question; after an undo from the next question, that one comes back first."""
        engine = self.engine
        if engine.current is None and self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            engine._current = replace(waiting, shown_at=engine._now())
        return engine.next_question()

    def verdict(self, outcome: Outcome) -> str:
        """The answer's verdict as it counts now: right after 判我对, else as self-assessed, else as graded."""
        if outcome.appealed:
            return "correct"
        assessed = self.assessed.get(outcome.review_id or -1)
        return assessed.verdict if assessed else outcome.result.verdict

    @property
    def self_assessed(self) -> int:
        """How many answers of this session have self-assessed key points."""
        return len(self.assessed)

    # -- undo -------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        """True when the session has an answer to take back (the latest one, not taken back yet)."""
        engine = self.engine
        return engine._last_outcome is not None and engine._last_receipt is not None and engine._last_outcome.review_id is not None

    def undo_last(self) -> Presented:
        """Take back the latest answer (committed before it returns) and serve its question again; the question it was.

        A question shown since, and not answered, waits and comes right after.
        StoreError (nothing changed) when the store refuses.
        """
        engine = self.engine
        outcome, receipt = engine._last_outcome, engine._last_receipt
        if outcome is None or receipt is None or outcome.review_id is None:
            raise RuntimeError("there is no answer to take back")
        undone = engine.store.undo_answer(outcome.review_id, at=engine._now())
        question = outcome.presented.question
        self._uncount(question.id, self.verdict(outcome), appealed=outcome.appealed)
        self.assessed.pop(outcome.review_id, None)
        if undone.card is None:
            engine._seen.discard(question.id)  # a first answer taken back: the question is new again
        if question.concept:
            engine._held_until.pop(question.concept, None)
        if engine.current is not None and engine.current is not outcome.presented:
            self._waiting = engine.current
        engine._current = replace(outcome.presented, shown_at=engine._now())
        engine._last_outcome = None
        engine._last_receipt = None
        return engine._current

    def _uncount(self, question_id: str, verdict: str, *, appealed: bool) -> None:
        self.engine._tally.uncount(question_id, verdict)
        if appealed:
            self.engine._tally.appealed -= 1

    # -- self-assessment ----------------------------------------------------------------------

    def can_assess(self, outcome: Outcome) -> bool:
        """Key points can be ticked on the latest answer of a short or essay question with points missed, unless appealed."""
        engine = self.engine
        return (
            outcome is engine._last_outcome
            and engine._last_receipt is not None
            and not outcome.appealed
            and outcome.presented.question.type in ("short", "essay")
            and bool(outcome.result.missed)
        )

    def assess(self, points: Iterable[str]) -> Assessed:
        """Credit these missed key points of the latest answer (all of those ticked; none takes the ticks back).

        Logged in the store as a self-assessment; the session counts the
        answer by its new verdict, and the outcome shows the new rating,
        next review and 错题本 state.
        """
        engine = self.engine
        outcome, receipt = engine._last_outcome, engine._last_receipt
        if outcome is None or receipt is None or outcome.review_id is None or not self.can_assess(outcome):
            raise RuntimeError("there is no answer whose key points can be ticked")
        result = outcome.result
        ticked = tuple(point for point in dict.fromkeys(points) if point in result.missed)
        score, verdict = assessed_score(result, len(ticked)) if ticked else (result.score, result.verdict)
        before = self.verdict(outcome)
        updated = engine.store.record_self_assessment(receipt, ticked, score=score, verdict=verdict, at=engine._now())
        engine._last_receipt = updated
        question = outcome.presented.question
        self._uncount(question.id, before, appealed=False)
        engine._tally.count(question.id, verdict, outcome.presented.prompt)
        assessed = Assessed(ticked, score, verdict)
        if ticked:
            self.assessed[outcome.review_id] = assessed
        else:
            self.assessed.pop(outcome.review_id, None)
        outcome.rating = RATING_NAMES[updated.rating]
        outcome.due = updated.card_after.due if updated.card_after else None
        outcome.notebook_status = updated.notebook_status
        return assessed
