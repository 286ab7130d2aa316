"""Reading text files the way zh-CN Windows saves them: BOM, UTF-8, GB18030 or UTF-16, detected without asking."""

from __future__ import annotations

from pathlib import Path

from revise.formats.common import MAX_INPUT_BYTES, FormatError
from revise.interchange import FALLBACK_ENCODINGS, SAMPLE_BYTES, candidate_encodings


def decode(data: bytes, where: str) -> str:
    """Bytes as text, by the ladder in :mod:`revise.interchange`; never a guess that loses text."""
    failure: UnicodeDecodeError | None = None
    for encoding, skip in candidate_encodings(data[:SAMPLE_BYTES]):
        try:
            # A BOM or UTF-16 is trusted even with a damaged byte: replaced, not refused.
            strict = skip == 0 and encoding in FALLBACK_ENCODINGS
            return data[skip:].decode(encoding, errors="strict" if strict else "replace")
        except UnicodeDecodeError as error:
            failure = failure or error
    reason = failure.reason if failure else "?"
    raise FormatError(f"{where}: 文件编码无法识别（不是 UTF-8、GBK 或 UTF-16）：{reason}")


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
