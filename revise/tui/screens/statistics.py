"""统计: what a student looks at, in five tabs that fit 80×24.

- 概览: streak, answers, accuracy and 判我对 counted; reviews due on each of the
  next 7 days (the one "due today", :mod:`revise.progress.due`); the practice
  calendar; accuracy per question type.
- 掌握度: mastery by chapter (with its concepts) and by question type.
- 常错题: the questions most often wrong.
- 模拟考试: the score trend of each paper on its own line (attempts not counted
  and abandoned ones left out), and every attempt; Enter opens its report.
- 耗时: the questions that cost the most time (the log's durations).

The numbers come from the core (:mod:`revise.progress.mastery`,
:mod:`revise.progress.forecast`); this screen only lays them out. Bank text is
never markup: DataTable cells are ``rich.text.Text``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane

from revise.tui.display import fit, percent, plain, points_text
from revise.tui.messages import OpenExamReport
from revise.tui.widgets.charts import BarChart, calendar_content, sparkline
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from datetime import date

    from revise.progress.forecast import AppealCount, PaperTrend, TimeCost
    from revise.progress.mastery import Stats
    from revise.sessions.exam import AttemptSummary
    from revise.tui.services import Services

__all__ = ["StatisticsScreen", "sparkline", "trend_text"]

MOST_WRONG = 20
MOST_TIME = 20
PROMPT_COLUMN_WIDTH = 40
# The score trend shows at most this many attempts of a paper (the newest).
SPARK_LENGTH = 20
TREND_TITLE_WIDTH = 24
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def score_fraction(attempt: AttemptSummary) -> float | None:
    """An attempt's score as a fraction of full marks (None until it is handed in)."""
    return attempt.fraction


def trend_text(current: float, previous: float | None) -> str:
    """ "↑ 8%", "↓ 5%" or "→ 0%" against the previous attempt ("—" for the first)."""
    if previous is None:
        return "—"
    change = round((current - previous) * 100)
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return f"{arrow} {abs(change)}%"


def day_label(index: int, day: date) -> str:
    """ "今天 3/10", "明天 3/11", "周三 3/12"."""
    name = "今天" if index == 0 else "明天" if index == 1 else WEEKDAY_NAMES[day.weekday()]
    return f"{name} {day.month}/{day.day}"


def minutes_text(ms: float) -> str:
    """Milliseconds as m:ss (or h:mm:ss)."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def trend_line(trend: PaperTrend) -> Content:
    """One paper's trend: its title, a sparkline of its scores, the latest with the change, the best."""
    fractions = [point.percent for point in trend.points]
    latest, change = trend.latest, trend.change
    since = f"（{trend_text(latest.percent, latest.percent - change)}）" if change is not None else ""
    return Content.assemble(
        Content(fit(trend.title, TREND_TITLE_WIDTH)),
        " ",
        (sparkline(fractions[-SPARK_LENGTH:]), "$text-success"),
        ("  最近 ", "$text-muted"),
        (percent(latest.percent), "bold"),
        since,
        ("  最好 ", "$text-muted"),
        (percent(trend.best.percent), "bold"),
        (f"  {len(trend.points)}次", "$text-muted"),
    )


