"""Rows of an .xlsx workbook, read the way a hostile file cannot abuse.

* The zip's declared sizes are checked before openpyxl opens anything: a zip
  bomb is refused from its directory alone. (zipfile never inflates a member
  past its declared size, so a lying directory only truncates.)
* openpyxl reads in read-only mode with ``data_only=True``: a formula cell
  gives the value Excel saved, and nothing is ever evaluated.
* The worksheet's declared dimensions are ignored, and rows are cut to the
  header's width, so a sheet claiming A1:XFD1048576 is not padded out.
* Merged cells read as their top-left value, the others as empty.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from revise.marking.errors import InputError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 512 << 20  # one worksheet of a million short rows fits
MAX_TOTAL_BYTES = 1 << 30
MAX_LOADED_BYTES = 64 << 20  # shared strings and styles are loaded whole by openpyxl
MAX_RATIO = 200  # ordinary sheet XML compresses 10-30x; bombs 1000x and more
RATIO_FLOOR = 1 << 20  # small members may compress as they like
MAX_COLUMNS = 1024
HEADER_SCAN_ROWS = 10
HEADER_SCAN_LIMIT = 1_000  # rows looked at for a header, blank ones included

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def check_zip(path: Path, where: str) -> None:
    """Refuse a workbook whose zip directory declares too much data (InputError)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(where, f"不是有效的 .xlsx 文件（{error}）") from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(where, f".xlsx 压缩包里有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS}，拒绝读取")
    total = 0
    for info in infos:
        total += info.file_size
        loaded_whole = not info.filename.startswith("xl/worksheets/")
        limit = MAX_LOADED_BYTES if loaded_whole else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise InputError(where, f".xlsx 中的 {info.filename} 解压后有 {info.file_size >> 20} MB，超过上限 {limit >> 20} MB，拒绝读取")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(where, f".xlsx 中的 {info.filename} 压缩比超过 {MAX_RATIO}:1，可能是“压缩炸弹”，拒绝读取")
    if total > MAX_TOTAL_BYTES:
        raise InputError(where, f".xlsx 解压后共 {total >> 20} MB，超过上限 {MAX_TOTAL_BYTES >> 20} MB，拒绝读取")


def cell_text(value: Any) -> str:
    """A cell's value as the text a teacher sees: 1.0 as "1", dates as ISO, booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


class Workbook:
    """An opened workbook; close it when done."""

    def __init__(self, path: Path, where: str) -> None:
        check_zip(path, where)
        import openpyxl

        self.where = where
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise InputError(where, f"无法读取 .xlsx（{type(error).__name__}: {error}）") from None

    def sheets(self) -> list[Any]:
        """The worksheets (chart sheets have no cells), active one first."""
        sheets = [sheet for sheet in self._book.worksheets if hasattr(sheet, "iter_rows")]
        active = self._book.active
        if active in sheets:
            sheets.remove(active)
            sheets.insert(0, active)
        return sheets

    def head(self, sheet: Any) -> list[tuple[int, list[str]]]:
        """The first non-empty rows of a sheet with their row numbers, cut to MAX_COLUMNS."""
        sheet.reset_dimensions()  # never trust the declared A1:XFD1048576
        rows: list[tuple[int, list[str]]] = []
        try:
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    rows.append((number, cells))
                if len(rows) >= HEADER_SCAN_ROWS or number >= HEADER_SCAN_LIMIT:
                    break
        except Exception as error:
            raise InputError(f"{sheet.title}!A1", f"工作表无法读取（{type(error).__name__}）") from None
        return rows

    def rows(self, sheet: Any, first: int, width: int) -> Iterator[tuple[int, list[str]]]:
        """Non-empty rows from row `first` on, each cut or padded to `width` cells."""
        sheet.reset_dimensions()
        number = first - 1
        try:
            for number, values in enumerate(sheet.iter_rows(min_row=first, max_col=max(width, 1), values_only=True), start=first):
                if not any(v is not None and v != "" for v in values):
                    continue
                cells = [cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    yield number, cells
        except Exception as error:
            raise InputError(f"{sheet.title}!A{number + 1}", f"工作表无法读取（{type(error).__name__}）") from None

    def close(self) -> None:
        """Release the file."""
        self._book.close()
