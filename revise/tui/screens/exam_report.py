"""The scored mock paper: the total, points per section and per chapter, and every question with its marking.

Short and essay answers list the keypoints found and missed; the student may
adjust their points (recorded through :meth:`revise.sessions.exam.ExamSession.adjust_points`).
Every verdict is the grader's (labelled 自动评分); on any answer not marked
correct the student may say 判我对 (:meth:`revise.sessions.exam.ExamSession.appeal`,
the same rule as in practice). ``f`` shows only the questions got wrong. The
report says the rules the paper was sat under, which questions were answered
after the deadline, and which are now in the 错题本.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from revise.tui.background import in_background
from revise.tui.display import AUTOMATIC_LABEL, letters_to_indexes, option_indexes, options_shown, percent, plain, points_text, verdict_word
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
    """The navigator state of a marked question: its verdict ("correct" once appealed), or "blank" when unanswered."""
    if not item.answered:
        return "blank"
    return "correct" if item.appealed else item.verdict


def item_verdict(item: ReportItem) -> str:
    """ "✓ 正确（自动评分）", "✗ 错误（自动评分）", "— 未作答", or "✓ 判我对（原判 ✗ 错误）" after an appeal."""
    if item.appealed:
        return f"✓ 判我对（原判 {verdict_word(item.verdict)}）"
    if not item.answered:
        return verdict_word(item.verdict, answered=False)
    return f"{verdict_word(item.verdict)}（{AUTOMATIC_LABEL}）"


def field_line(label: str, text: str) -> Content:
    """ "label：text" with the label styled and the text literal."""
    return Content.assemble((f"{label}：", "bold $text-muted"), Content(text.strip()))


class ExamReportScreen(Screen[None]):
    """The report of one attempt; `session` (when given) allows 判我对 and adjusting the points of short and essay answers."""

    DEFAULT_CSS = """
    ExamReportScreen #report-rules {
        height: auto;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
    }
    ExamReportScreen .item-actions {
        height: auto;
        margin: 0 0 0 1;
    }
    ExamReportScreen .item-actions Button {
        margin: 0 2 0 0;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "返回", id="exam-report.back", tooltip="Leave the report"),
        Binding("a", "adjust", "调整得分", id="exam-report.adjust", tooltip="Adjust the points of the short or essay answer in view"),
        Binding("r", "appeal", "判我对", id="exam-report.appeal", tooltip="My answer is right: log an appeal, rate Good, leave the 错题本, full marks"),
        Binding("f", "wrong_only", "只看错题", id="exam-report.wrong-only", tooltip="Show only the questions not marked correct (or every question again)"),
        Binding("w", "app.notebook", "练错题本", id="exam-report.notebook", tooltip="Practise the 错题本 now"),
        Binding("ctrl+g", "goto", "跳题", id="exam-report.goto", tooltip="Go to a question's marking by its number"),
    ]

    def __init__(self, services: Services, report: ExamReport, session: ExamSession | None = None) -> None:
        super().__init__()
        self.services = services
        self.report = report
        self.session = session
        self.wrong_only = False
        self._appealing: set[int] = set()

    @property
    def adjustable(self) -> bool:
        """Whether points can be adjusted here (a live session for this attempt)."""
        return self.session is not None and self.session.report is self.report

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        report = self.report
        yield TitleBar()
        yield Static(self._total_line(), id="report-total")
        yield Static(self._rules_line(), id="report-rules")
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
            yield Label("逐题批改（自动评分；r 判我对，f 只看错题）", id="items-title", classes="section-title")
            for item in report.items:
                entry = f"entry-{item.number}"
                yield Static(self._item_header(item), id=f"item-{item.number}", classes=f"item-header verdict {item_state(item)} {entry}")
                yield Static(self._item_body(item), classes=f"item-body {entry}")
                can_adjust, can_appeal = item.adjustable and self.adjustable, item.appealable and self.adjustable
                if can_adjust or can_appeal:
                    with Horizontal(classes=f"item-actions {entry}"):
                        if can_appeal:
                            yield Button("判我对 (r)", id=f"appeal-{item.number}", classes="appeal", compact=True)
                        if can_adjust:
                            yield Button(f"调整第 {item.number} 题得分 (a)", id=f"adjust-{item.number}", classes="adjust", compact=True)
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

    def _rules_line(self) -> Content:
        """The rules the paper was sat and marked under, and what they changed."""
        report = self.report
        parts: list[tuple[str, str] | str] = [
            ("规则 ", "$text-muted"),
            report.rule.short,
            ("  评分 ", "$text-muted"),
            f"{AUTOMATIC_LABEL}，每题按 {points_text(report.rounding)} 分取整",
        ]
        late = report.late_items
        if late:
            parts += ["  ", (f"⏱ 超时作答 {len(late)} 题（按时得分 {points_text(report.on_time_total)}）", "$text-warning")]
        if not report.counted:
            parts += ["  ", ("不计入成绩走势", "bold $text-warning")]
        appealed = sum(1 for item in report.items if item.appealed)
        if appealed:
            parts += ["  ", (f"判我对 {appealed} 题", "$text-muted")]
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
            (item_verdict(item), "bold"),
            "  ",
            (f"{points_text(item.points)}/{points_text(item.max_points)} 分", "bold"),
        ]
        if item.adjusted:
            parts += [("（已调整）", "")]
        if item.late:
            parts += ["  ", ("⏱ 超时作答", "bold $text-warning")]
        if item.flagged:
            parts += ["  ", ("? 考试时标记过", "")]
        parts += ["  ", Content(section)]
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
        """Redraw the total, the subtotals and (after an adjustment or appeal) one question's header."""
        self.query_one("#report-total", Static).update(self._total_line())
        self.query_one("#report-rules", Static).update(self._rules_line())
        self.query_one("#report-notebook", Static).update(self._notebook_text())
        self.query_one("#section-chart", BarChart).set_rows(self._section_rows())
        self.query_one("#report-chapter-chart", BarChart).set_rows(self._chapter_rows())
        if number is not None:
            item = self.report.items[number - 1]
            header = self.query_one(f"#item-{number}", Static)
            header.update(self._item_header(item))
            for state in ("correct", "partial", "incorrect", "blank"):
                header.set_class(state == item_state(item), state)
            self.query_one("#report-navigator", QuestionNavigator).set_states([(each.number, item_state(each)) for each in self.report.items])

    # -- moving around ------------------------------------------------------------------

    def show_item(self, number: int) -> None:
        """Scroll a question's marking to the top (showing every question again if the filter hid it)."""
        header = self.query_one(f"#item-{number}")
        if not header.display:
            self.set_wrong_only(False)
        self.query_one("#report-body", VerticalScroll).scroll_to_widget(header, top=True, animate=False)

    # -- the wrong-answers filter -------------------------------------------------------

    def action_wrong_only(self) -> None:
        """Show only the questions not marked correct (unanswered included), or every question again."""
        if not self.wrong_only and not any(item.wrong for item in self.report.items):
            self.notify("这份试卷没有做错的题。", timeout=3)
            return
        self.set_wrong_only(not self.wrong_only)
        self.notify("只显示做错和没做的题（f 显示全部）。" if self.wrong_only else "显示全部题目。", timeout=3)

    def set_wrong_only(self, on: bool) -> None:
        """Hide (or show again) the questions marked correct; a question appealed meanwhile stays as it is until then."""
        self.wrong_only = on
        for item in self.report.items:
            shown = not on or item.wrong
            for widget in self.query(f".entry-{item.number}"):
                widget.display = shown
        title = "逐题批改：只看错题（f 显示全部）" if on else "逐题批改（自动评分；r 判我对，f 只看错题）"
        self.query_one("#items-title", Label).update(title)
        self.query_one("#report-body", VerticalScroll).scroll_to_widget(self.query_one("#items-title"), top=True, animate=False)

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
        headers = [(item.number, header.virtual_region.y) for item in self.report.items if (header := self.query_one(f"#item-{item.number}")).display]
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

    # -- 判我对 ---------------------------------------------------------------------------

    @on(Button.Pressed, ".appeal")
    def _appeal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.appeal((event.button.id or "").removeprefix("appeal-"))

    def action_appeal(self) -> None:
        """判我对 on the question whose button has the focus, or else the question being read (never another one)."""
        focused = self.focused
        if isinstance(focused, Button) and focused.has_class("appeal"):
            self.appeal((focused.id or "").removeprefix("appeal-"))
            return
        number = self.question_in_view()
        if number is None:
            self.notify("先滚动到要判我对的题（或按 ctrl+g 跳到题号）。", timeout=4)
            return
        item = self.report.items[number - 1]
        if not self.query(f"#appeal-{number}"):
            if item.appealed:
                why = "已经判过了"
            elif not item.answered:
                why = "没有作答"
            elif item.verdict == "correct":
                why = "已判为正确"
            else:
                why = "题库已经改动，这次考试不能再改" if not self.adjustable else "这道题没能评分"
            self.notify(f"第 {number} 题不能判我对：{why}。", timeout=4)
            return
        self.appeal(str(number))

    def appeal(self, number_text: str) -> None:
        """判我对: log the appeal with the original verdict (rating Good, out of the 错题本) and give full marks, off the event loop."""
        session = self.session
        if not number_text.isdigit() or session is None or int(number_text) in self._appealing:
            return
        number = int(number_text)
        self._appealing.add(number)

        def done(_: object) -> None:
            self.refresh_scores(number)
            for button in self.query(f"#appeal-{number}"):
                button.remove()
            item = self.report.items[number - 1]
            self.notify(
                f"第 {number} 题已记为“判我对”：评分改为良好，已移出错题本，本题记 {points_text(item.points)} 分；老师会看到这条申诉。",
                timeout=5,
            )

        def failed(error: Exception) -> None:
            from revise.progress.store import StoreError
            from revise.sessions.exam import ExamError

            if not isinstance(error, (ExamError, StoreError)):
                raise error
            self.refresh_scores(number)
            report_problem(self, "判我对没能保存", f"没能保存：{error}", timeout=8)

        in_background(self, lambda: session.appeal(number), done=done, failed=failed, finished=lambda: self._appealing.discard(number))
