"""Where marked rows go: a CSV or .xlsx file, or standard output as CSV or JSON lines.

Files:

* CSV is UTF-8 with a BOM (zh-CN Excel reads UTF-8 only with one) and CRLF
  line ends, so every CR or LF inside a cell is quoted (issue 13 #14);
* .xlsx is written by openpyxl in write-only mode, which streams rows to disk;
* every cell goes through :func:`revise.safetext.spreadsheet_cell`, so no
  answer, name or carried column can start a formula (issue 13 #2);
* a file appears only when complete: rows go to a temporary file next to it,
  renamed over it at the end, and removed if marking stops.

Standard output never aborts on an encoding (GBK on Windows): what it cannot
show is written as a backslash escape (issue 13 #15). On a terminal, CSV
cells pass through :func:`revise.safetext.show`; JSON escapes every control
and bidi character itself.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from revise.safetext import show, spreadsheet_cell

XLSX_MAX_CELL = 32_767  # Excel's limit on the characters in one cell
# Characters the xlsx XML cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal would obey: C1 controls and bidi overrides.
_JSON_UNSAFE = {code: f"\\u{code:04x}" for code in [*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]}


class TableLike(Protocol):
    """A titled table (:class:`revise.marking.report.Table`): what becomes one sheet."""

    @property
    def title(self) -> str: ...

    @property
    def header(self) -> list[str]: ...

    @property
    def rows(self) -> list[list[object]]: ...


class Sink(Protocol):
    """Receives the header, then rows, then is closed (or aborted)."""

    def header(self, names: list[str]) -> None: ...

    def row(self, values: list[object]) -> None: ...

    def close(self, sheets: list[Any] | None = None) -> None: ...

    def abort(self) -> None: ...


def terminal_text(stream: IO[str], text: str) -> str:
    """`text` as `stream`'s encoding can carry it: unencodable characters become backslash escapes."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    try:
        if codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32"):
            return text
    except LookupError:
        return text.encode("ascii", "backslashreplace").decode("ascii")
    return text.encode(encoding, "backslashreplace").decode(encoding, "replace")


def json_line(data: dict[str, object]) -> str:
    """One JSON object on one line, with no raw character a terminal would act on."""
    return json.dumps(data, ensure_ascii=False).translate(_JSON_UNSAFE)


def _text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


class _Temporary:
    """A temporary file beside the target, renamed over it on success."""

    def __init__(self, target: Path) -> None:
        self.target = target
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        self.path = Path(name)

    def commit(self) -> None:
        os.replace(self.path, self.target)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class CsvFileSink:
    """A CSV file in UTF-8 with a BOM, every cell safe to open in Excel or WPS."""

    def __init__(self, path: Path) -> None:
        self._temporary = _Temporary(path)
        self._file = self._temporary.path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, lineterminator="\r\n")

    def header(self, names: list[str]) -> None:
        self.row(list(names))

    def row(self, values: list[object]) -> None:
        self._writer.writerow([spreadsheet_cell(_text(v)) for v in values])

    def close(self, sheets: list[Any] | None = None) -> None:
        del sheets  # a CSV has one table; the report goes to --report
        self._file.close()
        self._temporary.commit()

    def abort(self) -> None:
        self._file.close()
        self._temporary.discard()


class CsvStdoutSink:
    """CSV on standard output: quoted like the file, escaped for the terminal's encoding."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def header(self, names: list[str]) -> None:
        self.row(list(names))

    def row(self, values: list[object]) -> None:
        cells = [spreadsheet_cell(_text(v)) for v in values]
        if self._tty:
            cells = [show(str(c)) for c in cells]
        self._writer.writerow(cells)
        # The row is quoted for CRLF, so an inner CR is quoted too; the stream gets a plain \n.
        text = self._buffer.getvalue()[:-2] + "\n"
        self._buffer.seek(0)
        self._buffer.truncate()
        self._stream.write(terminal_text(self._stream, text))

    def close(self, sheets: list[Any] | None = None) -> None:
        self._stream.flush()

    def abort(self) -> None:
        self._stream.flush()


class JsonStdoutSink:
    """JSON lines on standard output, one object per answer."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._names: list[str] = []

    def header(self, names: list[str]) -> None:
        self._names = list(names)

    def row(self, values: list[object]) -> None:
        self._stream.write(terminal_text(self._stream, json_line(dict(zip(self._names, values))) + "\n"))

    def close(self, sheets: list[Any] | None = None) -> None:
        self._stream.flush()

    def abort(self) -> None:
        self._stream.flush()


def xlsx_cell(value: object) -> object:
    """A value for an .xlsx cell: numbers as numbers, text formula-safe, legal in XML, within Excel's length."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    text = _XLSX_ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group(0))), _text(value))
    if len(text) > XLSX_MAX_CELL:
        text = text[: XLSX_MAX_CELL - 1] + "…"
    return spreadsheet_cell(text)


class XlsxSink:
    """An .xlsx workbook: the marked rows on the first sheet, the report's tables on the next ones."""

    def __init__(self, path: Path, sheet_title: str = "批改结果") -> None:
        import openpyxl

        self._temporary = _Temporary(path)
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet_title)

    def header(self, names: list[str]) -> None:
        self._sheet.append([xlsx_cell(n) for n in names])

    def row(self, values: list[object]) -> None:
        self._sheet.append([xlsx_cell(v) for v in values])

    def close(self, sheets: list[Any] | None = None) -> None:
        """Add the report's tables (objects with title, header and rows) as sheets, then save."""
        add_sheets(self._book, sheets or ())
        self._book.save(self._temporary.path)
        self._temporary.commit()

    def abort(self) -> None:
        # Finish the sheet's streaming writer so it does not fail later at garbage collection; its temporary file goes with it.
        with contextlib.suppress(Exception):
            self._sheet.close()
            Path(self._sheet._writer.out).unlink(missing_ok=True)
        self._temporary.discard()


def add_sheets(book: Any, tables: Iterable[TableLike]) -> None:
    """One sheet per table in a write-only openpyxl workbook, every cell through :func:`xlsx_cell`."""
    used: set[str] = set()
    for table in tables:
        title = sheet_title(table.title, used)
        sheet = book.create_sheet(title)
        sheet.append([xlsx_cell(h) for h in table.header])
        for row in table.rows:
            sheet.append([xlsx_cell(v) for v in row])


_SHEET_ILLEGAL = re.compile(r"[\\/?*\[\]:]")


def sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of \\ / ? * [ ] :), unique among `used` (which it joins)."""
    base = _SHEET_ILLEGAL.sub("_", title).strip("'") or "Sheet"
    name, number = base[:31], 1
    while name.lower() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def write_xlsx_tables(path: Path, tables: Sequence[TableLike]) -> None:
    """An .xlsx workbook of `tables`, one sheet each; the file appears only when complete."""
    import openpyxl

    temporary = _Temporary(path)
    try:
        book = openpyxl.Workbook(write_only=True)
        add_sheets(book, tables)
        book.save(temporary.path)
        temporary.commit()
    except BaseException:
        temporary.discard()
        raise


def write_text(path: Path, parts: Iterable[str]) -> None:
    """A UTF-8 text file from its pieces (an HTML report), replacing the old one only when complete."""
    temporary = _Temporary(path)
    try:
        with temporary.path.open("w", encoding="utf-8") as file:
            file.writelines(parts)
        temporary.commit()
    except BaseException:
        temporary.discard()
        raise
