"""The student's own FSRS parameters, fitted from their review log with ``fsrs-rs-python``.

FSRS ships parameters fitted on millions of Anki users. Once a student has
answered enough questions (:data:`MIN_REVIEWS_TO_FIT`), their own log predicts
their memory better: :func:`fit_parameters` turns the log into the training
items ``fsrs-rs-python`` expects and returns 21 parameters that py-fsrs 6
(``fsrs.Scheduler(parameters=...)``) accepts, with the retention the student
actually achieved next to the one they asked for.

The log becomes training items the way the fsrs-rs examples build them: per
question, the sequence of (rating, days since the previous answer) in local
days; every answer on a later day than the one before it is a label, and the
item is the history up to and including it. Same-day answers (learning steps)
stay in the history but are not labels. An override replaces its answer's
rating (an appeal is logged as one); an undone answer is left out.

``fsrs_rs_python`` (a Rust extension) is imported only when a fit runs, so it
never slows the app's start-up.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from revise.clock import local_day
from revise.progress.scheduling import AGAIN, RATING_NAMES, REVIEW

if TYPE_CHECKING:
    from revise.progress.store import Store

# Below about 400 answers the fit chases noise (Anki's advice, and the issue's).
MIN_REVIEWS_TO_FIT = 400
PARAMETER_COUNT = 21
# py-fsrs prints and stores parameters to 4 places; more digits would only be float32 noise from fsrs-rs.
PARAMETER_DECIMALS = 4
# py-fsrs relearns a lapse in one 10-minute step (scheduling.py uses its defaults).
RELEARNING_STEPS = 1
# The settings key the fitted parameters are saved under (a list of 21 floats, or None for the defaults).
PARAMETERS_SETTING = "fsrs_parameters"


class LogRow(Protocol):
    """What :func:`answers_from_log` reads of a review-log row (:class:`revise.progress.store.ReviewRecord`)."""

    @property
    def id(self) -> int: ...
    @property
    def question_id(self) -> str: ...
    @property
    def reviewed_at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def rating(self) -> int: ...
    @property
    def overrides(self) -> int | None: ...
    @property
    def undone(self) -> bool: ...


@dataclass(frozen=True)
class Answer:
    """One answer as the optimizer sees it: which question, when, the rating that stands, and the card's state before.

    `state_before` is the FSRS state (1 learning, 2 review, 3 relearning) the
    card was in when the answer was given; None for a first answer, or when the
    store no longer knows (answers logged before it kept the state).
    """

    question_id: str
    reviewed_at: datetime
    rating: int
    state_before: int | None = None
    review_id: int = 0


@dataclass(frozen=True)
class Retention:
    """Review-state answers and how many of them were recalled (rated Hard, Good or Easy)."""

    reviews: int
    recalled: int

    @property
    def achieved(self) -> float | None:
        """Share of review-state answers recalled; None when there were none."""
        return self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True)
class Evaluation:
    """How well a set of parameters predicts the log: log loss and RMSE over bins (lower is better)."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class FitResult:
    """A fit: the parameters, what it was fitted on, and how the student's memory actually behaved."""

    parameters: tuple[float, ...]
    answers: int
    questions: int
    training_items: int
    retention: Retention
    desired_retention: float
    default_fit: Evaluation
    fitted_fit: Evaluation

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the fit."""
        return {
            "parameters": list(self.parameters),
            "answers": self.answers,
            "questions": self.questions,
            "training_items": self.training_items,
            "review_answers": self.retention.reviews,
            "recalled": self.retention.recalled,
            "achieved_retention": None if self.retention.achieved is None else round(self.retention.achieved, 4),
            "desired_retention": self.desired_retention,
            "log_loss_default": round(self.default_fit.log_loss, 6),
            "log_loss_fitted": round(self.fitted_fit.log_loss, 6),
            "rmse_default": round(self.default_fit.rmse_bins, 6),
            "rmse_fitted": round(self.fitted_fit.rmse_bins, 6),
        }


class NotEnoughReviewsError(ValueError):
    """Too few answers to fit parameters that mean anything; the message says how many more are needed."""

    def __init__(self, answers: int, needed: int, message: str | None = None) -> None:
        self.answers = answers
        self.needed = needed
        super().__init__(message or f"还需要 {needed - answers} 次作答才能拟合个人参数（现在 {answers} 次，至少 {needed} 次）")


# -- the log as answers ----------------------------------------------------------------------------


def answers_from_log(rows: Iterable[LogRow], states: Mapping[int, int | None] | None = None) -> list[Answer]:
    """The answers that count, oldest first: undone ones dropped, each with the rating its latest override gave it.

    `states` maps an answer's log id to its card's state before it (see
    :func:`load_answers`); ids not in it get ``state_before=None``.
    """
    answers: list[LogRow] = []
    overridden: dict[int, tuple[int, int]] = {}  # answer id -> (override id, rating), the latest override wins
    for row in rows:
        if row.kind == "override" and row.overrides is not None:
            if row.overrides not in overridden or overridden[row.overrides][0] < row.id:
                overridden[row.overrides] = (row.id, row.rating)
        elif row.kind == "answer" and not row.undone:
            answers.append(row)
    states = states or {}
    result = [
        Answer(row.question_id, row.reviewed_at, overridden[row.id][1] if row.id in overridden else row.rating, states.get(row.id), row.id) for row in answers
    ]
    result.sort(key=lambda answer: (answer.reviewed_at, answer.review_id))
    return result


def _day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz).date() if tz is not None else local_day(moment)


def review_histories(answers: Iterable[Answer], tz: tzinfo | None = None) -> dict[str, list[tuple[int, int]]]:
    """Per question, its answers as (rating, local days since the previous answer), oldest first; the first has 0."""
    by_question: dict[str, list[Answer]] = defaultdict(list)
    for answer in sorted(answers, key=lambda a: (a.reviewed_at, a.review_id)):
        by_question[answer.question_id].append(answer)
    histories: dict[str, list[tuple[int, int]]] = {}
    for qid, items in by_question.items():
        days = [_day(item.reviewed_at, tz) for item in items]
        histories[qid] = [(item.rating, (day - days[index - 1]).days if index else 0) for index, (item, day) in enumerate(zip(items, days))]
    return histories


def training_items(histories: Mapping[str, Sequence[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """The training items of fsrs-rs: every history prefix that ends in an answer on a later day than the one before.

    Same-day answers (learning steps) stay inside the prefixes, so FSRS's short-term
    terms are fitted too, but a same-day outcome is not something FSRS predicts.
    """
    items: list[list[tuple[int, int]]] = []
    for history in histories.values():
        for index in range(1, len(history)):
            if history[index][1] > 0:
                items.append(list(history[: index + 1]))
    return items


def achieved_retention(answers: Iterable[Answer], tz: tzinfo | None = None) -> Retention:
    """How many review-state answers there were and how many were recalled (rated above Again).

    "Recalled" is FSRS's own pass mark, the event the desired retention is a
    probability of: a partial answer (Hard) passes. A review-state answer is one
    given while the card was in FSRS's review state; when the state before an
    answer is unknown (an old log), an answer on a later local day than the
    question's previous answer counts as one. A first answer never does.
    """
    reviews = recalled = 0
    previous: dict[str, date] = {}
    for answer in sorted(answers, key=lambda a: (a.reviewed_at, a.review_id)):
        day = _day(answer.reviewed_at, tz)
        last = previous.get(answer.question_id)
        previous[answer.question_id] = day
        if last is None:
            continue
        in_review = answer.state_before == REVIEW if answer.state_before is not None else day > last
        if in_review:
            reviews += 1
            recalled += answer.rating > AGAIN
    return Retention(reviews, recalled)


# -- parameters py-fsrs accepts --------------------------------------------------------------------


def scheduler_parameters(raw: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs's parameters as py-fsrs 6 takes them: 21 finite values, rounded, inside py-fsrs's bounds.

    The two libraries clamp to slightly different ranges; clipping to py-fsrs's
    keeps the fit usable instead of refusing it. ValueError when the values
    are not 21 finite numbers or py-fsrs still refuses them.
    """
    import fsrs
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    values = [float(value) for value in raw]
    if len(values) != PARAMETER_COUNT:
        raise ValueError(f"FSRS 参数应有 {PARAMETER_COUNT} 个，拟合得到 {len(values)} 个")
    if not all(math.isfinite(value) for value in values):
        raise ValueError("拟合得到的 FSRS 参数含有非有限值")
    clipped = tuple(min(high, max(low, round(value, PARAMETER_DECIMALS))) for value, low, high in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS))
    fsrs.Scheduler(parameters=clipped)  # raises ValueError if py-fsrs would not schedule with them
    return clipped


