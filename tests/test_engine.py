"""The practice engine: order of service, filters, siblings, overrides, the notebook session and the summary."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from clocks import ManualClock

from revise.bank.drills import is_drill_id
from revise.bank.model import Bank, NumericQuestion
from revise.progress.store import NOTEBOOK_ADDED, NOTEBOOK_CLEARED, NOTEBOOK_ONE_MORE, Store
from revise.sessions.engine import SIBLING_GAP, Filters, PracticeEngine

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
SCORES = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}


@dataclass(frozen=True)
class StubResult:
    verdict: str
    score: float
    expected: str = ""
    feedback: str = ""
    found: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()


class StubGrader:
    """Grades by the response itself: "correct", "partial" or anything else (incorrect); records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict | None]] = []

    def __call__(self, question, response, bank=None, *, params=None, unit_shown=False):
        response = response if isinstance(response, str) else response.display()
        self.calls.append((question.id, response, params))
        verdict = response if response in SCORES else "incorrect"
        return StubResult(verdict, SCORES[verdict])


class Clock(ManualClock):
    """A clock the test moves by hand, starting at T0."""

    def __init__(self, start: datetime = T0) -> None:
        super().__init__(start)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def engine_for(bank: Bank, store: Store, clock: Clock, **options) -> tuple[PracticeEngine, StubGrader]:
    grader = StubGrader()
    options.setdefault("rng_seed", 7)
    return PracticeEngine(bank, store, now=clock, grade=grader, **options), grader


def run_presented(engine: PracticeEngine, clock: Clock, verdicts, limit: int = 200) -> list:
    """Answer until the session ends (or `limit`), taking verdicts from a callable or a constant; what was served."""
    served = []
    for _ in range(limit):
        presented = engine.next_question()
        if presented is None:
            break
        served.append(presented)
        clock.advance(seconds=20)
        engine.answer(verdicts(presented) if callable(verdicts) else verdicts)
    return served


def run(engine: PracticeEngine, clock: Clock, verdicts, limit: int = 200) -> list[str]:
    """Like run_presented, but only the ids served."""
    return [presented.question.id for presented in run_presented(engine, clock, verdicts, limit)]


def test_the_default_grader_is_the_real_one(fixture_bank: Bank, store: Store) -> None:
    grading = pytest.importorskip("revise.grading")
    engine = PracticeEngine(fixture_bank, store)
    assert engine._grade is grading.grade


