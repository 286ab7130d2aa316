"""模拟考试: picking a paper to sit, with its time, marks and the last score; then its rules, before the clock starts.

Choosing a paper opens :class:`ExamStartDialog`: the marking rules (how marks
are rounded, partial credit per question type) and what happens when the time
runs out, which the student chooses there (as Moodle offers: hand in, a grace
period, or not counted). The choice starts as the one made last time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from revise.tui.display import plain, points_text
from revise.tui.messages import ExamRequest, OpenExam
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.papers import Paper
    from revise.sessions.exam_report import TimeRule
    from revise.tui.services import Services


def paper_summary(paper: Paper, minutes: int | None = None) -> str:
    """ "90分钟 · 31题 · 满分100分"."""
    return f"{minutes or paper.minutes}分钟 · {paper.question_count}题 · 满分{points_text(paper.total_points)}分"


class ExamStartDialog(ModalScreen["TimeRule | None"]):
    """The paper's rules before the clock starts, and the choice of what happens when the time runs out."""

    DEFAULT_CSS = """
    ExamStartDialog {
        align: center middle;
    }
    #exam-start {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 2;
        border: thick $primary;
        background: $panel;
    }
    #exam-start .section-title {
        margin: 0;
    }
    #start-rules {
        height: auto;
        max-height: 8;
        color: $text-muted;
    }
    #time-rule {
        width: 100%;
        height: auto;
        border: none;
        padding: 0;
        background: transparent;
    }
    #exam-start .dialog-buttons {
        height: auto;
        margin: 0;
    }
    #exam-start .dialog-buttons Button {
        margin: 0 2 0 0;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "返回", id="exam-start.cancel", tooltip="Back to the papers"),
    ]

    def __init__(self, paper: Paper, *, minutes: int | None = None, rule: TimeRule | None = None) -> None:
        super().__init__()
        from revise.sessions.exam_report import TimeRule

        self.paper = paper
        self.minutes = minutes
        self.rule = rule or TimeRule()

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        from revise.bank.papers import marking_rules
        from revise.sessions.exam_report import GRACE, NOCOUNT, SUBMIT, TimeRule

        grace = self.rule.grace_minutes if self.rule.kind == GRACE else TimeRule.of(GRACE).grace_minutes
        self.choices = {"rule-" + SUBMIT: TimeRule.of(SUBMIT), "rule-" + GRACE: TimeRule.of(GRACE, grace), "rule-" + NOCOUNT: TimeRule.of(NOCOUNT)}
        with Vertical(id="exam-start"):
            yield Label(plain(f"《{self.paper.title}》"), classes="section-title", markup=False)
            yield Static(plain(paper_summary(self.paper, self.minutes) + "，题目随机抽取；开始后计时不会暂停。"), markup=False)
            yield Label("评分规则", classes="section-title")
            with VerticalScroll(id="start-rules"):
                yield Static(plain("\n".join(f"・{line}" for line in marking_rules(self.paper))), markup=False)
            yield Label("时间到时怎么办（↑↓ 选，空格确定）", classes="section-title")
            with RadioSet(id="time-rule"):
                for button_id, rule in self.choices.items():
                    yield RadioButton(rule.choice, value=rule.kind == self.rule.kind, id=button_id)
            with Horizontal(classes="dialog-buttons"):
                yield Button("开始考试", id="start", variant="primary")
                yield Button("返回 (Esc)", id="back")

    def on_mount(self) -> None:
        """Focus the start button: Enter starts with the rule shown as chosen."""
        self.query_one("#start", Button).focus()
        self.query_one("#start-rules", VerticalScroll).can_focus = False  # Tab goes between the choices and the buttons

    def chosen(self) -> TimeRule:
        """The rule whose button is on."""
        pressed = self.query_one("#time-rule", RadioSet).pressed_button
        return self.choices.get(pressed.id or "", self.rule) if pressed is not None else self.rule

    @on(Button.Pressed, "#start")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Back to the papers without starting."""
        self.dismiss(None)


class PaperPickScreen(Screen[None]):
    """The bank's papers with their time and marks; Enter shows the paper's rules, and starts it with a fresh draw."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="papers.back", tooltip="Back to the home screen"),
    ]

    def __init__(self, services: Services, *, minutes: int | None = None, seed: int | None = None) -> None:
        super().__init__()
        self.services = services
        self.minutes = minutes
        self.seed = seed

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        papers = list(self.services.bank.papers.values())
        yield TitleBar()
        if not papers:
            yield Static("题库里没有试卷。试卷放在题库的 papers/ 目录里（格式见 docs/bank-format.md）。", classes="empty-note", markup=False)
        else:
            yield Label("选一份试卷，Enter 查看评分规则、选好时间到时怎么办再开始；题目每次随机抽取。", classes="hint")
            last = self._last_scores()
            options = []
            for paper in papers:
                summary = paper_summary(paper, self.minutes)
                if paper.id in last:
                    summary += f" · 上次 {last[paper.id]}"
                options.append(Option(Content.assemble((paper.title, "bold"), "\n", (f"  {summary}", "$text-muted")), id=paper.id))
            yield OptionList(*options, id="papers", markup=False)
            yield Static(id="paper-detail", markup=False)
        yield KeyFooter()

    def _last_scores(self) -> dict[str, str]:
        """The latest score per paper id, as "62/100" (rounded as the paper's rules say)."""
        from revise.sessions.exam_report import attempt_rows

        scores: dict[str, str] = {}
        for row in attempt_rows(self.services.store):  # newest first
            if row["score"] is not None and row["paper_id"] not in scores:
                scores[row["paper_id"]] = f"{points_text(row['score'])}/{points_text(row['max_score'])}"
        return scores

    def last_rule(self) -> TimeRule | None:
        """The time rule of the newest attempt: the student's choice is kept for the next paper."""
        from revise.sessions.exam_report import TimeRule

        last = self.services.store.last_exam_time_rule()
        if last is None:
            return None
        try:
            return TimeRule.of(*last)
        except ValueError:
            return None

    def on_mount(self) -> None:
        """Set the subtitle and focus the list."""
        self.sub_title = "模拟考试"
        lists = self.query("#papers")
        if lists:
            lists.first().focus()
            self._describe(next(iter(self.services.bank.papers.values())))

    def _describe(self, paper: Paper) -> None:
        lines = [f"{section.title}  {section.count}题 × {points_text(section.points)}分" for section in paper.sections]
        if paper.description:
            lines.insert(0, paper.description)
        self.query_one("#paper-detail", Static).update(plain("\n".join(lines)))

    @on(OptionList.OptionHighlighted, "#papers")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        paper = self.services.bank.papers.get(event.option.id or "")
        if paper is not None:
            self._describe(paper)

    @on(OptionList.OptionSelected, "#papers")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        paper = self.services.bank.papers.get(event.option.id or "")
        if paper is None:
            return

        def chosen(rule: TimeRule | None) -> None:
            if rule is not None:
                self.post_message(OpenExam(ExamRequest(paper.id, minutes=self.minutes, seed=self.seed, rule=rule)))

        self.app.push_screen(ExamStartDialog(paper, minutes=self.minutes, rule=self.last_rule()), chosen)