def _fsrs_items(items: Sequence[Sequence[tuple[int, int]]]) -> list[Any]:
    from fsrs_rs_python import FSRSItem, FSRSReview

    return [FSRSItem([FSRSReview(rating, delta) for rating, delta in item]) for item in items]


def evaluate(parameters: Sequence[float], items: Sequence[Sequence[tuple[int, int]]]) -> Evaluation:
    """How well `parameters` predict the outcomes of the training items (in-sample)."""
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(_fsrs_items(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def fit_parameters(
    answers: Sequence[Answer],
    *,
    desired_retention: float,
    tz: tzinfo | None = None,
    min_reviews: int = MIN_REVIEWS_TO_FIT,
) -> FitResult:
    """Fit FSRS parameters to the student's answers; :class:`NotEnoughReviewsError` below `min_reviews` answers.

    Deterministic: fsrs-rs trains with a fixed seed, so the same log gives the
    same parameters.
    """
    for answer in answers:
        if answer.rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, not {answer.rating!r}")
    if len(answers) < min_reviews:
        raise NotEnoughReviewsError(len(answers), min_reviews)
    histories = review_histories(answers, tz)
    items = training_items(histories)
    if not items:
        # Every answer on the day its question was first seen: nothing FSRS could learn a forgetting curve from.
        raise NotEnoughReviewsError(len(answers), min_reviews, "所有作答都在各题第一次出现的当天，还看不出遗忘曲线；隔天复习后再拟合")
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    raw = FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(_fsrs_items(items), enable_short_term=True, num_relearning_steps=RELEARNING_STEPS)
    parameters = scheduler_parameters(raw)
    return FitResult(
        parameters=parameters,
        answers=len(answers),
        questions=len(histories),
        training_items=len(items),
        retention=achieved_retention(answers, tz),
        desired_retention=desired_retention,
        default_fit=evaluate(scheduler_parameters(DEFAULT_PARAMETERS), items),
        fitted_fit=evaluate(parameters, items),
    )


# -- the store ---------------------------------------------------------------------------------------


def load_answers(store: Store, rows: Sequence[LogRow] | None = None) -> list[Answer]:
    """The store's answers that count, each with its card's state before it, read through the store's public API.

    `rows` is the log when the caller already read it (``store.reviews()``).
    The state before an answer is kept by the store (``answer_states``) and
    read with :meth:`Store.receipt_for`, one answer at a time: there is no
    bulk read of it yet.
    """
    rows = store.reviews() if rows is None else rows
    states: dict[int, int | None] = {}
    for row in rows:
        if row.kind == "answer" and not row.undone:
            receipt = store.receipt_for(row.id)
            states[row.id] = receipt.card_before.state if receipt is not None and receipt.card_before is not None else None
    return answers_from_log(rows, states)


def can_save_parameters() -> bool:
    """True when the store has a setting to keep fitted parameters in."""
    from revise.progress.settings import SETTINGS_DEFAULTS

    return PARAMETERS_SETTING in SETTINGS_DEFAULTS


def save_parameters(store: Store, parameters: Sequence[float]) -> bool:
    """Save fitted parameters as the student's setting; False when this store has no such setting yet."""
    if not can_save_parameters():
        return False
    store.set_setting(PARAMETERS_SETTING, list(parameters))
    return True
