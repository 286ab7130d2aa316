"""The class store: one PostgreSQL database per class, which students' facts are pushed to.

Tables (created by versioned migrations, :data:`MIGRATIONS`, recorded in ``class_migrations``):

- ``class_members``: the roster as the class store knows it, with each
  member's PostgreSQL role;
- ``bank_questions``: the chapter and type of every question of each bank version;
- ``reviews``, ``exam_attempts``, ``exam_answers``, ``exam_adjustments``,
  ``appeals``: students' append-only facts, each keyed by the student's roster
  id, the local store they came from and their id there, so that pushing one
  twice changes nothing (``INSERT … ON CONFLICT DO NOTHING``).

Access is enforced by the database, not only by Python. Every member logs in
with a role of their own (``rv_<database>_<id>``); student roles belong to
``rv_<database>_students``, which may INSERT and SELECT fact rows only where
``student_id`` is the student's own (row-level security through
:func:`class_current_student`), and has no UPDATE or DELETE at all. Teacher
roles belong to ``rv_<database>_teachers``, which may read everything. The
owner (whoever ran ``revise class create``) runs the migrations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

    from revise.bank.model import Bank
    from revise.classroom.roster import Member

STORE_ENV = "REVISE_CLASS_STORE"
FACT_TABLES = ("reviews", "exam_attempts", "exam_answers", "exam_adjustments", "appeals")


class ClassStoreError(Exception):
    """A problem with the class store; the message (Chinese) is meant for the user."""


@dataclass(frozen=True)
class ClassMigration:
    """One forward step of the class store's schema; `{students}` and `{teachers}` name the group roles."""

    version: int
    description: str
    statements: tuple[str, ...]


SCHEMA_V1 = (
    """
    CREATE TABLE class_members (
        student_id text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('student', 'teacher')),
        db_role text UNIQUE
    )
    """,
    """
    CREATE TABLE bank_questions (
        bank_version text NOT NULL,
        question_id text NOT NULL,
        chapter text NOT NULL,
        question_type text NOT NULL,
        PRIMARY KEY (bank_version, question_id)
    )
    """,
    """
    CREATE TABLE reviews (
        student_id text NOT NULL REFERENCES class_members,
        store_id text NOT NULL,
        local_id bigint NOT NULL,
        bank_version text NOT NULL,
        question_id text NOT NULL,
        question_type text NOT NULL,
        reviewed_at timestamptz NOT NULL,
        kind text NOT NULL,
        response text NOT NULL,
        verdict text NOT NULL,
        score double precision NOT NULL,
        rating smallint NOT NULL,
        duration_ms integer,
        mode text NOT NULL,
        overrides bigint,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (student_id, store_id, local_id)
    )
    """,
    "CREATE INDEX reviews_by_question ON reviews (question_id, student_id)",
    "CREATE INDEX reviews_by_time ON reviews (reviewed_at)",
    """
    CREATE TABLE exam_attempts (
        student_id text NOT NULL REFERENCES class_members,
        store_id text NOT NULL,
        local_id bigint NOT NULL,
        bank_version text NOT NULL,
        paper_id text NOT NULL,
        seed bigint NOT NULL,
        minutes integer NOT NULL,
        started_at timestamptz NOT NULL,
        submitted_at timestamptz NOT NULL,
        auto_submitted boolean NOT NULL,
        base_score double precision,
        max_score double precision,
        report jsonb,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (student_id, store_id, local_id)
    )
    """,
    """
    CREATE TABLE exam_answers (
        student_id text NOT NULL,
        store_id text NOT NULL,
        attempt_id bigint NOT NULL,
        number integer NOT NULL,
        question_id text NOT NULL,
        response text NOT NULL,
        flagged boolean NOT NULL,
        PRIMARY KEY (student_id, store_id, attempt_id, number),
        FOREIGN KEY (student_id, store_id, attempt_id) REFERENCES exam_attempts
    )
    """,
    """
    CREATE TABLE exam_adjustments (
        student_id text NOT NULL,
        store_id text NOT NULL,
        local_id bigint NOT NULL,
        attempt_id bigint NOT NULL,
        number integer NOT NULL,
        previous_points double precision NOT NULL,
        points double precision NOT NULL,
        adjusted_at timestamptz NOT NULL,
        PRIMARY KEY (student_id, store_id, local_id),
        FOREIGN KEY (student_id, store_id, attempt_id) REFERENCES exam_attempts
    )
    """,
    """
    CREATE TABLE appeals (
        student_id text NOT NULL REFERENCES class_members,
        store_id text NOT NULL,
        local_id bigint NOT NULL,
        bank_version text NOT NULL,
        question_id text,
        created_at timestamptz,
        payload jsonb NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (student_id, store_id, local_id)
    )
    """,
    # Who is connected, as a roster id: SECURITY DEFINER so students need no access to class_members.
    """
    CREATE FUNCTION class_current_student() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT student_id FROM public.class_members WHERE db_role = session_user $$
    """,
    "REVOKE ALL ON FUNCTION class_current_student() FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION class_current_student() TO {students}, {teachers}",
    *(
        statement
        for table in FACT_TABLES
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY {table}_owner ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)",
            f"CREATE POLICY {table}_insert_own ON {table} FOR INSERT TO {{students}} WITH CHECK (student_id = class_current_student())",
            f"CREATE POLICY {table}_select_own ON {table} FOR SELECT TO {{students}} USING (student_id = class_current_student())",
            f"CREATE POLICY {table}_teachers_read ON {table} FOR SELECT TO {{teachers}} USING (true)",
            f"GRANT SELECT, INSERT ON {table} TO {{students}}",
            f"GRANT SELECT ON {table} TO {{teachers}}",
        )
    ),
    "GRANT SELECT ON bank_questions TO {students}, {teachers}",
    "GRANT SELECT ON class_members, class_migrations TO {teachers}",
)

