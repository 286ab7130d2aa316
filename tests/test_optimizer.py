"""Fitting the student's own FSRS parameters: the log as training items, achieved retention, and the fit itself.

The fit is tested on a log made by a seeded simulator with a known "true"
memory model: the student recalls a question with the probability FSRS gives
under TRUE_PARAMETERS, while the app schedules with py-fsrs's defaults.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from revise.progress import optimizer
from revise.progress.optimizer import (
    MIN_REVIEWS_TO_FIT,
    Answer,
    NotEnoughReviewsError,
    Retention,
    achieved_retention,
    answers_from_log,
    fit_parameters,
    load_answers,
    review_histories,
    save_parameters,
    scheduler_parameters,
    training_items,
)
from revise.progress.scheduling import AGAIN, EASY, GOOD, HARD, LEARNING, RELEARNING, REVIEW
from revise.progress.store import Store

UTC8 = timezone(timedelta(hours=8))
T0 = datetime(2025, 3, 1, 11, 0, tzinfo=timezone.utc)  # 19:00 in UTC+8

# The simulated student forgets faster at first and more slowly later than FSRS's defaults assume.
TRUE_PARAMETERS = list(fsrs.scheduler.DEFAULT_PARAMETERS)
TRUE_PARAMETERS[0:4] = [0.6, 2.0, 4.5, 12.0]
TRUE_PARAMETERS[20] = 0.3
VERDICTS = {AGAIN: "incorrect", HARD: "partial", GOOD: "correct", EASY: "correct"}


def simulate_log(seed: int = 7, questions: int = 300, days: int = 70, new_per_day: int = 8) -> list[Answer]:
    """A seeded revision history: one evening session a day, new questions each day, due ones reviewed, learning steps done.

    Recall follows TRUE_PARAMETERS; a question's first answer is right 60% of
    the time; a recalled answer is Hard, Good or Easy at 15/75/10%. The app's
    schedule (py-fsrs defaults, no fuzz) decides when questions come back, and
    each answer records the card's state before it, as the store does.
    """
    rng = random.Random(seed)
    app = fsrs.Scheduler(enable_fuzzing=False)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    cards: dict[str, tuple[fsrs.Card, fsrs.Card]] = {}
    log: list[Answer] = []
    introduced = 0
    for day in range(days):
        clock = T0 + timedelta(days=day, minutes=rng.randint(0, 180))
        for _ in range(new_per_day):
            if introduced < questions:
                introduced += 1
                cards[f"q{introduced}"] = (fsrs.Card(card_id=introduced, due=clock), fsrs.Card(card_id=introduced, due=clock))
        while True:
            due = sorted((qid for qid, (card, _) in cards.items() if card.due <= clock), key=lambda qid: (cards[qid][0].due, qid))
            if not due:
                upcoming = min(card.due for card, _ in cards.values())
                if upcoming - clock > timedelta(minutes=20):
                    break  # the session ends; learning steps further off wait for tomorrow
                clock = upcoming
                continue
            for qid in due:
                card, true_card = cards[qid]
                chance = 0.6 if true_card.last_review is None else truth.get_card_retrievability(true_card, clock)
                rating = AGAIN if rng.random() >= chance else rng.choices((HARD, GOOD, EASY), (0.15, 0.75, 0.10))[0]
                state = int(card.state) if card.last_review is not None else None
                card, _ = app.review_card(card, fsrs.Rating(rating), clock)
                true_card, _ = truth.review_card(true_card, fsrs.Rating(rating), clock)
                cards[qid] = (card, true_card)
                log.append(Answer(qid, clock, rating, state, len(log) + 1))
                clock += timedelta(seconds=rng.randint(10, 60))
    return log


@pytest.fixture(scope="module")
def simulated() -> list[Answer]:
    return simulate_log()


# -- the fit -------------------------------------------------------------------------------------------------


def test_the_simulated_log_is_the_size_the_issue_asks_for(simulated: list[Answer]) -> None:
    assert 2000 <= len(simulated) <= 3000
    assert simulate_log() == simulated  # seeded: the same log every run


def test_the_fit_returns_21_finite_parameters_that_py_fsrs_accepts(simulated: list[Answer]) -> None:
    result = fit_parameters(simulated, desired_retention=0.9, tz=UTC8)
    assert len(result.parameters) == 21
    assert all(math.isfinite(value) for value in result.parameters)
    scheduler = fsrs.Scheduler(parameters=result.parameters, desired_retention=0.9)
    card, _ = scheduler.review_card(fsrs.Card(card_id=1, due=T0), fsrs.Rating.Good, T0)
    assert card.stability is not None and card.stability > 0
    # The fit learnt something: it differs from the defaults and predicts this student better.
    assert result.parameters != scheduler_parameters(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert result.fitted_fit.log_loss < result.default_fit.log_loss
    # The true model starts with longer memories than the defaults; the fit moves towards it.
    assert result.parameters[2] > fsrs.scheduler.DEFAULT_PARAMETERS[2]
    assert (result.answers, result.questions) == (len(simulated), len({a.question_id for a in simulated}))
    assert result.training_items == len(training_items(review_histories(simulated, UTC8)))
    assert result.desired_retention == 0.9
    assert result.retention == achieved_retention(simulated, UTC8)
    assert 0.5 < (result.retention.achieved or 0) < 1
    data = result.to_json()
    assert len(data["parameters"]) == 21 and data["desired_retention"] == 0.9 and data["review_answers"] == result.retention.reviews


def test_the_fit_is_deterministic(simulated: list[Answer]) -> None:
    first = fit_parameters(simulated, desired_retention=0.9, tz=UTC8)
    assert fit_parameters(list(reversed(simulated)), desired_retention=0.9, tz=UTC8).parameters == first.parameters


def test_too_few_answers_are_refused_with_how_many_more_are_needed(simulated: list[Answer]) -> None:
    assert MIN_REVIEWS_TO_FIT == 400
    with pytest.raises(NotEnoughReviewsError) as caught:
        fit_parameters(simulated[:399], desired_retention=0.9)
    assert (caught.value.answers, caught.value.needed) == (399, 400)
    assert "还需要 1 次作答" in str(caught.value)


def test_answers_all_on_first_days_give_nothing_to_fit() -> None:
    same_day = [Answer(f"q{i}", T0 + timedelta(seconds=i), GOOD, review_id=i) for i in range(5)]
    with pytest.raises(NotEnoughReviewsError, match="遗忘曲线"):
        fit_parameters(same_day, desired_retention=0.9, min_reviews=5)


def test_a_rating_outside_1_to_4_is_refused() -> None:
    with pytest.raises(ValueError, match="rating"):
        fit_parameters([Answer("q", T0, 5)], desired_retention=0.9, min_reviews=1)


def test_importing_the_optimizer_does_not_load_the_rust_extension() -> None:
    code = "import sys, revise.progress.optimizer, revise.progress.forecast; assert 'fsrs_rs_python' not in sys.modules; assert 'fsrs' not in sys.modules"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr


# -- parameters py-fsrs takes -------------------------------------------------------------------------------


def test_parameters_are_rounded_and_clipped_into_py_fsrs_bounds() -> None:
    raw = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    raw[0] = 0.0000001  # below py-fsrs's 0.001
    raw[4] = 10.7  # above its 10.0
    raw[5] = 0.123456789
    params = scheduler_parameters(raw)
    assert params[0] == 0.001 and params[4] == 10.0 and params[5] == 0.1235
    fsrs.Scheduler(parameters=params)


@pytest.mark.parametrize(("raw", "message"), [([0.5] * 19, "21"), ([*[0.5] * 20, float("nan")], "非有限")])
def test_parameters_that_are_not_21_finite_numbers_are_refused(raw: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scheduler_parameters(raw)


# -- the log as answers and training items --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    question_id: str
    reviewed_at: datetime
    kind: str
    rating: int
    overrides: int | None = None
    undone: bool = False


def test_overrides_replace_their_answers_rating_and_undone_answers_drop_out() -> None:
    rows = [
        Row(1, "a", T0, "answer", AGAIN),
        Row(2, "a", T0 + timedelta(seconds=5), "override", EASY, overrides=1),
        Row(3, "a", T0 + timedelta(seconds=9), "override", GOOD, overrides=1),  # the latest override stands
        Row(4, "b", T0 + timedelta(days=1), "answer", GOOD, undone=True),
        Row(5, "b", T0 + timedelta(days=2), "answer", HARD),
        Row(6, "c", T0 - timedelta(days=1), "answer", GOOD),
    ]
    answers = answers_from_log(rows, {1: None, 5: LEARNING})
    assert [(a.review_id, a.question_id, a.rating, a.state_before) for a in answers] == [(6, "c", GOOD, None), (1, "a", GOOD, None), (5, "b", HARD, LEARNING)]


def test_days_between_answers_are_local_days() -> None:
    answers = [
        Answer("q", datetime(2025, 3, 1, 15, 30, tzinfo=timezone.utc), GOOD, review_id=1),  # 23:30 on 1 March in UTC+8
        Answer("q", datetime(2025, 3, 1, 16, 30, tzinfo=timezone.utc), GOOD, review_id=2),  # 00:30 on 2 March
        Answer("q", datetime(2025, 3, 5, 1, 0, tzinfo=timezone.utc), AGAIN, review_id=3),
        Answer("r", datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc), HARD, review_id=4),
    ]
    assert review_histories(answers, UTC8) == {"q": [(GOOD, 0), (GOOD, 1), (AGAIN, 3)], "r": [(HARD, 0)]}
    assert review_histories(answers, timezone.utc)["q"] == [(GOOD, 0), (GOOD, 0), (AGAIN, 4)]


@pytest.mark.parametrize(
    ("history", "items"),
    [
        ([(GOOD, 0)], []),
        ([(AGAIN, 0), (GOOD, 0)], []),  # learning steps on the first day: nothing to predict
        ([(AGAIN, 0), (GOOD, 0), (GOOD, 2)], [[(AGAIN, 0), (GOOD, 0), (GOOD, 2)]]),
        (
            [(GOOD, 0), (AGAIN, 3), (GOOD, 0), (GOOD, 1)],
            [[(GOOD, 0), (AGAIN, 3)], [(GOOD, 0), (AGAIN, 3), (GOOD, 0), (GOOD, 1)]],
        ),
    ],
)
def test_training_items_end_in_each_answer_on_a_later_day(history: list[tuple[int, int]], items: list[list[tuple[int, int]]]) -> None:
    assert training_items({"q": history}) == items


# -- achieved retention -----------------------------------------------------------------------------------


def _at(day: int, minute: int = 0) -> datetime:
    return T0 + timedelta(days=day, minutes=minute)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([], Retention(0, 0)),
        # A first answer never counts, whatever its rating.
        ([Answer("a", _at(0), AGAIN, None, 1)], Retention(0, 0)),
        # Review-state answers: Good and Hard are recalled, Again is not.
        (
            [
                Answer("a", _at(0), GOOD, None, 1),
                Answer("a", _at(3), GOOD, REVIEW, 2),
                Answer("a", _at(9), HARD, REVIEW, 3),
                Answer("a", _at(20), AGAIN, REVIEW, 4),
            ],
            Retention(3, 2),
        ),
        # Learning and relearning answers do not count, even on a later day.
        (
            [Answer("a", _at(0), AGAIN, None, 1), Answer("a", _at(1), GOOD, LEARNING, 2), Answer("a", _at(2), GOOD, RELEARNING, 3)],
            Retention(0, 0),
        ),
        # State unknown (an old log): a later day counts, the same day does not.
        (
            [
                Answer("b", _at(0), GOOD, None, 1),
                Answer("b", _at(0, 10), GOOD, None, 2),
                Answer("b", _at(2), AGAIN, None, 3),
                Answer("b", _at(5), EASY, None, 4),
            ],
            Retention(2, 1),
        ),
    ],
)
def test_achieved_retention_on_a_hand_made_log(answers: list[Answer], expected: Retention) -> None:
    assert achieved_retention(answers, UTC8) == expected


def test_achieved_retention_is_the_share_recalled() -> None:
    assert Retention(4, 3).achieved == 0.75
    assert Retention(0, 0).achieved is None


# -- the store --------------------------------------------------------------------------------------------


def test_answers_come_from_the_store_with_their_overrides_undos_and_states(store: Store) -> None:
    def answer(qid: str, verdict: str, at: datetime) -> int:
        return store.record_answer(question_id=qid, question_type="fill", response="", verdict=verdict, score=1.0, at=at).review_id

    answer("a", "correct", _at(0))
    answer("a", "correct", _at(0, 10))  # graduates to review
    third = answer("a", "incorrect", _at(5))
    store.record_override(store.receipt_for(third), EASY, at=_at(5, 1))  # type: ignore[arg-type]
    undone = answer("b", "correct", _at(1))
    store.undo_answer(undone, at=_at(1, 1))
    answers = load_answers(store)
    assert [(a.question_id, a.rating, a.state_before) for a in answers] == [("a", GOOD, None), ("a", GOOD, LEARNING), ("a", EASY, REVIEW)]
    assert achieved_retention(answers) == Retention(1, 1)


class FakeStore:
    def __init__(self) -> None:
        self.saved: dict[str, object] = {}

    def set_setting(self, key: str, value: object) -> object:
        self.saved[key] = value
        return value


def test_parameters_are_saved_only_where_the_store_has_a_setting_for_them(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeStore()
    monkeypatch.setattr(optimizer, "can_save_parameters", lambda: False)
    assert save_parameters(fake, (0.5,) * 21) is False  # type: ignore[arg-type]
    assert fake.saved == {}
    monkeypatch.setattr(optimizer, "can_save_parameters", lambda: True)
    assert save_parameters(fake, (0.5,) * 21) is True  # type: ignore[arg-type]
    assert fake.saved == {optimizer.PARAMETERS_SETTING: [0.5] * 21}


def test_fitted_parameters_are_kept_in_the_students_settings(store: Store, simulated: list[Answer]) -> None:
    result = fit_parameters(simulated, desired_retention=0.9, tz=UTC8)
    assert save_parameters(store, result.parameters) is True
    kept = store.get_setting(optimizer.PARAMETERS_SETTING)
    assert tuple(kept) == result.parameters
    fsrs.Scheduler(parameters=kept)


def test_saved_parameters_drive_the_schedule(tmp_path) -> None:
    # Two stores answer the same question the same way; the one with fitted parameters that make
    # memories last far longer schedules the next review later.
    from datetime import datetime, timezone

    import fsrs

    from revise.progress.scheduling import GOOD
    from revise.progress.store import Store

    at = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    slow_forgetting = list(fsrs.Scheduler().parameters)
    slow_forgetting[2] = slow_forgetting[2] * 20  # initial stability after Good
    dues = []
    for name, parameters in (("default", None), ("fitted", slow_forgetting)):
        with Store.open(tmp_path / name) as store:
            if parameters is not None:
                store.set_setting("fsrs_parameters", parameters)
            for day in range(3):
                receipt = store.record_answer(
                    question_id="q1", question_type="fill", verdict="correct", score=1.0, rating=GOOD, response="甲", at=at.replace(day=1 + day * 3)
                )
            assert receipt.card_after is not None
            dues.append(receipt.card_after.due)
    assert dues[1] > dues[0]
