"""The YAML slips a teacher typing with a Chinese input method makes, explained where they are.

libyaml reports such a slip as a syntax error, often on a later line and in
its own terms ("could not find expected ':'"). These checks look at the text
itself, so the message names the line the teacher must change and says how.
"""

from __future__ import annotations

import re

# A key name followed by a full-width colon: `type：fill`.
_FULL_WIDTH_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*：")
# A list dash glued to a key: `-id: q1`.
_DASH_WITHOUT_SPACE = re.compile(r"^[ \t]*-([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
# A value opened with Chinese quotes, as if they were YAML quotes: `prompt: “…”`.
_SMART_QUOTED_VALUE = re.compile(r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_]*:[ \t]+[“”‘’]")
# `key: text: more text` — an ASCII colon and space inside an unquoted value.
_COLON_IN_VALUE = re.compile(r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_]*:[ \t]+[^\"'\[{|>#][^#]*?:[ \t]")


def typing_slips(text: str, *, after_syntax_error: bool = True) -> list[tuple[int, str]]:
    """(line, message) for every typing slip found, in line order.

    Without a syntax error only the slips that are never right are looked for
    (full-width indentation, a full-width colon after a key name): the others
    can stand in valid text, such as a block of plain text.
    """
    slips: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("\u3000") or re.match(r"^[ \t]*\u3000", line):
            slips.append((number, "行首用了全角空格缩进；YAML 只认半角空格，请把全角空格换成半角空格"))
            continue
        match = _FULL_WIDTH_COLON_KEY.match(line)
        if match:
            slips.append((number, f"“{match.group(1)}”后面用了中文冒号“：”；字段名后要用英文冒号加一个空格，例如“{match.group(1)}: ”"))
            continue
        if not after_syntax_error:
            continue
        match = _DASH_WITHOUT_SPACE.match(line)
        if match:
            slips.append((number, f"“-{match.group(1)}:”里的“-”后面少了一个空格；列表的每一项要写成“- {match.group(1)}: …”"))
            continue
        if _SMART_QUOTED_VALUE.match(line) and ": " in line.split(":", 1)[1]:
            slips.append((number, "中文引号“”不能当 YAML 的引号用；要给含英文冒号的文字加引号，请用英文引号 \"…\" 或 '…'"))
            continue
        if _COLON_IN_VALUE.match(line):
            slips.append((number, "这行文字里有英文冒号加空格“: ”，YAML 会把它当成字段分隔；请给整段文字加英文引号，或改用中文冒号“：”"))
    return slips


def strip_ime_quotes(value: str) -> str:
    """A short value with Chinese quotes a teacher typed around it removed: “元” -> 元."""
    if len(value) >= 2 and value[0] in "“‘「『" and value[-1] in "”’」』":
        return value[1:-1].strip()
    return value
