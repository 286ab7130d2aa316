"""Read a class's responses from what Excel and WPS save, one row at a time.

Layouts:

* **long**: one row per answer, with a question-id column (``question_id``,
  ``题号``...) and an answer column (``answer``, ``答案``...); every column is
  carried through to the output;
* **wide**: one row per student, one column per question id of the bank;
  the other columns (学号, 姓名...) are carried through.

The header is the first of the first ten non-empty rows that names both key
columns, or names question ids of the bank, so a title row above it (as in
the 刷题 apps' templates) is skipped. Files are CSV in any encoding
:mod:`revise.marking.encoding` detects, or .xlsx (:mod:`revise.marking.xlsx`).
Nothing is read whole: rows are produced as the file is read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from revise.interchange import column_letter
from revise.marking import encoding as enc
from revise.marking.errors import InputError
from revise.marking.xlsx import XLS_MAGIC, XLSX_MAGIC, Workbook

# Header names, compared after NFKC, lower case, and without spaces, underscores and hyphens.
ID_NAMES = frozenset({"questionid", "qid", "题号", "题目编号", "题目id", "试题编号", "试题id"})
ANSWER_NAMES = frozenset({"answer", "答案", "学生答案", "作答", "作答内容", "回答"})
STUDENT_ID_NAMES = frozenset({"studentid", "学号", "考号", "学生编号"})
NAME_NAMES = frozenset({"name", "姓名", "学生姓名"})
STUDENT_NAMES = frozenset({"student", "学生"})
PARAMS_NAMES = frozenset({"params", "参数"})
HEADER_SCAN_ROWS = 10
# One CSV field longer than this is refused (csv's own default is 128 K characters); as long as a line may be.
MAX_FIELD_CHARS = 4_000_000


def header_key(name: str) -> str:
    """A header cell as compared with the known names: "Question_ID " -> "questionid", "学　号" -> "学号"."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    return "".join(ch for ch in text if ch not in " _-\t\ufeff")


def clean_cell(text: str) -> tuple[str, bool]:
    """The cell without NUL characters, and whether there were any (issue 11: clean, never refuse)."""
    if "\x00" in text:
        return text.replace("\x00", ""), True
    return text, False


@dataclass
class Layout:
    """Where things are in a responses table."""

    header: list[str]
    header_row: int
    wide: bool
    id_column: int | None = None
    answer_column: int | None = None
    question_columns: list[tuple[int, str]] = field(default_factory=list)
    carried_columns: list[int] = field(default_factory=list)
    student_columns: list[int] = field(default_factory=list)  # the key of a student: 学号, else 姓名, else student
    params_column: int | None = None
    near_misses: list[tuple[str, str]] = field(default_factory=list)  # (column, question id it may mean)

    @property
    def carried_names(self) -> list[str]:
        """Names of the carried columns as output headers (an empty name becomes 列N)."""
        return [self.header[i] or f"列{i + 1}" for i in self.carried_columns]

    def column(self, name: str) -> int | None:
        """The index of a column by its exact (stripped) name."""
        try:
            return self.header.index(name)
        except ValueError:
            return None


@dataclass
class Entry:
    """One answer to grade, with where it came from and the row it belongs to."""

    where: str
    carried: list[str]
    question_id: str
    answer: str
    student: str
    params: str | None
    cells: list[str]
    problem: str = ""
    cleaned: bool = False


