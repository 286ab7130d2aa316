"""Mock exams: scoring, saving as answers change, resuming after a kill, and the report."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from clocks import ManualClock

from revise.bank.loader import load_bank
from revise.bank.papers import DrawnQuestion
from revise.progress.store import Store
from revise.sessions.exam import ExamError, ExamSession, attempt_history, score_item, unfinished_attempt

PAPER = """\
id: mini
title: 小测验
minutes: 30
sections:
  - {title: 一、填空题, type: fill, count: 1, points: 2}
  - {title: 二、多项选择题, type: multi, count: 1, points: 4}
  - {title: 三、判断并改错题, type: judge, count: 2, points: 2}
  - {title: 四、简答题, type: short, count: 1, points: 6}
"""
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


class FakeClock(ManualClock):
    """A clock the test moves by hand, starting at T0."""

    def __init__(self, start: datetime = T0) -> None:
        super().__init__(start)


@pytest.fixture
def exam_bank(tmp_path: Path, fixture_bank_path: Path):
    """The fixture bank with one short paper."""
    bank_dir = tmp_path / "bank"
    shutil.copytree(fixture_bank_path, bank_dir)
    (bank_dir / "papers").mkdir()
    (bank_dir / "papers" / "mini.yaml").write_text(PAPER, encoding="utf-8")
    result = load_bank([bank_dir])
    assert result.problems == []
    return result.bank


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def drawn(bank, question_id: str, points: float) -> DrawnQuestion:
    """A question placed on a paper by hand."""
    question = bank.questions[question_id]
    return DrawnQuestion(1, 0, question, points, {}, question.prompt)


@pytest.mark.parametrize(
    ("question_id", "response", "points", "expected_points", "verdict"),
    [
        ("mkt-4p-multi", "ACE", 4, 4, "correct"),
        ("mkt-4p-multi", "ca", 4, 2.5, "partial"),  # 少选得部分分: 2/3 of 4 is 2.67, rounded to 0.5 (issue 14 bug 2)
        ("mkt-4p-multi", "ACEB", 4, 0, "incorrect"),  # 错选不得分
        ("mkt-4c-judge", "错，应为沟通", 2, 2, "correct"),
        ("mkt-4c-judge", "错", 2, 1, "partial"),  # right judgment, no correction
        ("mkt-4c-judge", "错，应为促销", 2, 1, "partial"),  # right judgment, wrong correction
        ("mkt-4c-judge", "对", 2, 0, "incorrect"),
        ("mkt-4c-judge-true", "√", 2, 2, "correct"),
        ("val-crm-short", "以客户为中心，实现客户价值最大化和企业的长期利润", 6, 6, "correct"),
        ("val-crm-short", "以客户为中心", 6, 2, "partial"),
        ("val-crm-short", "降低成本", 6, 0, "incorrect"),
        ("mkt-4p-list", "产品、价格、渠道、促销", 4, 4, "correct"),
        ("mkt-4p-list", "", 4, 0, "incorrect"),
    ],
)
def test_scoring_table(exam_bank, question_id: str, response: str, points: float, expected_points: float, verdict: str) -> None:
    item, _ = score_item(drawn(exam_bank, question_id, points), response, exam_bank)
    assert item.verdict == verdict
    assert item.points == expected_points
    assert item.max_points == points


def test_unanswered_short_lists_every_keypoint_as_missed(exam_bank) -> None:
    item, result = score_item(drawn(exam_bank, "val-crm-short", 6), "  ", exam_bank)
    assert result is None and item.feedback == "未作答"
    assert item.missed == ["以客户为中心", "客户价值最大化", "长期利润"] and item.adjustable


def test_answers_are_saved_as_they_change_and_survive_reopening(exam_bank, tmp_path: Path) -> None:
    clock = FakeClock()
    with Store.open(tmp_path / "data") as store:
        session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=5, clock=clock)
        first = session.numbers[0]
        session.set_answer(first, "产品、价格、地点、促销")
        session.toggle_flag(3)
        attempt = session.attempt_id
    clock.advance(minutes=12)
    with Store.open(tmp_path / "data") as store:
        assert unfinished_attempt(store) == attempt
        resumed = ExamSession.resume(exam_bank, store, attempt, clock=clock)
        assert resumed.responses == {first: "产品、价格、地点、促销"}
        assert resumed.flags == {3}
        assert resumed.remaining() == timedelta(minutes=18)
        assert [q.question.id for q in resumed.drawn.questions] == [q.question.id for q in session.drawn.questions]
        assert resumed.state(first) == "answered" and resumed.state(3) == "flagged" and resumed.state(2) == "unanswered"


def test_submit_scores_logs_exam_reviews_and_fills_the_notebook(exam_bank, store: Store) -> None:
    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=clock)
    by_type = {q.question.type: q.number for q in session.drawn.questions}
    session.set_answer(by_type["fill"], "产品、价格、地点、促销")
    session.set_answer(by_type["multi"], "A")
    clock.advance(minutes=3)
    report = session.submit()
    assert report.max_total == 16
    # Fill right; one of the three multi letters is 4/3 = 1.33 points, rounded to 1.5 (issue 14 bug 2: never 3.33).
    assert report.total == 3.5 and report.items[by_type["multi"] - 1].points == 1.5
    sections = {s.title: (s.points, s.max_points) for s in report.by_section()}
    assert sections["一、填空题"] == (2, 2) and sections["四、简答题"] == (0, 6)
    assert sum(c.max_points for c in report.by_chapter()) == 16
    logged = [r for r in store.reviews() if r.mode == "exam"]
    assert sorted(r.question_id for r in logged) == sorted([session.question(by_type["fill"]).question.id, session.question(by_type["multi"]).question.id])
    assert unfinished_attempt(store) is None
    assert session.submit() is report  # submitting twice changes nothing
    assert len([r for r in store.reviews() if r.mode == "exam"]) == 2
    with pytest.raises(ExamError):
        session.set_answer(1, "迟到的答案")


def test_wrong_exam_answers_go_to_the_notebook(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=FakeClock())
    judge = next(q for q in session.drawn.questions if q.question.id == "mkt-4c-judge")
    session.set_answer(judge.number, "对")
    session.submit()
    assert "mkt-4c-judge" in store.notebook_ids()


def test_deadline_passed_while_away_is_submitted_with_what_was_saved(exam_bank, store: Store) -> None:
    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=2, minutes=1, clock=clock)
    session.set_answer(1, "产品、价格、地点、促销")
    clock.advance(minutes=5)
    resumed = ExamSession.resume(exam_bank, store, session.attempt_id, clock=clock)
    assert resumed.expired and resumed.remaining() == timedelta(0)
    report = resumed.submit(auto=True)
    assert report.auto_submitted and report.items[0].response == "产品、价格、地点、促销"
    assert attempt_history(store, exam_bank)[0].score == report.total


def test_adjusting_points_is_recorded(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=4, clock=FakeClock())
    short = next(q for q in session.drawn.questions if q.question.type == "short")
    session.set_answer(short.number, "以客户为中心")
    report = session.submit()
    before = report.total
    with pytest.raises(ExamError):
        session.adjust_points(short.number, 7)  # more than full marks
    with pytest.raises(ExamError):
        session.adjust_points(1, 1)  # a fill question is not adjustable
    session.adjust_points(short.number, 5)
    assert session.report.total == pytest.approx(before - 2 + 5)
    assert [(n, prev, new) for n, prev, new, _ in store.exam_adjustments(session.attempt_id)] == [(short.number, 2, 5)]
    reopened = ExamSession.resume(exam_bank, store, session.attempt_id)
    assert reopened.report.items[short.number - 1].points == 5 and reopened.report.items[short.number - 1].adjusted


def test_history_lists_attempts_newest_first(exam_bank, store: Store) -> None:
    clock = FakeClock()
    for seed in (1, 2):
        session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=seed, clock=clock)
        session.set_answer(1, "产品、价格、地点、促销")
        session.submit()
        clock.advance(days=1)
    history = attempt_history(store, exam_bank)
    assert [h.paper_title for h in history] == ["小测验", "小测验"]
    assert history[0].started_at > history[1].started_at
    assert all(h.score == 2 and h.max_score == 16 for h in history)


KILLED_EXAM = textwrap.dedent(
    """
    import os, signal, sys
    from revise.sessions.exam import ExamSession
    from revise.bank.loader import load_bank
    from revise.progress.store import Store
    bank = load_bank([sys.argv[1]]).bank
    store = Store.open(sys.argv[2])
    session = ExamSession.start(bank, store, bank.papers["mini"], seed=9)
    session.set_answer(1, "产品、价格、地点、促销")
    session.set_answer(2, "AC")
    session.toggle_flag(2)
    print(session.attempt_id, session.deadline.isoformat(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_killed_exam_resumes_with_answers_and_the_real_time_left(exam_bank, tmp_path: Path) -> None:
    bank_dir = tmp_path / "bank"
    data_dir = tmp_path / "killed"
    completed = subprocess.run([sys.executable, "-c", KILLED_EXAM, str(bank_dir), str(data_dir)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == -signal.SIGKILL, completed.stderr
    attempt_text, deadline_text = completed.stdout.split()
    deadline = datetime.fromisoformat(deadline_text)
    later = FakeClock(deadline - timedelta(minutes=7))
    with Store.open(data_dir) as store:
        attempt = unfinished_attempt(store)
        assert attempt == int(attempt_text)
        session = ExamSession.resume(exam_bank, store, attempt, clock=later)
        assert session.responses == {1: "产品、价格、地点、促销", 2: "AC"}
        assert session.flags == {2}
        assert session.deadline == deadline
        assert session.remaining() == timedelta(minutes=7)


def test_resume_refuses_when_the_bank_changed(exam_bank, store: Store, tmp_path: Path) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=3, clock=FakeClock())
    del exam_bank.questions[session.drawn.questions[0].question.id]
    with pytest.raises(ExamError, match="题库已经改动"):
        ExamSession.resume(exam_bank, store, session.attempt_id)


def test_an_attempt_that_cannot_be_resumed_is_set_aside_once(exam_bank, store: Store) -> None:
    from revise.sessions.exam import resume_or_abandon

    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=3, clock=FakeClock())
    session.set_answer(1, "保存的答案")
    del exam_bank.papers["mini"]
    resumed, why = resume_or_abandon(exam_bank, store, clock=FakeClock())
    assert resumed is None and "已不在题库中" in why
    assert unfinished_attempt(store) is None  # not offered again at the next start
    assert resume_or_abandon(exam_bank, store) == (None, None)
    assert store.exam_attempt(session.attempt_id)["answers"] == [(1, "保存的答案", False)]  # nothing deleted
    assert attempt_history(store, exam_bank) == []


# -- issue 13: handing in never crashes (#1), two windows (#10), the clock (#21), ranges (#22) ------------


def failing_grade_for(question_type: str):
    """The real grader, except that questions of `question_type` raise as a bad formula would."""
    from revise.bank.formula import FormulaError
    from revise.grading import grade

    def patched(question, response, bank=None, *, params=None, unit_shown=False):
        if question.type == question_type:
            raise FormulaError("division by zero in 100 / (b - 3)")
        return grade(question, response, bank, params=params, unit_shown=unit_shown)

    return patched


def test_a_question_that_cannot_be_marked_scores_0_with_a_note_and_the_rest_is_marked(exam_bank, store: Store, monkeypatch) -> None:
    monkeypatch.setattr("revise.grading.grade", failing_grade_for("multi"))
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=FakeClock())
    fill = next(q for q in session.drawn.questions if q.question.type == "fill")
    multi = next(q for q in session.drawn.questions if q.question.type == "multi")
    session.set_answer(fill.number, "产品、价格、渠道、促销")
    session.set_answer(multi.number, "ACE")
    report = session.submit()
    broken = report.items[multi.number - 1]
    assert broken.points == 0 and broken.unmarkable and "无法自动评分" in broken.feedback and "记0分" in broken.feedback
    assert report.items[fill.number - 1].points == fill.points
    assert [r.question_id for r in store.reviews()] == [fill.question.id]  # the unmarkable answer feeds no schedule
    assert store.exam_attempts()[0]["submitted_at"] is not None


def test_an_expired_attempt_with_an_unmarkable_question_does_not_crash_start_up(exam_bank, store: Store, monkeypatch) -> None:
    from revise.sessions.exam import resume_or_abandon

    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=3, clock=clock)
    multi = next(q for q in session.drawn.questions if q.question.type == "multi")
    session.set_answer(multi.number, "ACE")
    clock.advance(hours=2)
    monkeypatch.setattr("revise.grading.grade", failing_grade_for("multi"))
    resumed, problem = resume_or_abandon(exam_bank, store, clock=clock)
    assert problem is None and resumed is not None and resumed.expired
    report = resumed.submit(auto=True)  # what the app does at start for an expired attempt
    assert report.auto_submitted and report.items[multi.number - 1].unmarkable


