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
from textual.widgets import Button, Label, SelectionList, Static

from revise.bank.response import Response
from revise.sessions.corrections import SessionCorrections
from revise.tui.background import in_background
from revise.tui.display import SELF_ASSESSED_LABEL, duration_text, option_indexes, options_shown, percent, plain, score_text, verdict_label, verdict_word
from revise.tui.widgets.answers import AnswerForm, answer_form
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.keypoints import KeypointTicks, found_text, missed_text, underline_matches
from revise.tui.widgets.personal import NoteDialog, QuestionMarks, save_note, toggle_bookmark
from revise.tui.widgets.prose import Prose
from revise.tui.widgets.store_status import hide_waiting, report_store_error, show_waiting
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
        Binding("ctrl+b", "bookmark", "收藏", id="practice.bookmark", tooltip="Bookmark this question (or take the bookmark off)"),
        Binding("ctrl+r", "undo_last", "撤销上题", id="practice.undo", tooltip="Take back the last answer and answer that question again"),
        Binding("question_mark,f2", "app.help", "帮助", id="practice.help", tooltip="Every key of this screen"),
    ]

    def __init__(self, services: Services, engine: PracticeEngine, *, title: str = "练习") -> None:
        super().__init__()
        self.services = services
        self.engine = engine
        self.corrections = SessionCorrections(engine)
        self.session_title = title
        self.presented: Presented | None = None
        self._end_confirmed_until = 0.0
        self._saving = False  # an answer (or an undo) is on its way to the store
        self._last_response: Response | None = None  # the latest answer, put back in the form when it is taken back

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
        await self.show_question(self.corrections.next_question())

    async def show_question(self, presented: Presented | None, restore: Response | None = None) -> None:
        """Show a question (with the answer given before, when it was taken back), or the summary for None."""
        area = self.query_one("#question-area", VerticalScroll)
        await area.remove_children()
        self.presented = presented
        if presented is None:
            self.finish()
            return
        self.query_one("#progress", Static).update(progress_line(presented))
        marks = QuestionMarks(id="marks")
        form = answer_form(presented.question, presented.prompt, order=presented.order, id="answer")
        await area.mount_all([marks, form])
        marks.load(self.services, presented.question.id)
        if restore is not None:
            form.restore(restore)
        area.scroll_home(animate=False)
        form.focus_answer()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """撤销上题 only when this session has an answer to take back."""
        if action == "undo_last":
            return self.corrections.can_undo
        return True

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
        self._last_response = response
        skip = outcome.result.verdict == "correct" and bool(self.services.store.get_setting("skip_feedback_on_correct"))
        if skip:
            self.notify("✓ 正确", timeout=1.5)
            await self.show_next()
            return
        self.app.push_screen(FeedbackScreen(self.services, outcome, response, self.corrections), self._after_feedback)

    async def _after_feedback(self, choice: str | None) -> None:
        if choice == "end":
            self.finish()
        elif choice == "undo":
            await self.show_question(self.engine.current, restore=self._last_response)
        else:
            await self.show_next()

    async def action_skip(self) -> None:
        """Leave this question for another time (nothing is recorded)."""
        if self.engine.current is None:
            return
        self.engine.skip()
        await self.show_next()

    def action_bookmark(self) -> None:
        """收藏: bookmark this question, or take the bookmark off."""
        if self.presented is None:
            return
        marks = self.query_one("#marks", QuestionMarks)
        toggle_bookmark(self, self.services, self.presented.question.id, marks.bookmarked, lambda now: marks.show_marks(now, marks.note))

    def action_undo_last(self) -> None:
        """撤销上题: take back the last answer (the store keeps a record) and answer that question again."""
        if not self.corrections.can_undo or self._saving:
            return
        self._saving = True

        async def undone(presented: Presented) -> None:
            await self.show_question(presented, restore=self._last_response)
            self.notify("已撤销上一题的作答：再答一次吧", timeout=3)

        in_background(
            self,
            self.corrections.undo_last,
            done=undone,
            failed=lambda error: report_store_error(self, error, "没能撤销", "没能撤销上一题"),
            on_wait=lambda: show_waiting(self),
            finished=self._saved,
        )

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
        self.app.switch_screen(SummaryScreen(self.services, self.engine, title=self.session_title, self_assessed=self.corrections.self_assessed))