def find_layout(rows: list[tuple[int, list[str]]], known_ids: Container[str], suggest: Callable[[str], str | None]) -> Layout | None:
    """The layout named by the first header-like row among `rows`, or None."""
    for number, cells in rows[:HEADER_SCAN_ROWS]:
        header = [clean_cell(cell)[0].strip().lstrip("\ufeff").strip() for cell in cells]
        while header and not header[-1]:
            header.pop()
        keys = [header_key(cell) for cell in header]
        ids = [i for i, key in enumerate(keys) if key in ID_NAMES]
        answers = [i for i, key in enumerate(keys) if key in ANSWER_NAMES]
        questions = [(i, cell) for i, cell in enumerate(header) if cell and cell in known_ids]
        if ids and answers:
            layout = Layout(header, number, wide=False, id_column=ids[0], answer_column=answers[0], carried_columns=list(range(len(header))))
        elif len(questions) >= 2 or (questions and any(key in STUDENT_ID_NAMES | NAME_NAMES | STUDENT_NAMES for key in keys)):
            # one id alone is more likely a data row of the long layout ("mkt-4c-odd,C") than a header
            taken = {i for i, _ in questions}
            layout = Layout(header, number, wide=True, question_columns=questions, carried_columns=[i for i in range(len(header)) if i not in taken])
        else:
            continue
        for names in (STUDENT_ID_NAMES, NAME_NAMES, STUDENT_NAMES):
            layout.student_columns += [i for i, key in enumerate(keys) if key in names][:1]
        params = [i for i, key in enumerate(keys) if key in PARAMS_NAMES]
        layout.params_column = params[0] if params else None
        if layout.wide:
            for i in layout.carried_columns:
                guess = suggest(header[i]) if header[i] and keys[i] not in STUDENT_ID_NAMES | NAME_NAMES | STUDENT_NAMES else None
                if guess:
                    layout.near_misses.append((header[i], guess))
        return layout
    return None


def no_header_message(rows: list[tuple[int, list[str]]]) -> str:
    """Why no header was found, naming what the first row holds."""
    found = "、".join(f"“{c.strip()}”" for c in rows[0][1] if c.strip())[:200] if rows else ""
    return f"找不到表头：需要“题号/question_id”和“答案/answer”两列，或每题一列（列名为题库中的题目 id）；第一行是 {found or '空的'}"


# -- sources ---------------------------------------------------------------------------------------


class _CsvSource:
    """A CSV file decoded as it is read; the first rows are kept for header detection."""

    def __init__(self, binary: IO[bytes], name: str) -> None:
        self.name = name
        detected = enc.detect(binary, name)  # type: ignore[arg-type]
        self.encoding = detected.label
        self._text = io.TextIOWrapper(binary, encoding=detected.encoding, errors="strict", newline="")
        self._reader = csv.reader(self._text, strict=True)
        self._buffer: list[tuple[int, list[str]]] = []
        self._last_line = 0

    def where(self, number: int, column: int | None = None) -> str:
        del column
        return f"{self.name}:{number}"

    def _next(self) -> tuple[int, list[str]] | None:
        start = self._last_line + 1
        try:
            record = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as error:
            where = f"{self.name}:{self._reader.line_num or start}"
            if "field limit" in str(error):
                raise InputError(where, f"有一格超过 {MAX_FIELD_CHARS // 10_000} 万字（或引号没有配对，后面的内容都被当成了一格）") from None
            raise InputError(where, f"CSV 格式错误（引号不成对或多余？）：{error}") from None
        except UnicodeDecodeError:
            raise InputError(f"{self.name}:{start}", f"这里的内容无法按 {self.encoding} 读取；请另存为“CSV UTF-8”") from None
        self._last_line = self._reader.line_num
        return start, record

    def head(self) -> list[tuple[int, list[str]]]:
        while len(self._buffer) < HEADER_SCAN_ROWS:
            item = self._next()
            if item is None:
                break
            if any(cell.strip() for cell in item[1]):
                self._buffer.append(item)
        return list(self._buffer)

    def rows(self, after: int) -> Iterator[tuple[int, list[str]]]:
        for item in self._buffer:
            if item[0] > after:
                yield item
        self._buffer = []
        while (record := self._next()) is not None:
            if any(cell.strip() for cell in record[1]):
                yield record


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


@contextlib.contextmanager
def open_binary(path_text: str) -> Iterator[tuple[IO[bytes], str, Path | None]]:
    """The input as a seekable binary file, its display name, and its path (None for stdin).

    Standard input is spooled to a temporary file, so it is never held in memory either.
    """
    if path_text == "-":
        with tempfile.TemporaryFile() as spool:
            shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
            spool.seek(0)
            yield spool, "stdin", None
        return
    path = Path(path_text)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError(path_text, f"无法读取文件：{error.strerror or error}") from None
    with handle:
        yield handle, path_text, path


@dataclass
class Responses:
    """An opened responses file: its layout, and its entries to iterate once."""

    layout: Layout
    name: str
    kind: str  # "CSV (UTF-8)" or "xlsx (Sheet1)"
    entries: Iterator[Entry]


