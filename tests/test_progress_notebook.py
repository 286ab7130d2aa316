"""The 错题本 in the store: partial answers go in, the student's own removals and clears, putting back, reading, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.bank.response import Response
from revise.progress.notebook_edits import write_csv
from revise.progress.store import Store

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
SCORES = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}


def answer(store: Store, qid: str, verdict: str, at: datetime, response: str = "x"):
    return store.record_answer(question_id=qid, question_type="choice", response=response, verdict=verdict, score=SCORES[verdict], at=at)


def log_and_cards(store: Store):
    """Everything removal must leave alone: the whole review log and every card."""
    return store.reviews(), store.cards()


# -- partial answers are mistakes too --------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "response"),
    [
        ("mkt-4p-multi", Response(choices=frozenset({0, 2}))),  # 多选, one right option (E) missing
        ("mkt-4p-list", Response(blanks=("产品", "价格", "地点", "广告"))),  # one blank of four wrong
    ],
    ids=["multi-missing-option", "fill-one-blank-wrong"],
)
def test_a_partly_right_answer_goes_in_the_notebook(store: Store, fixture_bank, question_id: str, response: Response) -> None:
    from revise.sessions.engine import PracticeEngine

    engine = PracticeEngine(fixture_bank, store, queue=[question_id], now=lambda: T0, rng_seed=1)
    assert engine.next_question() is not None
    outcome = engine.answer(response)
    assert outcome.result.verdict == "partial"
    assert outcome.notebook_status == "added"
    assert store.notebook_ids() == [question_id]
    (item,) = store.notebook_items()
    assert item.last_wrong is not None and item.last_wrong.verdict == "partial"
    assert item.last_wrong.response == response.display()


def test_a_partial_answer_of_a_question_in_the_notebook_counts_as_wrong_again(store: Store) -> None:
    answer(store, "q", "incorrect", T0)
    answer(store, "q", "correct", T0 + timedelta(hours=1))  # one right: one more to go
    receipt = answer(store, "q", "partial", T0 + timedelta(hours=2))
    assert receipt.notebook_status == "still-in"
    entry = store.notebook_entry("q")
    assert entry is not None and entry.active and entry.times_wrong == 2 and entry.correct_streak == 0


# -- removing one ------------------------------------------------------------------------------


def test_removing_a_question_takes_it_out_and_keeps_all_history(store: Store) -> None:
    answer(store, "a", "incorrect", T0)
    answer(store, "b", "incorrect", T0 + timedelta(minutes=1))
    before = log_and_cards(store)
    removed = store.remove_from_notebook("a", T0 + timedelta(hours=1))
    assert removed is not None and removed.question_id == "a" and removed.active
    assert store.notebook_ids() == ["b"]
    entry = store.notebook_entry("a")
    assert entry is not None and entry.cleared_at == T0 + timedelta(hours=1)  # kept, marked out
    assert log_and_cards(store) == before  # not one log row or card changed
    assert [row.verdict for row in store.history("a")] == ["incorrect"]


def test_removing_what_is_not_in_the_notebook_changes_nothing(store: Store) -> None:
    answer(store, "a", "incorrect", T0)
    assert store.remove_from_notebook("a", T0 + timedelta(hours=1)) is not None
    assert store.remove_from_notebook("a", T0 + timedelta(hours=2)) is None
    assert store.notebook_entry("a").cleared_at == T0 + timedelta(hours=1)  # the first removal's time stays
    assert store.remove_from_notebook("never-seen", T0) is None
    assert store.notebook_entry("never-seen") is None


def test_a_removed_question_answered_wrong_again_comes_back_with_its_count(store: Store) -> None:
    answer(store, "a", "incorrect", T0)
    store.remove_from_notebook("a", T0 + timedelta(hours=1))
    answer(store, "a", "correct", T0 + timedelta(hours=2))
    assert store.notebook_ids() == []  # right answers leave it out
    receipt = answer(store, "a", "incorrect", T0 + timedelta(hours=3))
    assert receipt.notebook_status == "added"
    entry = store.notebook_entry("a")
    assert entry is not None and entry.active and entry.times_wrong == 2


# -- clearing ----------------------------------------------------------------------------------


def test_clearing_takes_everything_out_in_one_go_and_keeps_history(store: Store) -> None:
    for minute, qid in enumerate(["a", "b", "c"]):
        answer(store, qid, "incorrect", T0 + timedelta(minutes=minute))
    store.remove_from_notebook("b", T0 + timedelta(hours=1))
    before = log_and_cards(store)
    cleared = store.clear_notebook(T0 + timedelta(hours=2))
    assert [entry.question_id for entry in cleared] == ["a", "c"]  # b was already out
    assert store.notebook() == []
    assert store.notebook_entry("b").cleared_at == T0 + timedelta(hours=1)
    assert log_and_cards(store) == before
    assert store.clear_notebook(T0 + timedelta(hours=3)) == []


def test_clearing_only_some_questions(store: Store) -> None:
    for minute, qid in enumerate(["a", "b", "c"]):
        answer(store, qid, "incorrect", T0 + timedelta(minutes=minute))
    cleared = store.clear_notebook(T0 + timedelta(hours=1), ["c", "a", "a", "unknown"])
    assert sorted(entry.question_id for entry in cleared) == ["a", "c"]
    assert store.notebook_ids() == ["b"]


# -- putting back ------------------------------------------------------------------------------


def test_what_was_taken_out_can_be_put_back_as_it_was(store: Store) -> None:
    answer(store, "a", "incorrect", T0)
    answer(store, "a", "incorrect", T0 + timedelta(minutes=5))
    answer(store, "a", "correct", T0 + timedelta(minutes=10))
    answer(store, "b", "incorrect", T0 + timedelta(minutes=20))
    kept = {entry.question_id: entry for entry in store.notebook()}
    removed = store.clear_notebook(T0 + timedelta(hours=1))
    assert store.restore_to_notebook(removed) == 2
    assert {entry.question_id: entry for entry in store.notebook()} == kept  # count, streak and times as before


def test_putting_back_leaves_a_question_answered_wrong_since(store: Store) -> None:
    answer(store, "a", "incorrect", T0)
    removed = store.remove_from_notebook("a", T0 + timedelta(hours=1))
    assert removed is not None
    answer(store, "a", "incorrect", T0 + timedelta(hours=2))  # back in by itself, counted twice
    assert store.restore_to_notebook([removed]) == 0
    entry = store.notebook_entry("a")
    assert entry is not None and entry.times_wrong == 2 and entry.last_wrong_at == T0 + timedelta(hours=2)


# -- reading the notebook with its answers ---------------------------------------------------


def test_items_carry_the_latest_answer_and_the_latest_wrong_one(store: Store) -> None:
    answer(store, "a", "incorrect", T0, response="A")
    answer(store, "a", "partial", T0 + timedelta(minutes=1), response="AB")
    answer(store, "a", "correct", T0 + timedelta(minutes=2), response="C")
    answer(store, "b", "incorrect", T0 + timedelta(minutes=3), response="D")
    answer(store, "gone", "incorrect", T0 + timedelta(minutes=4))
    store.remove_from_notebook("gone", T0 + timedelta(minutes=5))
    items = {item.question_id: item for item in store.notebook_items()}
    assert list(items) == ["a", "b"]
    assert items["a"].last_answer.response == "C" and items["a"].last_answer.verdict == "correct"
    assert items["a"].last_wrong.response == "AB" and items["a"].last_wrong.verdict == "partial"
    assert items["a"].entry.times_wrong == 2 and items["a"].entry.correct_streak == 1
    assert items["b"].last_answer == items["b"].last_wrong and items["b"].last_wrong.response == "D"


def test_items_ignore_undone_answers(store: Store) -> None:
    answer(store, "a", "incorrect", T0, response="A")
    answer(store, "a", "incorrect", T0 + timedelta(minutes=1), response="B")
    last = answer(store, "a", "incorrect", T0 + timedelta(minutes=2), response="D")
    store.undo_answer(last.review_id, at=T0 + timedelta(minutes=3))
    (item,) = store.notebook_items()
    assert item.last_wrong.response == "B" and item.last_answer.response == "B"


# -- the CSV export ----------------------------------------------------------------------------


def test_the_csv_has_a_bom_crlf_and_no_cell_that_starts_a_formula(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "错题本.csv", ["题目", "答案"], [['=HYPERLINK("x")', "+1"], ["两行\n文字", 3], ["@SUM(A1)", None], ["-2", "普通"]])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["题目", "答案"], ['\'=HYPERLINK("x")', "'+1"], ["两行\n文字", "3"], ["'@SUM(A1)", ""], ["'-2", "普通"]]
    assert [p.name for p in tmp_path.iterdir()] == ["错题本.csv"]  # no temporary file left


def test_a_failed_export_leaves_no_file_behind(tmp_path: Path) -> None:
    def rows():
        yield ["一"]
        raise RuntimeError("stopped half way")

    with pytest.raises(RuntimeError):
        write_csv(tmp_path / "out.csv", ["题目"], rows())
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OSError):
        write_csv(tmp_path / "no-such-folder" / "out.csv", ["题目"], [])
