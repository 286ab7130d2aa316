"""The data dir and the database file: safety before SQLite ever sees them.

- The data dir is created 0700 and its files 0600: progress, answers and crash
  logs are the student's own (a shared lab account must not read them).
- A file at the database path that is not a usable revise database is *set
  aside* (renamed to ``progress.sqlite3.corrupt-<timestamp>``), never deleted.
  Opening and setting aside happen under an exclusive lock file, and the file is
  re-identified under the lock, so two instances starting together on one
  corrupt database never move each other's fresh database away.
- Connections use WAL, ``synchronous=FULL`` and a busy timeout.
- SQLite errors are sorted here: corruption, an unwritable file, a full disk, an
  I/O error or a lock held too long.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from revise.progress.errors import DataDirError, StoreWriteError

T = TypeVar("T")

DB_NAME = "progress.sqlite3"
LOCK_SUFFIX = ".lock"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
# `PRAGMA quick_check` reads the whole file (about 8 ms per MiB here): files up to this size are
# checked before the app starts; bigger ones in a worker thread while it runs (see Store.open).
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")
DIR_MODE = 0o700
FILE_MODE = 0o600
DATA_DIR_HINT = "可以用 --data-dir 目录 或环境变量 REVISE_DATA_DIR 另选一个位置"

# What each kind of failed write tells the student (StoreWriteError.kind -> message).
WRITE_FAILURES = {
    "disk-full": "磁盘已满，这次没有保存。请腾出空间后重试；已保存的记录不受影响。",
    "io": "读写磁盘出错，这次没有保存。请检查磁盘或存储设备后重试。",
    "locked": "进度数据库正被另一个 revise 占用，这次没有保存。请稍候重试。",
    "readonly": "进度数据库无法写入（只读或没有权限），这次没有保存。",
}


# -- sorting SQLite errors ---------------------------------------------------------------------


# SQLite's primary result codes (the sqlite3 module names them only from Python 3.11).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_corruption(error: sqlite3.Error) -> bool:
    """True for "not a database" and "malformed" errors, never for locks or I/O trouble."""
    code = _primary_code(error)
    if code is not None:
        return code in (SQLITE_CORRUPT, SQLITE_NOTADB)
    message = str(error).lower()
    return "not a database" in message or "malformed" in message


def is_unwritable(error: sqlite3.Error) -> bool:
    """True when the file or its directory cannot be written (read-only, permissions)."""
    if _primary_code(error) in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM):
        return True
    message = str(error).lower()
    return "readonly" in message or "read-only" in message or "unable to open" in message or "permission" in message


def is_busy(error: sqlite3.Error) -> bool:
    """True when another connection holds a lock."""
    code = _primary_code(error)
    if code is not None:
        return code in (SQLITE_BUSY, SQLITE_LOCKED)
    message = str(error).lower()
    return "locked" in message or "busy" in message


def write_failure_kind(error: sqlite3.Error) -> str | None:
    """The StoreWriteError kind of a failed write ("disk-full", "io", "locked", "readonly"), or None."""
    code = _primary_code(error)
    message = str(error).lower()
    if code == SQLITE_FULL or "disk is full" in message:
        return "disk-full"
    if code == SQLITE_IOERR or "disk i/o error" in message:
        return "io"
    if is_busy(error):
        return "locked"
    if is_unwritable(error):
        return "readonly"
    return None


def write_error(error: sqlite3.Error) -> StoreWriteError | None:
    """The StoreWriteError that tells the student the truth about a failed write, or None for other errors."""
    kind = write_failure_kind(error)
    return StoreWriteError(WRITE_FAILURES[kind], kind) if kind else None


# -- permissions -------------------------------------------------------------------------------


def make_private(path: Path, mode: int = FILE_MODE) -> None:
    """Restrict a file (or dir) we own to its owner; quietly skipped where chmod means nothing (Windows, other owners)."""
    with contextlib.suppress(OSError):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return
        if stat.S_IMODE(info.st_mode) & ~mode:
            os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def write_private_text(path: Path, text: str) -> None:
    """Write a text file readable by its owner only (crash logs, exports kept in the data dir)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    make_private(path)


