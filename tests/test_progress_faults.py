"""Issue 13 #6: when the disk refuses a write, every write path says so, and nothing half-done is left behind."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from clocks import ManualClock
from faults import failing_writes, snapshot

from revise.bank.loader import load_bank
from revise.progress.store import AttemptTakenError, Store, StoreError, StoreWriteError
from revise.sessions.exam import ExamSession

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
PAPER = """\
id: mini
title: 小测验
minutes: 30
sections:
  - {title: 一、填空题, type: fill, count: 1, points: 2}
  - {title: 二、多项选择题, type: multi, count: 1, points: 4}
"""


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def exam_bank(tmp_path: Path, fixture_bank_path: Path):
    bank_dir = tmp_path / "bank"
    shutil.copytree(fixture_bank_path, bank_dir)
    (bank_dir / "papers").mkdir()
    (bank_dir / "papers" / "mini.yaml").write_text(PAPER, encoding="utf-8")
    return load_bank([bank_dir]).bank


def answer(store: Store, qid: str = "q1", verdict: str = "incorrect", at: datetime = T0):
    return store.record_answer(question_id=qid, question_type="fill", response="r", verdict=verdict, score=0.0, at=at)


def prepared(store: Store) -> dict[str, Any]:
    """A store with something of every kind in it, so that each write path has something to change."""
    receipt = answer(store, "q1")
    answer(store, "q2", "correct")
    attempt = store.start_exam_attempt("mini", 1, 30, T0, T0 + timedelta(minutes=30), [(1, "q1"), (2, "q2")])
    store.save_exam_answer(attempt, 1, "产品", False, T0)
    done = store.start_exam_attempt("mini", 2, 30, T0, T0 + timedelta(minutes=30), [(1, "q1")])
    store.submit_exam_attempt(done, T0, False, 1.0, 2.0, "{}", [])
    store.add_bookmark("q2", T0)
    store.set_note("q2", "旧笔记", T0)
    return {"receipt": receipt, "attempt": attempt, "done": done}


# Every method that writes, called as a UI would.
WRITE_PATHS: dict[str, Callable[[Store, dict[str, Any]], object]] = {
    "record_answer": lambda s, ctx: answer(s, "q3", "correct"),
    "record_override": lambda s, ctx: s.record_override(ctx["receipt"], 4, at=T0),
    "undo_answer": lambda s, ctx: s.undo_answer(ctx["receipt"].review_id, at=T0),
    "record_appeal": lambda s, ctx: s.record_appeal("q1", ctx["receipt"].review_id, "incorrect", "r", T0),
    "set_setting": lambda s, ctx: s.set_setting("daily_new_limit", 5),
    "add_bookmark": lambda s, ctx: s.add_bookmark("q1", T0),
    "remove_bookmark": lambda s, ctx: s.remove_bookmark("q2"),
    "set_note": lambda s, ctx: s.set_note("q1", "笔记", T0),
    "clear_note": lambda s, ctx: s.set_note("q2", "", T0),
    "start_exam_attempt": lambda s, ctx: s.start_exam_attempt("mini", 3, 30, T0, T0 + timedelta(minutes=30), [(1, "q1")]),
    "save_exam_answer": lambda s, ctx: s.save_exam_answer(ctx["attempt"], 2, "ACE", True, T0),
    "claim_exam_attempt": lambda s, ctx: s.claim_exam_attempt(ctx["attempt"], "host:1:x", T0),
    "submit_exam_attempt": lambda s, ctx: s.submit_exam_attempt(
        ctx["attempt"],
        T0,
        False,
        1.0,
        2.0,
        "{}",
        [dict(question_id="q1", question_type="fill", response="产品", verdict="correct", score=1.0, at=T0, mode="exam")],
    ),
    "adjust_exam_points": lambda s, ctx: s.adjust_exam_points(ctx["done"], 1, 1.0, 2.0, 2.0, "{}", T0),
    "abandon_exam_attempt": lambda s, ctx: s.abandon_exam_attempt(ctx["attempt"], "试卷已删除", T0),
}


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
@pytest.mark.parametrize(("kind", "at"), [("disk-full", "statement"), ("io", "commit"), ("locked", "statement")])
def test_every_write_path_reports_a_refused_write_and_changes_nothing(store: Store, path: str, kind: str, at: str) -> None:
    context = prepared(store)
    before = snapshot(store)
    with failing_writes(store, kind, at=at) as faulty, pytest.raises(StoreWriteError) as raised:
        WRITE_PATHS[path](store, context)
    assert faulty.failures >= 1
    assert raised.value.kind == kind
    assert "没有保存" in str(raised.value)  # the student is told, in their language
    assert snapshot(store) == before  # nothing half-written: the transaction was rolled back
    assert not store._connection.in_transaction
    WRITE_PATHS[path](store, context)  # and once the disk is back, the same write goes through


def test_a_real_full_disk_is_reported_as_such(store: Store) -> None:
    answer(store, "q0")
    store._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
    store._connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreWriteError) as raised:
        for index in range(200):  # enough rows to need a new page
            store.record_answer(question_id=f"q{index}", question_type="fill", response="长" * 500, verdict="correct", score=1.0, at=T0)
    assert raised.value.kind == "disk-full"
    store._connection.execute("PRAGMA max_page_count = 1073741823")
    answer(store, "after")
    assert store.get_card("after") is not None


def test_is_committed_tells_the_ui_whether_an_answer_is_saved(store: Store) -> None:
    receipt = answer(store)
    assert store.is_committed(receipt.review_id)
    assert not store.is_committed(receipt.review_id + 100)


def test_an_exam_answer_the_disk_refused_stays_pending_and_is_saved_on_retry(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=ManualClock(T0))
    with failing_writes(store, "disk-full"), pytest.raises(StoreWriteError):
        session.set_answer(1, "产品、价格、渠道、促销")
    assert session.pending == {1: ("产品、价格、渠道、促销", False, False)}  # text, flagged, late
    assert not session.is_saved(1)  # the UI must not show ✓
    assert store.saved_exam_answer(session.attempt_id, 1) is None
    with failing_writes(store, "io"):
        assert session.retry_pending() == [1]  # still refused, quietly
    assert session.retry_pending() == []
    assert session.is_saved(1) and store.saved_exam_answer(session.attempt_id, 1) == ("产品、价格、渠道、促销", False)


def test_hand_in_with_an_unsaved_answer_is_refused_truthfully_then_includes_it(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=ManualClock(T0))
    with failing_writes(store, "disk-full"):
        with pytest.raises(StoreWriteError):
            session.set_answer(1, "产品、价格、渠道、促销")
        with pytest.raises(StoreWriteError, match="没有交卷"):
            session.submit()
    assert not session.submitted and store.unfinished_exam_attempt() == session.attempt_id
    report = session.submit()
    assert report.items[0].response == "产品、价格、渠道、促销" and report.items[0].points == 2


def test_a_hand_in_the_disk_refused_logs_nothing_and_can_be_repeated(exam_bank, store: Store) -> None:
    session = ExamSession.start(exam_bank, store, exam_bank.papers["mini"], seed=1, clock=ManualClock(T0))
    session.set_answer(1, "产品、价格、渠道、促销")
    with failing_writes(store, "io", at="commit"), pytest.raises(StoreWriteError):
        session.submit()
    assert store.answer_count() == 0 and not session.submitted
    assert session.submit().total == 2 and store.answer_count() == 1


def test_write_errors_are_store_errors_and_taken_attempts_say_so(store: Store) -> None:
    assert issubclass(StoreWriteError, StoreError) and issubclass(AttemptTakenError, StoreError)
    attempt = store.start_exam_attempt("mini", 1, 30, T0, T0 + timedelta(minutes=30), [(1, "q1")], owner="elsewhere:1:a")
    with pytest.raises(AttemptTakenError):
        store.save_exam_answer(attempt, 1, "x", False, T0, owner="elsewhere:2:b")
