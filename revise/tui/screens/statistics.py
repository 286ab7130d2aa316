"""统计: streak, reviews per day (90 days), accuracy per type, mastery per chapter and concept, most-wrong questions, mock exams."""

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
from revise.tui.messages import OpenExamReport
from revise.tui.widgets.charts import BarChart, heatmap_content
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.progress.mastery import Stats
    from revise.sessions.exam import AttemptSummary
    from revise.tui.services import Services

MOST_WRONG = 20
PROMPT_COLUMN_WIDTH = 40
SPARK_LEVELS = "▁▂▃▄▅▆▇█"
# The score trend shows at most this many attempts (the newest).
SPARK_LENGTH = 30


def sparkline(fractions: list[float]) -> str:
    """One block character per value between 0 and 1 (▁ for 0, █ for 1), oldest first."""
    top = len(SPARK_LEVELS) - 1
    return "".join(SPARK_LEVELS[round(max(0.0, min(1.0, value)) * top)] for value in fractions)


def score_fraction(attempt: AttemptSummary) -> float | None:
    """An attempt's score as a fraction of full marks (None until it is handed in)."""
    if attempt.score is None or not attempt.max_score:
        return None
    return attempt.score / attempt.max_score


def trend_text(current: float, previous: float | None) -> str:
    """ "↑ 8%", "↓ 5%" or "→ 0%" against the previous attempt ("—" for the first)."""
    if previous is None:
        return "—"
    change = round((current - previous) * 100)
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return f"{arrow} {abs(change)}%"


