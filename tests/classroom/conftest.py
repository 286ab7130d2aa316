"""Fixtures of the class tests: a real PostgreSQL server (pytest-postgresql, Debian's binaries), classes, rosters.

The server is started once per test session by pytest-postgresql's executor
from ``/usr/lib/postgresql/<newest>/bin/pg_ctl`` (installed by
``.ci/install-deps``). PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` user through a small ``runuser`` wrapper, in a
directory that user owns. Password authentication is on, so a role can only be
used by who knows its password, as on a real server.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from revise.classroom.roster import Member, Roster

SUPERUSER_PASSWORD = "pg-test-secret"
FIXTURE_BANK = Path(__file__).resolve().parent.parent / "fixtures" / "bank"
_counter = itertools.count(1)


def _pg_ctl() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


WRAPPER = """#!/bin/bash
# pg_ctl as the postgres user (PostgreSQL will not run as root); lets it read pytest-postgresql's password file.
for arg in "$@"; do
  if [[ "$arg" =~ --pwfile=([^[:space:]\\"\\']+) ]]; then chown postgres "${{BASH_REMATCH[1]}}"; fi
done
exec runuser -u postgres -- {pg_ctl} "$@"
"""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A PostgreSQL server for the whole test session (superuser ``postgres`` with a password)."""
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    pg_ctl = _pg_ctl()
    if pg_ctl is None:
        pytest.fail("PostgreSQL is not installed: run .ci/install-deps (apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="revise-pg-"))
    executable = str(pg_ctl)
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
        wrapper = Path(tempfile.mkdtemp(prefix="revise-pgctl-")) / "pg_ctl"
        wrapper.write_text(WRAPPER.format(pg_ctl=pg_ctl))
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        wrapper.parent.chmod(0o755)
        executable = str(wrapper)
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=_free_port(),
        datadir=str(workdir / "data"),
        unixsocketdir=str(workdir),
        logfile=str(workdir / "postgresql.log"),
        startparams="-w",
        dbname="postgres",
        user="postgres",
        password=SUPERUSER_PASSWORD,
        postgres_options="-c max_connections=200",
    )
    executor.start()
    _wait_until_ready(executor)
    try:
        yield executor
    finally:
        executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_ready(server: object, timeout: float = 60.0) -> None:
    """Wait until the server accepts connections (the port opens while it is still starting up)."""
    import time

    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(superuser_url(server), connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def superuser_url(server: object, dbname: str = "postgres") -> str:
    """The superuser's URL for a database of the test server."""
    return f"postgresql://postgres:{SUPERUSER_PASSWORD}@{server.host}:{server.port}/{dbname}"  # type: ignore[attr-defined]


@pytest.fixture
def class_db(pg_server: object) -> Iterator[str]:
    """A fresh, empty database for one test (dropped with the roles of its class afterwards); its superuser URL."""
    import psycopg

    name = f"class_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(superuser_url(pg_server), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield superuser_url(pg_server, name)
    finally:
        with psycopg.connect(superuser_url(pg_server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for (role,) in admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"rv_{name}_%",)).fetchall():
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


ROSTER_CSV = "学号,姓名,角色\ns001,张三,学生\ns002,李四,学生\nt001,王老师,教师\n"


@dataclass
class ClassSetup:
    """A created class: its owner URL, roster, and where students keep their data."""

    url: str
    roster: Roster
    data_root: Path
    bank_version: str


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    """A roster of two students (s001, s002) and a teacher (t001), passwords set."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    roster = Roster.open(path)
    for member in roster.members:
        roster.set_password(member.id, f"pw-{member.id}-secret")
    return roster


@pytest.fixture
def classroom(class_db: str, roster: Roster, tmp_path: Path) -> ClassSetup:
    """The class created in a fresh database with the fixture bank."""
    from revise.bank.loader import load_bank
    from revise.classroom.classstore import create_class

    bank = load_bank([FIXTURE_BANK]).bank
    created = create_class(class_db, roster, bank, FIXTURE_BANK)
    data_root = tmp_path / "students"
    data_root.mkdir(mode=0o700)
    return ClassSetup(class_db, roster, data_root, created.bank_version)


def answer(store: object, question_id: str, verdict: str = "correct", response: str = "客户关系管理", **extra: object) -> object:
    """Record one answer in a local store, as the app does."""
    from revise.clock import utc_now

    score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[verdict]
    return store.record_answer(  # type: ignore[attr-defined]
        question_id=question_id, question_type="fill", response=response, verdict=verdict, score=score, at=extra.pop("at", utc_now()), **extra
    )


__all__ = ["FIXTURE_BANK", "ClassSetup", "Member", "answer", "superuser_url"]
