"""Mock exams: scoring, saving as answers change, resuming after a kill, and the report."""

from __future__ import annotations

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
        ("mkt-4p-multi", "ca", 4, pytest.approx(4 * 2 / 3, abs=0.01), "partial"),  # 少选得部分分
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
    assert report.total == pytest.approx(2 + 4 / 3, abs=0.01)  # fill right; one of the three multi letters
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
