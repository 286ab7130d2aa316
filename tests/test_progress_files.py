"""Issue 13 #8, #9, #18, #24: a damaged database is set aside and salvaged, at any size, by one instance, privately."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from revise.progress import files
from revise.progress.store import DB_NAME, Store

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
ANSWERS = 3000
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def build_history(data_dir: Path, answers: int = ANSWERS) -> None:
    """A database with `answers` answers, checkpointed into the main file."""
    with Store.open(data_dir) as store:

        def fill(connection: sqlite3.Connection) -> None:
            for index in range(answers):
                store._record_answer(
                    connection,
                    dict(
                        question_id=f"q{index % 300}",
                        question_type="fill",
                        response=f"答案{index}",
                        verdict="correct" if index % 3 else "incorrect",
                        score=1.0,
                        at=T0 + timedelta(seconds=index),
                    ),
                )

        store._write(fill)
        store.set_setting("daily_new_limit", 7)
        store._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def damage_one_log_page(path: Path) -> int:
    """Overwrite one leaf page of the review log in the middle of the file; the number of rows it held."""
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    leaves = connection.execute("SELECT pageno, ncell FROM dbstat WHERE name = 'review_log' AND pagetype = 'leaf' ORDER BY pageno").fetchall()
    connection.close()
    pageno, cells = leaves[len(leaves) // 2]
    with path.open("r+b") as handle:
        handle.seek((pageno - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    return int(cells)


@pytest.mark.parametrize("use_cli", [False, True])
def test_one_damaged_page_keeps_every_answer_that_can_be_read(tmp_path: Path, use_cli: bool) -> None:
    if use_cli and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 shell")
    build_history(tmp_path)
    path = tmp_path / DB_NAME
    lost = damage_one_log_page(path)
    damaged = path.read_bytes()
    with Store.open(tmp_path, salvage_with_cli=use_cli) as store:
        [notice] = store.notices
        assert notice.moved_to is not None and notice.moved_to.read_bytes() == damaged  # the original, never deleted or changed
        assert ANSWERS - lost - 2 <= notice.salvaged_answers < ANSWERS  # the damaged page (give or take its edge) is all that is lost
        assert f"救回 {notice.salvaged_answers} 条作答记录" in notice.message
        assert store.answer_count() == notice.salvaged_answers
        assert store.get_setting("daily_new_limit") == 7  # settings come across too
        assert len(store.cards()) == 300
        store.record_answer(question_id="new", question_type="fill", response="x", verdict="correct", score=1.0, at=T0 + timedelta(days=1))
        assert store.history("new")[0].id > ANSWERS  # new answers never reuse a salvaged id
    assert not list(tmp_path.glob("*.salvage-*"))  # the salvage's working copy became the database


def test_a_big_database_is_checked_in_the_background_and_its_damage_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_history(tmp_path)
    lost = damage_one_log_page(tmp_path / DB_NAME)
    # Stand-in for "over 16 MiB": the check at open is skipped for a file this size.
    monkeypatch.setattr(files, "QUICK_CHECK_MAX_BYTES", 1024)
    with Store.open(tmp_path, salvage_with_cli=False) as store:
        assert store.notices == []  # start-up did not wait for the check
        assert store.wait_for_integrity_check(30)
        count = store.answer_count()  # the next call acts on what the worker found
        [notice] = store.take_notices()
        assert "救回" in notice.message and count == notice.salvaged_answers >= ANSWERS - lost - 2
        assert store.take_notices() == []


def test_damage_found_by_any_query_takes_the_set_aside_path_not_a_traceback(tmp_path: Path) -> None:
    build_history(tmp_path)
    damage_one_log_page(tmp_path / DB_NAME)
    with Store.open(tmp_path, integrity_check=False, salvage_with_cli=False) as store:
        assert store.notices == []
        history = store.reviews()  # reads the damaged page: set aside, salvaged, and read again
        assert ANSWERS - 200 < len(history) < ANSWERS
        assert store.notices and store.notices[0].moved_to is not None and store.notices[0].moved_to.exists()
        store.record_answer(question_id="q1", question_type="fill", response="x", verdict="correct", score=1.0, at=T0 + timedelta(days=1))


def test_a_write_that_meets_damage_is_saved_in_the_salvaged_database(tmp_path: Path) -> None:
    from faults import failing_writes

    with Store.open(tmp_path) as store:
        store.set_setting("daily_new_limit", 4)
        with failing_writes(store, "corrupt", times=1):
            receipt = store.record_answer(question_id="q", question_type="fill", response="x", verdict="incorrect", score=0.0, at=T0)
        assert store.is_committed(receipt.review_id) and store.notebook_ids() == ["q"]
        [notice] = store.take_notices()
        assert notice.moved_to is not None and notice.moved_to.exists()
        assert store.get_setting("daily_new_limit") == 4  # salvaged from the set-aside file


STARTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from revise.progress.store import Store
    data_dir, go = sys.argv[1], Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    with Store.open(data_dir, salvage_with_cli=False) as store:
        store.set_setting("daily_new_limit", 3)
        print(len(store.notices), store.answer_count(), flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "page"])
def test_two_instances_starting_together_on_a_corrupt_database_both_start(tmp_path: Path, damage: str) -> None:
    script = tmp_path / "starter.py"
    script.write_text(STARTER, encoding="utf-8")
    template = tmp_path / "template"
    if damage == "page":
        build_history(template, 600)
        damage_one_log_page(template / DB_NAME)
    for round_ in range(4 if damage == "page" else 8):
        data_dir = tmp_path / f"round{round_}"
        data_dir.mkdir()
        if damage == "garbage":
            (data_dir / DB_NAME).write_bytes(b"this is not a database at all" * 100)
        else:
            shutil.copy(template / DB_NAME, data_dir / DB_NAME)
        go = tmp_path / f"go{round_}"
        starters = [
            subprocess.Popen([sys.executable, str(script), str(data_dir), str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        time.sleep(0.3)  # both are waiting on the go file
        go.touch()
        results = [starter.communicate(timeout=60) for starter in starters]
        assert [starter.returncode for starter in starters] == [0, 0], [err for _, err in results]
        notices = sorted(int(out.split()[0]) for out, _ in results)
        assert notices == [0, 1], results  # exactly one of them set the file aside
        set_aside = [p for p in data_dir.glob(f"{DB_NAME}.corrupt-*") if not p.name.endswith(("-wal", "-shm", "-journal"))]
        assert len(set_aside) == 1  # and nobody moved the fresh one away
        counts = {int(out.split()[1]) for out, _ in results}
        assert len(counts) == 1  # both see the same (salvaged) database


@posix_only
def test_the_data_dir_is_private_and_so_are_its_files(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pass  # modes are still set for root; only access checks differ
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        store.set_setting("daily_new_limit", 5)
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}.lock"):
            assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600, name


@posix_only
def test_an_existing_open_data_dir_and_database_are_tightened_and_set_aside_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store.open(data_dir).close()
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / DB_NAME, 0o644)
    with Store.open(data_dir):
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / DB_NAME).stat().st_mode) == 0o600
    other = tmp_path / "other"
    other.mkdir(mode=0o755)
    (other / DB_NAME).write_bytes(b"garbage, world-readable")
    os.chmod(other / DB_NAME, 0o644)
    with Store.open(other) as store:
        moved = store.notices[0].moved_to
        assert moved is not None and stat.S_IMODE(moved.stat().st_mode) == 0o600


@posix_only
def test_a_folder_of_the_students_own_keeps_its_mode(tmp_path: Path) -> None:
    own = tmp_path / "documents"
    own.mkdir(mode=0o755)
    os.chmod(own, 0o755)
    (own / "essay.txt").write_text("mine")
    with Store.open(own):
        assert stat.S_IMODE(own.stat().st_mode) == 0o755
        assert stat.S_IMODE((own / DB_NAME).stat().st_mode) == 0o600


@posix_only
def test_crash_logs_are_written_private(tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    files.write_private_text(log, "Traceback …")
    assert log.read_text(encoding="utf-8") == "Traceback …" and stat.S_IMODE(log.stat().st_mode) == 0o600


def test_salvage_copies_every_table_the_schema_has(tmp_path: Path) -> None:
    """A table added by a migration but left out of the salvage list would be lost when a damaged file is set aside."""
    import sqlite3

    from revise.progress.salvage import TABLES

    Store.open(tmp_path / "data").close()
    connection = sqlite3.connect(tmp_path / "data" / DB_NAME)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    connection.close()
    assert tables <= set(TABLES), sorted(tables - set(TABLES))
