"""The home screen: what is due today, what is new, the 错题本, mastery per chapter, and the way in to everything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from revise.tui.destinations import HOME_DESTINATIONS
from revise.tui.display import percent
from revise.tui.widgets.charts import BarChart
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.tui.services import Services


class HomeScreen(Screen[None]):
    """Today at a glance, mastery bars per chapter, and a menu with one key per entry."""

    BINDINGS = [
        *(
            Binding(entry.key or "", f"app.{entry.action}", entry.label, id=f"home.{entry.action}", show=entry.in_footer, tooltip=entry.description)
            for entry in HOME_DESTINATIONS
        ),
        Binding("q", "app.quit", "退出", id="home.quit", tooltip="Quit revise"),
    ]

    AUTO_FOCUS = "#menu"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        # The numbers are computed in compose for the first display (one layout pass at start-up);
        # every later resume recomputes them.
        self._composed_with_data = False

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        today, rows = self.gather()
        self._composed_with_data = True
        # Few widgets on purpose: each one costs restyling time whenever home is shown.
        yield TitleBar()
        yield Static(today, id="today")
        with Horizontal(id="home-body"):
            menu = OptionList(
                *(Option(Content.assemble((f" {entry.key} ", "bold $accent"), " ", entry.label), id=entry.action) for entry in HOME_DESTINATIONS),
                id="menu",
                markup=False,
            )
            menu.border_title = "↑↓ 选择  Enter 进入"
            yield menu
            # Not in a scroll container: those cost ~30 ms at start-up; the chart says how many rows did not fit.
            chart = BarChart(rows, label_width=18, id="chapter-chart")
            chart.border_title = "各章掌握度"
            yield chart
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        """Recompute the numbers when the student comes back (not on the first display)."""
        if self._composed_with_data:
            self._composed_with_data = False
            return
        self.refresh_data()

    def gather(self) -> tuple[Content, list[tuple[str, float, str]]]:
        """Today's counts line and the chapter bars (label, mastery, percentage), from the engine and the store."""
        from revise.progress.mastery import compute_mastery, current_streak

        app = self.services
        now = app.clock()
        tz = app.zone(now)
        engine = app.new_engine()
        today = engine.describe()
        report = compute_mastery(app.bank, app.store, now=now, tz=tz, questions=engine.questions)
        streak = current_streak(app.store, now, tz)
        bank = report.bank
        counts = Content.assemble(
            ("今日到期 ", "$text-muted"),
            (str(today["due"]), "bold"),
            ("   新题 ", "$text-muted"),
            (str(today["new_available"]), "bold"),
            ("   错题本 ", "$text-muted"),
            (str(today["notebook"]), "bold"),
            ("   已掌握 ", "$text-muted"),
            (f"{bank.mastered}/{bank.questions}", "bold"),
            ("   连续 ", "$text-muted"),
            (f"{streak} 天", "bold"),
        )
        rows = [(group.name, group.mastery, percent(group.mastery)) for group in report.chapters]
        return counts, rows

    def refresh_data(self) -> None:
        """Recompute today's counts and the chapter bars from the store."""
        counts, rows = self.gather()
        self.query_one("#today", Static).update(counts)
        self.query_one("#chapter-chart", BarChart).set_rows(rows)

    @on(OptionList.OptionSelected, "#menu")
    def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.call_later(self.app.run_action, f"app.{event.option.id}")
