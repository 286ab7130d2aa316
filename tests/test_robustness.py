"""Progress is never lost: deleted and edited questions, SIGKILL, two processes, corrupt files, unwritable dirs."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.progress.mastery import compute_mastery
from revise.progress.store import DB_NAME, DataDirError, Store, StoreCorruptError
from revise.sessions.engine import PracticeEngine

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)

# A worker answering questions with the real engine and a stand-in grader (this is
# about the store, not grading). After each answer returns it prints the review id.
WORKER = textwrap.dedent(
    """
    import sys, time
    from dataclasses import dataclass
    from pathlib import Path
    from revise.sessions.engine import PracticeEngine
    from revise.bank.loader import load_bank
    from revise.progress.store import Store

    @dataclass(frozen=True)
    class Result:
        verdict: str
        score: float
        expected: str = ""
        feedback: str = ""

    def grade(question, response, bank=None, *, params=None, unit_shown=False):
        text = response if isinstance(response, str) else response.display()  # a Response from the engine
        return Result(text, 1.0 if text == "correct" else 0.0)

    bank_dir, data_dir, count, go_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    bank = load_bank([bank_dir]).bank
    while go_file != "-" and not Path(go_file).exists():
        time.sleep(0.005)
    answered = 0
    with Store.open(data_dir) as store:
        while count < 0 or answered < count:
            # An explicit queue never runs dry: the worker goes round the bank until stopped.
            engine = PracticeEngine(bank, store, queue=list(bank.questions), grade=grade, rng_seed=answered)
            while (count < 0 or answered < count) and (presented := engine.next_question()) is not None:
                verdict = "correct" if answered % 3 else "incorrect"
                outcome = engine.answer(verdict)
                answered += 1
                print(outcome.review_id, presented.question.id, flush=True)
    """
)


def start_worker(tmp_path: Path, bank: Path, data_dir: Path, count: int, go_file: Path | None = None) -> subprocess.Popen:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), str(bank), str(data_dir), str(count), str(go_file) if go_file else "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stub_grade(question, response, bank=None, *, params=None, unit_shown=False):
    from types import SimpleNamespace

    text = response if isinstance(response, str) else response.display()  # the engine hands a Response
    verdict = text if text in ("correct", "partial") else "incorrect"
    return SimpleNamespace(verdict=verdict, score={"correct": 1.0, "partial": 0.5}.get(verdict, 0.0), expected="", feedback="")


# -- the bank changes --------------------------------------------------------------------------


def copy_bank(fixture_bank_path: Path, tmp_path: Path) -> Path:
    bank_dir = tmp_path / "bank"
    shutil.copytree(fixture_bank_path, bank_dir)
    return bank_dir


def test_a_deleted_question_keeps_its_history_and_is_no_longer_scheduled(fixture_bank_path: Path, tmp_path: Path) -> None:
    bank_dir = copy_bank(fixture_bank_path, tmp_path)
    with Store.open(tmp_path / "data") as store:
        engine = PracticeEngine(load_bank([bank_dir]).bank, store, queue=["val-fixed"], grade=stub_grade, now=lambda: T0)
        engine.next_question()
        engine.answer("wrong")
        assert store.notebook_ids() == ["val-fixed"]

    value_file = bank_dir / "02-value.yaml"
    text = value_file.read_text(encoding="utf-8")
    value_file.write_text(text[: text.index("  - id: val-fixed")], encoding="utf-8")
    bank = load_bank([bank_dir]).bank
    assert "val-fixed" not in bank.questions

    later = T0 + timedelta(days=30)  # long due, had it still existed
    with Store.open(tmp_path / "data") as store:
        assert [r.verdict for r in store.history("val-fixed")] == ["incorrect"]
        assert "val-fixed" in store.due_ids(later)
        practice = PracticeEngine(bank, store, grade=stub_grade, now=lambda: later, daily_new_limit=100)
        served = []
        while (presented := practice.next_question()) is not None and len(served) < 60:
            served.append(presented.question.id)
            practice.answer("correct")
        assert served and "val-fixed" not in served
        notebook = PracticeEngine(bank, store, notebook_only=True, grade=stub_grade, now=lambda: later)
        assert notebook.next_question() is None
        assert "val-fixed" not in compute_mastery(bank, store, now=later).questions
        assert [r.verdict for r in store.history("val-fixed")] == ["incorrect"]  # still there


def test_a_question_whose_answer_was_edited_keeps_its_history(fixture_bank_path: Path, tmp_path: Path) -> None:
    bank_dir = copy_bank(fixture_bank_path, tmp_path)
    with Store.open(tmp_path / "data") as store:
        engine = PracticeEngine(load_bank([bank_dir]).bank, store, queue=["val-fixed"], grade=stub_grade, now=lambda: T0)
        engine.next_question()
        engine.answer("correct")
        card_before = store.get_card("val-fixed")

    value_file = bank_dir / "02-value.yaml"
    text = value_file.read_text(encoding="utf-8")
    value_file.write_text(text.replace("    answer: 20\n", "    answer: 25\n"), encoding="utf-8")
    bank = load_bank([bank_dir]).bank
    assert bank.questions["val-fixed"].answer == 25

    with Store.open(tmp_path / "data") as store:
        assert store.get_card("val-fixed") == card_before
        assert len(store.history("val-fixed")) == 1
        # Still scheduled from its history: not offered as new, served when due.
        later = T0 + timedelta(days=60)
        engine = PracticeEngine(bank, store, grade=stub_grade, now=lambda: later, daily_new_limit=0)
        presented = engine.next_question()
        assert (presented.question.id, presented.reason) == ("val-fixed", "due")
        engine.answer("correct")
        assert len(store.history("val-fixed")) == 2


# -- crashes and concurrency -----------------------------------------------------------------


def test_sigkill_between_answers_loses_nothing_that_was_answered(fixture_bank_path: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    worker = start_worker(tmp_path, fixture_bank_path, data_dir, count=-1)
    reported = []
    assert worker.stdout is not None
    for _ in range(25):
        line = worker.stdout.readline()
        assert line, worker.stderr.read() if worker.stderr else ""
        reported.append(line.split())
    # The worker keeps answering without pause, so the kill lands mid-work.
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    with Store.open(data_dir) as store:
        rows = {record.id: record.question_id for record in store.reviews()}
        for review_id, question_id in reported:
            assert rows[int(review_id)] == question_id
        assert len(rows) >= len(reported)
        assert sum(record.reviews for record in store.cards().values()) == len(rows)
        before = len(rows)

    # Restarted, it carries on where it was.
    again = start_worker(tmp_path, fixture_bank_path, data_dir, count=5)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert len(out.splitlines()) == 5
    connection = sqlite3.connect(data_dir / DB_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == before + 5
    connection.close()


@pytest.mark.slow
@pytest.mark.parametrize(("processes", "fresh"), [(2, False), (4, True)], ids=["two-processes", "four-starting-a-fresh-data-dir"])
def test_two_processes_answering_at_once_both_succeed(fixture_bank_path: Path, tmp_path: Path, processes: int, fresh: bool) -> None:
    data_dir = tmp_path / "data"
    if not fresh:
        Store.open(data_dir).close()
    go = tmp_path / "go"
    per_worker = 40 if processes == 2 else 15
    workers = [start_worker(tmp_path, fixture_bank_path, data_dir, per_worker, go) for _ in range(processes)]
    time.sleep(0.5)  # let both load the bank and wait at the start line
    go.touch()
    results = [worker.communicate(timeout=120) for worker in workers]
    for worker, (out, err) in zip(workers, results):
        assert worker.returncode == 0, err
        assert "locked" not in err
        assert len(out.splitlines()) == per_worker
    ids = [int(line.split()[0]) for out, _ in results for line in out.splitlines()]
    assert len(set(ids)) == processes * per_worker
    with Store.open(data_dir) as store:
        assert store.answer_count() == processes * per_worker
        # All answered the same questions; every answer counted on its card (no lost update).
        assert sum(record.reviews for record in store.cards().values()) == processes * per_worker


def test_lock_errors_at_open_are_retried_but_other_errors_are_not() -> None:
    """SQLite reports "database is locked" at once (no busy wait) in some open races; those are retried."""
    from revise.progress.store import _retry_while_busy

    attempts = []

    def locked_twice() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "wal"

    assert _retry_while_busy(locked_twice) == "wal" and len(attempts) == 3

    def broken() -> None:
        attempts.append(1)
        raise sqlite3.OperationalError("disk I/O error")

    attempts.clear()
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _retry_while_busy(broken)
    assert len(attempts) == 1


# -- the database file -----------------------------------------------------------------------


def test_a_non_sqlite_file_is_moved_aside_and_a_fresh_database_started(tmp_path: Path) -> None:
    garbage = b"\x00\x01 definitely not SQLite " * 100
    (tmp_path / DB_NAME).write_bytes(garbage)
    (tmp_path / f"{DB_NAME}-wal").write_bytes(b"stale wal")
    with Store.open(tmp_path) as store:
        [notice] = store.notices
        moved = notice.moved_to
        assert moved is not None and moved.name.startswith(f"{DB_NAME}.corrupt-")
        assert str(moved) in notice.message and "not a SQLite database" in notice.message
        assert moved.read_bytes() == garbage  # never silently deleted
        assert Path(f"{moved}-wal").read_bytes() == b"stale wal"
        store.record_answer(question_id="q", question_type="fill", response="", verdict="correct", score=1, at=T0)
        assert store.answer_count() == 1
    with Store.open(tmp_path) as store:
        assert store.notices == [] and store.answer_count() == 1


def test_a_damaged_database_is_moved_aside(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for index in range(300):
            store.record_answer(question_id=f"q{index}", question_type="fill", response="x" * 200, verdict="correct", score=1, at=T0)
    path = tmp_path / DB_NAME
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size * 2, len(data) - page_size, page_size):  # scribble over every page after the first two
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with Store.open(tmp_path) as store:
        [notice] = store.notices
        assert "damaged" in notice.message
        assert notice.moved_to.read_bytes() == bytes(data)
        assert store.answer_count() == 0


def test_a_foreign_sqlite_database_is_not_mixed_with_progress(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / DB_NAME)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.execute("INSERT INTO recipes VALUES ('饺子')")
    connection.commit()
    connection.close()
    with Store.open(tmp_path) as store:
        [notice] = store.notices
        assert "not one of revise's" in notice.message
        moved = sqlite3.connect(notice.moved_to)
        assert moved.execute("SELECT name FROM recipes").fetchall() == [("饺子",)]
        moved.close()


def test_a_directory_in_the_databases_place_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).mkdir()
    (tmp_path / DB_NAME / "keep.txt").write_text("mine")
    with Store.open(tmp_path) as store:
        [notice] = store.notices
        assert (notice.moved_to / "keep.txt").read_text() == "mine"
        assert store.path.is_file()


def test_corruption_found_while_in_use_is_set_aside_and_a_persisting_one_raises_a_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.set_setting("daily_new_limit", 9)
        # A page going bad under a running app surfaces as SQLITE_CORRUPT from some query.
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]

        def broken(_connection):
            raise error

        with pytest.raises(StoreCorruptError, match="请重新启动 revise"):
            store._read(broken)
        # The file was set aside once (never deleted), what it held salvaged, and the store carries on.
        [notice] = store.notices
        assert notice.moved_to is not None and notice.moved_to.exists()
        assert store.get_setting("daily_new_limit") == 9


# -- the data dir ------------------------------------------------------------------------------


def test_a_data_dir_that_cannot_be_created_raises_a_specific_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match="无法创建数据目录"):
        Store.open(blocker / "data")
    with pytest.raises(DataDirError, match="不是一个目录"):
        Store.open(blocker)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_data_dir_raises_a_specific_error(tmp_path: Path) -> None:
    data_dir = tmp_path / "ro"
    data_dir.mkdir()
    data_dir.chmod(0o500)
    try:
        with pytest.raises(DataDirError, match="无法写入"):
            Store.open(data_dir)
    finally:
        data_dir.chmod(0o700)


def test_a_data_dir_refusing_files_raises_a_specific_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only mount or a directory without write permission does (also testable as root)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(DataDirError, match=r"无法写入数据目录 .*Permission denied"):
        Store.open(tmp_path)
    assert not (tmp_path / DB_NAME).exists()


def test_an_unwritable_data_dir_gives_a_clear_message_and_exit_1(fixture_bank_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    env = {**os.environ, "REVISE_DATA_DIR": str(blocker / "data")}
    completed = subprocess.run([sys.executable, "-m", "revise", "stats", "--bank", str(fixture_bank_path)], capture_output=True, text=True, env=env, timeout=60)
    assert completed.returncode == 1
    assert completed.stderr.startswith("revise") and "无法创建数据目录" in completed.stderr
    assert "--data-dir" in completed.stderr and "Traceback" not in completed.stderr
