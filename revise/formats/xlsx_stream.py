"""Reading .xlsx sheets row by row, values only, without openpyxl's whole-sheet passes.

openpyxl's read-only mode parses a whole worksheet before the first row when
the sheet has no ``<dimension>`` element (many generated files have none),
which takes most of a minute on a million rows. This reader streams each
sheet with ``defusedxml``'s iterparse (no DTDs, no entities), so reading
stops as soon as the caller stops asking for rows.

Cells give their stored values: a formula's cached result, never the formula
evaluated (nothing in the file is executed). A cell merged over several
rows holds its value in its first row only; the caller carries values down.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from revise.formats.common import FormatError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL_REF_RE = re.compile(r"([A-Z]{1,3})(\d+)")
MAX_COLUMNS = 200  # a question row never needs more; wider cells are ignored


def _parse(source: IO[bytes]):
    import defusedxml.ElementTree as SafeET

    return SafeET.parse(source, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _iterparse(source: IO[bytes]):
    import defusedxml.ElementTree as SafeET

    return SafeET.iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True)


def column_index(letters: str) -> int:
    """`A` -> 0, `Z` -> 25, `AA` -> 26."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


@dataclass(frozen=True)
class Sheet:
    """A worksheet's title and its part in the zip."""

    title: str
    part: str


class Workbook:
    """An open .xlsx: its sheets in order, its shared strings, and row streams."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.archive = zipfile.ZipFile(path)
            self.sheets = self._sheets()
            self.strings = self._shared_strings()
        except FormatError:
            self.close()
            raise
        except Exception as error:  # a damaged part: zipfile, expat and defusedxml each have their own errors
            self.close()
            raise FormatError(f"{path}:1: 无法打开工作簿：{type(error).__name__}: {error}") from None

    def close(self) -> None:
        """Close the zip."""
        archive = getattr(self, "archive", None)
        if archive is not None:
            archive.close()

    def _sheets(self) -> list[Sheet]:
        names = set(self.archive.namelist())
        if "xl/workbook.xml" not in names:
            raise FormatError(f"{self.path}:1: 不是 Excel 工作簿（缺少 xl/workbook.xml）")
        targets: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in names:
            with self.archive.open("xl/_rels/workbook.xml.rels") as source:
                for rel in _parse(source).getroot().iter(f"{PACKAGE_REL}Relationship"):
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                    targets[rel.get("Id", "")] = part
        with self.archive.open("xl/workbook.xml") as source:
            root = _parse(source).getroot()
        sheets = []
        for element in root.iter(f"{MAIN}sheet"):
            part = targets.get(element.get(f"{REL}id", ""), "")
            if part in names:
                sheets.append(Sheet(element.get("name", "Sheet"), part))
        return sheets

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.archive.namelist():
            return []
        strings: list[str] = []
        with self.archive.open("xl/sharedStrings.xml") as source:
            for event, element in _iterparse(source):
                if event == "end" and element.tag == f"{MAIN}si":
                    # rich text runs are joined; phonetic guides (rPh) are not part of the text
                    strings.append("".join(t.text or "" for t in element.iter(f"{MAIN}t") if t not in _phonetic(element)))
                    element.clear()
        return strings

    def rows(self, sheet: Sheet) -> Iterator[tuple]:
        """The sheet's rows in order, as tuples of values (None for an empty cell); missing rows come as ()."""
        with self.archive.open(sheet.part) as source:
            expected = 1
            parent = None
            for event, element in _iterparse(source):
                if event == "start":
                    if element.tag == f"{MAIN}sheetData":
                        parent = element
                    continue
                if element.tag != f"{MAIN}row":
                    continue
                number = int(element.get("r") or expected)
                while expected < number:
                    yield ()
                    expected += 1
                yield self._row(element)
                expected = number + 1
                if parent is not None:
                    parent.clear()  # keep memory flat however long the sheet is

    def _row(self, element) -> tuple:
        values: dict[int, object] = {}
        position = 0
        for cell in element.iter(f"{MAIN}c"):
            match = CELL_REF_RE.match(cell.get("r") or "")
            position = column_index(match.group(1)) if match else position
            if position < MAX_COLUMNS:
                values[position] = self._value(cell)
            position += 1
        if not values:
            return ()
        return tuple(values.get(index) for index in range(max(values) + 1))

    def _value(self, cell) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
        stored = cell.find(f"{MAIN}v")  # a formula's cached result; the <f> formula itself is never read
        text = stored.text if stored is not None and stored.text is not None else None
        if text is None:
            return None
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                return None
        if kind == "b":
            return text.strip() == "1"
        if kind in ("str", "e", "d"):
            return text
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _phonetic(si) -> set:
    return {t for run in si.iter(f"{MAIN}rPh") for t in run.iter(f"{MAIN}t")}