def ensure_writable_dir(data_dir: Path) -> None:
    """Create the data dir (0700) if needed and prove it writable; DataDirError otherwise.

    An existing dir is tightened to 0700 only when it is plainly revise's (empty,
    or holding the progress database): a --data-dir pointing at a folder of the
    student's own keeps its mode.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"数据目录 {data_dir} 不是一个目录；{DATA_DIR_HINT}")
    existed = data_dir.is_dir()
    try:
        data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"无法创建数据目录 {data_dir}：{error.strerror or error}；{DATA_DIR_HINT}") from None
    if not data_dir.is_dir():
        raise DataDirError(f"数据目录 {data_dir} 不是一个目录；{DATA_DIR_HINT}")
    with contextlib.suppress(OSError):
        if not existed or (data_dir / DB_NAME).exists() or not any(data_dir.iterdir()):
            make_private(data_dir, DIR_MODE)
    try:
        # A real file, not os.access: read-only mounts and root's bypass make access() lie.
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        raise DataDirError(f"无法写入数据目录 {data_dir}：{error.strerror or error}；{DATA_DIR_HINT}") from None


def private_database_files(path: Path) -> None:
    """The database and its -wal/-shm/-journal files made 0600 (they hold every answer)."""
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILE_SUFFIXES)):
        if candidate.exists():
            make_private(candidate)


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 if nothing is there, so SQLite's -wal and -shm inherit that mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


# -- the lock for opening and setting aside -----------------------------------------------------


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = BUSY_TIMEOUT_MS / 1000) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (flock/msvcrt) while opening or setting aside the database.

    The lock file stays in place (deleting it would race); the OS releases the
    lock when a process dies, so a killed instance never blocks the next one.
    """
    lock_path = Path(f"{path}{LOCK_SUFFIX}")
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise DataDirError(f"无法创建锁文件 {lock_path}：{error.strerror or error}；{DATA_DIR_HINT}") from None
    try:
        _lock(descriptor, timeout)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _lock(descriptor: int, timeout: float) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        deadline = time.monotonic() + timeout
        while True:
            try:
                msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise DataDirError("另一个 revise 正在打开进度数据库，请稍后再试") from None
                time.sleep(0.02)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DataDirError("另一个 revise 正在打开进度数据库，请稍后再试") from None
            time.sleep(0.01 * (1 + random.random()))
        except OSError:
            return  # a file system without locks (some network shares): open unguarded, as before


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of whatever is at `path`, or None: how a set-aside re-checks it is the same file."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


# -- recognising and setting aside unusable files ------------------------------------------------


def unusable_file_reason(path: Path) -> str | None:
    """Why the file at `path` cannot be a SQLite database, judging by what it is and its header."""
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        return "it is not a regular file"
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise DataDirError(f"无法读取进度数据库 {path}：{error.strerror or error}；{DATA_DIR_HINT}") from None
    if header and header != SQLITE_MAGIC:
        return "it is not a SQLite database"
    return None


def set_aside_target(path: Path) -> Path:
    """A free ``<name>.corrupt-<timestamp>[-n]`` beside `path`."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists() or target.is_symlink() or any(Path(f"{target}{suffix}").exists() for suffix in SIDE_FILE_SUFFIXES):
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    return target


def move_aside(path: Path, reason: str) -> Path:
    """Rename an unusable database and its side files to a free set-aside name (0600); never delete anything."""
    target = set_aside_target(path)
    try:
        if path.exists() or path.is_symlink():
            os.rename(path, target)
        for suffix in SIDE_FILE_SUFFIXES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.rename(side, f"{target}{suffix}")
    except OSError as error:
        raise DataDirError(f"进度数据库 {path} 无法使用（{reason}），也无法移到一旁：{error.strerror or error}") from None
    if target.is_file():
        private_database_files(target)
    return target


# -- connecting ----------------------------------------------------------------------------------


def retry_while_busy(action: Callable[[], T]) -> T:
    """Run `action`, retrying for up to the busy timeout while another process holds a lock.

    Switching a new database to WAL needs an exclusive lock and SQLite reports
    "database is locked" at once rather than waiting, e.g. when two instances
    start on a fresh data dir together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.2)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, FULL sync and a busy timeout."""
    create_private_file(path)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        retry_while_busy(lambda: connection.execute("PRAGMA journal_mode = WAL").fetchone())
        # FULL: a committed answer survives a power cut too, not only a crash.
        connection.execute("PRAGMA synchronous = FULL")
    except BaseException:
        connection.close()
        raise
    private_database_files(path)
    return connection


def quick_check(connection: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA quick_check`` finds nothing wrong, else its first complaint."""
    result = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
    return None if result == "ok" else str(result)


def contents_problem(connection: sqlite3.Connection, path: Path, integrity_check: bool | None) -> str | None:
    """Why an open database is not a usable revise database, or None. Raises sqlite3 errors as they come.

    `integrity_check` None checks files up to :data:`QUICK_CHECK_MAX_BYTES` here
    (the caller checks bigger ones in a worker).
    """
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables:
        return "it is a SQLite database, but not one of revise's"
    if integrity_check is None:
        integrity_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    if integrity_check and version > 0:
        problem = quick_check(connection)
        if problem is not None:
            return f"it is damaged: {problem}"
    return None


def read_only_uri(path: Path) -> str:
    """A ``file:`` URI opening `path` read-only (for salvage: the set-aside original is never written)."""
    return Path(path).resolve().as_uri() + "?mode=ro"
