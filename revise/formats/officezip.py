"""Office files (.xlsx, .docx) are zips: their declared sizes are checked before any library opens them.

The central directory says how large each part will be once unpacked;
Python's zipfile never unpacks more than that (it stops, and the CRC check
fails), so the declared sizes are a real bound. Three limits apply:

* a part that a library reads whole into memory (shared strings, styles,
  a Word document's body) may unpack to at most :data:`MAX_WHOLE_PART` bytes;
* a worksheet, which is streamed row by row and read only up to the row
  cap, may be larger, and all parts together at most :data:`MAX_TOTAL`;
* a part that unpacks more than :data:`MAX_RATIO` times its packed size,
  beyond a small floor, is a zip bomb: no honest sheet or document
  compresses that well.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from revise.formats.common import FormatError

MAX_TOTAL = 1024 * 1024 * 1024
MAX_WHOLE_PART = 64 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 4 * 1024 * 1024
MAX_ENTRIES = 2_000

_TEXT_HINT = "它其实是文本文件：请把扩展名改成 .txt 或 .csv，或者用 --format 指定格式"
_OLD_OFFICE = b"\xd0\xcf\x11\xe0"


def _not_a_zip(path: Path) -> str:
    """Why a file that should be an Office zip is not one, in words a teacher can act on."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    if head.startswith(_OLD_OFFICE):
        return "这是旧版 Office 格式（.xls/.doc）；请在 Excel/WPS/Word 里另存为 .xlsx 或 .docx"
    if not head.startswith(b"PK") and _is_text(head):
        return _TEXT_HINT
    return "不是有效的 Office 文件（zip 结构损坏）"


def _is_text(head: bytes) -> bool:
    """True when the first bytes read as text in UTF-8, GB18030 or UTF-16 (with a BOM or the zero bytes of ASCII)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 4 and head[1:4:2] == b"\0\0"):
        encodings: tuple[str, ...] = ("utf-16",) if head[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-16-le",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = head.decode(encoding, errors="ignore" if encoding.startswith("utf-16") else "strict")
        except UnicodeDecodeError:
            # the 4096 bytes may end inside a character
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if text and sum(1 for char in text if char.isprintable() or char in "\r\n\t") >= 0.95 * len(text):
            return True
    return False


def check_zip(path: Path, streamed: tuple[str, ...] = ()) -> None:
    """Refuse an Office zip that is broken, not a zip, too large or too compressed, before opening it.

    `streamed` names the folders (``xl/worksheets/``) whose parts the reader
    streams instead of loading whole.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FormatError(f"{path}:1: {_not_a_zip(path)}") from None
    except OSError as error:
        raise FormatError(f"{path}: 无法读取：{error.strerror or error}") from None
    if len(infos) > MAX_ENTRIES:
        raise FormatError(f"{path}:1: 文件里的部件太多（{len(infos)} 个），拒绝读取")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise FormatError(f"{path}:1: 部件 {info.filename} 声明解压后有 {info.file_size / 1e6:.0f} MB（压缩比 {ratio:.0f}），像是“压缩炸弹”，拒绝读取")
        if info.file_size > MAX_WHOLE_PART and not info.filename.startswith(streamed):
            raise FormatError(
                f"{path}:1: 部件 {info.filename} 解压后有 {info.file_size / 1e6:.0f} MB，超过上限 {MAX_WHOLE_PART / 1e6:.0f} MB；请把题目分成几个文件"
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL:
        raise FormatError(f"{path}:1: 文件解压后有 {total / 1e6:.0f} MB，超过上限 {MAX_TOTAL / 1e6:.0f} MB；请把题目分成几个文件")
