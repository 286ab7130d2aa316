"""The scored mock paper: the total, points per section and per chapter, and every question with its marking.

Short and essay answers list the keypoints found and missed; the student may
adjust their points (recorded through :meth:`revise.sessions.exam.ExamSession.adjust_points`).
The report also says which questions are now in the 错题本.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from revise.tui.display import letters_to_indexes, option_indexes, options_shown, percent, plain, points_text, verdict_label
from revise.tui.messages import report_problem
from revise.tui.widgets.charts import BarChart
from revise.tui.widgets.dialogs import AdjustPointsDialog, GotoDialog
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.navigator import REPORT_LEGEND, QuestionNavigator
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.sessions.exam import ExamReport, ExamSession, ReportItem, Subtotal
    from revise.tui.services import Services


def item_state(item: ReportItem) -> str:
    """The navigator state of a marked question: its verdict, or "blank" when unanswered."""
    return "blank" if not item.response.strip() else item.verdict


def verdict_word(item: ReportItem) -> str:
    """ "✓ 正确", "～ 部分正确", "✗ 错误" or "— 未作答"; key-point answers are marked （自动评分）."""
    question_type = "short" if item.found or item.missed else ""
    return verdict_label(item.verdict, question_type, answered=bool(item.response.strip()))


def field_line(label: str, text: str) -> Content:
    """ "label：text" with the label styled and the text literal."""
    return Content.assemble((f"{label}：", "bold $text-muted"), Content(text.strip()))


class ExamReportScreen(Screen[None]):
    """The report of one attempt; `session` (when given) allows adjusting the points of short and essay answers."""

    BINDINGS = [
        Binding("escape", "back", "返回", id="exam-report.back", tooltip="Leave the report"),
        Binding("a", "adjust", "调整得分", id="exam-report.adjust", tooltip="Adjust the points of the short or essay answer in view"),
        Binding("w", "app.notebook", "练错题本", id="exam-report.notebook", tooltip="Practise the 错题本 now"),
        Binding("ctrl+g", "goto", "跳题", id="exam-report.goto", tooltip="Go to a question's marking by its number"),
    ]

    def __init__(self, services: Services, report: ExamReport, session: ExamSession | None = None) -> None:
        super().__init__()
        self.services = services
        self.report = report
        self.session = session

    @property
    def adjustable(self) -> bool:
        """Whether points can be adjusted here (a live session for this attempt)."""
        return self.session is not None and self.session.report is self.report

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        report = self.report
        yield TitleBar()
        yield Static(self._total_line(), id="report-total")
        navigator = QuestionNavigator([(item.number, item_state(item)) for item in report.items], id="report-navigator")
        navigator.border_subtitle = REPORT_LEGEND
        yield navigator
        with VerticalScroll(id="report-body"):
            yield Label("各部分得分", classes="section-title")
            yield BarChart(self._section_rows(), label_width=22, detail_width=9, id="section-chart")
            yield Label("各章得分", classes="section-title")
            yield BarChart(self._chapter_rows(), label_width=22, detail_width=9, id="report-chapter-chart")
            yield Label("错题本", classes="section-title")
            yield Static(self._notebook_text(), id="report-notebook", markup=False)
            yield Label("逐题批改", classes="section-title")
            for item in report.items:
                yield Static(self._item_header(item), id=f"item-{item.number}", classes=f"item-header verdict {item_state(item)}")
                yield Static(self._item_body(item), classes="item-body")
                if item.adjustable and self.adjustable:
                    yield Button(f"调整第 {item.number} 题得分", id=f"adjust-{item.number}", classes="adjust")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle; put the keyboard in the report body, so the arrows scroll it."""
        self.sub_title = f"成绩单 · {self.report.paper_title}"
        self.query_one("#report-body", VerticalScroll).focus()

    # -- the parts ----------------------------------------------------------------------

    def _total_line(self) -> Content:
        report = self.report
        fraction = report.total / report.max_total if report.max_total else 0.0
        parts: list[tuple[str, str] | str] = [
            ("总分 ", "$text-muted"),
            (points_text(report.total), "bold"),
            f" / {points_text(report.max_total)}",
            ("   得分率 ", "$text-muted"),
            (percent(fraction), "bold"),
            ("   交卷 ", "$text-muted"),
            self._when(),
        ]
        if report.auto_submitted:
            parts += ["   ", ("时间到自动交卷", "$text-warning")]
        if any(item.adjusted for item in report.items):
            parts += ["   ", ("含手动调分", "$text-muted")]
        return Content.assemble(*parts)

    def _when(self) -> str:
        return self.services.local_time(self.report.submitted_at, "%Y-%m-%d %H:%M")

    def _subtotal_rows(self, subtotals: list[Subtotal]) -> list[tuple[str, float, str]]:
        return [
            (part.title, part.points / part.max_points if part.max_points else 0.0, f"{points_text(part.points)}/{points_text(part.max_points)}")
            for part in subtotals
        ]

    def _section_rows(self) -> list[tuple[str, float, str]]:
        return self._subtotal_rows(self.report.by_section())

    def _chapter_rows(self) -> list[tuple[str, float, str]]:
        return self._subtotal_rows(self.report.by_chapter())

    def _notebook_text(self) -> Content:
        """Which of the paper's questions are in the 错题本 now, and what happened to the unanswered ones."""
        store = self.services.store
        in_notebook = []
        for item in self.report.items:
            if item.response.strip() and item.verdict != "correct":
                entry = store.notebook_entry(item.question_id)
                if entry is not None and entry.active:
                    in_notebook.append(item.number)
        unanswered = [item.number for item in self.report.items if not item.response.strip()]
        lines = []
        if in_notebook:
            lines.append(f"答错的第 {'、'.join(map(str, in_notebook))} 题在错题本里，按 w 马上练习（连续答对两次才移出）。")
        else:
            lines.append("这份试卷没有题目进错题本。")
        if unanswered:
            lines.append(f"未作答的第 {'、'.join(map(str, unanswered))} 题没有记录，不进错题本。")
        lines.append("每道作答过的题都计入复习计划（模式：考试）。")
        return plain("\n".join(lines))

    def _item_header(self, item: ReportItem) -> Content:
        section = self.report.section_titles[item.section] if item.section < len(self.report.section_titles) else ""
        parts: list[tuple[str, str] | str | Content] = [
            (f"第 {item.number} 题", "bold"),
            "  ",
            (verdict_word(item), "bold"),
            "  ",
            (f"{points_text(item.points)}/{points_text(item.max_points)} 分", "bold"),
            "  ",
            Content(section),
        ]
        if item.adjusted:
            parts += ["  ", ("（已调整）", "")]
        if item.flagged:
            parts += ["  ", ("? 考试时标记过", "")]
        return Content.assemble(*parts)

    def _item_body(self, item: ReportItem) -> Content:
        response, expected, feedback = item.response if item.response.strip() else "（未作答）", item.expected, item.feedback
        question = self.services.bank.questions.get(item.question_id)
        key = option_indexes(question) if question is not None else ()
        if question is not None and key:
            # Letters as printed on this paper, with the option text (the log keeps bank letters).
            order = self.session.question(item.number).order if self.session is not None else ()
            expected = options_shown(question, key, order)
            chosen = letters_to_indexes(item.response)
            if chosen:
                response = options_shown(question, chosen, order)
                feedback = ""  # it names options by bank letter; the two lines above say it as printed
        lines = [
            field_line("题目", item.prompt),
            field_line("你的答案", response),
            field_line("参考答案", expected),
        ]
        if feedback:
            lines.append(field_line("评语", feedback))
        if item.found or item.missed:
            total = len(item.found) + len(item.missed)
            lines.append(field_line(f"答到要点 {len(item.found)}/{total}", "、".join(f"✓{point}" for point in item.found) or "无"))
            if item.missed:
                lines.append(field_line("漏掉要点", "、".join(f"✗{point}" for point in item.missed)))
        if item.explanation:
            lines.append(field_line("解析", item.explanation))
        lines.append(field_line("章节", item.chapter))
        return Content("\n").join(lines)

    def refresh_scores(self, number: int | None = None) -> None:
        """Redraw the total, the subtotals and (after an adjustment) one question's header."""
        self.query_one("#report-total", Static).update(self._total_line())
        self.query_one("#section-chart", BarChart).set_rows(self._section_rows())
        self.query_one("#report-chapter-chart", BarChart).set_rows(self._chapter_rows())
        if number is not None:
            item = self.report.items[number - 1]
            self.query_one(f"#item-{number}", Static).update(self._item_header(item))

    # -- moving around ------------------------------------------------------------------

    def show_item(self, number: int) -> None:
        """Scroll a question's marking to the top."""
        self.query_one("#report-body", VerticalScroll).scroll_to_widget(self.query_one(f"#item-{number}"), top=True, animate=False)

    @on(QuestionNavigator.Jump, "#report-navigator")
    def _jump(self, event: QuestionNavigator.Jump) -> None:
        event.stop()
        self.show_item(event.number)

    def action_goto(self) -> None:
        """Ask for a question number and scroll to it."""

        def chosen(number: int | None) -> None:
            if number is not None:
                self.show_item(number)

        self.app.push_screen(GotoDialog(len(self.report.items)), chosen)

    def action_back(self) -> None:
        """Back to where the report was opened from (home after an exam, statistics from the history)."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # -- adjusting points ----------------------------------------------------------------

    @on(Button.Pressed, ".adjust")
    def _adjust_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.adjust((event.button.id or "").removeprefix("adjust-"))

    def question_in_view(self) -> int | None:
        """The question being read: the last whose header is at or above the top of the view, else the first one in view."""
        body = self.query_one("#report-body", VerticalScroll)
        top, bottom = body.scroll_y, body.scroll_y + body.scrollable_content_region.height
        headers = [(item.number, self.query_one(f"#item-{item.number}").virtual_region.y) for item in self.report.items]
        above = [number for number, y in headers if y <= top + 1]
        if above:
            return above[-1]
        visible = [number for number, y in headers if top <= y < bottom]
        return visible[0] if visible else None

    def action_adjust(self) -> None:
        """Adjust the question whose button has the focus, or else the question being read (never another one)."""
        buttons = list(self.query(".adjust").results(Button))
        focused = self.focused
        if isinstance(focused, Button) and focused in buttons:
            self.adjust((focused.id or "").removeprefix("adjust-"))
            return
        number = self.question_in_view()
        if number is None:
            self.notify("先滚动到要调整的题（或按 ctrl+g 跳到题号）。", timeout=4)
            return
        if not any(button.id == f"adjust-{number}" for button in buttons):
            item = self.report.items[number - 1]
            why = "题库已经改动，这次考试的得分不能再调整" if item.adjustable else "目前只有简答题和论述题可以调整得分"
            self.notify(f"第 {number} 题不能调整：{why}。", timeout=4)
            return
        self.adjust(str(number))

    def adjust(self, number_text: str) -> None:
        """Open the adjustment dialog for one question."""
        if not number_text.isdigit() or self.session is None:
            return
        number = int(number_text)
        item = self.report.items[number - 1]
        details = Content("\n").join(
            [
                field_line(f"答到要点 {len(item.found)}/{len(item.found) + len(item.missed)}", "、".join(f"✓{point}" for point in item.found) or "无"),
                field_line("漏掉要点", "、".join(f"✗{point}" for point in item.missed) or "无"),
                field_line("你的答案", item.response if item.response.strip() else "（未作答）"),
                Content.styled("对照参考答案，按你觉得老师会给的分数改。", "$text-muted"),
            ]
        )

        def chosen(points: float | None) -> None:
            if points is None or self.session is None:
                return
            from revise.progress.store import StoreError
            from revise.sessions.exam import ExamError

            try:
                self.session.adjust_points(number, points)
            except (ExamError, StoreError) as error:
                report_problem(self, "得分没能调整", f"没能调整：{error}", timeout=8)
                return
            self.refresh_scores(number)
            self.notify(f"第 {number} 题改为 {points_text(points)} 分；总分 {points_text(self.report.total)}/{points_text(self.report.max_total)}。", timeout=4)

        self.app.push_screen(AdjustPointsDialog(number, item.points, item.max_points, details), chosen)