MIGRATIONS: tuple[ClassMigration, ...] = (ClassMigration(1, "roster, bank questions, students' facts, roles and row-level security", SCHEMA_V1),)


def latest_version() -> int:
    """The class store's schema version after all migrations."""
    return MIGRATIONS[-1].version


# -- connection strings ----------------------------------------------------------------------


def resolve_store_url(option: str | None) -> str | None:
    """The class store's URL: the option, then $REVISE_CLASS_STORE; None when neither is set (nothing leaves the machine)."""
    import os

    url = option or os.environ.get(STORE_ENV) or None
    if url is not None and not re.match(r"postgres(ql)?://", url):
        raise ClassStoreError(f"班级数据库地址应以 postgresql:// 开头：{redact(url)}")
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages and the local record of where a store syncs to."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    userinfo = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{netloc[1]}"))


def with_credentials(url: str, user: str, password: str | None) -> str:
    """The URL with its user (and password) replaced: how a session connects as one member's role."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = quote(user, safe="") + (f":{quote(password, safe='')}" if password is not None else "")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))


def database_name(url: str) -> str:
    """The database name in a class store URL."""
    name = unquote(urlsplit(url).path.lstrip("/"))
    if not name:
        raise ClassStoreError(f"班级数据库地址缺少数据库名：{redact(url)}")
    return name


def group_roles(dbname: str) -> tuple[str, str]:
    """(students group, teachers group) role names of the class in database `dbname`."""
    base = "rv_" + re.sub(r"[^a-z0-9_]", "_", dbname.lower())
    return f"{base}_students"[:63], f"{base}_teachers"[:63]


def member_role(dbname: str, member_id: str) -> str:
    """The PostgreSQL role of one roster member in the class of database `dbname`."""
    role = "rv_" + re.sub(r"[^a-z0-9_]", "_", dbname.lower()) + "_" + member_id.lower().replace("-", "_")
    if len(role) > 63:
        raise ClassStoreError(f"数据库名与学号 {member_id} 合起来太长（PostgreSQL 角色名最多 63 个字符）")
    return role


def connect(url: str, **kwargs: Any) -> psycopg.Connection:
    """A psycopg connection to the class store; ClassStoreError (with the password redacted) when it cannot be made."""
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=10, **kwargs)
    except psycopg.Error as error:
        raise ClassStoreError(f"无法连接班级数据库 {redact(url)}：{str(error).strip()}") from None


# -- creating the class ----------------------------------------------------------------------


def migrate(connection: psycopg.Connection) -> list[int]:
    """Apply the migrations the class store lacks (under an advisory lock); the versions applied."""
    from psycopg import sql

    students, teachers = group_roles(database_name_of(connection))
    applied: list[int] = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtext('revise class store migrations'))")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS class_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in connection.execute("SELECT version FROM class_migrations")}
        newest = max(done, default=0)
        if newest > latest_version():
            raise ClassStoreError(f"班级数据库的结构版本 {newest} 比这个 revise 新（{latest_version()}）；请升级 revise")
        for role in (students, teachers):
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            for statement in migration.statements:
                text = statement.replace("{students}", '"' + students + '"').replace("{teachers}", '"' + teachers + '"')
                connection.execute(text.encode())
            connection.execute("INSERT INTO class_migrations (version, description) VALUES (%s, %s)", (migration.version, migration.description))
            applied.append(migration.version)
        dbname = database_name_of(connection)
        connection.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(sql.Identifier(dbname), sql.Identifier(students), sql.Identifier(teachers)))
        connection.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}, {}").format(sql.Identifier(students), sql.Identifier(teachers)))
    return applied


def database_name_of(connection: psycopg.Connection) -> str:
    """The name of the database `connection` is connected to."""
    row = connection.execute("SELECT current_database()").fetchone()
    assert row is not None
    return str(row[0])


def schema_version(connection: psycopg.Connection) -> int:
    """The class store's schema version (0 before `revise class create`)."""
    exists = connection.execute("SELECT to_regclass('public.class_migrations')").fetchone()
    if not exists or exists[0] is None:
        return 0
    row = connection.execute("SELECT max(version) FROM class_migrations").fetchone()
    return int(row[0] or 0) if row else 0