class StatisticsScreen(Screen[None]):
    """Four tabs: an overview, mastery bars, the questions most often wrong, and the mock exams taken."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="statistics.back", tooltip="Back to the home screen"),
        Binding("1", "tab('overview')", "概览", id="statistics.overview", tooltip="Streak, reviews per day, accuracy per type"),
        Binding("2", "tab('mastery')", "掌握度", id="statistics.mastery", tooltip="Mastery per chapter and concept"),
        Binding("3", "tab('wrong')", "常错题", id="statistics.wrong", tooltip="The questions most often wrong"),
        Binding("4", "tab('exams')", "模拟考试", id="statistics.exams", tooltip="Mock exam scores over time; Enter opens a report"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
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
            with TabPane("模拟考试", id="exams"):
                yield Static(id="exam-trend", markup=False)
                exams: DataTable = DataTable(id="exam-table", cursor_type="row", zebra_stripes=True)
                yield exams
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and fill the tabs."""
        self.sub_title = "统计"
        self.refresh_text()

    def on_screen_resume(self) -> None:
        """Back from an exam report (whose points may have been adjusted): redraw the exam history."""
        if self.is_mounted and self.query("#exam-table"):
            self.fill_exam_history()

    def refresh_text(self) -> None:
        """Recompute and redraw (also in a newly chosen display script)."""
        from revise.progress.mastery import collect_stats

        app = self.services
        now = app.clock()
        self.stats = collect_stats(app.bank, app.store, now=now, tz=app.zone(now), top=MOST_WRONG)
        self._fill(self.query_one("#overview-body", VerticalScroll), list(self.overview_widgets(self.stats)))
        self._fill(self.query_one("#mastery-body", VerticalScroll), list(self.mastery_widgets(self.stats)))
        self.fill_wrong_table(self.stats)
        self.fill_exam_history()

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
                    ("连续学习 ", "$text-muted"),
                    (f"{stats.streak} 天", "bold"),
                    ("   累计作答 ", "$text-muted"),
                    (str(overall.answered), "bold"),
                    ("   总正确率 ", "$text-muted"),
                    (percent(overall.accuracy) if overall.answered else "—", "bold"),
                ),
                id="overview-totals",
            ),
            Label(
                f"最近 {len(stats.answers_per_day)} 天：{total_answers} 次作答，{practised_days} 天有练习，单日最多 {busiest} 次",
                markup=False,
                classes="section-title",
            ),
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
        report = stats.mastery
        bank = self.services.bank
        rows = [("全部", report.bank.mastery, f"{percent(report.bank.mastery)} 掌握{report.bank.mastered}/{report.bank.questions}")]
        seen: set[str] = set()
        for group in report.chapters:
            rows.append((group.name, group.mastery, f"{percent(group.mastery)} 掌握{group.mastered}/{group.questions}"))
            for chapter in bank.chapters:
                if chapter.title != group.key:
                    continue
                for concept in chapter.concepts:
                    concept_group = report.concepts.get(concept.id)
                    if concept_group is None or concept.id in seen:
                        continue
                    seen.add(concept.id)
                    rows.append(("  " + concept_group.name, concept_group.mastery, f"{percent(concept_group.mastery)} {concept_group.questions}题"))
        return [BarChart(rows, label_width=20, detail_width=16, id="mastery-chart")]

    def fill_wrong_table(self, stats: Stats) -> None:
        """The most-wrong questions, as literal text cells."""
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
                Text(" ".join(item.prompt.split()), no_wrap=True, overflow="ellipsis"),
                Text(item.chapter, no_wrap=True, overflow="ellipsis"),
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
                text = f"{item.prompt}\n答错 {item.incorrect} 次 / 共答 {item.answered} 次 · {item.chapter}"
                self.query_one("#wrong-detail", Static).update(plain(text))
                return

    def fill_exam_history(self) -> None:
        """Every mock exam attempt (newest first) with its score and the change since the one before, and a sparkline."""

        app = self.services
        table = self.query_one("#exam-table", DataTable)
        table.clear(columns=True)
        table.add_column(Text("日期"), width=16, key="date")
        table.add_column(Text("试卷"), width=24, key="paper")
        table.add_column(Text("得分"), width=9, key="score")
        table.add_column(Text("得分率"), width=6, key="percent")
        table.add_column(Text("趋势"), width=6, key="trend")
        rows = self.exam_rows()
        for attempt, previous in rows:
            tz = app.zone(attempt.started_at)
            fraction = score_fraction(attempt)
            if fraction is None:
                score, share, trend = Text("未交卷", style="italic"), Text(""), Text("")
            else:
                score = Text(f"{attempt.score:g}/{attempt.max_score:g}", justify="right")
                share = Text(percent(fraction), justify="right")
                trend = Text(
                    trend_text(fraction, previous),
                    style="green" if previous is not None and fraction > previous else "red" if previous is not None and fraction < previous else "",
                )
            table.add_row(
                Text(attempt.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")),
                Text(attempt.paper_title, no_wrap=True, overflow="ellipsis"),
                score,
                share,
                trend,
                key=str(attempt.attempt_id),
            )
        fractions = [fraction for attempt, _ in reversed(rows) if (fraction := score_fraction(attempt)) is not None]
        summary = self.query_one("#exam-trend", Static)
        if not rows:
            summary.update(plain("还没有考过模拟考试：在首页按 e 开始一场。"))
            return
        if not fractions:
            summary.update(plain("还没有交过卷。"))
            return
        shown = fractions[-SPARK_LENGTH:]
        latest = fractions[-1]
        previous = fractions[-2] if len(fractions) > 1 else None
        summary.update(
            Content.assemble(
                ("得分率走势 ", "$text-muted"),
                (sparkline(shown), "$text-success"),
                ("   最近一次 ", "$text-muted"),
                (percent(latest), "bold"),
                (f"（比上次 {trend_text(latest, previous)}）" if previous is not None else "", ""),
                ("   最好 ", "$text-muted"),
                (percent(max(fractions)), "bold"),
                ("   Enter 查看成绩单", "$text-muted"),
            )
        )

    def exam_rows(self) -> list[tuple[AttemptSummary, float | None]]:
        """The attempts, newest first, each with the score fraction of the handed-in attempt before it."""
        from revise.sessions.exam import attempt_history

        history = attempt_history(self.services.store, self.services.bank)
        rows: list[tuple[AttemptSummary, float | None]] = []
        previous: float | None = None
        for attempt in reversed(history):  # oldest first, to know the one before
            rows.append((attempt, previous))
            fraction = score_fraction(attempt)
            if fraction is not None:
                previous = fraction
        return list(reversed(rows))

    @on(DataTable.RowSelected, "#exam-table")
    def _exam_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        self.open_report(int(event.row_key.value))

    def open_report(self, attempt_id: int) -> None:
        """Ask for the report of a handed-in attempt."""
        self.post_message(OpenExamReport(attempt_id))

    def action_tab(self, tab: str) -> None:
        """Switch to a tab: "overview", "mastery", "wrong" or "exams"."""
        self.query_one(TabbedContent).active = tab