@contextlib.contextmanager
def open_responses(path_text: str, known_ids: Container[str], suggest: Callable[[str], str | None]) -> Iterator[Responses]:
    """Open a CSV or .xlsx file of responses; raise InputError (file:line / sheet!cell) when it cannot be used."""
    with open_binary(path_text) as (binary, name, path):
        magic = binary.read(4)
        binary.seek(0)
        if magic == XLS_MAGIC:
            raise InputError(name, "这是旧的 .xls 格式；请在 Excel 或 WPS 中另存为 .xlsx 或“CSV UTF-8”")
        if magic == XLSX_MAGIC:
            if path is None:
                with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as copy:
                    shutil.copyfileobj(binary, copy, 1 << 20)
                path = Path(copy.name)
                try:
                    with _open_xlsx(path, name, known_ids, suggest) as responses:
                        yield responses
                finally:
                    path.unlink(missing_ok=True)
                return
            with _open_xlsx(path, name, known_ids, suggest) as responses:
                yield responses
            return
        with _field_limit(MAX_FIELD_CHARS):
            source = _CsvSource(binary, name)
            head = source.head()
            if not head:
                raise InputError(name, "文件是空的；需要一行表头，含“题号/question_id”和“答案/answer”列")
            layout = find_layout(head, known_ids, suggest)
            if layout is None:
                raise InputError(source.where(head[0][0]), no_header_message(head))
            yield Responses(layout, name, f"CSV（{source.encoding}）", _entries(layout, source.rows(layout.header_row), source.where))


@contextlib.contextmanager
def _open_xlsx(path: Path, name: str, known_ids: Container[str], suggest: Callable[[str], str | None]) -> Iterator[Responses]:
    book = Workbook(path, name)
    try:
        first_rows: tuple[str, list[tuple[int, list[str]]]] | None = None
        for sheet in book.sheets():
            head = book.head(sheet)
            if not head:
                continue
            first_rows = first_rows or (sheet.title, head)
            layout = find_layout(head, known_ids, suggest)
            if layout is None:
                continue
            title = sheet.title

            def where(number: int, column: int | None = None, title: str = title) -> str:
                return f"{title}!{column_letter(column or 0)}{number}"

            rows = book.rows(sheet, layout.header_row + 1, len(layout.header))
            yield Responses(layout, name, f"xlsx（工作表“{title}”）", _entries(layout, rows, where, fill_down=True))
            return
        if first_rows is None:
            raise InputError(name, "工作簿是空的：没有一个工作表有数据")
        title, head = first_rows
        raise InputError(f"{title}!A{head[0][0]}", no_header_message(head))
    finally:
        book.close()


def _entries(layout: Layout, rows: Iterator[tuple[int, list[str]]], where: Callable[..., str], *, fill_down: bool = False) -> Iterator[Entry]:
    """The answers in the data rows, in file order."""
    width = len(layout.header)
    last_student = ""
    for number, raw in rows:
        cleaned = False
        cells: list[str] = []
        for cell in raw[:width]:
            text, had_nul = clean_cell(cell)
            cleaned = cleaned or had_nul
            cells.append(text)
        problem = ""
        extra = [cell for cell in raw[width:] if cell.strip()]
        if extra:
            problem = f"这一行有 {len(raw)} 个字段，表头有 {width} 个；含逗号的答案请加引号"
        cells += [""] * (width - len(cells))
        student = next((cells[i].strip() for i in layout.student_columns if cells[i].strip()), "")
        if not student and fill_down and layout.student_columns:
            student = last_student  # a merged 学号/姓名 cell reads as empty below its first row
        last_student = student
        carried = [cells[i] for i in layout.carried_columns]
        params = cells[layout.params_column] if layout.params_column is not None else None
        if layout.wide:
            for column, question_id in layout.question_columns:
                yield Entry(where(number, column), carried, question_id, cells[column], student, params, cells, problem, cleaned)
        else:
            assert layout.id_column is not None and layout.answer_column is not None
            yield Entry(
                where(number, layout.answer_column),
                carried,
                cells[layout.id_column].strip(),
                cells[layout.answer_column],
                student,
                params,
                cells,
                problem,
                cleaned,
            )
