"""The student's own edits to the 错题本: take one question out, clear it, put back what was taken out, and export it.

Taking a question out sets the entry's ``cleared_at`` (as two right answers in
a row do); nothing is deleted, and the review log and the cards are never
touched. A question answered wrong again comes back in, its count of wrong
answers carried on. What was taken out can be put back (an undo), unless a
newer wrong answer has already put it back.

Partial answers need nothing here: the notebook rule
(:func:`revise.progress.rows.next_notebook_state`) puts a partial answer, rated
Hard, in the notebook like a wrong one.

:func:`write_csv` writes an export for Excel or WPS: UTF-8 with a BOM, CRLF
line ends, every cell through :func:`revise.safetext.spreadsheet_cell`, and
the file appears only when complete.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from revise.clock import utc
from revise.progress.base import StoreBase
from revise.progress.rows import (
    NOT_UNDONE,
    NOTEBOOK_SELECT,
    REVIEW_SELECT,
    NotebookEntry,
    ReviewRecord,
    notebook_entry,
    notebook_from_row,
    review_from_row,
    save_notebook,
)
from revise.safetext import spreadsheet_cell

__all__ = ["NotebookEditsMixin", "NotebookItem", "write_csv"]


@dataclass(frozen=True)
class NotebookItem:
    """A question in the notebook with its latest answer and its latest wrong (or partly right) answer."""

    entry: NotebookEntry
    last_answer: ReviewRecord | None  # None for an entry whose answers were all undone (or logged elsewhere)
    last_wrong: ReviewRecord | None  # the answer that put (or kept) it in: verdict "incorrect" or "partial"

    @property
    def question_id(self) -> str:
        """The question's id."""
        return self.entry.question_id


class NotebookEditsMixin(StoreBase):
    """Removing, clearing and restoring notebook entries, and reading them with their answers."""

    def remove_from_notebook(self, question_id: str, at: datetime) -> NotebookEntry | None:
        """Take one question out of the notebook; the entry as it was (for :meth:`restore_to_notebook`), or None when it was not in it."""
        removed = self.clear_notebook(at, [question_id])
        return removed[0] if removed else None

    def clear_notebook(self, at: datetime, question_ids: Iterable[str] | None = None) -> list[NotebookEntry]:
        """Take every question (or only `question_ids`) out of the notebook in one transaction; the entries as they were."""
        at = utc(at)
        wanted = None if question_ids is None else list(dict.fromkeys(question_ids))

        def work(connection: sqlite3.Connection) -> list[NotebookEntry]:
            if wanted is None:
                entries = [notebook_from_row(row) for row in connection.execute(NOTEBOOK_SELECT + " WHERE cleared_at IS NULL ORDER BY added_at, question_id")]
            else:
                found = (notebook_entry(connection, qid) for qid in wanted)
                entries = [entry for entry in found if entry is not None and entry.active]
            for entry in entries:
                save_notebook(connection, entry.question_id, replace(entry, cleared_at=at))
            return entries

        return self._write(work)

    def restore_to_notebook(self, entries: Sequence[NotebookEntry]) -> int:
        """Put back entries taken out by :meth:`remove_from_notebook` or :meth:`clear_notebook`; how many came back.

        An entry is put back only when its question is still out of the notebook
        with the same last wrong answer (a newer wrong answer has already put it back).
        """

        def work(connection: sqlite3.Connection) -> int:
            restored = 0
            for entry in entries:
                current = notebook_entry(connection, entry.question_id)
                # Active again, or a different entry: a newer wrong answer has already decided.
                if current is None or current.active or current.last_wrong_at != entry.last_wrong_at:
                    continue
                save_notebook(connection, entry.question_id, replace(entry, cleared_at=None))
                restored += 1
            return restored

        return self._write(work)

    def notebook_items(self) -> list[NotebookItem]:
        """The questions in the notebook, oldest entry first, each with its latest answer and latest wrong answer."""

        def query(connection: sqlite3.Connection) -> list[NotebookItem]:
            entries = [notebook_from_row(row) for row in connection.execute(NOTEBOOK_SELECT + " WHERE cleared_at IS NULL ORDER BY added_at, question_id")]
            in_notebook = "question_id IN (SELECT question_id FROM notebook WHERE cleared_at IS NULL)"
            answers = f"kind = 'answer' AND {NOT_UNDONE} AND {in_notebook}"
            rows = connection.execute(
                REVIEW_SELECT + f" WHERE id IN (SELECT MAX(id) FROM review_log WHERE {answers} GROUP BY question_id)"
                f" OR id IN (SELECT MAX(id) FROM review_log WHERE {answers} AND verdict != 'correct' GROUP BY question_id)"
                " ORDER BY id"
            ).fetchall()
            latest: dict[str, ReviewRecord] = {}
            wrong: dict[str, ReviewRecord] = {}
            for record in map(review_from_row, rows):  # oldest first: the newest of each kind wins
                latest[record.question_id] = record
                if record.verdict != "correct":
                    wrong[record.question_id] = record
            return [NotebookItem(entry, latest.get(entry.question_id), wrong.get(entry.question_id)) for entry in entries]

        return self._read(query)


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write a CSV that Excel and WPS open safely (UTF-8 with BOM, CRLF, no cell starts a formula); the path written.

    The rows go to a temporary file beside `path`, renamed over it when
    complete, so a failed export never leaves half a file. OSError when the
    folder cannot be written.
    """
    target = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, lineterminator="\r\n")
            writer.writerow([spreadsheet_cell(cell) for cell in header])
            for row in rows:
                writer.writerow([spreadsheet_cell("" if cell is None else cell) for cell in row])
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
