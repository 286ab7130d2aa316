"""What the student keeps for themselves: settings, 收藏 (bookmarks) and 笔记 (notes per question).

Bookmarks and notes are keyed by question id, like cards, so they survive bank
edits and come back whenever the question does. Removing a bookmark or clearing
a note is the student's own request; nothing else ever removes them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from revise.clock import utc
from revise.progress.base import StoreBase
from revise.progress.schema import db_time, parse_db_time
from revise.progress.settings import SETTINGS_DEFAULTS, validate_setting

# Notes are for a line or a paragraph; a pasted book is refused with a clear message.
MAX_NOTE_CHARS = 10_000


@dataclass(frozen=True)
class Note:
    """The student's note on one question."""

    question_id: str
    text: str
    updated_at: datetime


class PersonalMixin(StoreBase):
    """Settings, bookmarks and notes."""

    # -- settings --------------------------------------------------------------------------

    def get_setting(self, key: str) -> Any:
        """A setting's value, or its default when never set (KeyError for an unknown key)."""
        if key not in SETTINGS_DEFAULTS:
            raise KeyError(key)
        row = self._read(lambda c: c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone())
        if row is None:
            return SETTINGS_DEFAULTS[key]
        try:
            return validate_setting(key, json.loads(row[0]))
        except ValueError:
            return SETTINGS_DEFAULTS[key]  # a hand-edited bad value must not stop the app

    def set_setting(self, key: str, value: Any) -> Any:
        """Validate and save a setting; returns the value as stored. ValueError when not acceptable."""
        value = validate_setting(key, value)
        self._write(
            lambda c: c.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        )
        return value

    def settings(self) -> dict[str, Any]:
        """Every setting, defaults filled in."""
        return {key: self.get_setting(key) for key in SETTINGS_DEFAULTS}

    # -- bookmarks -------------------------------------------------------------------------

    def add_bookmark(self, question_id: str, at: datetime) -> bool:
        """Bookmark a question; False when it already was (its first bookmark time is kept)."""

        def work(connection: sqlite3.Connection) -> bool:
            cursor = connection.execute("INSERT OR IGNORE INTO bookmarks (question_id, added_at) VALUES (?, ?)", (question_id, db_time(utc(at))))
            return cursor.rowcount > 0

        return self._write(work)

    def remove_bookmark(self, question_id: str) -> bool:
        """Remove a bookmark; False when the question was not bookmarked."""
        return self._write(lambda c: c.execute("DELETE FROM bookmarks WHERE question_id = ?", (question_id,)).rowcount > 0)

    def is_bookmarked(self, question_id: str) -> bool:
        """True when the question is bookmarked."""
        return self._read(lambda c: c.execute("SELECT 1 FROM bookmarks WHERE question_id = ?", (question_id,)).fetchone() is not None)

    def bookmarks(self) -> list[tuple[str, datetime]]:
        """(question id, when bookmarked) of every bookmark, oldest first."""
        rows = self._read(lambda c: c.execute("SELECT question_id, added_at FROM bookmarks ORDER BY added_at, question_id").fetchall())
        return [(qid, parse_db_time(at)) for qid, at in rows]

    def bookmark_ids(self) -> list[str]:
        """Ids of the bookmarked questions, oldest bookmark first (a practice queue)."""
        return [qid for qid, _ in self.bookmarks()]

    # -- notes -----------------------------------------------------------------------------

    def set_note(self, question_id: str, text: str, at: datetime) -> Note | None:
        """Save the student's note on a question (replacing the last one); blank text clears it. Returns the note kept."""
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"笔记太长：最多 {MAX_NOTE_CHARS} 字，现在是 {len(text)} 字")
        if not text.strip():
            self._write(lambda c: c.execute("DELETE FROM notes WHERE question_id = ?", (question_id,)))
            return None
        at = utc(at)
        self._write(
            lambda c: c.execute(
                "INSERT INTO notes (question_id, text, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (question_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (question_id, text, db_time(at)),
            )
        )
        return Note(question_id, text, at)

    def get_note(self, question_id: str) -> Note | None:
        """The note on a question, or None."""
        row = self._read(lambda c: c.execute("SELECT text, updated_at FROM notes WHERE question_id = ?", (question_id,)).fetchone())
        return Note(question_id, row[0], parse_db_time(row[1])) if row else None

    def notes(self) -> list[Note]:
        """Every note, most recently written first."""
        rows = self._read(lambda c: c.execute("SELECT question_id, text, updated_at FROM notes ORDER BY updated_at DESC, question_id").fetchall())
        return [Note(qid, text, parse_db_time(at)) for qid, text, at in rows]
