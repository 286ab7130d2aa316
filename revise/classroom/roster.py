"""The class roster (a CSV of id, name, role), the accounts kept beside it, and students' data dirs.

The roster CSV has the columns ``id,name,role`` (or ``学号,姓名,角色``); a role
is ``student`` or ``teacher`` (``学生``/``教师`` are accepted). Passwords never
go into the CSV: they live in ``<roster>.accounts.sqlite3`` next to it (mode
0600) as ``hashlib.scrypt`` hashes with a random salt per user, together with
the count of failed logins that slows down guessing and the random password of
each account's role in the class store.

A roster id is the only name a student's data dir is built from, and only after
it matched :data:`ID_PATTERN` and an entry of the roster: see :func:`student_dir`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
ROLES = ("student", "teacher")
ROLE_ALIASES = {"student": "student", "teacher": "teacher", "学生": "student", "教师": "teacher", "老师": "teacher"}
HEADER_ALIASES = {"id": "id", "学号": "id", "name": "name", "姓名": "name", "role": "role", "角色": "role"}
MIN_PASSWORD_LENGTH = 6
# scrypt cost: about 50 ms and 16 MiB per check here, cheap for a login, dear for a guesser.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
# Failed logins: from the FREE_FAILURES-th failure on, the account waits 2, 4, 8 … seconds (at most MAX_LOCK_SECONDS).
FREE_FAILURES = 3
MAX_LOCK_SECONDS = 300.0
FAILURE_DELAY_SECONDS = 1.0  # every failure also costs the guesser this long

Clock = Callable[[], float]


class RosterError(Exception):
    """A problem with the roster or accounts; the message (Chinese) is meant for the teacher."""


@dataclass(frozen=True)
class Member:
    """One person on the roster."""

    id: str
    name: str
    role: str

    @property
    def is_teacher(self) -> bool:
        """True for a teacher account."""
        return self.role == "teacher"


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: the member (None on failure), whether a password must be set first, and a message."""

    member: Member | None
    must_set_password: bool = False
    message: str = ""
    wait_seconds: float = 0.0


def check_id(raw: str) -> str:
    """The id when it is a well-formed roster id (letters, digits, - and _; at most 32); RosterError otherwise."""
    text = raw.strip()
    if not ID_PATTERN.fullmatch(text):
        raise RosterError(f"学号 {raw!r} 无效：只能包含字母、数字、- 和 _，且不超过 32 个字符")
    return text


def _role(raw: str) -> str:
    role = ROLE_ALIASES.get(raw.strip().lower()) or ROLE_ALIASES.get(raw.strip())
    if role is None:
        raise RosterError(f"角色 {raw!r} 无效：应为 student 或 teacher（学生/教师）")
    return role