class FeedbackScreen(Screen[str]):
    """The verdict and why: expected answer, grader's notes, keypoints, explanation, source. Enter continues."""

    BINDINGS = [
        Binding("enter", "continue", "继续", id="feedback.continue", priority=True, tooltip="Next question"),
        Binding("e", "override('easy')", "我很熟", id="feedback.easy", tooltip="I knew it well: rate Easy"),
        Binding("g", "override('again')", "我是猜的", id="feedback.again", tooltip="I guessed: rate Again"),
        Binding("r", "appeal", "判我对", id="feedback.appeal", tooltip="My answer is right: log an appeal, rate Good, leave the 错题本"),
        Binding("b", "bookmark", "收藏", id="feedback.bookmark", tooltip="Bookmark this question (or take the bookmark off)"),
        Binding("n", "note", "笔记", id="feedback.note", tooltip="Write or edit your note on this question"),
        Binding("u", "undo", "撤销", id="feedback.undo", tooltip="Take this answer back and answer the question again"),
        Binding("escape", "end", "结束", id="feedback.end", tooltip="End the session and see its summary"),
        Binding("question_mark,f2", "app.help", "帮助", id="feedback.help", tooltip="Every key of this screen"),
    ]

    def __init__(self, services: Services, outcome: Outcome, response: Response, corrections: SessionCorrections) -> None:
        super().__init__()
        self.services = services
        self.corrections = corrections
        self.engine = corrections.engine
        self.outcome = outcome
        self.response = response
        self._ticks_saving = False
        self._ticks_wanted: tuple[str, ...] | None = None  # ticks changed while the last change was being saved

    @property
    def assessed(self) -> tuple[str, ...]:
        """The key points the student ticked on this answer (自评)."""
        entry = self.corrections.assessed.get(self.outcome.review_id or -1)
        return entry.points if entry else ()

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
            yield QuestionMarks(id="marks")
            yield from self._details()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle, show the rating and next review, the bookmark and the note."""
        self.sub_title = "反馈"
        self._update_schedule()
        self.query_one("#marks", QuestionMarks).load(self.services, self.outcome.presented.question.id)
        for ticks in self.query(KeypointTicks):
            ticks.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """判我对 only for answers not counted correct nor self-assessed; 我很熟 only for correct ones; 撤销 until taken back."""
        verdict = self.corrections.verdict(self.outcome)
        if action == "appeal":
            return verdict != "correct" and self.engine.can_appeal and not self.outcome.appealed and not self.assessed
        if action == "override" and parameters == ("easy",):
            return verdict == "correct"
        if action == "undo":
            return self.corrections.can_undo and self.engine.last_outcome is self.outcome
        return True

    def _verdict(self) -> Content:
        result = self.outcome.result
        question = self.outcome.presented.question
        automatic = f"{verdict_label(result.verdict, question.type)} {score_text(result.score)}"
        if self.outcome.appealed:
            return Content.assemble(("✓ 判我对（已申诉）", "bold"), f"   原判 {automatic}")
        entry = self.corrections.assessed.get(self.outcome.review_id or -1)
        if entry is not None:
            return Content.assemble(
                (f"{verdict_word(entry.verdict)}（{SELF_ASSESSED_LABEL}）", "bold"), f"   得分 {score_text(entry.score)}   原判 {automatic}"
            )
        return Content.assemble((verdict_label(result.verdict, question.type), "bold"), f"   得分 {score_text(result.score)}")

    @staticmethod
    def _field(label: str, text: str | Content | None, classes: str = "", id: str | None = None) -> ComposeResult:
        """'label：text', wrapping under itself as Chinese is set; nothing when the text is empty."""
        body = text if isinstance(text, Content) else plain(text.strip()) if text else None
        if body is not None and body.plain.strip():
            yield Static(Prose(Content.assemble((f"{label}：", "bold $text-muted"), body)), classes=f"field {classes}".strip(), id=id)

    def _details(self) -> ComposeResult:
        presented = self.outcome.presented
        question = presented.question
        result = self.outcome.result
        free_text = question.type in ("short", "essay")
        shown = shown_response(question, self.response, presented.order)
        yield from self._field("你的答案", underline_matches(shown, result) if free_text else shown, "response")
        key = option_indexes(question)
        yield from self._field("参考答案", options_shown(question, key, presented.order) if key else str(result.expected), "expected")
        if not (key and self.response.choices is not None):
            # A choice's 评语 names options by bank letter; the lines above already say it with the letters shown.
            yield from self._field("评语", str(result.feedback), "notes")
        if free_text and (result.found or result.missed):
            yield from self._keypoints()
        yield from self._field("解析", question.explanation, "explanation")
        yield from self._field("出处", self.services.bank.citation(question), "source")
        yield from self._field("题目", presented.prompt, "prompt-echo")

    def _keypoints(self) -> ComposeResult:
        result = self.outcome.result
        total = len(result.found) + len(result.missed)
        yield from self._field(f"答到要点 {len(result.found)}/{total}", found_text(result), "keypoints found", id="found-points")
        if result.missed:
            yield from self._field("漏掉要点", missed_text(result, self.assessed), "keypoints missed", id="missed-points")
            if self.corrections.can_assess(self.outcome):
                yield KeypointTicks(result.missed, id="ticks")

    def _update_schedule(self) -> None:
        outcome = self.outcome
        parts = [
            f"评分：{RATING_WORDS.get(outcome.rating, outcome.rating)}{'（已改）' if outcome.overridden else ''}",
            f"下次复习：{relative_time(outcome.due, self.services.clock())}",
        ]
        if outcome.notebook_status:
            parts.append(NOTEBOOK_WORDS.get(outcome.notebook_status, outcome.notebook_status))
        self.query_one("#schedule", Static).update(Prose(plain(" · ".join(parts))))

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

    def action_bookmark(self) -> None:
        """收藏: bookmark this question, or take the bookmark off."""
        marks = self.query_one("#marks", QuestionMarks)
        question_id = self.outcome.presented.question.id
        toggle_bookmark(self, self.services, question_id, marks.bookmarked, lambda now: marks.show_marks(now, marks.note))

    def action_note(self) -> None:
        """笔记: write or edit the note on this question (saved when the dialog closes with ctrl+s)."""
        marks = self.query_one("#marks", QuestionMarks)
        question_id = self.outcome.presented.question.id

        def closed(text: str | None) -> None:
            if text is not None and text != (marks.note or ""):
                save_note(self, self.services, question_id, text, lambda kept: marks.show_marks(marks.bookmarked, kept))

        self.app.push_screen(NoteDialog(self.outcome.presented.prompt, marks.note), closed)

    def action_undo(self) -> None:
        """撤销: take this answer back (the store keeps a record of it) and answer the question again."""
        if not self.check_action("undo", ()):
            return
        in_background(
            self,
            self.corrections.undo_last,
            done=self._close_for_undo,
            failed=lambda error: report_store_error(self, error, "没能撤销", "没能撤销这次作答"),
            on_wait=lambda: show_waiting(self),
            finished=lambda: hide_waiting(self),
        )

    def _close_for_undo(self, _: object) -> None:
        # Later, not from inside the worker: closing the screen waits for its workers to finish.
        self.call_later(self._dismiss_undo)

    def _dismiss_undo(self) -> None:
        self.dismiss("undo")  # not awaited: a screen cannot await its own dismissal

    @on(SelectionList.SelectedChanged, "#ticks")
    def _ticks_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self._save_ticks(self.query_one("#ticks", KeypointTicks).ticked())

    def _save_ticks(self, points: tuple[str, ...]) -> None:
        """自评: log the ticked points (one save at a time; the latest ticks win) and show the new score."""
        if self._ticks_saving:
            self._ticks_wanted = points
            return
        self._ticks_saving = True

        def finished() -> None:
            self._ticks_saving = False
            hide_waiting(self)

        def saved(_: object) -> None:
            self._show_assessment()
            wanted, self._ticks_wanted = self._ticks_wanted, None
            if wanted is not None and wanted != self.assessed:
                self._save_ticks(wanted)

        in_background(
            self,
            lambda: self.corrections.assess(points),
            done=saved,
            failed=lambda error: report_store_error(self, error, "自评未保存", "没能保存"),
            on_wait=lambda: show_waiting(self),
            finished=finished,
        )

    def _show_assessment(self) -> None:
        verdict = self.query_one("#verdict", Static)
        verdict.update(self._verdict())
        for name in ("correct", "partial", "incorrect"):
            verdict.set_class(name == self.corrections.verdict(self.outcome), name)
        for missed in self.query("#missed-points").results(Static):
            label = Content.styled("漏掉要点：", "bold $text-muted")
            missed.update(Prose(Content.assemble(label, missed_text(self.outcome.result, self.assessed))))
        for button in self.query("#appeal").results(Button):
            button.display = not self.assessed  # 判我对 and 自评 are one or the other
        self._update_schedule()
        self.refresh_bindings()

    @on(Button.Pressed, "#appeal")
    def _appeal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_appeal()

    def action_appeal(self) -> None:
        """判我对: record that this answer is right (logged as an appeal with the original verdict)."""
        if not self.check_action("appeal", ()):
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
        for ticks in self.query("#ticks"):
            ticks.remove()  # an appealed answer counts as right: nothing left to tick
        self.query_one("#feedback-area").focus()  # not a widget on its way out: its keys would go nowhere
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


class SummaryScreen(Screen[None]):
    """The end of a session: answered, correct, partial, wrong, time taken, and the wrong ones."""

    BINDINGS = [
        Binding("enter", "app.home", "回首页", id="summary.home", tooltip="Back to the home screen"),
        Binding("escape", "app.home", "回首页", id="summary.back", show=False, tooltip="Back to the home screen"),
        Binding("w", "app.notebook", "错题本", id="summary.notebook", tooltip="Practise the 错题本 now"),
        Binding("p", "app.practice", "继续练习", id="summary.practice", tooltip="Start another practice session"),
    ]

    def __init__(self, services: Services, engine: PracticeEngine, *, title: str, self_assessed: int = 0) -> None:
        super().__init__()
        self.services = services
        self.engine = engine
        self.session_title = title
        self.self_assessed = self_assessed

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
                # The student's own corrections are counted apart, so the teacher's view of the grader stays honest.
                appealed = f"   判我对 {summary.appealed}" if summary.appealed else ""
                assessed = f"   {SELF_ASSESSED_LABEL} {self.self_assessed}" if self.self_assessed else ""
                yield Static(
                    f"用时 {duration_text(summary.elapsed_seconds)}   正确率 {percent(summary.accuracy)}{appealed}{assessed}", id="summary-time", markup=False
                )
                if summary.wrong_question_ids:
                    yield Label("答错的题", classes="section-title")
                    for qid in summary.wrong_question_ids:
                        # The prompt as shown, with the drawn values of a calculation filled in.
                        text = summary.wrong_prompts.get(qid) or qid
                        yield Static(Prose(plain(f"✗ {text}")), classes="wrong-item")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle."""
        self.sub_title = f"{self.session_title} · 小结"