def test_new_questions_come_in_bank_order_up_to_the_daily_limit(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    store.set_setting("daily_new_limit", 3)
    engine, _ = engine_for(fixture_bank, store, clock)
    first = engine.next_question()
    # The session's size is fixed when it starts: today's due and new questions.
    assert (first.question.id, first.reason, first.position, first.total, first.remaining) == ("mkt-4p-list", "new", 1, 3, 2)
    assert first.chapter == "营销理论" and first.concept_name == "4P营销组合"
    engine.answer("correct")
    rest = run_presented(engine, clock, "correct")
    assert [p.question.id for p in rest if p.reason == "new"] == ["mkt-4c-odd", "mkt-4p-multi"]
    assert {p.question.id for p in rest} == {"mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi"}
    # A second session the same day gets no more new questions; the next day does.
    clock.advance(hours=1)
    assert engine_for(fixture_bank, store, clock)[0].next_question() is None
    clock.advance(days=1)
    tomorrow, _ = engine_for(fixture_bank, store, clock)
    assert [p.question.id for p in run_presented(tomorrow, clock, "correct") if p.reason == "new"] == ["mkt-4p-tf", "mkt-4c-judge", "mkt-4c-judge-true"]


def test_the_daily_limit_can_be_overridden_per_session(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, daily_new_limit=1)
    assert set(run(engine, clock, "correct")) == {"mkt-4p-list"}


def test_due_reviews_come_before_new_questions(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    for qid in ("val-fixed", "mkt-4c-judge"):
        for minutes in (0, 10):
            store.record_answer(question_id=qid, question_type="x", response="", verdict="correct", score=1, at=T0 + timedelta(minutes=minutes))
    clock.advance(days=60)  # both long overdue
    engine, _ = engine_for(fixture_bank, store, clock)
    first, second = engine.next_question(), None
    engine.answer("correct")
    second = engine.next_question()
    assert {first.question.id, second.question.id} == {"val-fixed", "mkt-4c-judge"}
    assert first.reason == second.reason == "due"
    engine.answer("correct")
    assert engine.next_question().reason == "new"


def test_the_same_question_is_never_served_twice_in_a_row(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    rng = random.Random(3)
    engine, _ = engine_for(fixture_bank, store, clock, filters=Filters(chapters={"客户价值与满意"}))
    served = run(engine, clock, lambda p: rng.choice(["correct", "incorrect", "partial"]), limit=120)
    assert len(served) > 20  # wrong answers keep the learning cards coming back
    assert all(a != b for a, b in itertools.pairwise(served))


def test_a_lone_question_waits_rather_than_repeating(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, filters=Filters(concepts={"crm-definition"}, types={"short"}))
    assert engine.next_question().question.id == "val-crm-short"
    engine.answer("wrong")  # due again in a minute, but it was the last one served
    clock.advance(minutes=5)
    assert engine.next_question() is None


def test_siblings_of_a_wrong_answer_are_held_back(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, include_drills=False)
    first = engine.next_question()
    assert first.question.id == "mkt-4p-list"
    engine.answer("wrong")
    held_back = []
    for _ in range(SIBLING_GAP):
        held_back.append(engine.next_question().question.id)
        engine.answer("correct")
    # Bank order would have served mkt-4p-multi and mkt-4p-tf among these.
    assert held_back == ["mkt-4c-odd", "mkt-4c-judge", "mkt-4c-judge-true", "val-crm-short"]
    assert engine.next_question().question.id == "mkt-4p-multi"  # afterwards they come back


def test_without_a_wrong_answer_siblings_follow_in_bank_order(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, include_drills=False)
    served = run(engine, clock, "correct", limit=3)
    assert served == ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi"]


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        (Filters(chapters={"客户价值与满意"}), lambda q: q.chapter == "客户价值与满意"),
        (Filters(concepts={"4c"}), lambda q: q.concept == "4c"),
        (Filters(types={"choice", "truefalse"}), lambda q: q.type in ("choice", "truefalse")),
        (Filters(tags={"drill"}), lambda q: is_drill_id(q.id)),
    ],
)
def test_filters_narrow_what_is_served(fixture_bank: Bank, store: Store, clock: Clock, filters: Filters, check) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, filters=filters)
    served = run(engine, clock, "correct")
    assert served and all(check(engine.questions[qid]) for qid in served)
    everything = [qid for qid, q in engine.questions.items()]
    assert set(served) == set(everything)