def add_members(connection: psycopg.Connection, members: Sequence[Member], passwords: dict[str, str]) -> list[str]:
    """Create or update each member's row and login role (password from `passwords`); the roles made or updated."""
    from psycopg import sql

    dbname = database_name_of(connection)
    students, teachers = group_roles(dbname)
    done: list[str] = []
    with connection.transaction():
        for member in members:
            role = member_role(dbname, member.id)
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            connection.execute(sql.SQL(verb + " ROLE {} LOGIN INHERIT PASSWORD {}").format(sql.Identifier(role), sql.Literal(passwords[member.id])))
            group, other = (teachers, students) if member.is_teacher else (students, teachers)
            connection.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))
            connection.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other), sql.Identifier(role)))
            connection.execute(
                "INSERT INTO class_members (student_id, name, role, db_role) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (student_id) DO UPDATE SET name = excluded.name, role = excluded.role, db_role = excluded.db_role",
                (member.id, member.name, member.role, role),
            )
            done.append(role)
    return done


def bank_version(bank_roots: Any) -> str:
    """A short digest of the banks' files (names and contents): the bank version facts are recorded against.

    `bank_roots` is one bank folder or file, or a list of them (merged banks, in order).
    """
    import hashlib
    from pathlib import Path

    roots = [bank_roots] if isinstance(bank_roots, (str, Path)) else list(bank_roots)
    digest = hashlib.sha256()
    for raw in roots:
        root = Path(raw)
        files = sorted(root.rglob("*.yaml")) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        digest.update(b"\1")
    return digest.hexdigest()[:16]


def push_catalogue(connection: psycopg.Connection, bank: Bank, version: str) -> int:
    """Record the chapter and type of every question of the bank under `version`; the rows new to the store."""
    rows: Iterable[tuple[str, str, str, str]] = [(version, question.id, question.chapter, question.type) for question in bank.questions.values()]
    with connection.transaction(), connection.cursor() as cursor:
        before = cursor.execute("SELECT count(*) FROM bank_questions WHERE bank_version = %s", (version,)).fetchone()
        cursor.executemany(
            "INSERT INTO bank_questions (bank_version, question_id, chapter, question_type) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            list(rows),
        )
        after = cursor.execute("SELECT count(*) FROM bank_questions WHERE bank_version = %s", (version,)).fetchone()
    return int(after[0]) - int(before[0]) if after and before else 0


def is_teacher(connection: psycopg.Connection) -> bool:
    """True when the connected role may read the whole class: the tables' owner or a member of the teachers group."""
    _students, teachers = group_roles(database_name_of(connection))
    row = connection.execute(
        "SELECT pg_has_role(current_user, (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'reviews'), 'USAGE')"
        " OR (SELECT count(*) FROM pg_roles WHERE rolname = %s) = 1 AND pg_has_role(current_user, %s, 'USAGE')",
        (teachers, teachers),
    ).fetchone()
    return bool(row and row[0])


@dataclass
class CreatedClass:
    """What `revise class create` did: migrations applied, member roles made or updated, new catalogue rows."""

    applied: list[int]
    roles: list[str]
    questions: int
    bank_version: str


def create_class(url: str, roster: Any, bank: Bank | None, bank_root: Any) -> CreatedClass:
    """Create or update the class in the store at `url` (the owner's connection): schema, each roster member's role, the bank's questions.

    Each member's class-store password is made once and kept in the roster's
    accounts file (:meth:`revise.classroom.roster.Roster.db_password`); running
    this again adds new members and changes nothing else.
    """
    version = bank_version(bank_root)
    with connect(url, autocommit=True) as connection:
        applied = migrate(connection)
        passwords = {member.id: roster.db_password(member.id, create=True) for member in roster.members}
        roles = add_members(connection, roster.members, passwords)
        questions = push_catalogue(connection, bank, version) if bank is not None else 0
    return CreatedClass(applied, roles, questions, version)


def member_url(url: str, roster: Any, member_id: str) -> str:
    """The URL a roster member connects to the class store with: their own role and password (from the accounts file)."""
    password = roster.db_password(member_id)
    if password is None:
        raise ClassStoreError(f"学号 {member_id} 还没有班级数据库账号；先运行 `revise class create`")
    return with_credentials(url, member_role(database_name(url), member_id), password)
