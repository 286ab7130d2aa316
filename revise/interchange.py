"""What reading teachers' files shares across `formats` and `marking`: which encoding a text file is in, and spreadsheet column letters.

zh-CN Windows saves text as GBK, WPS and newer Excel as UTF-8 with a BOM,
and "Unicode text" as UTF-16. Both the importers (whole files) and the class
marking (streamed CSVs) decide with this one ladder: a byte-order mark, then
UTF-16 without one, then UTF-8, then GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Tried in this order when there is no BOM and the text is not UTF-16.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")
ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32-le": "UTF-32", "utf-32-be": "UTF-32"}
# How much of a file's start the UTF-16 check looks at.
SAMPLE_BYTES = 4096
MIN_NULS = 4


def bom_encoding(head: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start names, and the mark's length; None without one."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the NUL bytes of ASCII characters (commas, newlines, digits) sit on one side; else None.

    Text in any other encoding has no NUL bytes at all, so a tenth of one
    side's bytes being NUL (and far fewer on the other side, where only a
    few CJK characters put one) is a safe sign, even in mostly Chinese text.
    A stray NUL or two in a short UTF-8 file is not: a UTF-16 header line alone has a dozen.
    """
    if len(head) < 8:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    needed = max(MIN_NULS, len(head) // 20)
    if odd >= needed and even * 4 < odd:
        return "utf-16-le"
    if even >= needed and odd * 4 < even:
        return "utf-16-be"
    return None


def candidate_encodings(head: bytes) -> tuple[tuple[str, int], ...]:
    """The encodings to try, in order, for a file starting with `head` (encoding, bytes to skip)."""
    marked = bom_encoding(head)
    if marked:
        return (marked,)
    guess = utf16_without_bom(head[:SAMPLE_BYTES])
    if guess:
        return ((guess, 0),)
    return tuple((encoding, 0) for encoding in FALLBACK_ENCODINGS)


def column_letter(index: int) -> str:
    """A spreadsheet column's letters from its 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