class StatisticsScreen(Screen[None]):
    """Five tabs: an overview, mastery, the questions most often wrong, the mock exams taken, the time spent."""

    DEFAULT_CSS = """
    StatisticsScreen #overview-ahead {
        height: auto;
    }
    StatisticsScreen #due-column {
        width: 1fr;
        height: auto;
        padding: 0 2 0 0;
    }
    StatisticsScreen #calendar-column {
        width: 30;
        height: auto;
    }
    StatisticsScreen #recent {
        color: $text-muted;
    }
    StatisticsScreen #time-table {
        height: 1fr;
    }
    StatisticsScreen #time-detail {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="statistics.back", tooltip="Back to the home screen"),
        Binding("1", "tab('overview')", "概览", id="statistics.overview", tooltip="Streak, reviews due ahead, the practice calendar, accuracy per type"),
        Binding("2", "tab('mastery')", "掌握度", id="statistics.mastery", tooltip="Mastery by chapter and concept, and by question type"),
        Binding("3", "tab('wrong')", "常错题", id="statistics.wrong", tooltip="The questions most often wrong"),
        Binding("4", "tab('exams')", "模拟考试", id="statistics.exams", tooltip="Mock exam scores per paper; Enter opens a report"),
        Binding("5", "tab('time')", "耗时", id="statistics.time", tooltip="The questions that cost the most time"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.stats: Stats | None = None
        self.slowest: list[TimeCost] = []

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
            with TabPane("耗时", id="time"):
                slow: DataTable = DataTable(id="time-table", cursor_type="row", zebra_stripes=True)
                yield slow
                yield Static(id="time-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and fill the tabs."""
        self.sub_title = "统计"
        self.refresh_text()

    def on_screen_resume(self) -> None:
        """Back from an exam report (whose points may have been adjusted or appealed): redraw the exam history."""
        if self.is_mounted and self.query("#exam-table"):
            self.fill_exam_history()

    def refresh_text(self) -> None:
        """Recompute and redraw (also in a newly chosen display script)."""
        from revise.bank.drills import practice_questions
        from revise.progress.forecast import count_appeals, due_ahead, mastery_by_type, practice_heatmap, time_costs
        from revise.progress.mastery import collect_stats

        app = self.services
        now = app.clock()
        tz = app.zone(now)
        stats = self.stats = collect_stats(app.bank, app.store, now=now, tz=tz, top=MOST_WRONG)
        questions = practice_questions(app.bank)
        log = app.store.reviews()
        self.slowest = time_costs(log, questions, MOST_TIME)
        appeals = count_appeals(app.store.appeals(), log)
        due = due_ahead(app.store, now, tz, only=stats.mastery.questions)
        heat = practice_heatmap(app.store, now, tz)
        self._fill(self.query_one("#overview-body", VerticalScroll), self.overview_widgets(stats, appeals, due, calendar_content(heat), heat.active_days))
        self._fill(self.query_one("#mastery-body", VerticalScroll), self.mastery_widgets(stats, mastery_by_type(stats.mastery.questions, questions)))
        self.fill_wrong_table(stats)
        self.fill_time_table()
        self.fill_exam_history()

    @staticmethod
    def _fill(container: Widget, widgets: list[Widget]) -> None:
        container.remove_children()
        container.mount_all(widgets)

    # -- 概览 ------------------------------------------------------------------------------

    def overview_widgets(self, stats: Stats, appeals: AppealCount, due: list[tuple[date, int]], calendar: Content, active_days: int) -> list[Widget]:
        """Totals, the reviews due on each of the next days, the practice calendar, and accuracy per question type."""
        overall = stats.accuracy
        totals: list[tuple[str, str] | str] = [
            ("连续学习 ", "$text-muted"),
            (f"{stats.streak} 天", "bold"),
            ("  累计作答 ", "$text-muted"),
            (str(overall.answered), "bold"),
            ("  总正确率 ", "$text-muted"),
            (percent(overall.accuracy) if overall.answered else "—", "bold"),
            ("  判我对 ", "$text-muted"),
            (f"{appeals.total} 次", "bold"),
        ]
        if appeals.in_exams:
            totals.append((f"（考试 {appeals.in_exams}）", "$text-muted"))
        recent = stats.answers_per_day
        practised = sum(1 for _, count in recent if count)
        peak = max((count for _, count in due), default=0)
        due_rows = [(day_label(index, day), count / peak if peak else 0.0, f"{count}题") for index, (day, count) in enumerate(due)]
        widgets: list[Widget] = [
            Static(Content.assemble(*totals), id="overview-totals"),
            Static(plain(f"最近 {len(recent)} 天：{sum(count for _, count in recent)} 次作答，{practised} 天有练习"), id="recent"),
            Label("各题型正确率（正确/作答）", classes="section-title"),
        ]
        if not stats.accuracy_by_type:
            widgets.append(Label("还没有作答记录。", classes="hint"))
        else:
            rows = [(item.label, item.accuracy, f"{percent(item.accuracy)} {item.correct}/{item.answered}") for item in stats.accuracy_by_type.values()]
            widgets.append(BarChart(rows, label_width=14, detail_width=12, id="accuracy-chart"))
        # What is ahead beside what is behind: both fit one 80-column screen.
        ahead = Horizontal(
            Vertical(
                Label(f"未来 {len(due)} 天到期（今天含已过期）", classes="section-title", markup=False),
                BarChart(due_rows, label_width=10, detail_width=5, id="due-chart"),
                id="due-column",
            ),
            Vertical(
                Label(f"练习日历（最近 12 周，{active_days} 天）", markup=False, classes="section-title"),
                Static(calendar, id="heatmap"),
                id="calendar-column",
            ),
            id="overview-ahead",
        )
        return [*widgets, ahead]

    # -- 掌握度 ----------------------------------------------------------------------------

    def mastery_widgets(self, stats: Stats, by_type: list) -> list[Widget]:
        """Bars for the bank, each chapter and its concepts (indented under it), then each question type."""
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
        type_rows = [(item.label, item.mastery, f"{percent(item.mastery)} 掌握{item.mastered}/{item.questions}") for item in by_type]
        return [
            Label("按章节", classes="section-title"),
            BarChart(rows, label_width=20, detail_width=16, id="mastery-chart"),
            Label("按题型", classes="section-title"),
            BarChart(type_rows, label_width=20, detail_width=16, id="type-mastery-chart"),
        ]

    # -- 常错题 ----------------------------------------------------------------------------

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

    # -- 耗时 ------------------------------------------------------------------------------

    def fill_time_table(self) -> None:
        """The questions that took the most time in total (practice answers; each capped at 10 minutes)."""
        table = self.query_one("#time-table", DataTable)
        table.clear(columns=True)
        table.add_column(Text("总用时"), width=7, key="total")
        table.add_column(Text("次"), width=3, key="answers")
        table.add_column(Text("平均"), width=5, key="mean")
        table.add_column(Text("题目"), width=PROMPT_COLUMN_WIDTH - 6, key="prompt")
        table.add_column(Text("章节"), key="chapter")
        for item in self.slowest:
            table.add_row(
                Text(minutes_text(item.total_ms), justify="right"),
                Text(str(item.answers), justify="right"),
                Text(minutes_text(item.mean_ms), justify="right"),
                Text(" ".join(item.prompt.split()), no_wrap=True, overflow="ellipsis"),
                Text(item.chapter, no_wrap=True, overflow="ellipsis"),
                key=item.question_id,
            )
        note = "练习时的用时（模拟考试不逐题计时）；单次超过 10 分钟按 10 分钟算。"
        self.query_one("#time-detail", Static).update(plain(note if self.slowest else "还没有计时的作答。" + note))

    @on(DataTable.RowHighlighted, "#time-table")
    def _time_row(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        for item in self.slowest:
            if item.question_id == event.row_key.value:
                text = f"{item.prompt}\n共 {item.answers} 次，总用时 {minutes_text(item.total_ms)}，平均 {minutes_text(item.mean_ms)} · {item.chapter}"
                self.query_one("#time-detail", Static).update(plain(text))
                return

    # -- 模拟考试 ---------------------------------------------------------------------------

    def fill_exam_history(self) -> None:
        """One trend line per paper, then every attempt (newest first) with its score and the change since that paper's previous one."""
        from revise.progress.forecast import exam_trends
        from revise.sessions.exam import attempt_rows

        app = self.services
        table = self.query_one("#exam-table", DataTable)
        table.clear(columns=True)
        table.add_column(Text("日期"), width=16, key="date")
        table.add_column(Text("试卷"), width=20, key="paper")
        table.add_column(Text("得分"), width=9, key="score")
        table.add_column(Text("得分率"), width=6, key="percent")
        table.add_column(Text("趋势"), width=6, key="trend")
        table.add_column(Text("备注"), key="note")
        rows = self.exam_rows()
        for attempt, previous in rows:
            tz = app.zone(attempt.started_at)
            fraction = attempt.fraction
            note = Text("")
            if fraction is None or attempt.score is None or attempt.max_score is None:
                score, share, trend = Text("未交卷", style="italic"), Text(""), Text("")
            else:
                score = Text(f"{points_text(attempt.score)}/{points_text(attempt.max_score)}", justify="right")
                share = Text(percent(fraction), justify="right")
                if not attempt.counted:
                    trend, note = Text(""), Text("不计成绩", style="italic")
                else:
                    better = previous is not None and fraction > previous
                    worse = previous is not None and fraction < previous
                    trend = Text(trend_text(fraction, previous), style="green" if better else "red" if worse else "")
            table.add_row(
                Text(attempt.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")),
                Text(attempt.paper_title, no_wrap=True, overflow="ellipsis"),
                score,
                share,
                trend,
                note,
                key=str(attempt.attempt_id),
            )
        summary = self.query_one("#exam-trend", Static)
        if not rows:
            summary.update(plain("还没有考过模拟考试：在首页按 e 开始一场。"))
            return
        trends = exam_trends(attempt_rows(app.store), {pid: paper.title for pid, paper in app.bank.papers.items()})
        if not trends:
            summary.update(plain("还没有计入成绩的交卷。Enter 查看成绩单"))
            return
        lines = [Content.styled("各试卷得分率走势（不计成绩的和放弃的不算；Enter 查看成绩单）", "$text-muted"), *map(trend_line, trends)]
        summary.update(Content("\n").join(lines))

    def exam_rows(self) -> list[tuple[AttemptSummary, float | None]]:
        """The attempts, newest first, each with the score fraction of the same paper's counted attempt before it."""
        from revise.sessions.exam import attempt_history

        history = attempt_history(self.services.store, self.services.bank)
        rows: list[tuple[AttemptSummary, float | None]] = []
        previous: dict[str, float] = {}
        for attempt in reversed(history):  # oldest first, to know the one before
            rows.append((attempt, previous.get(attempt.paper_id)))
            fraction = attempt.fraction
            if fraction is not None and attempt.counted:
                previous[attempt.paper_id] = fraction
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
        """Switch to a tab: "overview", "mastery", "wrong", "exams" or "time"."""
        self.query_one(TabbedContent).active = tab
