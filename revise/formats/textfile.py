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
    if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        return data.decode("utf-16-le", errors="replace")  # UTF-16 without a BOM (Excel's "Unicode text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise FormatError(f"{where}: 文件编码无法识别（不是 UTF-8、GBK 或 UTF-16）：{error.reason}") from None


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
