"""Text from a bank file or a student is shown, never obeyed.

Terminal control (C0/C1 controls, hence every ANSI escape and OSC sequence,
and the bidi overrides) is shown visibly instead of reaching the terminal; spreadsheet
cells never start a formula. Every place that shows or writes such text goes
through here, so the rule lives once.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1, and the bidi embeddings/overrides/isolates.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What makes Excel or WPS read a cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: the Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def show(text: str) -> str:
    """`text` with every control character shown visibly (tab and newline kept).

    An escape sequence loses its ESC, which becomes ␛: "\\x1b[2J" shows as "␛[2J" and
    does nothing, and the teacher can still see what was in the file.
    """
    if not text:
        return text
    return _CONTROL_RE.sub(_visible, text)


def one_line(text: str) -> str:
    """:func:`show`, then newlines and tabs folded to spaces: for a table cell or a log line."""
    return " ".join(show(text).split())


def spreadsheet_cell(value: object) -> object:
    """A value safe to put in a CSV or spreadsheet cell that Excel or WPS opens.

    Numbers stay numbers. Text that could start a formula gets a leading
    apostrophe, which both show as plain text while keeping the value readable.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value