def test_include_drills_and_drill_mode(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    plain, _ = engine_for(fixture_bank, store, clock, include_drills=False)
    assert not any(is_drill_id(qid) for qid in plain.questions)
    drills, _ = engine_for(fixture_bank, store, clock, mode="drill")
    assert drills.questions and all(is_drill_id(qid) for qid in drills.questions)
    with pytest.raises(ValueError, match="mode"):
        engine_for(fixture_bank, store, clock, mode="cram")


def test_an_answer_is_committed_before_answer_returns(fixture_bank: Bank, store: Store, clock: Clock, tmp_path: Path) -> None:
    engine, _ = engine_for(fixture_bank, store, clock)
    presented = engine.next_question()
    clock.advance(seconds=42)
    outcome = engine.answer("partial")
    with Store.open(tmp_path / "data") as other:  # a separate connection sees it at once
        [row] = other.history(presented.question.id)
        assert (row.verdict, row.rating, row.duration_ms, row.mode) == ("partial", 2, 42_000, "practice")
        assert other.get_card(presented.question.id).card.due == outcome.due
    assert outcome.rating == "hard" and outcome.result.verdict == "partial"


def test_drills_are_logged_in_drill_mode(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, filters=Filters(tags={"drill"}))
    presented = engine.next_question()
    assert presented.is_drill
    engine.answer("correct")
    assert store.history(presented.question.id)[0].mode == "drill"


def test_answer_and_override_need_a_question(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock)
    with pytest.raises(RuntimeError):
        engine.answer("correct")
    with pytest.raises(RuntimeError):
        engine.override("easy")
    first = engine.next_question()
    assert engine.next_question() is first  # asking again does not skip it
    engine.answer("correct")
    with pytest.raises(ValueError):
        engine.override("good")


def test_override_reschedules_and_is_logged(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock)
    presented = engine.next_question()
    outcome = engine.answer("correct")
    good_due = outcome.due
    engine.override("again")  # I guessed
    assert engine.last_outcome is outcome
    assert (outcome.rating, outcome.overridden, outcome.notebook_status) == ("again", True, NOTEBOOK_ADDED)
    assert outcome.due < good_due
    assert store.get_card(presented.question.id).card.due == outcome.due
    engine.override("easy")  # changed their mind: re-rated from the same pre-answer state
    assert outcome.rating == "easy" and outcome.due > good_due and outcome.notebook_status is None
    assert [(r.kind, r.rating) for r in store.history(presented.question.id)] == [("answer", 3), ("override", 1), ("override", 4)]
    assert store.notebook_ids() == []
    assert engine.summary.correct == 1  # the summary counts the grader's verdicts


def test_the_notebook_follows_answers_and_can_be_practised_alone(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    wrong = {"mkt-4c-odd", "val-fixed", "drill:4p:odd"}
    engine, _ = engine_for(fixture_bank, store, clock)
    first_status = {}
    while len(first_status) < len(engine.questions):
        qid = engine.next_question().question.id
        status = engine.answer("wrong" if qid in wrong else "correct").notebook_status
        first_status.setdefault(qid, status)
        clock.advance(seconds=5)
    assert {qid for qid, status in first_status.items() if status == NOTEBOOK_ADDED} == wrong
    assert set(store.notebook_ids()) == wrong

    clock.advance(hours=1)
    oldest_first = store.notebook_ids()
    for expected in (NOTEBOOK_ONE_MORE, NOTEBOOK_CLEARED):
        session, _ = engine_for(fixture_bank, store, clock, notebook_only=True)
        served = []
        while (presented := session.next_question()) is not None:
            assert presented.reason == "notebook" and presented.total == 3
            served.append(presented.question.id)
            assert session.answer("correct").notebook_status == expected
            clock.advance(seconds=5)
        assert served == oldest_first
    assert store.notebook_ids() == []
    empty, _ = engine_for(fixture_bank, store, clock, notebook_only=True)
    assert empty.next_question() is None


def test_a_queue_is_served_in_order_once(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    queue = ["val-fixed", "no-such-question", "mkt-4p-tf", "val-fixed", "drill:4c:odd"]
    engine, _ = engine_for(fixture_bank, store, clock, queue=queue, mode="exam")
    served = run(engine, clock, "correct")
    assert served == ["val-fixed", "mkt-4p-tf", "drill:4c:odd"]
    assert {r.mode for qid in served for r in store.history(qid)} == {"exam"}


def test_numeric_questions_get_params_in_range_substituted_and_passed_to_the_grader(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, grader = engine_for(fixture_bank, store, clock, queue=["val-satisfaction", "val-stock", "val-fixed"])
    question: NumericQuestion = fixture_bank.questions["val-satisfaction"]
    presented = engine.next_question()
    assert set(presented.params) == {"a", "b"}
    assert 4 <= presented.params["a"] <= 8 and 2 <= presented.params["b"] <= 10
    assert "{" not in presented.prompt
    assert presented.prompt == question.render_prompt(presented.params)
    engine.answer("1.25")
    assert grader.calls[-1] == ("val-satisfaction", "1.25", presented.params)
    assert store.history("val-satisfaction")[0].params == presented.params
    stock = engine.next_question()
    assert set(stock.params) == {"last", "inbound", "now"}
    engine.answer("correct")
    fixed = engine.next_question()
    assert fixed.params == {} and fixed.prompt == fixed.question.prompt
    engine.answer("correct")
    assert grader.calls[-1][2] is None


def test_the_same_seed_draws_the_same_params(fixture_bank: Bank, tmp_path: Path, clock: Clock) -> None:
    def draws(seed: int) -> list[dict]:
        with Store.open(tmp_path / str(seed)) as store:
            values = []
            for _ in range(5):
                engine, _ = engine_for(fixture_bank, store, clock, queue=["val-satisfaction"], rng_seed=seed)
                values.append(engine.next_question().params)
                seed += 1
            return values

    assert draws(1) == draws(1)
    assert draws(1) != draws(100)


def test_skip_drops_a_question_for_the_session_without_recording(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, include_drills=False)
    skipped = engine.next_question().question.id
    engine.skip()
    served = run(engine, clock, "correct")
    assert skipped not in served
    assert store.history(skipped) == []


def test_the_summary_counts_verdicts_time_and_wrong_ids(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    verdicts = iter(["correct", "wrong", "partial", "wrong", "correct"])
    engine, _ = engine_for(fixture_bank, store, clock, include_drills=False)
    wrong_ids = []
    for verdict in verdicts:
        presented = engine.next_question()
        clock.advance(seconds=30)
        engine.answer(verdict)
        if verdict == "wrong":
            wrong_ids.append(presented.question.id)
    summary = engine.summary
    assert (summary.answered, summary.correct, summary.partial, summary.wrong) == (5, 2, 1, 2)
    assert summary.elapsed_seconds == 150
    assert summary.wrong_question_ids == tuple(wrong_ids)
    assert summary.accuracy == pytest.approx(0.4)


def test_questions_no_longer_in_the_bank_are_not_served(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    store.record_answer(question_id="deleted-question", question_type="fill", response="", verdict="incorrect", score=0, at=T0)
    clock.advance(days=3)
    engine, _ = engine_for(fixture_bank, store, clock)
    assert "deleted-question" not in run(engine, clock, "correct")
    assert len(store.history("deleted-question")) == 1


def test_describe_counts_what_the_session_holds(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    store.set_setting("daily_new_limit", 5)
    engine, _ = engine_for(fixture_bank, store, clock)
    assert engine.describe() == {"questions": 19, "due": 0, "new_available": 5, "notebook": 0}
    engine.next_question()
    engine.answer("wrong")
    clock.advance(minutes=2)
    assert engine.describe() == {"questions": 19, "due": 1, "new_available": 4, "notebook": 1}


def test_with_the_real_grader_answers_are_graded_rated_and_numeric_params_honoured(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    pytest.importorskip("revise.grading")
    from revise.bank.model import format_number

    engine = PracticeEngine(fixture_bank, store, now=clock, rng_seed=11, queue=["mkt-4p-list", "val-satisfaction", "drill:4c:odd"])
    engine.next_question()
    outcome = engine.answer("产品、价格、渠道、促销")
    assert (outcome.result.verdict, outcome.rating, outcome.notebook_status) == ("correct", "good", None)
    numeric = engine.next_question()
    key = numeric.question.expected(numeric.params)
    assert engine.answer(format_number(round(key, 2))).result.verdict == "correct"
    drill = engine.next_question()
    wrong_letter = "ABCD"[(drill.question.answer + 1) % 4]
    outcome = engine.answer(wrong_letter)
    assert (outcome.result.verdict, outcome.rating, outcome.notebook_status) == ("incorrect", "again", NOTEBOOK_ADDED)
    assert store.notebook_ids() == ["drill:4c:odd"]


# -- one "due today", a session of fixed size (issue 14, bug 7) ------------------------------------------------


def test_due_today_counts_cards_due_later_today_as_home_and_the_chapter_list_do(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    from revise.progress.due import due_today_ids
    from revise.progress.mastery import compute_mastery

    store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="correct", score=1.0, at=clock())
    clock.advance(minutes=2)  # its next learning step is minutes away: due today, not due now
    assert store.due_ids(clock()) == []
    engine, _ = engine_for(fixture_bank, store, clock, tz=timezone.utc)
    chapter = compute_mastery(fixture_bank, store, now=clock(), tz=timezone.utc).chapters[0]
    assert engine.describe()["due"] == chapter.due_today == len(due_today_ids(store, clock(), timezone.utc)) == 1


def test_a_practice_session_has_a_fixed_size_and_repeats_do_not_move_its_count(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    store.set_setting("daily_new_limit", 3)
    store.record_answer(question_id="val-fixed", question_type="numeric", response="20", verdict="correct", score=1.0, at=clock())
    clock.advance(minutes=2)  # val-fixed is due later today: part of today's work
    engine, _ = engine_for(fixture_bank, store, clock, tz=timezone.utc, sibling_gap=0)
    assert engine.describe()["due"] == 1
    served = run_presented(engine, clock, lambda p: "incorrect" if p.reason == "new" else "correct", limit=40)
    assert {p.total for p in served} == {3}  # 1 due today + 2 new (the limit of 3 less the one answered today)
    firsts = [p for p in served if p.reason != "learning"]
    assert [p.position for p in firsts] == [1, 2, 3]
    assert firsts[0].question.id == "val-fixed" and firsts[0].reason == "due"
    again = [p for p in served if p.reason == "learning"]
    assert again and all(p.position <= 3 for p in again)  # wrong answers come back without growing the count


def test_new_questions_first_met_in_a_mock_exam_count_toward_the_daily_limit(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    store.set_setting("daily_new_limit", 3)
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="对", verdict="correct", score=1.0, at=clock(), mode="exam")
    engine, _ = engine_for(fixture_bank, store, clock, tz=timezone.utc)
    assert engine.describe()["new_available"] == 2


# -- a queue resumed where it stopped (顺序练习) -------------------------------------------------------------


def test_a_queue_can_start_part_way_and_remembers_the_last_answer(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    from revise.sessions.engine import SEQUENTIAL_SETTING

    order = ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf"]
    engine, _ = engine_for(fixture_bank, store, clock, queue=order, queue_start=2, resume_key="营销理论")
    first = engine.next_question()
    assert (first.question.id, first.position, first.total) == ("mkt-4p-multi", 3, 4)
    assert store.get_setting(SEQUENTIAL_SETTING) is None
    engine.answer("correct")
    assert store.get_setting(SEQUENTIAL_SETTING) == {"营销理论": "mkt-4p-multi"}
    engine.next_question()
    engine.skip()  # skipped: not answered, so not where it stopped
    assert store.get_setting(SEQUENTIAL_SETTING) == {"营销理论": "mkt-4p-multi"}


def test_a_position_that_cannot_be_saved_leaves_the_answer_and_says_so(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    engine, _ = engine_for(fixture_bank, store, clock, queue=["mkt-4p-list"], resume_key="x" * 300)
    engine.next_question()
    engine.answer("correct")
    assert len(store.history("mkt-4p-list")) == 1
    assert engine.notices and "顺序练习" in engine.notices[0]


def test_with_the_real_grader_a_number_typed_beside_its_printed_unit_is_not_nagged(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    pytest.importorskip("revise.grading")
    from revise.bank.model import format_number

    engine = PracticeEngine(fixture_bank, store, now=clock, rng_seed=11, queue=["val-stock"])
    presented = engine.next_question()
    key = presented.question.expected(presented.params)
    outcome = engine.answer(format_number(round(key, 2)))
    assert outcome.result.verdict == "correct"
    assert "别忘了单位" not in outcome.result.feedback


def test_a_grader_that_takes_unit_shown_is_told_the_unit_is_printed(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    told = []

    def grader(question, response, bank=None, *, params=None, unit_shown=False):
        told.append(unit_shown)
        return StubResult("correct", 1.0)

    engine = PracticeEngine(fixture_bank, store, now=clock, grade=grader, queue=["val-stock"])
    engine.next_question()
    engine.answer("20")
    assert told == [True]


# -- the practice modes (revise.sessions.modes) ------------------------------------------------------------------


def test_sequential_resumes_after_the_last_answer_and_starts_over_when_done(fixture_bank: Bank) -> None:
    from revise.sessions.modes import sequential_plan

    fresh = sequential_plan(fixture_bank, "营销理论", {})
    assert fresh.order == ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf", "mkt-4c-judge", "mkt-4c-judge-true"]
    assert (fresh.start, fresh.restarted, fresh.notice) == (0, False, None)
    resumed = sequential_plan(fixture_bank, "营销理论", {"营销理论": "mkt-4p-multi"})
    assert (resumed.start, resumed.notice) == (3, "从第 4 题接着做（共 6 题）。")
    finished = sequential_plan(fixture_bank, "营销理论", {"营销理论": "mkt-4c-judge-true"})
    assert (finished.start, finished.restarted) == (0, True) and "重新开始" in (finished.notice or "")
    gone = sequential_plan(fixture_bank, "营销理论", {"营销理论": "no-longer-in-the-bank"})
    assert gone.start == 0 and not gone.restarted


def test_random_special_and_custom_sets_draw_from_the_scope_asked_for(fixture_bank: Bank) -> None:
    from revise.sessions.modes import CustomSet, check_custom_set, draw_custom, random_queue, special_queue, type_counts

    rng = random.Random(1)
    assert sorted(random_queue(fixture_bank, rng)) == sorted(fixture_bank.questions)
    some = random_queue(fixture_bank, rng, chapter="客户价值与满意", count=3)
    assert len(some) == 3 and {fixture_bank.questions[qid].chapter for qid in some} == {"客户价值与满意"}
    assert special_queue(fixture_bank, qtype="judge") == ["mkt-4c-judge", "mkt-4c-judge-true"]
    assert type_counts(fixture_bank, ["客户价值与满意"]) == {"short": 1, "essay": 1, "numeric": 3}
    spec = CustomSet(("客户价值与满意",), {"numeric": 2, "short": 1})
    assert check_custom_set(fixture_bank, spec) == []
    drawn = draw_custom(fixture_bank, spec, rng)
    assert [fixture_bank.questions[qid].type for qid in drawn] == ["short", "numeric", "numeric"]
    assert check_custom_set(fixture_bank, CustomSet(("营销理论",), {"essay": 1})) == ["所选章节只有 0 道论述题，不够 1 道"]
    assert check_custom_set(fixture_bank, CustomSet((), {})) == ["还没有选题：至少给一种题型填上题数"]


def test_a_custom_paper_is_drawn_from_the_chosen_chapters_only(fixture_bank: Bank) -> None:
    from revise.bank.papers import draw_paper
    from revise.sessions.modes import CustomSet, custom_paper

    spec = CustomSet(("营销理论",), {"judge": 2, "choice": 1})
    paper = custom_paper(fixture_bank, spec, 20, random.Random(3))
    assert (paper.minutes, paper.question_count, [section.type for section in paper.sections]) == (20, 3, ["choice", "judge"])
    assert paper.id == custom_paper(fixture_bank, spec, 20, random.Random(4)).id
    for seed in range(5):
        drawn = draw_paper(paper, fixture_bank, seed)
        assert len(drawn.questions) == 3 and {item.question.chapter for item in drawn.questions} == {"营销理论"}
    with pytest.raises(ValueError):
        custom_paper(fixture_bank, spec, 0, random.Random(3))


def test_the_sprint_practises_today_s_share_of_the_weak_questions(fixture_bank: Bank, store: Store, clock: Clock) -> None:
    from datetime import date

    from revise.sessions.modes import sprint_plan

    for qid in ("mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf"):
        store.record_answer(question_id=qid, question_type="x", response="", verdict="correct", score=1.0, at=clock())
    clock.advance(days=2)
    plan = sprint_plan(fixture_bank, store, date(2025, 3, 5), clock(), timezone.utc)
    assert (plan.days_left, plan.weak, plan.unseen) == (2, 4, 7)
    assert len(plan.today) == 2 and set(plan.today) < {"mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf"}
    assert sprint_plan(fixture_bank, store, date(2025, 3, 1), clock(), timezone.utc).today == []


def test_special_practice_by_tag_and_the_tags_most_used_first(fixture_bank: Bank) -> None:
    from revise.sessions.modes import special_queue, tag_counts

    fixture_bank.questions["mkt-4c-odd"].tags = ("易混", "4C")
    fixture_bank.questions["mkt-4c-judge"].tags = ("易混",)
    assert tag_counts(fixture_bank) == {"易混": 2, "4C": 1}
    assert special_queue(fixture_bank, tag="易混") == ["mkt-4c-odd", "mkt-4c-judge"]
