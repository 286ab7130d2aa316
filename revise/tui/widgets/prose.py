"""Text wrapped the way Chinese is set: :class:`Prose`, a Visual any widget can show.

Textual wraps at spaces only. A Chinese sentence has none, so it is cut at
the last cell that fits: an English word or a blank (____) split in two, a
line starting with "。", and a bullet ("• ") left alone on its line because
the words after it make one "word" too long for the rest of the line.

:func:`break_lines` breaks between any two Chinese characters and at spaces,
never inside a run of Latin letters, digits and ASCII signs (relevance, 20/80,
____), never before closing punctuation (。，、）」…) nor after opening
punctuation (（「《 and ①…⑳ in front of a blank), and gives a bulleted or
numbered paragraph a hanging indent. Widths are in terminal cells.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content
from textual.visual import Visual

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.strip import Strip
    from textual.style import Style
    from textual.visual import RenderOptions

# A line never starts with these: they stay with the character before them.
NO_LINE_START = frozenset("。，、；：？！）」』》〉】〕］｝”’…‥·・—～％‰.,;:!?)]}%°℃")
# A line never ends with these: they go with the character after them.
NO_LINE_END = frozenset("（「『《〈【〔［｛“‘([{") | frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
# Runs that are never broken: Latin words, numbers, ASCII signs and blanks (relevance, 20/80, C=b/a, ____).
UNBROKEN_RE = re.compile(r"[!-~]+")
SPACE_RE = re.compile(r"[ \t\u3000]+")
# A paragraph's indent and marker, which its continuation lines are indented by: "• ", "1. ", "一、", "(2) ".
MARKER_RE = re.compile(r"[ \u3000]*(?:(?:[•·▪◦*-]|\d{1,2}[.)）]|[（(]\d{1,2}[)）]|[①-⑳])[ \u3000]+|(?:\d{1,2}|[一二三四五六七八九十]{1,3})、)?")


def _boxes(paragraph: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_space) of the pieces a line may break between, with the no-break rules applied."""
    pieces: list[tuple[int, int, bool]] = []
    position = 0
    while position < len(paragraph):
        space = SPACE_RE.match(paragraph, position)
        if space:
            pieces.append((position, space.end(), True))
            position = space.end()
            continue
        word = UNBROKEN_RE.match(paragraph, position)
        end = word.end() if word else position + 1
        pieces.append((position, end, False))
        position = end
    boxes: list[tuple[int, int, bool]] = []
    for start, end, is_space in pieces:
        if boxes and not is_space and not boxes[-1][2]:
            previous_start, previous_end, _ = boxes[-1]
            if paragraph[start] in NO_LINE_START or paragraph[previous_end - 1] in NO_LINE_END:
                boxes[-1] = (previous_start, end, False)
                continue
        boxes.append((start, end, is_space))
    return boxes


def _fold(paragraph: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """A piece wider than a line, cut by characters."""
    lines: list[tuple[int, int]] = []
    line_start, used = start, 0
    for index in range(start, end):
        size = cell_len(paragraph[index])
        if used + size > width and index > line_start:
            lines.append((line_start, index))
            line_start, used = index, 0
        used += size
    lines.append((line_start, end))
    return lines


def break_paragraph(paragraph: str, width: int) -> tuple[list[tuple[int, int]], int]:
    """Where one paragraph (no newlines) breaks at `width` cells: (start, end) of each line, and the hanging indent."""
    width = max(1, width)
    marker = MARKER_RE.match(paragraph)
    indent = cell_len(marker.group()) if marker and 0 < marker.end() < len(paragraph) else 0
    if indent * 2 > width:
        indent = 0
    lines: list[tuple[int, int]] = []
    line_start: int | None = None
    line_end = 0
    used = 0
    pending_space = 0
    for start, end, is_space in _boxes(paragraph):
        size = cell_len(paragraph[start:end])
        if is_space:
            # Kept at the start of the first line (an indent); between words only if the next word fits.
            if line_start is None and not lines:
                line_start, line_end, used = start, end, size
            elif line_start is not None:
                pending_space = size
            continue
        room = width - (indent if lines else 0)
        if line_start is not None and used + pending_space + size > room:
            lines.append((line_start, line_end))
            line_start, used, pending_space = None, 0, 0
            room = width - indent
        if line_start is None:
            if size > room:
                folded = _fold(paragraph, start, end, room)
                lines.extend(folded[:-1])
                line_start, line_end = folded[-1]
                used = cell_len(paragraph[line_start:line_end])
                continue
            line_start, used = start, 0
        used += pending_space + size
        pending_space = 0
        line_end = end
    if line_start is not None:
        lines.append((line_start, line_end))
    return lines or [(0, 0)], indent


def break_lines(text: str, width: int) -> list[tuple[int, int, int]]:
    """Where `text` breaks at `width` cells: (start, end, indent) of every line, newlines kept as breaks."""
    lines: list[tuple[int, int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        spans, indent = break_paragraph(paragraph, width)
        lines.extend((offset + start, offset + end, indent if number else 0) for number, (start, end) in enumerate(spans))
        offset += len(paragraph) + 1
    return lines


def wrap_content(content: Content, width: int) -> Content:
    """The content with its line breaks put in (styles kept), each line at most `width` cells."""
    lines = [Content.assemble(" " * indent, content[start:end]) if indent else content[start:end] for start, end, indent in break_lines(content.plain, width)]
    return Content("\n").join(lines)


class Prose(Visual):
    """Literal content that wraps by the rules of :func:`break_lines`; use it wherever sentences of bank or student text are shown."""

    def __init__(self, content: Content | str) -> None:
        self.content = content if isinstance(content, Content) else Content(content)
        self._wrapped: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return self.content.plain

    @property
    def plain(self) -> str:
        """The text, without styles."""
        return self.content.plain

    def wrapped(self, width: int) -> Content:
        """The content broken into lines for `width` cells (the last width is remembered)."""
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_content(self.content, width))
        return self._wrapped[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """Draw the lines (each already fits, so Textual's own wrapping leaves them alone)."""
        return self.wrapped(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """The widest line without wrapping."""
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        """The widest piece that cannot be broken."""
        widths = [cell_len(paragraph[start:end]) for paragraph in self.plain.split("\n") for start, end, is_space in _boxes(paragraph) if not is_space]
        return max(widths, default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        """How many lines the text takes at `width`."""
        return len(break_lines(self.plain, width)) if width > 0 else 0