def test_a_paper_that_cannot_be_drawn_on_resume_is_set_aside_not_raised(exam_bank, store: Store, monkeypatch) -> None:
    from revise.sessions.exam import resume_or_abandon

    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=3, clock=FakeClock())

    def broken_draw(*_args, **_kwargs):
        raise OverflowError("(34, 'Numerical result out of range')")

    monkeypatch.setattr("revise.sessions.exam.draw_paper", broken_draw)
    resumed, problem = resume_or_abandon(exam_bank, store, clock=FakeClock())
    assert resumed is None and "无法按原样重新抽题" in problem
    assert store.unfinished_exam_attempt() is None and store.exam_attempt(session.attempt_id)["answers"] == []


def test_two_windows_one_attempt_is_open_in_one_window_and_the_other_may_take_over(exam_bank, store: Store, monkeypatch) -> None:
    import os
    import socket

    from revise.progress.store import AttemptInUseError, AttemptTakenError

    # Window A is another live process on this host: its token names the test runner's parent.
    monkeypatch.setattr("revise.sessions.exam.new_owner_token", lambda: f"{socket.gethostname()}:{os.getppid()}:a")
    clock = FakeClock()
    window_a = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=5, clock=clock)
    window_a.set_answer(1, "产品、价格、渠道、促销")
    monkeypatch.setattr("revise.sessions.exam.new_owner_token", lambda: "elsewhere:1:b")
    with pytest.raises(AttemptInUseError, match="另一个窗口"):
        ExamSession.resume(exam_bank, store, window_a.attempt_id, clock=clock)
    window_b = ExamSession.resume(exam_bank, store, window_a.attempt_id, clock=clock, take_over=True)
    window_b.set_answer(2, "ACE")
    window_b.set_answer(3, "错，应为沟通")
    # A's stale copy can neither write nor hand in.
    with pytest.raises(AttemptTakenError, match="另一个窗口"):
        window_a.set_answer(4, "对")
    with pytest.raises(AttemptTakenError):
        window_a.submit()
    report = window_b.submit()
    assert [item.response for item in report.items[:3]] == ["产品、价格、渠道、促销", "ACE", "错，应为沟通"]
    assert store.exam_attempts()[0]["score"] == report.total


