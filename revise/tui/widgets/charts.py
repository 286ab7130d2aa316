"""Small charts drawn with text: rows of labelled bars and a calendar heatmap of reviews.

Colours come from the theme's variables (``$success``, ``$warning``…), so
both dark and light themes work, and every chart also says its numbers in
words or digits: colour is never the only signal.
"""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from revise.tui.display import fit

BAR_FULL = "━"
BAR_EMPTY = "╌"
MIN_BAR_WIDTH = 6
# Heatmap shades from none to most; doubled so that each day is roughly square.
SHADES = ("··", "░░", "▒▒", "▓▓", "██")
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")


def bar_style(fraction: float) -> str:
    """The theme colour for a bar at this fraction: weak red, middling amber, strong green."""
    if fraction >= 0.8:
        return "$success"
    if fraction >= 0.4:
        return "$warning"
    return "$error"


def bar_content(fraction: float, width: int) -> Content:
    """A bar `width` cells wide, filled to `fraction`."""
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    return Content.assemble(
        (BAR_FULL * filled, bar_style(fraction)),
        (BAR_EMPTY * (width - filled), "$foreground 30%"),
    )


class BarChart(Widget):
    """Many labelled bars in one widget (one line each): cheaper to lay out than a widget per bar."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(
        self,
        rows: list[tuple[str, float, str]] | None = None,
        *,
        label_width: int = 16,
        detail_width: int = 5,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[tuple[str, float, str]] = rows or []
        self.label_width = label_width
        self.detail_width = detail_width

    def set_rows(self, rows: list[tuple[str, float, str]]) -> None:
        """Replace the bars: (label, fraction, detail) per row."""
        self.rows = rows
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        """One line per row."""
        return max(1, len(self.rows))

    def render(self) -> RenderResult:
        """Draw the widget's text."""
        width = self.size.width or 40
        bar_width = max(MIN_BAR_WIDTH, width - self.label_width - self.detail_width - 2)
        rows = self.rows
        height = self.content_size.height
        hidden = 0
        if height and len(rows) > height:
            # Never cut rows silently: the last line says how many are not shown.
            hidden = len(rows) - (height - 1)
            rows = rows[: height - 1]
        lines = [
            Content.assemble(
                Content(fit(label, self.label_width)),
                " ",
                bar_content(fraction, bar_width),
                " ",
                Content(detail).pad_right(max(0, self.detail_width - cell_len(detail))),
            )
            for label, fraction, detail in rows
        ]
        if hidden:
            lines.append(Content.styled(f"…另有 {hidden} 项未显示", "$text-muted"))
        return Content("\n").join(lines) if lines else Content("")


def heatmap_content(days: list[tuple[date, int]]) -> Content:
    """A calendar of answers per day: one row per weekday (Monday first), one column per week, oldest on the left."""
    if not days:
        return Content("（还没有记录）")
    peak = max(count for _, count in days) or 1
    first = days[0][0]
    offset = first.weekday()  # blank cells before the first day, so columns are whole weeks
    weeks = (offset + len(days) + 6) // 7
    grid: list[list[tuple[str, str]]] = [[("  ", "")] * weeks for _ in range(7)]
    for index, (_, count) in enumerate(days):
        cell = offset + index
        level = 0 if count == 0 else min(len(SHADES) - 1, 1 + (count * (len(SHADES) - 2)) // peak)
        grid[cell % 7][cell // 7] = (SHADES[level], "$success" if count else "$foreground 40%")
    lines = []
    for weekday, row in enumerate(grid):
        lines.append(Content.assemble(WEEKDAY_LABELS[weekday], " ", *row))
    legend = Content.assemble(
        "   少 ",
        *[(shade, "$success" if level else "$foreground 40%") for level, shade in enumerate(SHADES)],
        " 多",
    )
    return Content("\n").join([*lines, legend])
