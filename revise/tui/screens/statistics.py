"""统计: streak, reviews per day (90 days), accuracy per type, mastery per chapter and concept, most-wrong questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane

from revise.tui.display import percent, plain
from revise.tui.widgets.charts import BarChart, heatmap_content
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.mastery import Stats
    from revise.tui.app import ReviseApp

MOST_WRONG = 20
PROMPT_COLUMN_WIDTH = 40


class StatisticsScreen(Screen[None]):
    """Three tabs: an overview, mastery bars, and the questions most often wrong."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="statistics.back", tooltip="Back to the home screen"),
        Binding("1", "tab('overview')", "概览", id="statistics.overview", tooltip="Streak, reviews per day, accuracy per type"),
        Binding("2", "tab('mastery')", "掌握度", id="statistics.mastery", tooltip="Mastery per chapter and concept"),
        Binding("3", "tab('wrong')", "常错题", id="statistics.wrong", tooltip="The questions most often wrong"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with TabbedContent(id="stats-tabs"):
            with TabPane("概览", id="overview"):
                yield VerticalScroll(id="overview-body")
            with TabPane("掌握度", id="mastery"):
                yield VerticalScroll(id="mastery-body")
            with TabPane("常错题", id="wrong"):
                table: DataTable = DataTable(id="wrong-table", cursor_type="row", zebra_stripes=True)
                yield table
                yield Static(id="wrong-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and fill the tabs."""
        self.sub_title = "统计"
        self.refresh_text()

    def refresh_text(self) -> None:
        """Recompute and redraw (also in a newly chosen display script)."""
        from revise.mastery import collect_stats, local_zone

        app = self.app
        now = app.clock()
        self.stats = collect_stats(app.bank, app.store, now=now, tz=app.tz or local_zone(now), top=MOST_WRONG)
        self._fill(self.query_one("#overview-body", VerticalScroll), list(self.overview_widgets(self.stats)))
        self._fill(self.query_one("#mastery-body", VerticalScroll), list(self.mastery_widgets(self.stats)))
        self.fill_wrong_table(self.stats)

    @staticmethod
    def _fill(container: Widget, widgets: list[Widget]) -> None:
        container.remove_children()
        container.mount_all(widgets)

    def overview_widgets(self, stats: Stats) -> list[Widget]:
        """Streak and totals, the 90-day heatmap and accuracy per question type."""
        overall = stats.accuracy
        total_answers = sum(count for _, count in stats.answers_per_day)
        busiest = max((count for _, count in stats.answers_per_day), default=0)
        practised_days = sum(1 for _, count in stats.answers_per_day if count)
        widgets: list[Widget] = [
            Static(
                Content.assemble(
                    ("连续学习 ", "$text-muted"), (f"{stats.streak} 天", "bold"),
                    ("   累计作答 ", "$text-muted"), (str(overall.answered), "bold"),
                    ("   总正确率 ", "$text-muted"), (percent(overall.accuracy) if overall.answered else "—", "bold"),
                ),
                id="overview-totals",
            ),
            Label(f"最近 {len(stats.answers_per_day)} 天：{total_answers} 次作答，{practised_days} 天有练习，单日最多 {busiest} 次", classes="section-title"),
            Static(heatmap_content(stats.answers_per_day), id="heatmap"),
            Label("各题型正确率（正确/作答）", classes="section-title"),
        ]
        if not stats.accuracy_by_type:
            widgets.append(Label("还没有作答记录。", classes="hint"))
        else:
            rows = [(item.label, item.accuracy, f"{percent(item.accuracy)} {item.correct}/{item.answered}") for item in stats.accuracy_by_type.values()]
            widgets.append(BarChart(rows, label_width=14, detail_width=12, id="accuracy-chart"))
        return widgets

    def mastery_widgets(self, stats: Stats) -> list[Widget]:
        """Bars for the bank, each chapter, and each chapter's concepts (indented under it)."""
        show = self.app.show
        report = stats.mastery
        bank = self.app.bank
        rows = [("全部", report.bank.mastery, f"{percent(report.bank.mastery)} 掌握{report.bank.mastered}/{report.bank.questions}")]
        seen: set[str] = set()
        for group in report.chapters:
            rows.append((show(group.name), group.mastery, f"{percent(group.mastery)} 掌握{group.mastered}/{group.questions}"))
            for chapter in bank.chapters:
                if chapter.title != group.key:
                    continue
                for concept in chapter.concepts:
                    concept_group = report.concepts.get(concept.id)
                    if concept_group is None or concept.id in seen:
                        continue
                    seen.add(concept.id)
                    rows.append(("  " + show(concept_group.name), concept_group.mastery, f"{percent(concept_group.mastery)} {concept_group.questions}题"))
        return [BarChart(rows, label_width=20, detail_width=16, id="mastery-chart")]

    def fill_wrong_table(self, stats: Stats) -> None:
        """The most-wrong questions, as literal text cells."""
        show = self.app.show
        table = self.query_one("#wrong-table", DataTable)
        table.clear(columns=True)
        table.add_column(Text("错"), width=3, key="wrong")
        table.add_column(Text("答"), width=3, key="answered")
        table.add_column(Text("题目"), width=PROMPT_COLUMN_WIDTH, key="prompt")
        table.add_column(Text("章节"), key="chapter")
        for item in stats.most_wrong:
            table.add_row(
                Text(str(item.incorrect), justify="right"),
                Text(str(item.answered), justify="right"),
                Text(show(" ".join(item.prompt.split())), no_wrap=True, overflow="ellipsis"),
                Text(show(item.chapter), no_wrap=True, overflow="ellipsis"),
                key=item.question_id,
            )
        detail = self.query_one("#wrong-detail", Static)
        detail.update(plain("还没有答错过的题。" if not stats.most_wrong else "↑↓ 查看完整题目"))

    @on(DataTable.RowHighlighted, "#wrong-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self.stats is None or event.row_key.value is None:
            return
        for item in self.stats.most_wrong:
            if item.question_id == event.row_key.value:
                text = f"{self.app.show(item.prompt)}\n答错 {item.incorrect} 次 / 共答 {item.answered} 次 · {self.app.show(item.chapter)}"
                self.query_one("#wrong-detail", Static).update(plain(text))
                return

    def action_tab(self, tab: str) -> None:
        """Switch to a tab: "overview", "mastery" or "wrong"."""
        self.query_one(TabbedContent).active = tab