def test_hand_in_marks_what_the_store_holds_not_the_windows_copy(exam_bank, store: Store) -> None:
    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=5, clock=clock)
    session.set_answer(1, "产品、价格、渠道、促销")
    # Another writer (same attempt, no ownership: a script, an older window) saved a newer answer.
    store.save_exam_answer(session.attempt_id, 2, "ACE", False, clock())
    report = session.submit()
    assert report.items[1].response == "ACE" and session.responses[2] == "ACE"


def test_a_second_hand_in_returns_the_stored_report(exam_bank, store: Store) -> None:
    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=5, clock=clock)
    session.set_answer(1, "产品、价格、渠道、促销")
    other = ExamSession.resume(exam_bank, store, session.attempt_id, clock=clock)  # same process: takes it over quietly
    first = other.submit()
    session.owner = None  # a window that does not check ownership still gets the stored report, not a second marking
    assert session.submit().total == first.total and store.answer_count() == 1


def test_setting_the_clock_back_does_not_add_exam_time(exam_bank, store: Store) -> None:
    clock = FakeClock()
    ticks = [0.0]
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, minutes=10, clock=clock, monotonic=lambda: ticks[0])
    clock.advance(minutes=3)
    ticks[0] += 180
    assert session.remaining() == timedelta(minutes=7)
    clock.moment -= timedelta(hours=2)  # the student sets the computer's clock back two hours
    ticks[0] += 60
    assert session.remaining() == timedelta(minutes=6)
    ticks[0] += 6 * 60
    assert session.expired