def parse_roster(text: str, source: str = "roster.csv") -> list[Member]:
    """The members in a roster CSV's text; RosterError with ``file:line: message`` for the first bad row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        raise RosterError(f"{source}:1: 名单是空的：第一行应为 id,name,role 或 学号,姓名,角色")
    header = [HEADER_ALIASES.get(cell.strip().lower()) or HEADER_ALIASES.get(cell.strip()) for cell in rows[0]]
    missing = [column for column in ("id", "name") if column not in header]
    if missing:
        raise RosterError(f"{source}:1: 缺少列 {', '.join(missing)}：第一行应为 id,name,role 或 学号,姓名,角色")
    members: list[Member] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row))
        try:
            member = Member(check_id(cells.get("id") or ""), (cells.get("name") or "").strip(), _role(cells.get("role") or "student"))
        except RosterError as error:
            raise RosterError(f"{source}:{line}: {error}") from None
        if member.id in seen:
            raise RosterError(f"{source}:{line}: 学号 {member.id} 重复（第 {seen[member.id]} 行已有）")
        seen[member.id] = line
        members.append(member)
    return members


def format_roster(members: Iterable[Member]) -> str:
    """The roster CSV text (English headers) for `members`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "role"])
    for member in members:
        writer.writerow([member.id, member.name, member.role])
    return out.getvalue()


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text` (fsynced; mode 0600)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    """(salt, scrypt hash) of `password`; a fresh random 16-byte salt unless one is given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN)
    return salt, digest


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable (Chinese), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    if password.strip() != password:
        return "密码首尾不能有空格"
    return None


ACCOUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    salt BLOB,
    hash BLOB,
    scrypt TEXT,                     -- "n,r,p" the hash was made with
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    db_password TEXT                 -- the account's password for its role in the class store
) WITHOUT ROWID
"""


class Roster:
    """The roster CSV and its accounts database. Open with :meth:`Roster.open`."""

    def __init__(self, path: Path, members: list[Member], clock: Clock = time.time) -> None:
        self.path = path
        self.members = members
        self._by_id = {member.id: member for member in members}
        self.clock = clock

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False, clock: Clock = time.time) -> Roster:
        """Read the roster at `path` (an empty one when `create` and it does not exist)."""
        path = Path(path)
        if not path.exists():
            if not create:
                raise RosterError(f"找不到名单文件 {path}；先用 `revise class roster add` 添加成员")
            return cls(path, [], clock)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RosterError(f"{path}:1: 无法读取名单：{error}") from None
        return cls(path, parse_roster(text, str(path)), clock)

    @property
    def accounts_path(self) -> Path:
        """Where passwords and failed-login counts are kept: ``<roster stem>.accounts.sqlite3`` beside the roster."""
        return self.path.with_name(self.path.stem + ".accounts.sqlite3")

    def _accounts(self) -> sqlite3.Connection:
        path = self.accounts_path
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        connection = sqlite3.connect(path, timeout=15, isolation_level=None)
        connection.execute("PRAGMA busy_timeout = 15000")
        connection.execute(ACCOUNTS_SCHEMA)
        return connection

    # -- members ---------------------------------------------------------------------------

    def get(self, raw_id: str) -> Member | None:
        """The member with this id, or None (also for a malformed id)."""
        try:
            return self._by_id.get(check_id(raw_id))
        except RosterError:
            return None

    def add(self, members: Iterable[Member]) -> list[Member]:
        """Add members (or update the name and role of existing ones) and save the CSV; the members added or changed."""
        changed = []
        for member in members:
            check_id(member.id)
            if self._by_id.get(member.id) != member:
                self._by_id[member.id] = member
                changed.append(member)
        self.members = list(self._by_id.values())
        _write_private(self.path, format_roster(self.members))
        return changed

    # -- passwords -------------------------------------------------------------------------

    def has_password(self, member_id: str) -> bool:
        """True when the account has a password set."""
        with self._accounts() as connection:
            row = connection.execute("SELECT hash FROM accounts WHERE id = ?", (member_id,)).fetchone()
        return bool(row and row[0])

    def set_password(self, member_id: str, password: str | None) -> None:
        """Set (or, with None, clear, so the next login sets it) an account's password and forget its failures."""
        if self.get(member_id) is None:
            raise RosterError(f"名单中没有学号 {member_id}")
        if password is not None and (problem := password_problem(password)):
            raise RosterError(problem)
        salt, digest = hash_password(password) if password is not None else (None, None)
        connection = self._accounts()
        try:
            connection.execute(
                "INSERT INTO accounts (id, salt, hash, scrypt, failures, locked_until) VALUES (?, ?, ?, ?, 0, 0)"
                " ON CONFLICT (id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, scrypt = excluded.scrypt, failures = 0, locked_until = 0",
                (member_id, salt, digest, f"{SCRYPT_N},{SCRYPT_R},{SCRYPT_P}"),
            )
        finally:
            connection.close()

    def login(self, raw_id: str, password: str, *, sleep: Callable[[float], None] = time.sleep) -> LoginResult:
        """Check a login. Unknown ids and wrong passwords get the same answer; failures are counted and slowed down.

        A member without a password yet gets ``must_set_password`` (the login
        screen then asks for a new one, see :meth:`set_password`).
        """
        member = self.get(raw_id)
        now = self.clock()
        connection = self._accounts()
        try:
            connection.execute("BEGIN IMMEDIATE")
            row = None
            if member is not None:
                row = connection.execute("SELECT salt, hash, scrypt, failures, locked_until FROM accounts WHERE id = ?", (member.id,)).fetchone()
            if row is not None and row[4] > now:
                connection.execute("COMMIT")
                wait = row[4] - now
                return LoginResult(None, message=f"登录失败次数过多，请 {int(wait) + 1} 秒后再试", wait_seconds=wait)
            if member is not None and (row is None or not row[1]):
                connection.execute("COMMIT")
                return LoginResult(member, must_set_password=True, message="首次登录：请设置密码")
            ok = False
            if member is not None and row is not None:
                n, r, p = (int(part) for part in (row[2] or f"{SCRYPT_N},{SCRYPT_R},{SCRYPT_P}").split(","))
                digest = hashlib.scrypt(password.encode("utf-8"), salt=row[0], n=n, r=r, p=p, dklen=len(row[1]))
                ok = hmac.compare_digest(digest, row[1])
            if ok:
                connection.execute("UPDATE accounts SET failures = 0, locked_until = 0 WHERE id = ?", (member.id,))  # type: ignore[union-attr]
                connection.execute("COMMIT")
                return LoginResult(member, message="登录成功")
            wait = 0.0
            if member is not None and row is not None:
                failures = row[3] + 1
                if failures >= FREE_FAILURES:
                    wait = min(2.0 ** (failures - FREE_FAILURES + 1), MAX_LOCK_SECONDS)
                connection.execute("UPDATE accounts SET failures = ?, locked_until = ? WHERE id = ?", (failures, now + wait if wait else 0, member.id))
            connection.execute("COMMIT")
        finally:
            connection.close()
        sleep(FAILURE_DELAY_SECONDS)
        message = "学号或密码错误"
        if wait:
            message += f"；请 {int(wait)} 秒后再试"
        return LoginResult(None, message=message, wait_seconds=wait)

    # -- class store credentials -----------------------------------------------------------

    def db_password(self, member_id: str, *, create: bool = False) -> str | None:
        """The account's password for its class-store role (made and saved when `create` and there is none yet)."""
        connection = self._accounts()
        try:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute("SELECT db_password FROM accounts WHERE id = ?", (member_id,)).fetchone()
            password = row[0] if row else None
            if password is None and create:
                password = secrets.token_urlsafe(24)
                connection.execute(
                    "INSERT INTO accounts (id, db_password) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET db_password = excluded.db_password",
                    (member_id, password),
                )
            connection.execute("COMMIT")
            return password
        finally:
            connection.close()


def student_dir(data_root: Path | str, roster: Roster, raw_id: str, *, create: bool = True) -> Path:
    """``<data_root>/<id>`` for a roster member: the id is checked against the roster, never used raw; the dir is 0700."""
    member = roster.get(raw_id)
    if member is None:
        raise RosterError(f"名单中没有学号 {raw_id!r}")
    root = Path(data_root).resolve()
    path = (root / member.id).resolve()
    if path.parent != root:
        raise RosterError(f"学号 {raw_id!r} 不能用作目录名")
    if create:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return path
