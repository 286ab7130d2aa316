"""Small charts drawn with text: rows of labelled bars, a calendar heatmap of practice days, and sparklines.

Colours come from the theme's variables (``$success``, ``$warning``…), so
both dark and light themes work, and every chart also says its numbers in
words or digits: colour is never the only signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from revise.tui.display import fit

if TYPE_CHECKING:
    from revise.progress.forecast import Heatmap

BAR_FULL = "━"
BAR_EMPTY = "╌"
MIN_BAR_WIDTH = 6
# Heatmap shades from none to most; doubled so that each day is roughly square.
SHADES = ("··", "░░", "▒▒", "▓▓", "██")
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")
SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(fractions: list[float]) -> str:
    """One block character per value between 0 and 1 (▁ for 0, █ for 1), oldest first."""
    top = len(SPARK_LEVELS) - 1
    return "".join(SPARK_LEVELS[round(max(0.0, min(1.0, value)) * top)] for value in fractions)


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


def calendar_content(heat: Heatmap) -> Content:
    """The practice calendar of :func:`revise.progress.forecast.practice_heatmap`: weekdays down, weeks across, months on top.

    Shades follow :func:`revise.progress.forecast.heat_level` (the levels ``revise stats`` prints);
    days after today are blank, and a day without practice is a dot.
    """
    from revise.progress.forecast import heat_level

    if not heat.weeks:
        return Content("（还没有记录）")
    months = "".join(f"{week[0][0].month:>2}" if week[0] is not None and week[0][0].day <= 7 else "  " for week in heat.weeks)
    lines = [Content.styled(f"   {months}", "$text-muted")]  # the month over the week it begins in
    for weekday in range(7):
        cells: list[tuple[str, str]] = []
        for week in heat.weeks:
            cell = week[weekday]
            if cell is None:
                cells.append(("  ", ""))
                continue
            level = heat_level(cell[1], heat.busiest, len(SHADES) - 1)
            cells.append((SHADES[level], "$success" if level else "$foreground 40%"))
        lines.append(Content.assemble(WEEKDAY_LABELS[weekday], " ", *cells))
    legend = Content.assemble(
        "   少 ",
        *[(shade, "$success" if level else "$foreground 40%") for level, shade in enumerate(SHADES)],
        " 多",
    )
    return Content("\n").join([*lines, legend])
