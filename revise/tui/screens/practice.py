"""A practice session: one question at a time, then its feedback, then a summary.

The screen asks the engine for the next question, shows the answer form that
fits its type, and hands the response string to ``engine.answer``. Everything
that decides (grading, rating, scheduling, the 错题本) happens in the engine.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from revise.tui.display import duration_text, plain
from revise.tui.widgets.answers import AnswerForm, answer_form
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.sessions.engine import Outcome, PracticeEngine, Presented
    from revise.tui.app import ReviseApp

# How long a first escape (with an answer half typed) waits for the second.
CONFIRM_SECONDS = 3.0
REASON_LABELS = {"due": "复习", "new": "新题", "learning": "巩固", "notebook": "错题本", "queue": ""}
VERDICT_WORDS = {"correct": "✓ 正确", "partial": "～ 部分正确", "incorrect": "✗ 错误"}
RATING_WORDS = {"again": "重来 (Again)", "hard": "困难 (Hard)", "good": "良好 (Good)", "easy": "容易 (Easy)"}
NOTEBOOK_WORDS = {
    "added": "已加入错题本",
    "still-in": "仍在错题本中",
    "one-more": "再答对一次即移出错题本",
    "cleared": "已移出错题本",
}


def progress_line(presented: Presented, show) -> Content:
    """'第 3/20 题 · 营销理论 › 4P营销组合 · 单项选择题 · 复习' as literal content."""
    position = f"第 {presented.position}/{presented.total} 题" if presented.total else f"第 {presented.position} 题"
    where = show(presented.chapter) or "未分章"
    if presented.concept_name:
        where += f" › {show(presented.concept_name)}"
    kind = presented.question.type_label
    if presented.is_drill:
        kind += "（概念练习）"
    reason = REASON_LABELS.get(presented.reason, "")
    parts = [
        (position, "bold"),
        "  ",
        (where, "$text-accent"),
        "  ",
        (kind, "$text-muted"),
    ]
    if reason:
        parts += ["  ", (f"[{reason}]", "$text-muted")]
    return Content.assemble(*parts)


def relative_time(moment: datetime | None, now: datetime) -> str:
    """When something is due, said simply: '10分钟后', '3小时后', '5天后'."""
    if moment is None:
        return "不安排复习"
    seconds = (moment - now).total_seconds()
    if seconds < 60:
        return "马上"
    if seconds < 3600:
        return f"{round(seconds / 60)}分钟后"
    if seconds < 86400:
        return f"{round(seconds / 3600)}小时后"
    return f"{round(seconds / 86400)}天后"


class PracticeScreen(Screen[None]):
    """Questions from an engine, each with the answer form of its type."""

    BINDINGS = [
        Binding("escape", "end_session", "结束", id="practice.end", tooltip="End the session and see its summary"),
        Binding("ctrl+n", "skip", "跳过", id="practice.skip", tooltip="Skip this question without recording it"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def __init__(self, engine: PracticeEngine, *, title: str = "练习") -> None:
        super().__init__()
        self.engine = engine
        self.session_title = title
        self.presented: Presented | None = None
        self._end_confirmed_until = 0.0

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        yield Static(id="progress", markup=False)
        yield VerticalScroll(id="question-area")
        yield KeyFooter()

    async def on_mount(self) -> None:
        """Show the first question."""
        self.sub_title = self.app.show(self.session_title)
        await self.show_next()

    async def show_next(self) -> None:
        """Show the engine's next question, or the summary when there is none."""
        presented = self.engine.next_question()
        area = self.query_one("#question-area", VerticalScroll)
        await area.remove_children()
        self.presented = presented
        if presented is None:
            self.finish()
            return
        self.query_one("#progress", Static).update(progress_line(presented, self.app.show))
        form = answer_form(presented.question, presented.prompt, self.app.show, id="answer")
        await area.mount(form)
        area.scroll_home(animate=False)
        form.focus_answer()

    def refresh_text(self) -> None:
        """Redraw in the current display script (the waiting question keeps its answers)."""
        if self.presented is not None:
            self.query_one("#progress", Static).update(progress_line(self.presented, self.app.show))

    @on(AnswerForm.Submitted)
    async def _answered(self, event: AnswerForm.Submitted) -> None:
        event.stop()
        if self.presented is None or self.engine.current is None:
            return
        from revise.progress.store import StoreError

        try:
            outcome = self.engine.answer(event.response)
        except StoreError as error:
            # Nothing was recorded: say so, and leave the question open to try again.
            self.notify(f"没能保存这次作答：{error}", title="进度未保存", severity="error", timeout=15, markup=False)
            event.form.submitted = False
            return
        skip = outcome.result.verdict == "correct" and bool(self.app.store.get_setting("skip_feedback_on_correct"))
        if skip:
            self.notify("✓ 正确", timeout=1.5)
            await self.show_next()
            return
        self.app.push_screen(FeedbackScreen(outcome, event.response, self.engine), self._after_feedback)

    async def _after_feedback(self, choice: str | None) -> None:
        if choice == "end":
            self.finish()
        else:
            await self.show_next()

    async def action_skip(self) -> None:
        """Leave this question for another time (nothing is recorded)."""
        if self.engine.current is None:
            return
        self.engine.skip()
        await self.show_next()

    def action_end_session(self) -> None:
        """End now: the summary when something was answered, else straight home.

        With an answer half typed, the first escape only warns; a second one within
        a few seconds ends the session.
        """
        forms = self.query(AnswerForm)
        if forms and forms.first().has_typed_text() and time.monotonic() > self._end_confirmed_until:
            self._end_confirmed_until = time.monotonic() + CONFIRM_SECONDS
            self.notify("再按一次 esc 结束练习（这道题的作答不会保存）", timeout=CONFIRM_SECONDS)
            return
        if self.engine.summary.answered:
            self.finish()
        else:
            self.app.action_home()

    def finish(self) -> None:
        """Replace this screen with the session summary."""
        self.app.switch_screen(SummaryScreen(self.engine, title=self.session_title))


