"""The practice engine: which question comes next, grading, scheduling and the 错题本.

The TUI, the exam mode and the tests all drive the same object::

    engine = PracticeEngine(bank, store)
    while (presented := engine.next_question()) is not None:
        outcome = engine.answer(read_response(presented))   # committed before it returns
        if student_says_they_guessed:
            engine.override("again")
    print(engine.summary)

A practice session has a fixed size, decided when it starts (its plan):
everything due today (:func:`revise.progress.due.due_today_ids`, the same
count home and the chapter list show), then new questions in bank order up to
the daily new limit (a setting, 20 by default; questions first answered
earlier today count against it, mock exams included). It serves, in order of
preference:

1. cards due now (most overdue first);
2. the rest of the plan (new questions, then cards due later today);
3. cards in their (re)learning steps due within the next 20 minutes, so that a
   session need not stop while a one-minute step runs out;
4. the questions held back in 1-3 (see below); nothing else left: None.

Progress is "k of the plan's n": a question served again (a wrong answer's
learning step) does not move it, and n never grows.

It never serves the question it served last. When a question is answered
wrong, the other questions of its concept ("siblings") are held back for the
next few questions, so the feedback just read does not answer them.

A notebook session (``notebook_only=True``) goes once through the questions in
the 错题本; an explicit ``queue`` of ids (e.g. an exam paper) is served in
order, from `queue_start` on (顺序练习 resumes there, and with a `resume_key`
remembers the last question answered). Filters narrow every kind of session.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from revise.bank.drills import is_drill_id, practice_questions
from revise.bank.model import Bank, Question
from revise.bank.params import UndrawableError, draw_params, render_prompt
from revise.bank.response import Response
from revise.bank.shuffle import option_order
from revise.clock import local_zone, start_of_day
from revise.progress.due import due_today_ids
from revise.progress.scheduling import AGAIN, RATING_NAMES, override_rating
from revise.progress.store import MODES, NOTEBOOK_CLEARED, AnswerReceipt, Store, StoreError

if TYPE_CHECKING:
    from revise.grading import Result

# Learning cards due within this window may be served early when nothing else is left.
LEARN_AHEAD = timedelta(minutes=20)
# After a wrong answer, the rest of its concept waits this many questions.
SIBLING_GAP = 4
# The setting where 顺序练习 keeps, per chapter, the last question answered in order.
SEQUENTIAL_SETTING = "sequential_positions"


@dataclass(frozen=True)
class Filters:
    """What a session may serve: chapters (titles), concepts (ids), types and tags. Empty means all."""

    chapters: frozenset[str] = frozenset()
    concepts: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    def __init__(self, chapters: Iterable[str] = (), concepts: Iterable[str] = (), types: Iterable[str] = (), tags: Iterable[str] = ()) -> None:
        object.__setattr__(self, "chapters", frozenset(chapters))
        object.__setattr__(self, "concepts", frozenset(concepts))
        object.__setattr__(self, "types", frozenset(types))
        object.__setattr__(self, "tags", frozenset(tags))

    def matches(self, question: Question) -> bool:
        """True when the question passes every non-empty filter (any one tag suffices)."""
        return (
            (not self.chapters or question.chapter in self.chapters)
            and (not self.concepts or question.concept in self.concepts)
            and (not self.types or question.type in self.types)
            and (not self.tags or not self.tags.isdisjoint(question.tags))
        )


@dataclass
class Presented:
    """A question as shown to the student: its rendered prompt and, for numeric questions, the values drawn."""

    question: Question
    prompt: str
    params: dict[str, float]
    position: int
    total: int | None
    chapter: str
    concept_name: str | None
    # Why it was chosen: "due", "new", "learning" (served ahead, or again after a wrong answer), "notebook" or "queue".
    reason: str = "new"
    shown_at: datetime | None = None
    # The order the options (or match items) are shown in, as bank indexes; () for other types.
    order: tuple[int, ...] = ()
    # Practice sessions: how many questions of the plan wait after this one.
    remaining: int | None = None

    @property
    def is_drill(self) -> bool:
        """True for a generated concept drill."""
        return is_drill_id(self.question.id)


@dataclass
class Outcome:
    """The result of one answer: the grade, the rating it earned, when the question is due next, the notebook."""

    presented: Presented
    result: Result
    rating: str  # "again", "hard", "good" or "easy"
    due: datetime | None
    notebook_status: str | None  # a revise.progress.store.NOTEBOOK_* value, or None
    overridden: bool = False
    review_id: int | None = None  # the answer's row in the review log
    appealed: bool = False  # 判我对: the student's appeal was recorded


@dataclass(frozen=True)
class SessionSummary:
    """The session so far."""

    answered: int
    correct: int
    partial: int
    wrong: int
    elapsed_seconds: float
    wrong_question_ids: tuple[str, ...] = ()
    # The prompts of the wrong ones as the student saw them (drawn values filled in), by id.
    wrong_prompts: dict[str, str] = field(default_factory=dict)
    appealed: int = 0

    @property
    def accuracy(self) -> float:
        """Share of answers graded correct (0 before the first answer)."""
        return self.correct / self.answered if self.answered else 0.0


@dataclass
class _Tally:
    """What the session counts; an answer taken back, re-assessed or appealed is uncounted, then counted again."""

    correct: int = 0
    partial: int = 0
    wrong: int = 0
    wrong_ids: list[str] = field(default_factory=list)
    wrong_prompts: dict[str, str] = field(default_factory=dict)
    appealed: int = 0

    def count(self, question_id: str, verdict: str, prompt: str) -> None:
        if verdict == "correct":
            self.correct += 1
        elif verdict == "partial":
            self.partial += 1
        else:
            self.wrong += 1
            if question_id not in self.wrong_ids:
                self.wrong_ids.append(question_id)
                self.wrong_prompts[question_id] = prompt

    def uncount(self, question_id: str, verdict: str) -> None:
        if verdict == "correct":
            self.correct -= 1
        elif verdict == "partial":
            self.partial -= 1
        else:
            self.wrong -= 1
            if question_id in self.wrong_ids:
                self.wrong_ids.remove(question_id)
                self.wrong_prompts.pop(question_id, None)


class PracticeEngine:
    """Serves questions, grades answers and records them; see the module docstring for the order."""

    def __init__(
        self,
        bank: Bank,
        store: Store,
        *,
        filters: Filters | None = None,
        mode: str = "practice",
        notebook_only: bool = False,
        now: Callable[[], datetime] | None = None,
        rng_seed: int | None = None,
        include_drills: bool = True,
        queue: Sequence[str] | None = None,
        grade: Callable[..., Result] | None = None,
        daily_new_limit: int | None = None,
        sibling_gap: int = SIBLING_GAP,
        tz: tzinfo | None = None,
        queue_start: int = 0,
        resume_key: str | None = None,
    ) -> None:
        """Prepare a session. `mode` is "practice", "exam" or "drill" (drills only).

        `queue` serves exactly those question ids, in order, from index
        `queue_start`; with `resume_key` (a chapter title) each answer also
        saves the question as where 顺序练习 stopped. `grade` replaces
        ``revise.grading.grade``; `daily_new_limit` overrides the setting; `tz`
        is the zone "today" is counted in (default: the machine's).
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.bank = bank
        self.store = store
        self.filters = filters or Filters()
        self.mode = mode
        self.notebook_only = notebook_only
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._rng = random.Random(rng_seed)
        # None: revise.grading.grade, imported on the first answer (the grader is heavy, and a
        # session is often built only to count what waits).
        self._grade_function: Callable[..., Result] | None = grade
        self._sibling_gap = sibling_gap
        self._new_limit = daily_new_limit
        self._tz = tz
        self._resume_key = resume_key

        candidates = practice_questions(bank, include_drills=include_drills or mode == "drill", drills_only=mode == "drill")
        self.questions: dict[str, Question] = {qid: q for qid, q in candidates.items() if self.filters.matches(q)}

        self._queue: list[str] | None = None
        if queue is not None:
            self._queue = [qid for qid in dict.fromkeys(queue) if qid in self.questions]
        elif notebook_only:
            self._queue = [qid for qid in store.notebook_ids() if qid in self.questions]
        self._queue_index = max(0, min(queue_start, len(self._queue))) if self._queue is not None else 0
        # Practice sessions: the plan (fixed at the first question), and the part of it served so far.
        self._plan: list[str] | None = None
        self._plan_served: set[str] = set()

        self._seen = store.seen_ids()
        self._started = self._now()
        self._position = 0
        self._current: Presented | None = None
        self._last_id: str | None = None
        self._held_until: dict[str, int] = {}  # concept id -> position after which its questions may return
        self._skipped: set[str] = set()
        self.notices: list[str] = []  # questions skipped for a reason the student should know
        self._tally = _Tally()
        self._last_receipt: AnswerReceipt | None = None
        self._last_outcome: Outcome | None = None

    @property
    def _grade(self) -> Callable[..., Result]:
        if self._grade_function is None:
            from revise.grading import grade

            self._grade_function = grade
        return self._grade_function

    # -- what comes next -------------------------------------------------------------------

    @property
    def current(self) -> Presented | None:
        """The question waiting for an answer, if any."""
        return self._current

    @property
    def last_outcome(self) -> Outcome | None:
        """The outcome of the latest answer (updated by :meth:`override`)."""
        return self._last_outcome

    def next_question(self) -> Presented | None:
        """The next question to show, or None when the session has nothing left.

        Calling it again before answering returns the same question.
        """
        if self._current is not None:
            return self._current
        while True:
            picked = self._pick_from_queue() if self._queue is not None else self._pick_practice()
            if picked is None:
                return None
            qid, reason, position, total, remaining = picked
            question = self.questions[qid]
            try:
                params = draw_params(question, self._rng)
                break
            except UndrawableError as error:
                # Validation rules this out; if a bank slips through, skip the question and say why.
                self._skipped.add(qid)
                self.notices.append(str(error))
        concept = self.bank.concepts.get(question.concept) if question.concept else None
        self._position += 1
        self._current = Presented(
            question=question,
            prompt=render_prompt(question, params),
            params=params,
            position=position or self._position,
            total=total,
            chapter=question.chapter,
            concept_name=concept.name if concept else None,
            reason=reason,
            shown_at=self._now(),
            order=option_order(question, self._rng),
            remaining=remaining,
        )
        return self._current

    def skip(self) -> None:
        """Drop the waiting question from this session without recording anything."""
        if self._current is not None:
            self._skipped.add(self._current.question.id)
            self._last_id = self._current.question.id
            self._current = None

    def _pick_from_queue(self) -> tuple[str, str, int, int | None, int | None] | None:
        assert self._queue is not None
        while self._queue_index < len(self._queue):
            qid = self._queue[self._queue_index]
            self._queue_index += 1
            if qid not in self._skipped and qid in self.questions:
                # Its place in the queue: 顺序练习 resumed at 31 shows 第 31/120 题.
                return qid, "notebook" if self.notebook_only else "queue", self._queue_index, len(self._queue), None
        return None

    def _zone(self, now: datetime) -> tzinfo:
        return self._tz or local_zone(now)

    def _new_allowance(self, now: datetime) -> int:
        """New questions still allowed today: the daily limit less the questions first answered today (in any mode)."""
        limit = self._new_limit if self._new_limit is not None else int(self.store.get_setting("daily_new_limit"))
        return max(0, limit - self.store.new_since(start_of_day(now, self._zone(now))))

    def _make_plan(self, now: datetime) -> list[str]:
        """Today's work in this scope: due today (most overdue first), then new questions in bank order up to the allowance."""
        due = due_today_ids(self.store, now, self._zone(now), within=self.questions)
        allowance = self._new_allowance(now)
        new = [qid for qid in self.questions if qid not in self._seen][:allowance] if allowance else []
        return list(dict.fromkeys([*due, *new]))

    def _held(self, qid: str) -> bool:
        concept = self.questions[qid].concept
        return concept is not None and self._position < self._held_until.get(concept, 0)

    def _pick_practice(self) -> tuple[str, str, int, int | None, int | None] | None:
        now = self._now()
        if self._plan is None:
            self._plan = self._make_plan(now)
        usable = self.questions.keys() - self._skipped
        due = [qid for qid in self.store.due_ids(now) if qid in usable]
        planned = [qid for qid in self._plan if qid not in self._plan_served and qid in usable]
        ahead = [qid for qid in self.store.learning_ids_due_by(now + LEARN_AHEAD) if qid in usable]

        held: str | None = None
        chosen: str | None = None
        for ids in (due, planned, ahead):
            for qid in ids:
                if qid == self._last_id:
                    continue
                if self._held(qid):
                    held = held or qid
                    continue
                chosen = qid
                break
            if chosen:
                break
        chosen = chosen or held
        if chosen is None:
            return None
        if chosen in self._plan and chosen not in self._plan_served:
            self._plan_served.add(chosen)
            reason = "due" if chosen in self._seen else "new"
        else:
            reason = "learning"  # served again (a learning step), or a card the plan did not hold
        total = len(self._plan) or None
        # The plan's k of n: a question served again does not move it, and n is fixed.
        position = len(self._plan_served) if total else self._position + 1
        remaining = len(self._plan) - len(self._plan_served) if total else None
        return chosen, reason, position, total, remaining

    # -- answering -------------------------------------------------------------------------

    def answer(self, response: Response | str) -> Outcome:
        """Grade the waiting question and record the answer (log, card, notebook) in one committed transaction.

        A :class:`Response` from a form travels to the grader as it is; typed
        text (a str) is taken as free text. The log keeps the answer's display
        text, its structure and the option order shown.
        """
        presented = self._current
        if presented is None:
            raise RuntimeError("no question is waiting for an answer; call next_question() first")
        if isinstance(response, str):
            response = Response.of_text(response)
        question = presented.question
        result = self._grade(question, response, self.bank, params=presented.params or None, unit_shown=True)  # every front end prints the unit beside the box
        now = self._now()
        shown_at = presented.shown_at or now
        duration_ms = max(0, int((now - shown_at).total_seconds() * 1000))
        mode = "drill" if presented.is_drill and self.mode == "practice" else self.mode
        receipt = self.store.record_answer(
            question_id=question.id,
            question_type=question.type,
            response=response.display(),
            verdict=result.verdict,
            score=result.score,
            at=now,
            duration_ms=duration_ms,
            mode=mode,
            params=presented.params or None,
        )
        # Only now, with the answer safely committed, does the session move on.
        self._current = None
        self._last_id = question.id
        self._seen.add(question.id)
        self._last_receipt = receipt
        self._tally.count(question.id, result.verdict, presented.prompt)
        if receipt.rating == AGAIN:
            self._hold_siblings(question)
        if self._resume_key is not None:
            self._save_position(question.id)
        self._last_outcome = Outcome(
            presented=presented,
            result=result,
            rating=RATING_NAMES[receipt.rating],
            due=receipt.card_after.due if receipt.card_after else None,
            notebook_status=receipt.notebook_status,
            review_id=receipt.review_id,
        )
        return self._last_outcome

    def _save_position(self, question_id: str) -> None:
        """顺序练习: remember this question as where the chapter stopped (the answer itself is already committed)."""
        assert self._resume_key is not None
        try:
            positions = dict(self.store.get_setting(SEQUENTIAL_SETTING) or {})
            positions[self._resume_key] = question_id
            self.store.set_setting(SEQUENTIAL_SETTING, positions)
        except (StoreError, ValueError) as error:
            self.notices.append(f"作答已保存，但没能记下顺序练习做到哪里：{error}")

    def _hold_siblings(self, question: Question) -> None:
        if question.concept and self._sibling_gap > 0:
            self._held_until[question.concept] = self._position + self._sibling_gap

    def override(self, rating: str) -> None:
        """Re-rate the last answer: "easy" (I knew it well) or "again" (I guessed, or the grader was generous).

        It is rescheduled from its pre-answer card state, the notebook redone,
        and the override logged. :attr:`last_outcome` shows the new rating.
        """
        if self._last_receipt is None or self._last_outcome is None:
            raise RuntimeError("there is no answer to override yet")
        value = override_rating(rating)
        receipt = self.store.record_override(self._last_receipt, value, at=self._now())
        if value == AGAIN:
            self._hold_siblings(self._last_outcome.presented.question)
        outcome = self._last_outcome
        outcome.rating = RATING_NAMES[receipt.rating]
        outcome.due = receipt.card_after.due if receipt.card_after else None
        outcome.notebook_status = receipt.notebook_status
        outcome.overridden = True

    @property
    def can_appeal(self) -> bool:
        """Whether the last answer can be appealed (判我对): one not marked correct, not appealed yet."""
        outcome = self._last_outcome
        return outcome is not None and outcome.result.verdict != "correct" and not outcome.appealed

    def appeal(self) -> None:
        """判我对: the student says the last answer, marked wrong or partly right, was right.

        The store logs the appeal with the original verdict, re-rates the
        answer Good and takes it out of the 错题本; the session counts it as
        correct (and as appealed), so the summary, the schedule and the
        错题本 agree.
        """
        if self._last_receipt is None or self._last_outcome is None:
            raise RuntimeError("there is no answer to appeal yet")
        outcome = self._last_outcome
        if outcome.result.verdict == "correct" or outcome.appealed:
            return
        question_id = outcome.presented.question.id
        last = self._last_receipt
        self.store.record_appeal(question_id, last.review_id, outcome.result.verdict, last.response, self._now())
        receipt = self.store.receipt_for(last.review_id) or last
        self._tally.uncount(question_id, outcome.result.verdict)
        self._tally.count(question_id, "correct", outcome.presented.prompt)
        self._tally.appealed += 1
        self._held_until.pop(outcome.presented.question.concept or "", None)
        outcome.rating = RATING_NAMES[receipt.rating]
        outcome.due = receipt.card_after.due if receipt.card_after else None
        entry = receipt.notebook_after
        was_in = outcome.notebook_status not in (None, NOTEBOOK_CLEARED)
        outcome.notebook_status = NOTEBOOK_CLEARED if was_in and (entry is None or not entry.active) else receipt.notebook_status
        outcome.appealed = True

    @property
    def summary(self) -> SessionSummary:
        """Counts of this session's answers by verdict, elapsed time and the ids answered wrong."""
        tally = self._tally
        elapsed = max(0.0, (self._now() - self._started).total_seconds())
        return SessionSummary(
            answered=tally.correct + tally.partial + tally.wrong,
            correct=tally.correct,
            partial=tally.partial,
            wrong=tally.wrong,
            elapsed_seconds=elapsed,
            wrong_question_ids=tuple(tally.wrong_ids),
            wrong_prompts=dict(tally.wrong_prompts),
            appealed=tally.appealed,
        )

    def describe(self) -> dict[str, Any]:
        """What the session holds, for a start screen: questions in scope, due today, new allowed today, notebook size."""
        now = self._now()
        usable = self.questions.keys()
        return {
            "questions": len(self.questions),
            "due": len(due_today_ids(self.store, now, self._zone(now), within=usable)),
            "new_available": min(self._new_allowance(now), sum(1 for qid in usable if qid not in self._seen)),
            "notebook": sum(1 for qid in self.store.notebook_ids() if qid in usable),
        }
