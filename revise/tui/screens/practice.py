"""A practice session: one question at a time, then its feedback, then a summary.

The screen asks the engine for the next question, shows the answer form that
fits its type, and hands the response string to ``engine.answer``. Everything
that decides (grading, rating, scheduling, the 错题本) happens in the engine.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from revise.bank.response import Response
from revise.tui.background import in_background
from revise.tui.display import duration_text, option_indexes, options_shown, percent, plain, score_text, verdict_label
from revise.tui.messages import report_problem
from revise.tui.widgets.answers import AnswerForm, answer_form
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.model import Question
    from revise.sessions.engine import Outcome, PracticeEngine, Presented
    from revise.tui.services import Services

# How long a first escape (with an answer half typed) waits for the second.
CONFIRM_SECONDS = 3.0
REASON_LABELS = {"due": "复习", "new": "新题", "learning": "巩固", "notebook": "错题本", "queue": ""}
RATING_WORDS = {"again": "重来 (Again)", "hard": "困难 (Hard)", "good": "良好 (Good)", "easy": "容易 (Easy)"}
NOTEBOOK_WORDS = {
    "added": "已加入错题本",
    "still-in": "仍在错题本中",
    "one-more": "再答对一次即移出错题本",
    "cleared": "已移出错题本",
}


def progress_line(presented: Presented) -> Content:
    """'第 3/20 题 · 营销理论 › 4P营销组合 · 单项选择题 · 复习' as literal content (practice: '第 3 题 · 还有 17 题')."""
    position = f"第 {presented.position}/{presented.total} 题" if presented.total else f"第 {presented.position} 题"
    if presented.total is None and presented.remaining is not None:
        position += f"（还有 {presented.remaining} 题）" if presented.remaining else "（最后一题）"
    where = presented.chapter or "未分章"
    if presented.concept_name:
        where += f" › {presented.concept_name}"
    kind = presented.question.type_label
    if presented.is_drill:
        kind += "（概念练习）"
    reason = REASON_LABELS.get(presented.reason, "")
    parts: list[str | tuple[str, str]] = [
        (position, "bold"),
        "  ",
        (safe_where(where), "$text-accent"),
        "  ",
        (kind, "$text-muted"),
    ]
    if reason:
        parts += ["  ", (f"[{reason}]", "$text-muted")]
    return Content.assemble(*parts)


WAITING_TEXT = "正在保存……数据库正被另一个程序占用，等它释放后就会保存（这次作答还没保存）。"


def show_waiting(screen: Screen[Any]) -> None:
    """Show that a save is waiting for the database (another program holds its lock)."""
    for status in screen.query("#store-status").results(Static):
        status.update(WAITING_TEXT)
        status.remove_class("hidden")


def hide_waiting(screen: Screen[Any]) -> None:
    """The save finished (or failed): no more waiting state."""
    for status in screen.query("#store-status"):
        status.add_class("hidden")


def report_store_error(screen: Screen[Any], error: Exception, title: str, doing: str) -> None:
    """A store refusal, told to the student once; anything else is a bug and goes to the crash handler."""
    from revise.progress.store import StoreError

    if not isinstance(error, StoreError):
        raise error
    report_problem(screen, title, f"{doing}：{error}", timeout=15)


def safe_where(text: str) -> str:
    """Chapter and concept names with control characters made visible."""
    from revise.safetext import one_line

    return one_line(text)


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

    def __init__(self, services: Services, engine: PracticeEngine, *, title: str = "练习") -> None:
        super().__init__()
        self.services = services
        self.engine = engine
        self.session_title = title
        self.presented: Presented | None = None
        self._end_confirmed_until = 0.0
        self._saving = False  # an answer is on its way to the store

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        yield Static(id="progress", markup=False)
        yield Static(id="store-status", classes="store-status hidden", markup=False)
        yield VerticalScroll(id="question-area")
        yield KeyFooter()

    async def on_mount(self) -> None:
        """Show the first question."""
        self.sub_title = self.session_title
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
        self.query_one("#progress", Static).update(progress_line(presented))
        form = answer_form(presented.question, presented.prompt, order=presented.order, id="answer")
        await area.mount(form)
        area.scroll_home(animate=False)
        form.focus_answer()

    @on(AnswerForm.Submitted)
    def _answered(self, event: AnswerForm.Submitted) -> None:
        event.stop()
        if self.presented is None or self.engine.current is None or self._saving:
            return
        engine, response, form = self.engine, event.response, event.form
        self._saving = True

        def refused(error: Exception) -> None:
            # Nothing was recorded: say so, and leave the question open to try again.
            form.submitted = False
            report_store_error(self, error, "进度未保存", "没能保存这次作答")

        # Off the event loop: a database locked by another program must not freeze the screen.
        in_background(
            self,
            lambda: engine.answer(response),
            done=lambda outcome: self._show_outcome(outcome, response),
            failed=refused,
            on_wait=lambda: show_waiting(self),
            finished=self._saved,
        )

    def _saved(self) -> None:
        self._saving = False
        hide_waiting(self)

    async def _show_outcome(self, outcome: Outcome, response: Response) -> None:
        """The answer is committed: its feedback (or, when right and the setting says so, the next question)."""
        skip = outcome.result.verdict == "correct" and bool(self.services.store.get_setting("skip_feedback_on_correct"))
        if skip:
            self.notify("✓ 正确", timeout=1.5)
            await self.show_next()
            return
        self.app.push_screen(FeedbackScreen(self.services, outcome, response, self.engine), self._after_feedback)

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
            self.app.call_later(self.app.run_action, "app.home")

    def finish(self) -> None:
        """Replace this screen with the session summary."""
        self.app.switch_screen(SummaryScreen(self.services, self.engine, title=self.session_title))


class FeedbackScreen(Screen[str]):
    """The verdict and why: expected answer, grader's notes, keypoints, explanation, source. Enter continues."""

    BINDINGS = [
        Binding("enter", "continue", "继续", id="feedback.continue", priority=True, tooltip="Next question"),
        Binding("e", "override('easy')", "我很熟", id="feedback.easy", tooltip="I knew it well: rate Easy"),
        Binding("g", "override('again')", "我是猜的", id="feedback.again", tooltip="I guessed: rate Again"),
        Binding("r", "appeal", "判我对", id="feedback.appeal", tooltip="My answer is right: log an appeal, rate Good, leave the 错题本"),
        Binding("escape", "end", "结束", id="feedback.end", tooltip="End the session and see its summary"),
    ]

    def __init__(self, services: Services, outcome: Outcome, response: Response, engine: PracticeEngine) -> None:
        super().__init__()
        self.services = services
        self.engine = engine
        self.outcome = outcome
        self.response = response

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        result = self.outcome.result
        yield TitleBar()
        with VerticalScroll(id="feedback-area"):
            yield Static(self._verdict(), id="verdict", classes=f"verdict {result.verdict}")
            if result.verdict != "correct" and self.engine.can_appeal:
                yield Button("判我对 (r)", id="appeal", classes="appeal", compact=True)
            yield Static(id="schedule", markup=False)
            yield Static(id="store-status", classes="store-status hidden", markup=False)
            yield from self._details()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and show the rating and next review."""
        self.sub_title = "反馈"
        self._update_schedule()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """判我对 only for answers not marked correct; 我很熟 only for correct ones (a wrong answer was not known well)."""
        verdict = self.outcome.result.verdict
        if action == "appeal":
            return verdict != "correct" and self.engine.can_appeal and not self.outcome.appealed
        if action == "override" and parameters == ("easy",):
            return verdict == "correct" or self.outcome.appealed
        return True

    def _verdict(self) -> Content:
        result = self.outcome.result
        question = self.outcome.presented.question
        if self.outcome.appealed:
            return Content.assemble(("✓ 判我对（已申诉）", "bold"), f"   原判 {verdict_label(result.verdict, question.type)} {score_text(result.score)}")
        return Content.assemble(
            (verdict_label(result.verdict, question.type), "bold"),
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
        presented = self.outcome.presented
        question = presented.question
        result = self.outcome.result
        yield from self._field("你的答案", shown_response(question, self.response, presented.order), "response")
        key = option_indexes(question)
        yield from self._field("参考答案", options_shown(question, key, presented.order) if key else str(result.expected), "expected")
        if not (key and self.response.choices is not None):
            # A choice's 评语 names options by bank letter; the lines above already say it with the letters shown.
            yield from self._field("评语", str(result.feedback), "notes")
        if question.type in ("short", "essay") and (result.found or result.missed):
            total = len(result.found) + len(result.missed)
            yield from self._field(f"答到要点 {len(result.found)}/{total}", keypoints_text(result, found=True) or "无", "keypoints found")
            if result.missed:
                yield from self._field("漏掉要点", keypoints_text(result, found=False), "keypoints missed")
        yield from self._field("解析", question.explanation, "explanation")
        yield from self._field("出处", self.services.bank.citation(question), "source")
        yield from self._field("题目", presented.prompt, "prompt-echo")

    def _update_schedule(self) -> None:
        outcome = self.outcome
        parts = [
            f"评分：{RATING_WORDS.get(outcome.rating, outcome.rating)}{'（已改）' if outcome.overridden else ''}",
            f"下次复习：{relative_time(outcome.due, self.services.clock())}",
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
        engine = self.engine

        def done(_: None) -> None:
            self._update_schedule()
            self.notify("已记为“我很熟”" if rating == "easy" else "已记为“我是猜的”", timeout=2)

        in_background(
            self,
            lambda: engine.override(rating),
            done=done,
            failed=lambda error: report_store_error(self, error, "进度未保存", "没能保存"),
            on_wait=lambda: show_waiting(self),
            finished=lambda: hide_waiting(self),
        )

    @on(Button.Pressed, "#appeal")
    def _appeal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_appeal()

    def action_appeal(self) -> None:
        """判我对: record that this answer is right (logged as an appeal with the original verdict)."""
        if self.outcome.appealed or self.outcome.result.verdict == "correct":
            return
        in_background(
            self,
            self.engine.appeal,
            done=lambda _: self._appealed(),
            failed=lambda error: report_store_error(self, error, "申诉未保存", "没能保存"),
            on_wait=lambda: show_waiting(self),
            finished=lambda: hide_waiting(self),
        )

    def _appealed(self) -> None:
        self.query_one("#verdict", Static).update(self._verdict())
        for button in self.query("#appeal"):
            button.remove()
        self._update_schedule()
        self.refresh_bindings()
        self.notify("已记为“判我对”：评分改为良好，已移出错题本；老师会看到这条申诉。", timeout=4)


def shown_response(question: Question, response: Response, order: tuple[int, ...]) -> str:
    """The answer as the student saw it: chosen options by the letters shown, with their text."""
    if not response.has_answer():
        return "（未作答）"
    if response.choices is not None:
        return options_shown(question, response.choices, order)
    return response.display()


def keypoints_text(result: object, *, found: bool) -> str:
    """ "✓识别「…我们先识别客户…」、✓区分" for found key points (with the span matched, when the grader gives it), "✗…" for missed."""
    points: tuple[str, ...] = getattr(result, "found" if found else "missed", ())
    # The student's own words that earned each found point (issue 11 #4: tick only what matched, and show it).
    spans = {span.label: span.text for span in getattr(result, "keypoint_spans", ()) if span.found and span.text} if found else {}
    mark = "✓" if found else "✗"
    return "、".join(f"{mark}{point}「{spans[point]}」" if spans.get(point) else f"{mark}{point}" for point in points)


class SummaryScreen(Screen[None]):
    """The end of a session: answered, correct, partial, wrong, time taken, and the wrong ones."""

    BINDINGS = [
        Binding("enter", "app.home", "回首页", id="summary.home", tooltip="Back to the home screen"),
        Binding("escape", "app.home", "回首页", id="summary.back", show=False, tooltip="Back to the home screen"),
        Binding("w", "app.notebook", "错题本", id="summary.notebook", tooltip="Practise the 错题本 now"),
        Binding("p", "app.practice", "继续练习", id="summary.practice", tooltip="Start another practice session"),
    ]

    def __init__(self, services: Services, engine: PracticeEngine, *, title: str) -> None:
        super().__init__()
        self.services = services
        self.engine = engine
        self.session_title = title

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        summary = self.engine.summary
        yield TitleBar()
        with VerticalScroll(id="summary-area"):
            if not summary.answered:
                yield Static("这一轮没有要做的题了。到期的复习和今日新题都已完成；明天再来，或试试章节练习、背题模式。", classes="empty-note")
            else:
                yield Static(
                    Content.assemble(
                        ("本轮完成 ", ""),
                        (str(summary.answered), "bold"),
                        " 题   ",
                        ("✓ 正确 ", "$text-success"),
                        (str(summary.correct), "bold"),
                        "   ",
                        ("～ 部分正确 ", "$text-warning"),
                        (str(summary.partial), "bold"),
                        "   ",
                        ("✗ 错误 ", "$text-error"),
                        (str(summary.wrong), "bold"),
                    ),
                    id="summary-counts",
                )
                appealed = f"   判我对 {summary.appealed}" if summary.appealed else ""
                yield Static(f"用时 {duration_text(summary.elapsed_seconds)}   正确率 {percent(summary.accuracy)}{appealed}", id="summary-time", markup=False)
                if summary.wrong_question_ids:
                    yield Label("答错的题", classes="section-title")
                    for qid in summary.wrong_question_ids:
                        # The prompt as shown, with the drawn values of a calculation filled in.
                        text = summary.wrong_prompts.get(qid) or qid
                        yield Static(plain(f"✗ {text}"), classes="wrong-item", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle."""
        self.sub_title = f"{self.session_title} · 小结"
