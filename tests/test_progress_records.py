"""The store's side of the student features: overrides on the current state, undo, bookmarks, notes, appeals, "due today"."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.progress.due import due_cutoff, is_due_today
from revise.progress.scheduling import AGAIN, EASY, GOOD, HARD
from revise.progress.store import (
    NOTEBOOK_ADDED,
    NOTEBOOK_CLEARED,
    NOTEBOOK_STILL_IN,
    Store,
    StoreError,
    latest_version,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
UTC8 = timezone(timedelta(hours=8))


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def answer(store: Store, qid: str, verdict: str, at: datetime, **extra):
    score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict]
    return store.record_answer(question_id=qid, question_type="fill", response=f"r-{verdict}", verdict=verdict, score=score, at=at, **extra)


# -- issue 13 #17: an override never rebuilds from a stale copy ----------------------------------------


def test_an_override_from_a_stale_screen_keeps_another_instances_newer_answer(tmp_path: Path) -> None:
    with Store.open(tmp_path) as window_a, Store.open(tmp_path) as window_b:
        stale = answer(window_a, "q", "incorrect", T0)  # A shows the feedback and waits
        newer = answer(window_b, "q", "correct", T0 + timedelta(minutes=10))
        window_a.record_override(stale, EASY, at=T0 + timedelta(minutes=11))
        card = window_b.get_card("q")
        assert card.card == newer.card_after  # B's answer still stands
        assert card.reviews == 2 and card.card.last_review == T0 + timedelta(minutes=10)
        assert [row.kind for row in window_b.history("q")] == ["answer", "answer", "override"]  # the override is logged


def test_an_override_starts_from_the_state_the_store_held_before_the_answer(store: Store) -> None:
    first = answer(store, "q", "correct", T0)
    second = answer(store, "q", "incorrect", T0 + timedelta(days=1))
    # A screen whose receipt lost its before-state (or holds a wrong one) still rebuilds correctly.
    from dataclasses import replace

    tampered = replace(second, card_before=None, notebook_before=None)
    overridden = store.record_override(tampered, EASY, at=T0 + timedelta(days=1, minutes=1))
    assert overridden.card_before == first.card_after
    assert store.get_card("q").card == overridden.card_after
    assert store.notebook_ids() == []  # I knew it well: out of the notebook it entered a minute ago


def test_the_state_before_every_answer_can_be_read_in_one_go(store: Store) -> None:
    first = answer(store, "q", "correct", T0)
    second = answer(store, "q", "incorrect", T0 + timedelta(days=1))
    assert store.card_states_before() == {first.review_id: None, second.review_id: first.card_after}


# -- undo ---------------------------------------------------------------------------------------------


def test_undo_appends_a_compensating_record_and_scheduling_and_the_notebook_follow(store: Store) -> None:
    first = answer(store, "q", "correct", T0)
    wrong = answer(store, "q", "incorrect", T0 + timedelta(days=1))
    assert store.notebook_ids() == ["q"]
    undone = store.undo_answer(wrong.review_id, at=T0 + timedelta(days=1, seconds=5))
    assert undone.card == first.card_after
    record = store.get_card("q")
    assert record.card == first.card_after and (record.reviews, record.correct, record.incorrect) == (1, 1, 0)
    assert store.notebook_ids() == [] and store.notebook_entry("q") is None
    assert store.answer_count() == 1
    assert [(row.kind, row.undone) for row in store.history("q")] == [("answer", False), ("answer", True)]  # nothing erased
    assert store.answers_in_ranges([T0 + timedelta(days=1), T0 + timedelta(days=2)]) == [0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._connection.execute("DELETE FROM review_undos")
    assert store.undo_answer(wrong.review_id).card == first.card_after  # twice is once


def test_undoing_a_first_answer_leaves_the_question_new(store: Store) -> None:
    receipt = answer(store, "q", "incorrect", T0)
    store.undo_answer(receipt.review_id)
    assert store.get_card("q") is None and store.seen_ids() == set() and store.notebook_ids() == []
    assert len(store.history("q")) == 1  # the log keeps it, marked undone


def test_only_a_questions_latest_answer_can_be_undone(store: Store) -> None:
    old = answer(store, "q", "incorrect", T0)
    answer(store, "q", "correct", T0 + timedelta(minutes=5))
    with pytest.raises(StoreError, match="只能撤销最后一次作答"):
        store.undo_answer(old.review_id)
    with pytest.raises(StoreError, match="没有编号"):
        store.undo_answer(999)


# -- partial mistakes ----------------------------------------------------------------------------------


def test_a_partial_answer_enters_the_notebook(store: Store) -> None:
    receipt = answer(store, "q", "partial", T0)
    assert receipt.notebook_status == NOTEBOOK_ADDED and store.notebook_ids() == ["q"]
    assert answer(store, "q", "partial", T0 + timedelta(minutes=1)).notebook_status == NOTEBOOK_STILL_IN
    assert store.notebook_entry("q").times_wrong == 2


# -- bookmarks and notes -----------------------------------------------------------------------------------


def test_bookmarks_are_added_once_listed_and_removed(store: Store) -> None:
    assert store.add_bookmark("q2", T0) and store.add_bookmark("q1", T0 + timedelta(minutes=1))
    assert not store.add_bookmark("q2", T0 + timedelta(hours=1))  # already there: first time kept
    assert store.bookmarks() == [("q2", T0), ("q1", T0 + timedelta(minutes=1))]
    assert store.bookmark_ids() == ["q2", "q1"] and store.is_bookmarked("q1")
    assert store.remove_bookmark("q2") and not store.remove_bookmark("q2")
    assert store.bookmark_ids() == ["q1"]


def test_notes_are_kept_per_question_replaced_and_cleared(store: Store) -> None:
    assert store.get_note("q") is None
    store.set_note("q", "4P 对应 4C：产品→顾客", T0)
    store.set_note("q", "4P 对应 4C：产品→顾客，价格→成本", T0 + timedelta(minutes=1))
    store.set_note("r", "记住 20/80", T0 + timedelta(minutes=2))
    note = store.get_note("q")
    assert note.text.endswith("价格→成本") and note.updated_at == T0 + timedelta(minutes=1)
    assert [n.question_id for n in store.notes()] == ["r", "q"]
    assert store.set_note("q", "   ", T0) is None and store.get_note("q") is None
    with pytest.raises(ValueError, match="笔记太长"):
        store.set_note("q", "长" * 10_001, T0)


# -- appeals (判我对) ---------------------------------------------------------------------------------


def test_an_appeal_is_logged_with_the_original_verdict_rates_good_and_leaves_the_notebook(store: Store) -> None:
    wrong = answer(store, "q", "incorrect", T0)
    assert store.notebook_ids() == ["q"]
    appeal_id = store.record_appeal("q", wrong.review_id, "incorrect", "客户让渡价值", T0 + timedelta(minutes=1))
    [appeal] = store.appeals()
    assert appeal == {
        "id": appeal_id,
        "question_id": "q",
        "review_id": wrong.review_id,
        "original_verdict": "incorrect",
        "response": "客户让渡价值",
        "appealed_at": T0 + timedelta(minutes=1),
    }
    assert store.notebook_ids() == []
    entry = store.notebook_entry("q")
    assert entry is None or not entry.active  # as if it had been marked right: never a mistake
    good = store.receipt_for(wrong.review_id)
    assert good.rating == GOOD and store.get_card("q").card == good.card_after
    assert good.card_after.due > wrong.card_after.due  # scheduled as a Good answer, not Again
    assert [(row.kind, row.rating) for row in store.history("q")] == [("answer", AGAIN), ("override", GOOD)]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._connection.execute("UPDATE appeals SET response = 'x'")


def test_an_appeal_on_an_older_answer_does_not_undo_a_newer_mistake(store: Store) -> None:
    old = answer(store, "q", "incorrect", T0)
    answer(store, "q", "incorrect", T0 + timedelta(days=1))
    store.record_appeal("q", old.review_id, "incorrect", "r", T0 + timedelta(days=1, minutes=1))
    assert store.notebook_ids() == ["q"]  # the newer wrong answer keeps it there
    assert len(store.appeals("q")) == 1


def test_an_appeal_checks_its_answer(store: Store) -> None:
    receipt = answer(store, "q", "incorrect", T0)
    with pytest.raises(StoreError):
        store.record_appeal("other", receipt.review_id, "incorrect", "r", T0)
    with pytest.raises(ValueError, match="verdict"):
        store.record_appeal("q", receipt.review_id, "wrong", "r", T0)
    assert store.appeals() == []


def test_revise_appeals_lists_per_question_and_writes_a_safe_csv(tmp_path: Path, fixture_bank_path: Path, capsys) -> None:
    from revise.cli import main

    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        receipt = answer(store, "mkt-4p-list", "incorrect", T0)
        store.record_appeal("mkt-4p-list", receipt.review_id, "incorrect", '=HYPERLINK("http://x","点我")', T0)
        store.record_appeal("mkt-4p-list", None, "partial", "产品\x1b[2J价格", T0 + timedelta(minutes=1))
        store.record_appeal("gone-question", None, "incorrect", "@SUM(1)", T0 + timedelta(minutes=2))
    common = ["--bank", str(fixture_bank_path), "--data-dir", str(data_dir)]
    assert main([*common, "appeals"]) == 0
    out = capsys.readouterr().out
    assert "共 3 条申诉，涉及 2 道题" in out and "mkt-4p-list" in out and "\x1b" not in out
    assert out.index("mkt-4p-list") < out.index("gone-question")  # most appealed first
    target = tmp_path / "appeals.csv"
    assert main([*common, "appeals", "--csv", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["题目编号", "章节", "题目", "原判定", "学生答案", "申诉时间"]
    answers = [row[4] for row in rows[1:]]
    assert answers[0] == '\'=HYPERLINK("http://x","点我")' and answers[2] == "'@SUM(1)"
    assert rows[3][1] == "（题目已不在题库中）" and rows[1][3] == "错误"


def test_revise_appeals_with_none_says_so(tmp_path: Path, fixture_bank_path: Path, capsys) -> None:
    from revise.cli import main

    assert main(["--bank", str(fixture_bank_path), "--data-dir", str(tmp_path / "d"), "appeals"]) == 0
    assert "还没有申诉" in capsys.readouterr().out


# -- 自评: key points ticked by the student (issue 11) --------------------------------------------------


def short_answer(store: Store, verdict: str, score: float, at: datetime = T0):
    return store.record_answer(question_id="s", question_type="short", response="以客户为中心", verdict=verdict, score=score, at=at)


def test_a_self_assessment_is_logged_as_such_and_the_rating_and_notebook_follow_its_verdict(store: Store) -> None:
    partial = short_answer(store, "partial", 1 / 3)
    assert partial.rating == HARD and store.notebook_ids() == ["s"]
    ticked = store.record_self_assessment(partial, ["客户价值最大化", "长期利润"], score=1.0, verdict="correct", at=T0 + timedelta(minutes=1))
    # Rated as a correct answer is (Good), scheduled from the state before the answer, and never a mistake.
    assert (ticked.rating, ticked.verdict, ticked.score) == (GOOD, "correct", 1.0)
    assert store.get_card("s").card == ticked.card_after and ticked.card_after.due > partial.card_after.due
    assert store.notebook_ids() == []
    [logged] = store.self_assessments("s")
    assert (logged.review_id, logged.points, logged.score_before, logged.score) == (partial.review_id, ("客户价值最大化", "长期利润"), 1 / 3, 1.0)
    assert (logged.verdict_before, logged.verdict, logged.rating, logged.assessed_at) == ("partial", "correct", GOOD, T0 + timedelta(minutes=1))
    # The answer's own row is untouched; an override row says the rating changed, for every reader of ratings.
    history = store.history("s")
    assert [(row.kind, row.verdict, row.rating) for row in history] == [("answer", "partial", HARD), ("override", "correct", GOOD)]
    assert store.receipt_for(partial.review_id).rating == GOOD
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._connection.execute("UPDATE self_assessments SET score = 0")


def test_taking_the_ticks_back_returns_to_the_automatic_verdict(store: Store) -> None:
    partial = short_answer(store, "partial", 1 / 3)
    store.record_self_assessment(partial, ["长期利润"], score=2 / 3, verdict="partial")
    back = store.record_self_assessment(partial, [], score=1 / 3, verdict="partial")
    assert back.rating == HARD and store.notebook_ids() == ["s"]
    assert store.get_card("s").card == partial.card_after
    assert [entry.points for entry in store.self_assessments()] == [("长期利润",), ()]
    assert store.latest_self_assessment(partial.review_id).points == ()


def test_a_wrong_answer_ticked_to_partial_is_rated_hard_and_stays_in_the_notebook(store: Store) -> None:
    wrong = short_answer(store, "incorrect", 0.0)
    ticked = store.record_self_assessment(wrong, ["以客户为中心"], score=1 / 3, verdict="partial")
    assert ticked.rating == HARD and store.notebook_ids() == ["s"]


def test_a_self_assessment_checks_its_answer(store: Store) -> None:
    partial = short_answer(store, "partial", 0.5)
    store.undo_answer(partial.review_id)
    with pytest.raises(StoreError, match="撤销"):
        store.record_self_assessment(partial, ["x"], score=1.0, verdict="correct")
    with pytest.raises(ValueError, match="verdict"):
        store.record_self_assessment(partial, ["x"], score=1.0, verdict="right")
    with pytest.raises(ValueError, match="score"):
        store.record_self_assessment(partial, ["x"], score=1.5, verdict="correct")
    assert store.self_assessments() == []


# -- "due today", defined once -------------------------------------------------------------------------


def test_due_today_means_before_the_end_of_the_local_day(store: Store) -> None:
    now = datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in UTC+8
    assert due_cutoff(now, UTC8) == datetime(2025, 3, 1, 16, 0, tzinfo=timezone.utc)  # midnight in UTC+8
    assert is_due_today(now + timedelta(hours=14), now, UTC8)  # 23:00 local: due today
    assert not is_due_today(now + timedelta(hours=15), now, UTC8)  # 00:00 tomorrow
    assert not is_due_today(None, now, UTC8)
    for qid, hours in (("soon", 1), ("tonight", 14), ("tomorrow", 16)):
        answer(store, qid, "correct", now - timedelta(days=3))
        store._connection.execute(
            "UPDATE cards SET due = ? WHERE question_id = ?", ((now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"), qid)
        )
    assert store.due_today_ids(now, UTC8) == ["soon", "tonight"]
    assert store.due_ids(now) == []  # "due now" is a different question


def test_mastery_counts_due_today_with_the_same_definition(store: Store, fixture_bank) -> None:
    from revise.progress.mastery import compute_mastery

    now = datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc)
    ids = list(fixture_bank.questions)[:3]
    for qid, hours in zip(ids, (1, 14, 16)):
        answer(store, qid, "correct", now - timedelta(days=3))
        store._connection.execute(
            "UPDATE cards SET due = ? WHERE question_id = ?", ((now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"), qid)
        )
    report = compute_mastery(fixture_bank, store, now=now, tz=UTC8)
    assert report.bank.due_today == len(store.due_today_ids(now, UTC8)) == 2


# -- schema --------------------------------------------------------------------------------------------


def test_every_new_table_comes_with_a_migration_and_the_log_tables_are_append_only(store: Store) -> None:
    tables = {row[0] for row in store._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"answer_states", "review_undos", "bookmarks", "notes", "appeals", "self_assessments"} <= tables
    triggers = {row[0] for row in store._connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in ("review_log", "answer_states", "review_undos", "appeals", "self_assessments"):
        assert {f"{table}_no_update", f"{table}_no_delete"} <= triggers
    assert store.schema_version == latest_version() >= 8
    assert NOTEBOOK_CLEARED  # re-exported for the screens