def test_a_clock_set_back_before_resuming_is_capped_by_the_time_limit_and_saved_times(exam_bank, store: Store) -> None:
    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, minutes=10, clock=clock)
    clock.advance(minutes=4)
    session.set_answer(1, "产品")
    clock.moment -= timedelta(hours=2)
    resumed = ExamSession.resume(exam_bank, store, session.attempt_id, clock=clock)
    assert resumed.remaining() == timedelta(minutes=6)  # not 2:06:00
    assert resumed.deadline == session.deadline  # the stored deadline is kept


@pytest.mark.parametrize(
    ("minutes", "seed", "message"),
    [
        (9999999999, 1, "考试时长必须是 1 到 1440"),
        (1e10, 1, "考试时长"),
        (0, 1, "考试时长"),
        (-5, 1, "考试时长"),
        (2.5, 1, "整数分钟"),
        (float("nan"), 1, "考试时长"),
        (30, 99999999999999999999, "随机种子必须在 0 到"),
        (30, -1, "随机种子"),
        (30, True, "随机种子必须是整数"),
    ],
)
def test_exam_minutes_and_seed_are_range_checked_with_clear_messages(exam_bank, store: Store, minutes, seed, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=seed, minutes=minutes, clock=FakeClock())
    assert store.exam_attempts() == []  # nothing half-started


