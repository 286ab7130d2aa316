"""Reading text files the way zh-CN Windows saves them: BOM, UTF-8, GB18030 or UTF-16, detected without asking."""

from __future__ import annotations

from pathlib import Path

from revise.formats.common import MAX_INPUT_BYTES, FormatError


def decode(data: bytes, where: str) -> str:
    """Bytes as text: a BOM decides, else UTF-8, else GB18030 (which covers GBK); never a guess that loses text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    encoding = _utf16_without_bom(data[:4096])
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise FormatError(f"{where}: 文件编码无法识别（不是 UTF-8、GBK 或 UTF-16）：{error.reason}") from None


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the NUL bytes of ASCII characters (commas, newlines, digits) sit on one side; else None.

    Text in any other encoding has no NUL bytes at all, so a tenth of one
    side's bytes being NUL (and far fewer on the other side, where only a
    few CJK characters put one) is a safe sign, even in mostly Chinese text.
    """
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= max(1, half // 10) and even * 4 < odd:
        return "utf-16-le"
    if even >= max(1, half // 10) and odd * 4 < even:
        return "utf-16-be"
    return None


def read_bytes(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A file's bytes, refused when larger than `limit` (checked before reading)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise FormatError(f"{path}:1: 文件太大（{size / 1e6:.1f} MB），上限是 {limit / 1e6:.0f} MB")
        return path.read_bytes()
    except FormatError:
        raise
    except OSError as error:
        raise FormatError(f"{path}: 无法读取：{error.strerror or error}") from None


def read_text(path: Path, limit: int = MAX_INPUT_BYTES) -> str:
    """A text file's content, decoded by :func:`decode`, with newlines unified."""
    text = decode(read_bytes(path, limit), f"{path}:1")
    return text.replace("\r\n", "\n").replace("\r", "\n")
