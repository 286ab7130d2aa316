"""Choosing a reader for a file, and writing what it read as chapter files that validate."""

from __future__ import annotations

from pathlib import Path

from revise.formats.common import FormatError, ImportedChapter, ImportResult
from revise.formats.textfile import decode, read_bytes

FORMATS = ("auto", "xlsx", "csv", "txt", "docx", "gift", "moodle-xml")
EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".tsv": "csv", ".docx": "docx", ".gift": "gift", ".xml": "moodle-xml", ".txt": "txt"}


def detect_format(path: Path) -> str:
    """The format of a file from its extension; a .txt that reads as GIFT is GIFT."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".doc", ".et", ".wps"):
        raise FormatError(f"{path}:1: 旧版 Office 格式（{suffix}）读不了；请在 Excel/WPS/Word 里另存为 .xlsx 或 .docx")
    fmt = EXTENSIONS.get(suffix)
    if fmt is None:
        raise FormatError(f"{path}:1: 看不出文件格式（{suffix or '没有扩展名'}）；请用 --format 指定：{'、'.join(FORMATS[1:])}")
    if fmt == "txt":
        head = decode(read_bytes(path)[:65536], str(path))
        lines = [line.strip() for line in head.splitlines() if line.strip() and not line.strip().startswith("//")]
        braces = sum(1 for line in lines if line.endswith("}") or line.startswith("::") or line.startswith("$CATEGORY"))
        if lines and braces * 3 >= len([line for line in lines if line[0].isdigit()]) and braces:
            return "gift"
    return fmt


def read_any(path: Path, fmt: str = "auto", chapter: str | None = None) -> ImportResult:
    """Read a file in the given (or detected) format; raises FormatError when it cannot be read at all."""
    if not path.is_file():
        raise FormatError(f"{path}: 文件不存在")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "gift":
        from revise.formats.gift import read_gift

        return read_gift(path, chapter=chapter)
    if fmt == "moodle-xml":
        from revise.formats.moodle_xml import read_moodle_xml

        return read_moodle_xml(path, chapter=chapter)
    if fmt == "xlsx":
        from revise.formats.xlsx_templates import read_xlsx

        return read_xlsx(path, chapter=chapter)
    if fmt == "csv":
        from revise.formats.xlsx_templates import read_csv

        return read_csv(path, chapter=chapter)
    if fmt == "docx":
        from revise.formats.text_import import read_docx

        return read_docx(path, chapter=chapter)
    if fmt == "txt":
        from revise.formats.text_import import read_text_questions

        return read_text_questions(path, chapter=chapter)
    raise FormatError(f"{path}: 不支持的格式“{fmt}”")


def write_chapters(chapters: list[ImportedChapter], out: Path, source: str | None = None) -> list[Path]:
    """Write one file per chapter: `out` itself for one chapter, `out-01.yaml` … for several (Moodle categories)."""
    from revise.formats.yaml_writer import write_chapter

    chapters = [chapter for chapter in chapters if chapter.questions]
    if len(chapters) == 1:
        return [write_chapter(chapters[0], out, source=source)]
    return [write_chapter(chapter, out.with_name(f"{out.stem}-{index:02d}{out.suffix or '.yaml'}"), source=source) for index, chapter in enumerate(chapters, 1)]