def test_a_paper_with_absurd_minutes_is_refused_with_a_message(exam_bank, store: Store) -> None:
    from dataclasses import replace

    paper = replace(exam_bank.papers["mini"], minutes=1e10)
    with pytest.raises(ExamError, match="考试时长"):
        ExamSession.start(exam_bank, store, paper, seed=1, clock=FakeClock())


def test_the_report_names_each_answers_log_row_so_the_review_can_appeal_it(exam_bank, store: Store) -> None:
    from revise.sessions.exam import ExamReport

    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=FakeClock())
    session.set_answer(1, "产品、价格、地点、错误")
    report = session.submit()
    item = report.items[0]
    assert item.review_id is not None and store.history(item.question_id)[-1].id == item.review_id
    assert report.items[1].review_id is None  # unanswered: nothing logged
    stored = ExamReport.from_json(store.exam_attempt(session.attempt_id)["report"])
    assert stored.items[0].review_id == item.review_id
    store.record_appeal(item.question_id, item.review_id, item.verdict, item.response, T0 + timedelta(hours=1))
    assert item.question_id not in store.notebook_ids()
    # A report stored before review ids existed still loads.
    old = store.exam_attempt(session.attempt_id)["report"].replace('"review_id"', '"unknown_field"')
    assert ExamReport.from_json(old).items[0].review_id is None


# -- issue 14 bug 2: every mark rounded as the paper says; partial credit defined once ------------------------


@pytest.mark.parametrize(
    ("fraction", "points", "step", "mark"),
    [
        (1 / 3, 1, 0.5, 0.5),  # 0.33/1 never shows
        (2 / 3, 4, 0.5, 2.5),  # 2.67
        (1 / 3, 4, 0.5, 1.5),  # 1.33
        (0.8, 1, 0.5, 0.5),  # a partly right answer never rounds up to full marks
        (0.2, 1, 0.5, 0.0),
        (0.25, 1, 0.5, 0.5),  # halves round up
        (13 / 15, 5, 1, 4.0),
        (1.0, 2, 0.5, 2.0),
        (0.0, 2, 0.5, 0.0),
    ],
)
def test_round_mark(fraction: float, points: float, step: float, mark: float) -> None:
    from revise.bank.papers import round_mark

    assert round_mark(fraction, points, step) == mark


def test_totals_are_exact_sums_of_rounded_marks_never_26_99() -> None:
    from revise.bank.papers import mark_total

    assert mark_total([0.1] * 3) == 0.3 and sum([0.1] * 3) != 0.3
    assert mark_total([2.5, 1.5, 0.5] * 9) == 40.5


