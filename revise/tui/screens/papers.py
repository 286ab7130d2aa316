"""模拟考试: picking a paper to sit, with its time, marks and the last score."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from revise.tui.display import plain, points_text
from revise.tui.messages import ExamRequest, OpenExam
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.papers import Paper
    from revise.tui.services import Services


def paper_summary(paper: Paper) -> str:
    """ "90分钟 · 31题 · 满分100分"."""
    return f"{paper.minutes}分钟 · {paper.question_count}题 · 满分{points_text(paper.total_points)}分"


class PaperPickScreen(Screen[None]):
    """The bank's papers with their time and marks; Enter starts one with a freshly drawn set of questions."""

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
            yield Label("选一份试卷，Enter 开始计时；题目每次随机抽取。", classes="hint")
            last = self._last_scores()
            options = []
            for paper in papers:
                summary = paper_summary(paper) if self.minutes is None else paper_summary(paper).replace(f"{paper.minutes}分钟", f"{self.minutes}分钟")
                if paper.id in last:
                    summary += f" · 上次 {last[paper.id]}"
                options.append(Option(Content.assemble((paper.title, "bold"), "\n", (f"  {summary}", "$text-muted")), id=paper.id))
            yield OptionList(*options, id="papers", markup=False)
            yield Static(id="paper-detail", markup=False)
        yield KeyFooter()

    def _last_scores(self) -> dict[str, str]:
        """The latest score per paper id, as "62/100"."""
        scores: dict[str, str] = {}
        for row in self.services.store.exam_attempts():  # newest first
            if row["score"] is not None and row["paper_id"] not in scores:
                scores[row["paper_id"]] = f"{points_text(row['score'])}/{points_text(row['max_score'])}"
        return scores

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
        if event.option.id:
            self.post_message(OpenExam(ExamRequest(event.option.id, minutes=self.minutes, seed=self.seed)))