class FeedbackScreen(Screen[str]):
    """The verdict and why: expected answer, grader's notes, keypoints, explanation, source. Enter continues."""

    BINDINGS = [
        Binding("enter", "continue", "继续", id="feedback.continue", priority=True, tooltip="Next question"),
        Binding("e", "override('easy')", "我很熟", id="feedback.easy", tooltip="I knew it well: rate Easy"),
        Binding("g", "override('again')", "我是猜的", id="feedback.again", tooltip="I guessed: rate Again"),
        Binding("escape", "end", "结束", id="feedback.end", tooltip="End the session and see its summary"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def __init__(self, outcome: Outcome, response: str, engine: PracticeEngine) -> None:
        super().__init__()
        self.engine = engine
        self.outcome = outcome
        self.response = response

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        result = self.outcome.result
        yield TitleBar()
        with VerticalScroll(id="feedback-area"):
            yield Static(self._verdict(), id="verdict", classes=f"verdict {result.verdict}")
            yield Static(id="schedule", markup=False)
            yield from self._details()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and show the rating and next review."""
        self.sub_title = "反馈"
        self._update_schedule()

    def _verdict(self) -> Content:
        result = self.outcome.result
        return Content.assemble(
            (VERDICT_WORDS.get(result.verdict, result.verdict), "bold"),
            f"   得分 {score_text(result.score)}",
        )

    @staticmethod
    def _field(label: str, text: str | None, classes: str = "") -> ComposeResult:
        """'label：text' on one line, wrapping under itself; nothing when the text is empty."""
        if text and text.strip():
            yield Static(
                Content.assemble((f"{label}：", "bold $text-muted"), Content(text.strip())),
                classes=f"field {classes}".strip(),
            )

    def _details(self) -> ComposeResult:
        show = self.app.show
        presented = self.outcome.presented
        question = presented.question
        result = self.outcome.result
        yield from self._field("你的答案", self.response if self.response.strip() else "（未作答）", "response")
        yield from self._field("参考答案", show(str(result.expected)), "expected")
        yield from self._field("评语", str(result.feedback), "notes")
        if question.type in ("short", "essay") and (result.found or result.missed):
            total = len(result.found) + len(result.missed)
            yield from self._field(f"答到要点 {len(result.found)}/{total}", "、".join(f"✓{show(point)}" for point in result.found) or "无", "keypoints found")
            if result.missed:
                yield from self._field("漏掉要点", "、".join(f"✗{show(point)}" for point in result.missed), "keypoints missed")
        yield from self._field("解析", show(question.explanation), "explanation")
        source = " · ".join(part for part in (question.source, question.ref) if part)
        yield from self._field("出处", source, "source")
        yield from self._field("题目", show(presented.prompt), "prompt-echo")

    def _update_schedule(self) -> None:
        outcome = self.outcome
        parts = [
            f"评分：{RATING_WORDS.get(outcome.rating, outcome.rating)}{'（已改）' if outcome.overridden else ''}",
            f"下次复习：{relative_time(outcome.due, self.app.clock())}",
        ]
        if outcome.notebook_status:
            parts.append(NOTEBOOK_WORDS.get(outcome.notebook_status, outcome.notebook_status))
        self.query_one("#schedule", Static).update(plain(" · ".join(parts)))

    def action_continue(self) -> None:
        """Next question."""
        self.dismiss("continue")

    def action_end(self) -> None:
        """End the session."""
        self.dismiss("end")

    def action_override(self, rating: str) -> None:
        """Re-rate this answer: "easy" (I knew it well) or "again" (I guessed)."""
        from revise.progress.store import StoreError

        try:
            self.engine.override(rating)
        except StoreError as error:
            self.notify(f"没能保存：{error}", title="进度未保存", severity="error", timeout=15, markup=False)
            return
        self._update_schedule()
        self.notify("已记为“我很熟”" if rating == "easy" else "已记为“我是猜的”", timeout=2)


def score_text(score: float) -> str:
    """A score as a percentage (scores are fractions of full marks)."""
    return f"{round(float(score) * 100):d}%"


class SummaryScreen(Screen[None]):
    """The end of a session: answered, correct, partial, wrong, time taken, and the wrong ones."""

    BINDINGS = [
        Binding("enter", "app.home", "回首页", id="summary.home", tooltip="Back to the home screen"),
        Binding("escape", "app.home", "回首页", id="summary.back", show=False, tooltip="Back to the home screen"),
        Binding("w", "app.notebook", "错题本", id="summary.notebook", tooltip="Practise the 错题本 now"),
        Binding("p", "app.practice", "继续练习", id="summary.practice", tooltip="Start another practice session"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def __init__(self, engine: PracticeEngine, *, title: str) -> None:
        super().__init__()
        self.engine = engine
        self.session_title = title

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        summary = self.engine.summary
        show = self.app.show
        yield TitleBar()
        with VerticalScroll(id="summary-area"):
            if not summary.answered:
                yield Static("这一轮没有要做的题了。到期的复习和今日新题都已完成；明天再来，或试试章节练习、背题模式。", classes="empty-note")
            else:
                yield Static(
                    Content.assemble(
                        ("本轮完成 ", ""), (str(summary.answered), "bold"), " 题   ",
                        ("✓ 正确 ", "$text-success"), (str(summary.correct), "bold"), "   ",
                        ("～ 部分正确 ", "$text-warning"), (str(summary.partial), "bold"), "   ",
                        ("✗ 错误 ", "$text-error"), (str(summary.wrong), "bold"),
                    ),
                    id="summary-counts",
                )
                yield Static(f"用时 {duration_text(summary.elapsed_seconds)}   正确率 {round(summary.accuracy * 100)}%", id="summary-time", markup=False)
                if summary.wrong_question_ids:
                    yield Label("答错的题", classes="section-title")
                    for qid in summary.wrong_question_ids:
                        question = self.engine.questions.get(qid) or self.app.bank.questions.get(qid)
                        text = show(question.prompt) if question else qid
                        yield Static(plain(f"✗ {text}"), classes="wrong-item", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle."""
        self.sub_title = f"{self.app.show(self.session_title)} · 小结"