def paper_problems(tmp_path: Path, fixture_bank_path: Path, extra: str) -> list[str]:
    """The problems loading the fixture bank with the mini paper plus `extra` lines reports."""
    bank_dir = tmp_path / "bank"
    shutil.copytree(fixture_bank_path, bank_dir)
    (bank_dir / "papers").mkdir()
    (bank_dir / "papers" / "mini.yaml").write_text(PAPER + extra, encoding="utf-8")
    return [problem.message for problem in load_bank([bank_dir]).problems]


def test_a_paper_says_its_rounding_and_a_bad_one_is_refused_in_chinese(tmp_path: Path, fixture_bank_path: Path) -> None:
    assert paper_problems(tmp_path / "a", fixture_bank_path, "rounding: 1\n") == []
    assert any("“rounding”" in message and "例如 0.5" in message for message in paper_problems(tmp_path / "b", fixture_bank_path, "rounding: 0\n"))
    assert any("“rounding”" in message for message in paper_problems(tmp_path / "c", fixture_bank_path, "rounding: 0.125\n"))
    # 2-point questions cannot be marked in steps of 4.
    assert any("不是取整单位 4 分的整数倍" in message for message in paper_problems(tmp_path / "d", fixture_bank_path, "rounding: 4\n"))


def test_the_marking_rules_are_printed_from_one_place(exam_bank) -> None:
    from revise.bank.model import QUESTION_TYPES
    from revise.bank.papers import PARTIAL_CREDIT, marking_rules

    assert set(PARTIAL_CREDIT) == set(QUESTION_TYPES)
    rules = marking_rules(exam_bank.papers["mini"])
    assert rules[0].startswith("每题得分按 0.5 分取整")
    assert [rule.split("：")[0] for rule in rules[1:]] == ["填空题", "多项选择题", "判断并改错题", "简答题"]


def test_the_printed_paper_states_the_marking_rules(exam_bank) -> None:
    from revise.bank.papers import draw_paper
    from revise.formats.paper_export import layout_paper

    blocks = layout_paper(draw_paper(exam_bank.papers["mini"], exam_bank, 1))
    [rules] = [block.text for block in blocks if block.text.startswith("评分规则：")]
    assert "每题得分按 0.5 分取整" in rules and "少选按选对的比例给分" in rules


def test_a_report_stored_before_rounding_is_rounded_when_read(exam_bank, store: Store) -> None:
    from revise.sessions.exam import ExamReport, attempt_rows

    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=FakeClock())
    multi = next(q.number for q in session.drawn.questions if q.question.type == "multi")
    session.set_answer(multi, "A")
    report = session.submit()
    old = json.loads(report.to_json())
    del old["rounding"]
    old["items"][multi - 1]["points"] = 1.33
    legacy = json.dumps(old, ensure_ascii=False)
    store._write(lambda c: c.execute("UPDATE exam_attempts SET report = ?, score = 1.33", (legacy,)))  # as an older revise stored it
    assert ExamReport.from_json(legacy).total == 1.5
    assert attempt_rows(store)[0]["score"] == 1.5


def test_adjusted_points_follow_the_rounding(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=4, clock=FakeClock())
    short = next(q for q in session.drawn.questions if q.question.type == "short")
    session.set_answer(short.number, "以客户为中心")
    session.submit()
    with pytest.raises(ExamError, match=r"按 0\.5 分计分"):
        session.adjust_points(short.number, 4.3)
    assert store.exam_adjustments(session.attempt_id) == []
    session.adjust_points(short.number, 4.5)
    assert session.report.items[short.number - 1].points == 4.5


# -- exam rules the student chooses: time running out, abandoning, the trend per paper ----------------------


def test_a_grace_period_keeps_the_exam_open_and_marks_late_answers(exam_bank, store: Store) -> None:
    from revise.sessions.exam import TimeRule

    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, minutes=10, clock=clock, rule=TimeRule.of("grace", 5))
    by_type = {q.question.type: q.number for q in session.drawn.questions}
    session.set_answer(by_type["fill"], "产品、价格、地点、促销")
    clock.advance(minutes=11)
    assert session.overdue and session.in_grace and not session.expired
    assert session.grace_remaining() == timedelta(minutes=4)
    session.set_answer(by_type["multi"], "ACE")  # after the deadline
    session.toggle_flag(by_type["fill"])  # a flag is not an answer: not late
    # Resumed elsewhere, the rule and the late answer are still known.
    resumed = ExamSession.resume(exam_bank, store, session.attempt_id, clock=clock, take_over=True)
    assert resumed.rule == TimeRule("grace", 5) and resumed.late == {by_type["multi"]}
    clock.advance(minutes=4)
    assert resumed.expired
    report = resumed.submit(auto=True)
    assert [item.number for item in report.late_items] == [by_type["multi"]]
    assert report.total == 6 and report.on_time_total == 2 and report.counted
    assert (report.time_rule, report.grace_minutes) == ("grace", 5)


