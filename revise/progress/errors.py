"""The store's errors and notices: every message is meant for the student.

Callers catch :class:`StoreError` for anything the store could not do; the
subclasses say why, so the UI can choose its words (retry a full disk, offer to
take over an exam open in another window, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class StoreError(Exception):
    """A problem with the progress database; the message is meant for the student."""


class DataDirError(StoreError):
    """The data dir cannot be created or written."""


class NewerSchemaError(StoreError):
    """The database was written by a newer revise; it is left untouched."""


class StoreCorruptError(StoreError):
    """The database turned out to be damaged while in use (and could not be replaced by a salvaged one)."""


class StoreWriteError(StoreError):
    """A write was not committed: nothing of it is in the database.

    `kind` is ``"disk-full"``, ``"io"``, ``"locked"`` or ``"readonly"``. The
    write can be retried as it was; the UI must not show it as saved.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class AttemptInUseError(StoreError):
    """An exam attempt is open in another window; :attr:`attempt_id` can be taken over on request."""

    def __init__(self, message: str, attempt_id: int) -> None:
        super().__init__(message)
        self.attempt_id = attempt_id


class AttemptTakenError(AttemptInUseError):
    """Another window took over this exam attempt: this window may no longer write to it."""


@dataclass(frozen=True)
class StoreNotice:
    """Something the student should be told about the database, e.g. that a corrupt file was moved."""

    message: str
    moved_to: Path | None = None
    salvaged_answers: int | None = None

    def __str__(self) -> str:
        return self.message
