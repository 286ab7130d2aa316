"""Spaced repetition with FSRS (the ``fsrs`` package, py-fsrs 6.x).

The rest of revise works with :class:`CardState`, a plain frozen dataclass that
the store can save as columns; this module converts to and from ``fsrs.Card``
when a card is reviewed. ``import fsrs`` costs about 25 ms, so it happens on
first use rather than when this module is imported.

Ratings follow the grade: incorrect is Again, partial is Hard, correct is Good.
The student may override right after the feedback: "I knew it well" is Easy,
"I guessed" is Again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from revise.clock import utc

if TYPE_CHECKING:
    import fsrs

# The values of fsrs.Rating, repeated here so callers need not import fsrs.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
RATINGS_BY_NAME = {name: value for value, name in RATING_NAMES.items()}
VERDICT_RATINGS = {"incorrect": AGAIN, "partial": HARD, "correct": GOOD}
# The two overrides a student may choose after the feedback.
OVERRIDE_RATINGS = {"easy": EASY, "again": AGAIN}

# The values of fsrs.State.
LEARNING, REVIEW, RELEARNING = 1, 2, 3
STATE_NAMES = {LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}

DEFAULT_DESIRED_RETENTION = 0.9


@dataclass(frozen=True)
class CardState:
    """The FSRS memory state of one question, as the store saves it.

    It has the attributes ``fsrs.Scheduler.get_card_retrievability`` reads
    (``stability`` and ``last_review``), so it can be passed to it directly.
    """

    state: int = LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None

    @property
    def is_learning(self) -> bool:
        """True while the card is in its (re)learning steps."""
        return self.state in (LEARNING, RELEARNING)


def rating_for_verdict(verdict: str) -> int:
    """The FSRS rating a grading verdict earns: incorrect→Again, partial→Hard, correct→Good."""
    try:
        return VERDICT_RATINGS[verdict]
    except KeyError:
        raise ValueError(f"unknown verdict {verdict!r}") from None


def override_rating(name: str) -> int:
    """The rating for a student's override: "easy" (I knew it well) or "again" (I guessed)."""
    try:
        return OVERRIDE_RATINGS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown override {name!r}; use one of {', '.join(OVERRIDE_RATINGS)}") from None


def _fsrs():
    import fsrs

    return fsrs


@lru_cache(maxsize=8)
def scheduler_for(desired_retention: float = DEFAULT_DESIRED_RETENTION, parameters: tuple[float, ...] | None = None) -> fsrs.Scheduler:
    """A shared ``fsrs.Scheduler`` aiming at the given retention, with the student's own
    fitted parameters when there are any (cached per value)."""
    if parameters:
        return _fsrs().Scheduler(parameters=parameters, desired_retention=desired_retention)
    return _fsrs().Scheduler(desired_retention=desired_retention)


def to_fsrs_card(card: CardState, card_id: int = 1) -> fsrs.Card:
    """An ``fsrs.Card`` with this state. A card id is always passed: fsrs sleeps 1 ms to invent one."""
    fsrs = _fsrs()
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def from_fsrs_card(card: fsrs.Card) -> CardState:
    """The :class:`CardState` of an ``fsrs.Card``."""
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=utc(card.last_review) if card.last_review else None,
    )


def new_card(now: datetime) -> CardState:
    """The state of a question never answered: learning, first step, due now."""
    return CardState(state=LEARNING, step=0, due=utc(now))


def review(
    card: CardState | None, rating: int, at: datetime, *, desired_retention: float = DEFAULT_DESIRED_RETENTION, parameters: tuple[float, ...] | None = None
) -> CardState:
    """The card's state after being answered with `rating` at time `at` (a new card when `card` is None)."""
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    at = utc(at)
    before = card if card is not None else new_card(at)
    scheduler = scheduler_for(desired_retention, parameters)
    reviewed, _log = scheduler.review_card(to_fsrs_card(before), _fsrs().Rating(rating), review_datetime=at)
    return from_fsrs_card(reviewed)


class _MemoryProbe:
    """The two attributes ``get_card_retrievability`` reads, without building a whole card."""

    __slots__ = ("last_review", "stability")

    def __init__(self, stability: float, last_review: datetime) -> None:
        self.stability = stability
        self.last_review = last_review


def retrievability_of(stability: float | None, last_review: datetime | None, now: datetime) -> float:
    """FSRS retrievability from a stability and the time of the last review; 0 when never reviewed.

    Computed by ``fsrs.Scheduler.get_card_retrievability``. Retrievability does
    not depend on the desired retention, so the default scheduler serves.
    `now` must be an aware UTC datetime.
    """
    if last_review is None or not stability:
        return 0.0
    return float(scheduler_for().get_card_retrievability(_MemoryProbe(stability, last_review), current_datetime=now))  # type: ignore[arg-type]


def retrievability(card: CardState | None, now: datetime) -> float:
    """FSRS retrievability (probability of recall) of the card at `now`; 0 for a card never reviewed."""
    if card is None:
        return 0.0
    return retrievability_of(card.stability, card.last_review, utc(now))