def test_nocount_leaves_a_late_paper_out_of_the_trend(exam_bank, store: Store) -> None:
    from revise.progress.forecast import exam_trends
    from revise.sessions.exam import TimeRule

    clock = FakeClock()
    on_time = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, minutes=10, clock=clock, rule=TimeRule.of("nocount"))
    on_time.set_answer(1, "产品、价格、地点、促销")
    clock.advance(minutes=9)
    assert on_time.submit().counted
    late = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=2, minutes=10, clock=clock, rule=TimeRule.of("nocount"))
    late.set_answer(1, "产品、价格、地点、促销")
    clock.advance(minutes=10)
    assert late.expired and not late.in_grace  # no grace under this rule
    report = late.submit(auto=True)
    assert not report.counted and report.total == 2
    assert [r.mode for r in store.history(late.question(1).question.id)] == ["exam", "exam"]  # still marked and logged
    [trend] = exam_trends(store.exam_attempts())
    assert [point.attempt_id for point in trend.points] == [on_time.attempt_id]
    assert [h.counted for h in attempt_history(store, exam_bank)] == [False, True]


def test_an_abandoned_attempt_is_never_marked_logged_or_counted(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=FakeClock())
    session.set_answer(1, "产品、价格、地点、促销")
    session.abandon()
    assert unfinished_attempt(store) is None and attempt_history(store, exam_bank) == [] and store.reviews() == []
    assert store.exam_attempt(session.attempt_id)["answers"] == [(1, "产品、价格、地点、促销", False)]  # kept, as with any abandoned one
    with pytest.raises(ExamError, match="放弃"):
        session.submit()
    with pytest.raises(ExamError):
        session.set_answer(2, "A")


def test_time_rules_are_checked() -> None:
    from revise.sessions.exam import TimeRule

    assert TimeRule.of(None) == TimeRule("submit") and TimeRule.of("grace") == TimeRule("grace", 5)
    with pytest.raises(ValueError, match="宽限时间"):
        TimeRule("grace", 0)
    with pytest.raises(ValueError):
        TimeRule("later")


# -- 判我对 in the exam review (issue 11) ---------------------------------------------------------------------


def test_appealing_an_exam_answer_uses_the_practice_rule_and_gives_full_marks(exam_bank, store: Store) -> None:
    from revise.progress.scheduling import GOOD
    from revise.sessions.exam import ExamReport

    clock = FakeClock()
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=clock)
    judge = next(q for q in session.drawn.questions if q.question.id == "mkt-4c-judge")
    session.set_answer(judge.number, "对")
    report = session.submit()
    item = report.items[judge.number - 1]
    assert item.verdict == "incorrect" and item.appealable and "mkt-4c-judge" in store.notebook_ids()
    with pytest.raises(ExamError):
        session.appeal(1)  # unanswered: nothing to appeal
    clock.advance(minutes=5)
    session.appeal(judge.number)
    [appeal] = store.appeals()
    assert (appeal["question_id"], appeal["review_id"], appeal["original_verdict"], appeal["response"]) == ("mkt-4c-judge", item.review_id, "incorrect", "对")
    assert store.receipt_for(item.review_id).rating == GOOD
    assert "mkt-4c-judge" not in store.notebook_ids()
    assert item.appealed and item.points == 2 and report.total == 2 and not item.appealable
    assert store.exam_attempt(session.attempt_id)["score"] == 2
    assert ExamReport.from_json(store.exam_attempt(session.attempt_id)["report"]).items[judge.number - 1].appealed
    session.appeal(judge.number)  # twice changes nothing
    assert len(store.appeals()) == 1
