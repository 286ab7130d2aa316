"""Which encoding a CSV file is in, decided without asking the teacher.

zh-CN Excel saves CSV as GBK, WPS and newer Excel as UTF-8 with a BOM, and
"Unicode text" as UTF-16. The ladder is: a byte-order mark, then UTF-16
without one (NULs in every other byte), then UTF-8, then GB18030 (a superset
of GBK and GB2312). A candidate is checked over the whole file in chunks, so
a GBK byte on line 90,000 after plain ASCII is still caught, and the file is
never held in memory.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO

from revise.interchange import ENCODING_NAMES, SAMPLE_BYTES, bom_encoding, candidate_encodings
from revise.marking.errors import InputError

CHUNK = 256 << 10
# One physical line longer than this is not a class's CSV (it would be read as one huge row).
MAX_LINE_CHARS = 4_000_000


@dataclass(frozen=True)
class Detected:
    """An encoding, and how many BOM bytes to skip before decoding."""

    encoding: str
    skip: int

    @property
    def label(self) -> str:
        """The name a teacher knows it by."""
        return ENCODING_NAMES.get(self.encoding, self.encoding)


def detect(stream: BinaryIO, where: str) -> Detected:
    """The encoding of a seekable binary stream, checked over the whole stream; leaves it at the start.

    Raises InputError (``file:line``) when no candidate decodes the file, or
    when a line is absurdly long.
    """
    head = stream.read(SAMPLE_BYTES)
    candidates = candidate_encodings(head)
    marked = bom_encoding(head) is not None
    first_failure: InputError | None = None
    for encoding, skip in candidates:
        try:
            _check(stream, Detected(encoding, skip), where)
        except _Undecodable as failure:
            if marked:  # a BOM names the encoding: its failure is the answer
                raise failure.error from None
            first_failure = first_failure or failure.error
            continue
        return Detected(encoding, skip)
    assert first_failure is not None
    raise first_failure


class _Undecodable(Exception):
    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def _check(stream: BinaryIO, detected: Detected, where: str) -> None:
    """Decode the whole stream chunk by chunk; raise _Undecodable or InputError at the first problem."""
    stream.seek(detected.skip)
    decoder = codecs.getincrementaldecoder(detected.encoding)("strict")
    line = 1
    run = 0  # characters since the last newline
    offset = detected.skip
    while True:
        chunk = stream.read(CHUNK)
        final = not chunk
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            bad_line = line + _newlines_before(decoder, chunk, error.start)
            byte = chunk[error.start] if error.start < len(chunk) else 0
            message = f"文件不是 UTF-8，也不是 GBK（第 {offset + error.start + 1} 个字节是 0x{byte:02x}）；请在 Excel 或 WPS 中另存为“CSV UTF-8”"
            if detected.encoding.startswith(("utf-16", "utf-32")):
                message = f"文件开头标明是 {detected.label}，但这里的内容无法按 {detected.label} 读取；请另存为“CSV UTF-8”"
            raise _Undecodable(InputError(f"{where}:{bad_line}", message)) from None
        newlines = text.count("\n")
        if run + len(text) > MAX_LINE_CHARS:  # only then can a line be too long: look closer
            for number, part in enumerate(text.split("\n")):
                if number:
                    run = 0
                run += len(part)
                if run > MAX_LINE_CHARS:
                    raise InputError(f"{where}:{line + number}", f"一行超过 {MAX_LINE_CHARS // 10_000} 万字，这不像是学生答案的 CSV 文件")
        else:
            run = run + len(text) if not newlines else len(text) - text.rindex("\n") - 1
        line += newlines
        offset += len(chunk)
        if final:
            break
    stream.seek(detected.skip)


def _newlines_before(decoder: codecs.IncrementalDecoder, chunk: bytes, position: int) -> int:
    """Newlines in `chunk` before a failing byte (ASCII newline: exact for UTF-8 and GB18030)."""
    del decoder
    return chunk.count(b"\n", 0, position)


MAX_SMALL_FILE = 16 << 20


def read_small_text(path: str, where: str | None = None) -> str:
    """The whole text of a small CSV (a roster) in whatever encoding Excel or WPS saved it; InputError (``file:line``) otherwise."""
    label = where or path
    with open(path, "rb") as stream:
        if stream.seek(0, 2) > MAX_SMALL_FILE:
            raise InputError(f"{label}:1", f"文件超过 {MAX_SMALL_FILE >> 20} MB，不像是一份名单")
        stream.seek(0)
        detected = detect(stream, label)
        return stream.read().decode(detected.encoding)
