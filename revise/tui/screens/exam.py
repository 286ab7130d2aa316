"""模拟考试: the timed exam screen.

The screen never grades. It shows each question with the same answer form as
practice, minus the feedback; saves what the student enters through
:class:`revise.sessions.exam.ExamSession` as it changes (at most about a second
of typing is ever unsaved, and everything is saved on moving to another
question or handing in); and hands the paper in when the student confirms or
the time is up, then posts :class:`revise.tui.messages.ExamHandedIn` for the
app to show the report. The countdown reads the services' clock on every tick,
so tests move time by moving that clock.

Every store call (saving, flagging, handing in) runs on one background thread,
in order, so a database locked by another program never freezes the countdown
(issue 13, #16). An answer is shown as saved (✓) only once the store has
committed it; until then its number shows "!", failed saves are retried on
the ticks that follow, and the student is told once (#6, #19).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static

from revise.bank.papers import PARTIAL_CREDIT
from revise.bank.response import Response
from revise.progress.store import StoreError
from revise.sessions.exam import GRACE, NOCOUNT, WARNINGS_AT, ExamError, ExamReport, ExamSession
from revise.tui.background import in_background
from revise.tui.display import plain, points_text
from revise.tui.exam_time import EXAM_FORMS, countdown_text, current_response, exam_wording, mark_judgment, saved_response
from revise.tui.messages import ExamHandedIn, report_problem
from revise.tui.widgets.answers import AnswerForm
from revise.tui.widgets.dialogs import ConfirmDialog, GotoDialog
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.navigator import EXAM_LEGEND, QuestionNavigator
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from revise.tui.services import Services

__all__ = ["SAVE_INTERVAL", "ExamScreen", "countdown_text", "current_response", "numbers_text", "saved_response"]

# How often the countdown is redrawn and the current answer checked for changes.
TICK_SECONDS = 0.25
# A changed answer is saved at most this often while the student types (and at once on leaving the question).
SAVE_INTERVAL = 1.0
# After the store refused a save or the hand-in, wait this long before trying again (quietly).
RETRY_SECONDS = 2.0
MAX_NUMBERS_LISTED = 12
T = TypeVar("T")


def numbers_text(numbers: Iterable[int]) -> str:
    """ "第 2、5、7 题" (long lists are cut short)."""
    numbers = list(numbers)
    shown = "、".join(str(number) for number in numbers[:MAX_NUMBERS_LISTED])
    if len(numbers) > MAX_NUMBERS_LISTED:
        shown += f" 等 {len(numbers)} 题"
        return f"第 {shown}"
    return f"第 {shown} 题"


class ExamScreen(Screen[None]):
    """One question at a time with a navigator and a countdown; answers are saved as they change, nothing is marked."""

    # The header keeps the question number, points, progress and clock whole at any width; only the section title is cut.
    DEFAULT_CSS = """
    #exam-header {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    #exam-header Static {
        width: auto;
        text-wrap: nowrap;
    }
    #exam-header #exam-section {
        width: 1fr;
        min-width: 4;
        text-overflow: ellipsis;
        padding: 0 0 0 2;
    }
    #exam-credit {
        height: auto;
        padding: 0 2;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("ctrl+n", "next", "下一题", id="exam.next", tooltip="Next question"),
        Binding("ctrl+b", "previous", "上一题", id="exam.previous", tooltip="Previous question"),
        Binding("ctrl+g", "goto", "跳题", id="exam.goto", tooltip="Go to a question by its number"),
        Binding("ctrl+f", "flag", "标记", id="exam.flag", tooltip="Flag this question to check it again (or unflag it)"),
        Binding("ctrl+t", "hand_in", "交卷", id="exam.hand_in", tooltip="Hand the paper in (asks first)"),
        Binding("escape", "leave", "暂离", id="exam.leave", tooltip="Leave the exam for now; the clock keeps running"),
        Binding("ctrl+o", "abandon", "放弃", id="exam.abandon", show=False, tooltip="Give this attempt up: not marked, not in the score trend (asks first)"),
        Binding("f1", "leave", "首页", id="exam.home", show=False, tooltip="Leave the exam for now; the clock keeps running"),
    ]

    # The clock that spaces out saves while typing (real time, unlike the exam's clock; tests replace it).
    monotonic = staticmethod(time.monotonic)

    def __init__(self, services: Services, session: ExamSession) -> None:
        super().__init__()
        self.services = services
        self.session = session
        # What each question's form held when last saved (compared on every tick, never re-parsed).
        self.saved: dict[int, Response] = {}
        self.current = 0
        self.forms: dict[int, AnswerForm] = {}
        self._last_save = float("-inf")  # monotonic time of the last save
        self._warned: set[timedelta] = set()
        self._grace_told = False
        self._finishing = False
        self._save_failed = False
        # Answers changed here that the store does not hold yet (shown "!", never ✓).
        self.unsaved: set[int] = set()
        self._saving: int | None = None  # the question whose save is on its way
        self._retry_at = float("-inf")  # monotonic time before which a refused call is not tried again
        # One thread, so store calls happen one after another in the order made.
        self._store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exam-store")
        # The interval timer that calls tick (tests pause it and tick by hand).
        self.ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="exam-header"):
            yield Static(id="exam-position", markup=False)
            yield Static(id="exam-flag", markup=False)
            yield Static(id="exam-section", markup=False)
            yield Static(id="exam-clock", markup=False)
        navigator = QuestionNavigator(self._states(), id="navigator")
        navigator.border_subtitle = f"{self.session.rule.short} · {EXAM_LEGEND}"
        yield navigator
        yield Static(id="exam-credit", markup=False)
        yield VerticalScroll(id="exam-area")
        yield KeyFooter()

    async def on_mount(self) -> None:
        """Show the first unanswered question and start the clock."""
        self.sub_title = f"模拟考试 · {self.session.drawn.paper.title}"
        remaining = self.session.remaining()
        # Warnings already passed (a resumed attempt, a very short paper) are not given late.
        self._warned = {threshold for threshold in WARNINGS_AT if remaining <= threshold}
        self._grace_told = self.session.in_grace
        unanswered = self.session.unanswered()
        await self.go_to(unanswered[0] if unanswered else 1)
        self.update_clock()
        self.ticker = self.set_interval(TICK_SECONDS, self.tick)

    # -- showing questions -------------------------------------------------------------

    def _states(self) -> list[tuple[int, str]]:
        return [(number, "unsaved" if number in self.unsaved else self.session.state(number)) for number in self.session.numbers]

    @property
    def total(self) -> int:
        """How many questions the paper has."""
        return len(self.session.numbers)

    async def go_to(self, number: int) -> None:
        """Save the current answer and show question `number` (its form is kept, so nothing typed is lost)."""
        if self.session.submitted or not 1 <= number <= self.total:
            return
        self.save_current(force=True)
        area = self.query_one("#exam-area", VerticalScroll)
        form = self.forms.get(number)
        if form is None:
            drawn = self.session.question(number)
            order = getattr(drawn, "order", None)  # a paper drawn with shuffled options says how they are shown
            form = EXAM_FORMS[drawn.question.type](drawn.question, drawn.prompt, order=order, id=f"answer-{number}")
            self.forms[number] = form
            form.display = False
            await area.mount(form)
            exam_wording(form)
            saved = saved_response(self.session, number)
            self.saved[number] = saved
            if saved.has_answer():
                form.restore(saved)
        for other_number, other in self.forms.items():
            other.display = other_number == number
        self.current = number
        area.scroll_home(animate=False)
        form.focus_answer()
        self.update_progress()

    @property
    def current_form(self) -> AnswerForm | None:
        """The form on show."""
        return self.forms.get(self.current)

    def update_progress(self) -> None:
        """Redraw the navigator and the where-am-I line."""
        if not self.is_attached:
            return  # handed in (or left) while a save was on its way
        self.query_one("#navigator", QuestionNavigator).set_states(self._states(), self.current)
        if not self.current:
            return
        drawn = self.session.question(self.current)
        section = self.session.drawn.paper.sections[drawn.section]
        answered = self.total - len(self.session.unanswered())
        self.query_one("#exam-position", Static).update(
            Content.assemble(
                (f"第 {self.current}/{self.total} 题", "bold"),
                "  ",
                (f"{points_text(drawn.points)}分", "$text-muted"),
                "  ",
                (f"已答 {answered}/{self.total}", "$text-muted"),
            )
        )
        flag = self.query_one("#exam-flag", Static)
        flag.update(Content.styled("  ? 已标记", "bold $text-warning") if self.current in self.session.flags else Content(""))
        flag.display = self.current in self.session.flags
        self.query_one("#exam-section", Static).update(Content.styled(section.title, "$text-accent"))
        credit = PARTIAL_CREDIT.get(drawn.question.type)
        self.query_one("#exam-credit", Static).update(Content.assemble(("评分：", "bold"), credit or ""))

    def update_clock(self) -> None:
        """Redraw the countdown (amber under 5 minutes, red under 1 and in a grace period)."""
        remaining = self.session.remaining()
        clock = self.query_one("#exam-clock", Static)
        if self.session.in_grace:
            clock.update(plain(f"宽限 {countdown_text(self.session.grace_remaining())}"))
        else:
            clock.update(plain(f"剩余 {countdown_text(remaining)}"))
        clock.set_class(WARNINGS_AT[1] < remaining <= WARNINGS_AT[0], "warning")
        clock.set_class(remaining <= WARNINGS_AT[1], "urgent")

    def time_up_words(self) -> str:
        """What happens at the deadline under the rule chosen, for the warnings."""
        rule = self.session.rule
        if rule.kind == GRACE:
            return f"时间到后还有 {rule.grace_minutes} 分钟宽限（期间改的题标为超时）。"
        if rule.kind == NOCOUNT:
            return "时间到还没交卷，本次就不计成绩。"
        return "时间到会自动交卷。"

    # -- the clock and saving ----------------------------------------------------------

    def tick(self) -> None:
        """Every TICK_SECONDS: redraw the countdown, give the 5- and 1-minute notices, save a changed answer, hand in at 0."""
        if self.session.submitted or self._finishing:
            return
        if self.session.expired:
            self.finish(auto=True)
            return
        self.update_clock()
        form = self.current_form
        if form is not None:
            mark_judgment(form)  # 对/错 chosen by key or button since the last tick
        remaining = self.session.remaining()
        crossed = [threshold for threshold in WARNINGS_AT if remaining <= threshold and threshold not in self._warned]
        if crossed:
            self._warned.update(crossed)
            minutes = round(min(crossed).total_seconds() / 60)
            unanswered = len(self.session.unanswered())
            extra = f"还有 {unanswered} 题未作答。" if unanswered else "题目都已作答，可以检查标记的题。"
            self.notify(f"还剩 {minutes} 分钟！{extra}{self.time_up_words()}", title="模拟考试", severity="warning", timeout=8, markup=False)
        if self.session.in_grace and not self._grace_told:
            self._grace_told = True
            self.notify(
                f"时间到！宽限 {self.session.rule.grace_minutes} 分钟内仍可作答和交卷，这期间改的题会标为“超时作答”；宽限结束自动交卷。",
                title="模拟考试",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.save_current()

    def save_current(self, *, force: bool = False) -> None:
        """Save the current answer if it changed: at once with `force`, else at most every SAVE_INTERVAL seconds.

        The save runs in the background; :attr:`unsaved` holds the question
        until the store has committed it. A changed answer on another question
        (a save that failed) is retried too.
        """
        form = self.current_form
        if form is None or self.session.submitted:
            return
        response = current_response(form)
        if response != self.saved.get(self.current, Response()) and self.current not in self.unsaved:
            self.unsaved.add(self.current)
            self.update_progress()
        now = self.monotonic()
        if self._saving is not None or now < self._retry_at:
            return
        for number in sorted(self.unsaved, key=lambda n: n != self.current):
            if number == self.current and not force and now - self._last_save < SAVE_INTERVAL:
                continue
            self._save(number)
            return

    def _save(self, number: int) -> None:
        """Send question `number`'s answer to the store in the background."""
        form = self.forms.get(number)
        if form is None:
            return
        response = current_response(form)
        if response == self.saved.get(number, Response()):
            self.unsaved.discard(number)
            self.update_progress()
            return
        session, text = self.session, response.display() if response.has_answer() else ""
        self._saving = number
        self._last_save = self.monotonic()

        def saved(_: None) -> None:
            self.saved[number] = response
            if current_response(form) == response:
                self.unsaved.discard(number)
            self._save_failed = False
            self.update_progress()

        def refused(error: Exception) -> None:
            # Told once however often the quiet retry fails; the answer is not shown as saved.
            self._save_failed = True
            self._retry_at = self.monotonic() + RETRY_SECONDS
            self._report(error, "模拟考试", f"答案没能保存，会自动重试：{error}", key="exam-save")

        self._in_background(lambda: session.set_answer(number, text), saved, refused, finished=self._save_done)

    def _save_done(self) -> None:
        self._saving = None

    def _in_background(
        self, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None], *, finished: Callable[[], None] | None = None
    ) -> None:
        """A store call on the exam's own thread (in order), with its outcome handled here."""
        in_background(self, work, done=done, failed=failed, finished=finished, executor=self._store_thread)

    def _report(self, error: Exception, title: str, message: str, *, key: str, timeout: float = 15) -> None:
        if not isinstance(error, StoreError):
            raise error  # a bug, not the disk: the crash handler takes it
        report_problem(self, title, message, key=key, timeout=timeout)

    def on_unmount(self) -> None:
        """Leaving by any way saves what was typed (on the exam's thread, which finishes it after the screen is gone)."""
        session = self.session
        pending: list[tuple[int, str]] = []
        for number, form in self.forms.items():
            try:
                response = current_response(form)
            except NoMatches:  # its widgets are already gone; the ticks saved all but the last second
                continue
            if response != self.saved.get(number, Response()) and not session.submitted:
                pending.append((number, response.display() if response.has_answer() else ""))

        def save_all() -> None:
            for number, text in pending:
                try:
                    session.set_answer(number, text)
                except Exception:  # kept as pending in the session; the resume offer will say what is saved
                    continue
            session.retry_pending()

        self._store_thread.submit(save_all)
        self._store_thread.shutdown(wait=False)

    # -- answering and moving ----------------------------------------------------------

    @on(AnswerForm.Submitted)
    async def _answered(self, event: AnswerForm.Submitted) -> None:
        """Enter (or 对/错, or ctrl+s) keeps the answer and moves on; nothing is marked now."""
        event.stop()
        form = event.form
        form.submitted = False  # the student may come back and change it
        mark_judgment(form)
        self.save_current(force=True)
        if self.current < self.total:
            await self.go_to(self.current + 1)
        else:
            self.notify("这是最后一题。检查完后按 ctrl+t 交卷。", timeout=4)

    @on(QuestionNavigator.Jump, "#navigator")
    async def _jump(self, event: QuestionNavigator.Jump) -> None:
        event.stop()
        await self.go_to(event.number)

    async def action_next(self) -> None:
        """Next question."""
        if self.current >= self.total:
            self.notify("这是最后一题。检查完后按 ctrl+t 交卷。", timeout=3)
            return
        await self.go_to(self.current + 1)

    async def action_previous(self) -> None:
        """Previous question."""
        if self.current <= 1:
            self.app.bell()
            return
        await self.go_to(self.current - 1)

    def action_goto(self) -> None:
        """Ask for a question number and go there."""

        async def chosen(number: int | None) -> None:
            if number is not None:
                await self.go_to(number)

        self.app.push_screen(GotoDialog(self.total), chosen)

    def action_flag(self) -> None:
        """Flag the current question for checking later, or unflag it."""
        self.save_current(force=True)
        session, number = self.session, self.current

        def done(flagged: object) -> None:
            self.notify(f"已标记第 {number} 题，交卷前记得回来检查。" if flagged else f"已取消第 {number} 题的标记。", timeout=2)
            self.update_progress()

        self._in_background(
            lambda: session.toggle_flag(number),
            done,
            lambda error: self._report(error, "模拟考试", f"标记没能保存，会自动重试：{error}", key="exam-flag"),
        )

    # -- handing in ------------------------------------------------------------------------

    def action_hand_in(self) -> None:
        """Ask before handing in, saying how many questions are unanswered or flagged."""
        self.save_current(force=True)
        unanswered = self.unanswered()
        flagged = sorted(self.session.flags)
        lines = [f"还有 {len(unanswered)} 题未作答：{numbers_text(unanswered)}。" if unanswered else "所有题目都已作答。"]
        if flagged:
            lines.append(f"有 {len(flagged)} 题标记了待检查：{numbers_text(flagged)}。")
        if self.session.in_grace:
            lines.append(f"时间已到，宽限还剩 {countdown_text(self.session.grace_remaining())}。交卷后不能再修改答案。")
        else:
            lines.append(f"剩余时间 {countdown_text(self.session.remaining())}。交卷后不能再修改答案。")

        def confirmed(yes: bool | None) -> None:
            if yes and not self.session.submitted:
                self.finish(auto=False)

        self.app.push_screen(ConfirmDialog("确认交卷？", "\n".join(lines), confirm="交卷", cancel="继续作答"), confirmed)

    def unanswered(self) -> list[int]:
        """Numbers without an answer, counting what is on screen but not saved yet."""
        on_screen = {number: current_response(form).has_answer() for number, form in self.forms.items()}
        return [number for number in self.session.unanswered() if not on_screen.get(number, False)] + sorted(
            number for number, answered in on_screen.items() if not answered and number not in self.session.unanswered()
        )

    def finish(self, *, auto: bool) -> None:
        """Hand the paper in and show the report (saying so when the time ran out).

        Every answer on screen is saved first, on the same thread; a refused
        hand-in is tried again quietly after RETRY_SECONDS (told once).
        """
        if self._finishing or self.monotonic() < self._retry_at:
            return
        self._finishing = True
        session = self.session
        unsaved = [
            (number, response.display() if response.has_answer() else "")
            for number, form in self.forms.items()
            if (response := current_response(form)) != self.saved.get(number, Response())
        ]

        def hand_in() -> object:
            for number, text in unsaved:
                try:
                    session.set_answer(number, text)
                except StoreError:
                    continue  # kept as pending in the session; submit marks what the store holds
            session.retry_pending()
            return session.submit(auto=auto)

        def refused(error: Exception) -> None:
            self._finishing = False
            self._retry_at = self.monotonic() + RETRY_SECONDS
            saved = "有的答案还没保存上" if self.unsaved or session.pending else "已保存的答案都还在"
            self._report(error, "交卷没能保存", f"交卷没能保存：{error}。{saved}，会自动重试。", key="exam-submit", timeout=10)

        self._in_background(hand_in, lambda report: self._handed_in(report, auto), refused)

    def _handed_in(self, report: object, auto: bool) -> None:
        assert isinstance(report, ExamReport)
        self.unsaved.clear()
        self.post_message(ExamHandedIn(report, self.session, auto=auto))

    def action_leave(self) -> None:
        """Leave for now (after asking): the answers are saved and the clock keeps running."""
        self.save_current(force=True)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.save_current(force=True)
                self.app.call_later(self.app.run_action, "app.home")

        saved = "答案都已保存" if not (self.unsaved or self.session.pending) else "有的答案还没能保存（会继续重试）"
        self.app.push_screen(
            ConfirmDialog(
                "暂时离开考试？",
                f"{saved}，但计时不会暂停：截止时间 {self.services.local_time(self.session.deadline)}，剩余 {countdown_text(self.session.remaining())}。"
                "\n回到首页按 e（模拟考试）或运行 revise exam 继续作答。"
                "\n要放弃这次考试（不评分、不计入成绩走势），请按 ctrl+o。",
                confirm="离开",
                cancel="继续作答",
            ),
            confirmed,
        )

    def action_abandon(self) -> None:
        """Give this attempt up (after asking): never marked, logged or counted; back to the home screen."""
        self.save_current(force=True)
        session = self.session

        def abandoned(_: None) -> None:
            self._finishing = True
            self.notify("已放弃这次考试：不评分，不计入成绩走势。", title="模拟考试", timeout=6)
            self.app.call_later(self.app.run_action, "app.home")

        def refused(error: Exception) -> None:
            self._finishing = False
            if isinstance(error, ExamError):  # handed in meanwhile (the time ran out)
                return
            self._report(error, "模拟考试", f"没能放弃这次考试：{error}", key="exam-abandon")

        def confirmed(yes: bool | None) -> None:
            if yes and not session.submitted and not self._finishing:
                self._finishing = True  # no hand-in while it is being given up
                self._in_background(session.abandon, abandoned, refused)

        self.app.push_screen(
            ConfirmDialog(
                "放弃这次考试？",
                "放弃后这次考试不评分、不进复习计划，也不计入成绩走势（已写的答案仍留在进度库里）。",
                confirm="放弃",
                cancel="继续作答",
            ),
            confirmed,
        )
