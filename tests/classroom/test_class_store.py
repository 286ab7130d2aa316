"""The class store on a real PostgreSQL: migrations, idempotent sync, syncs cut off, and access enforced by the database."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from revise.classroom import classstore
from revise.classroom.classstore import ClassStoreError, create_class, member_url
from revise.classroom.roster import student_dir
from revise.classroom.sync import STATE_FILE, SyncError, SyncState, sync, sync_to
from revise.progress.store import Store
from tests.classroom.conftest import FIXTURE_BANK, ClassSetup, answer

pytestmark = pytest.mark.slow  # starts PostgreSQL

QUESTIONS = ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-tf", "crm-definition"]


def _count(url: str, table: str, student: str | None = None) -> int:
    with psycopg.connect(url) as connection:
        if student is None:
            row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        else:
            row = connection.execute(f"SELECT count(*) FROM {table} WHERE student_id = %s", (student,)).fetchone()
    assert row is not None
    return int(row[0])


def _practise(data_dir: Path, answers: int) -> None:
    with Store.open(data_dir) as store:
        for n in range(answers):
            answer(store, QUESTIONS[n % len(QUESTIONS)], "correct" if n % 3 else "incorrect")


def test_create_class_is_versioned_and_idempotent(classroom: ClassSetup) -> None:
    with psycopg.connect(classroom.url) as connection:
        assert classstore.schema_version(connection) == classstore.latest_version()
        members = connection.execute("SELECT student_id, role FROM class_members ORDER BY student_id").fetchall()
    assert members == [("s001", "student"), ("s002", "student"), ("t001", "teacher")]
    again = create_class(classroom.url, classroom.roster, None, FIXTURE_BANK)
    assert again.applied == []
    assert _count(classroom.url, "class_migrations") == 1
    assert _count(classroom.url, "bank_questions") > 0


def test_sync_pushes_each_row_once(classroom: ClassSetup) -> None:
    data_dir = student_dir(classroom.data_root, classroom.roster, "s001")
    _practise(data_dir, 7)
    url = member_url(classroom.url, classroom.roster, "s001")
    first = sync_to(data_dir, url, classroom.bank_version)
    assert first.student_id == "s001"
    assert first.new == {"reviews": 7}
    second = sync_to(data_dir, url, classroom.bank_version)
    assert second.new == {} and second.sent == {}
    assert "已是最新" in second.summary()
    _practise(data_dir, 2)
    third = sync_to(data_dir, url, classroom.bank_version)
    assert third.new == {"reviews": 2}
    assert _count(classroom.url, "reviews", "s001") == 9
    # The local store records which class store it syncs to, without the password.
    state = SyncState.load(data_dir)
    assert state.class_store is not None and "pw" not in state.class_store and state.class_store.startswith("postgresql://rv_")
    assert classroom.roster.db_password("s001") not in (data_dir / STATE_FILE).read_text()


def test_sync_cut_off_after_commit_duplicates_nothing(classroom: ClassSetup) -> None:
    data_dir = student_dir(classroom.data_root, classroom.roster, "s002")
    _practise(data_dir, 25)
    url = member_url(classroom.url, classroom.roster, "s002")
    batches = []

    def crash_after_third_commit(event: str) -> None:
        batches.append(event)
        if len(batches) == 3:
            raise KeyboardInterrupt  # the process dies between the commit and saving where it got to

    with psycopg.connect(url) as connection, pytest.raises(KeyboardInterrupt):
        sync(data_dir, connection, url, classroom.bank_version, batch_size=4, hook=crash_after_third_commit)
    assert _count(classroom.url, "reviews", "s002") == 12
    result = sync_to(data_dir, url, classroom.bank_version, batch_size=4)
    assert result.sent["reviews"] == 25 - 8  # the third batch is sent again ...
    assert result.new["reviews"] == 25 - 12  # ... and the class store ignores it
    assert _count(classroom.url, "reviews", "s002") == 25


def test_sync_cut_off_before_commit_loses_nothing(classroom: ClassSetup) -> None:
    data_dir = student_dir(classroom.data_root, classroom.roster, "s002")
    _practise(data_dir, 10)
    url = member_url(classroom.url, classroom.roster, "s002")
    with psycopg.connect(url) as connection:
        pid = connection.info.backend_pid
        calls = []

        def kill_connection(event: str) -> None:
            calls.append(event)
            if len(calls) == 1:
                with psycopg.connect(classroom.url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        with pytest.raises(SyncError, match="同步中断"):
            sync(data_dir, connection, url, classroom.bank_version, batch_size=3, hook=kill_connection)
    assert _count(classroom.url, "reviews", "s002") == 3
    sync_to(data_dir, url, classroom.bank_version, batch_size=3)
    assert _count(classroom.url, "reviews", "s002") == 10


def test_exam_attempts_answers_and_adjustments_are_pushed(classroom: ClassSetup) -> None:
    from datetime import timedelta

    from revise.clock import utc_now

    data_dir = student_dir(classroom.data_root, classroom.roster, "s001")
    now = utc_now()
    with Store.open(data_dir) as store:
        attempt = store.start_exam_attempt("mock", 7, 60, now, now + timedelta(hours=1), [(1, "mkt-4p-tf"), (2, "crm-definition")])
        store.save_exam_answer(attempt, 1, "对", False, now)
        store.save_exam_answer(attempt, 2, "客户关系管理是……", True, now)
        answers = [
            dict(question_id="mkt-4p-tf", question_type="truefalse", response="对", verdict="correct", score=1.0, at=now, mode="exam"),
            dict(question_id="crm-definition", question_type="fill", response="客户关系管理", verdict="partial", score=0.5, at=now, mode="exam"),
        ]
        store.submit_exam_attempt(attempt, now, False, 6.0, 10.0, "{}", answers)
        store.start_exam_attempt("mock", 8, 60, now, now + timedelta(hours=1), [(1, "mkt-4p-tf")])  # unfinished: stays local
    url = member_url(classroom.url, classroom.roster, "s001")
    result = sync_to(data_dir, url, classroom.bank_version)
    assert result.new == {"reviews": 2, "exam_attempts": 1, "exam_answers": 2}
    with Store.open(data_dir) as store:
        store.adjust_exam_points(attempt, 2, 2.0, 4.0, 8.0, "{}", now)
    result = sync_to(data_dir, url, classroom.bank_version)
    assert result.new == {"exam_adjustments": 1}
    with psycopg.connect(classroom.url) as connection:
        row = connection.execute(
            "SELECT a.base_score + coalesce(sum(j.points - j.previous_points), 0) FROM exam_attempts a"
            " LEFT JOIN exam_adjustments j USING (student_id, store_id) GROUP BY a.base_score"
        ).fetchone()
    assert row is not None and row[0] == pytest.approx(8.0)


def test_a_student_role_cannot_insert_anothers_facts(classroom: ClassSetup) -> None:
    """Row-level security: the database itself refuses a forged insert, whatever Python does."""
    url = member_url(classroom.url, classroom.roster, "s001")
    with psycopg.connect(url) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(
            "INSERT INTO reviews (student_id, store_id, local_id, bank_version, question_id, question_type, reviewed_at, kind, response, verdict, score, rating, mode)"
            " VALUES ('s002', 'forged', 1, 'v', 'q', 'fill', now(), 'answer', 'x', 'correct', 1, 3, 'practice')"
        )
    # ... nor change or delete rows, nor read other students' rows or the roster.
    data_dir = student_dir(classroom.data_root, classroom.roster, "s002")
    _practise(data_dir, 2)
    sync_to(data_dir, member_url(classroom.url, classroom.roster, "s002"), classroom.bank_version)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("UPDATE reviews SET score = 1")
        connection.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM reviews")
        connection.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("SELECT * FROM class_members")


def test_a_student_cannot_sync_as_another(classroom: ClassSetup) -> None:
    data_dir = student_dir(classroom.data_root, classroom.roster, "s001")
    _practise(data_dir, 1)
    url = member_url(classroom.url, classroom.roster, "s001")
    with pytest.raises(SyncError, match="只能上传自己的记录"):
        sync_to(data_dir, url, classroom.bank_version, student_id="s002")
    assert _count(classroom.url, "reviews") == 0
    # Nor log in as another student's role without its password.
    other = classstore.with_credentials(classroom.url, classstore.member_role(classstore.database_name(classroom.url), "s002"), "guess")
    with pytest.raises(ClassStoreError, match="无法连接"):
        classstore.connect(other)


def test_nothing_leaves_the_machine_without_a_class_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(classstore.STORE_ENV, raising=False)
    assert classstore.resolve_store_url(None) is None
    with pytest.raises(ClassStoreError):
        classstore.resolve_store_url("http://example.com/x")
