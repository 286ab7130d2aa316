"""模拟考试: picking a paper, the timed exam screen, and the ways into an attempt (start, resume, handed in while away).

The screen never grades. It shows each question with the same answer form as
practice, minus the feedback; saves what the student enters through
:class:`revise.sessions.exam.ExamSession` as it changes (at most about a second of
typing is ever unsaved, and everything is saved on moving to another question
or handing in); and hands the paper in when the student confirms or the time
is up. The countdown reads ``app.clock`` on every tick, so tests move time by
moving that clock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from math import ceil
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from revise.progress.store import StoreError
from revise.sessions.exam import WARNINGS_AT, ExamError, ExamSession, resume_or_abandon
from revise.tui.display import plain
from revise.tui.screens.dialogs import NoticeDialog
from revise.tui.screens.exam_dialogs import ConfirmDialog, GotoDialog, ResumeExamDialog
from revise.tui.widgets.answers import (
    BLANK_SEPARATOR,
    EMPTY_BLANK,
    FORMS,
    JUDGE_CORRECTION_SEPARATOR,
    JUDGE_TRUE,
    AnswerForm,
    ChoiceAnswer,
    ChoiceList,
    FillAnswer,
    JudgeAnswer,
    MultiAnswer,
    NumericAnswer,
    TextAnswer,
    TrueFalseAnswer,
)
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.navigator import EXAM_LEGEND, QuestionNavigator
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from revise.bank.papers import Paper
    from revise.sessions.exam import ExamReport
    from revise.tui.app import ExamRequest, ReviseApp

# How often the countdown is redrawn and the current answer checked for changes.
TICK_SECONDS = 0.25
# A changed answer is saved at most this often while the student types (and at once on leaving the question).
SAVE_INTERVAL = 1.0
MAX_NUMBERS_LISTED = 12


# -- small helpers ------------------------------------------------------------------------


def countdown_text(remaining: timedelta) -> str:
    """Time left as "mm:ss" (or "h:mm:ss"), rounded up so that 00:00 means the time is up."""
    seconds = max(0, ceil(remaining.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def numbers_text(numbers: Iterable[int]) -> str:
    """"第 2、5、7 题" (long lists are cut short)."""
    numbers = list(numbers)
    shown = "、".join(str(number) for number in numbers[:MAX_NUMBERS_LISTED])
    if len(numbers) > MAX_NUMBERS_LISTED:
        shown += f" 等 {len(numbers)} 题"
        return f"第 {shown}"
    return f"第 {shown} 题"


def points_text(points: float) -> str:
    """Points without trailing zeros: 2, 2.5, 2.67."""
    return f"{round(points, 2):g}"


def local_time(app: ReviseApp, moment: datetime, pattern: str = "%H:%M") -> str:
    """A stored (UTC) moment in the student's time zone."""
    from revise.clock import local_zone

    return moment.astimezone(app.tz or local_zone(moment)).strftime(pattern)


def new_seed(app: ReviseApp) -> int:
    """The seed of a freshly drawn paper: random, or the app's fixed seed (tests)."""
    if app.rng_seed is not None:
        return app.rng_seed
    return random.SystemRandom().randrange(1, 1_000_000)


# -- the answer forms, exam edition -------------------------------------------------------


def _exam_form_class(base: type[AnswerForm]) -> type[AnswerForm]:
    """The practice form with "submit" meaning "keep this answer, next question" (and not in the footer)."""
    return type(
        f"Exam{base.__name__}",
        (base,),
        {
            "__module__": __name__,
            "__doc__": f"{base.__doc__} (In an exam: Enter or ctrl+s keeps the answer and goes to the next question.)",
            "BINDINGS": [
                Binding("ctrl+s", "submit", "下一题", id="exam-answer.next", show=False, tooltip="Keep this answer and go to the next question"),
            ],
        },
    )


EXAM_FORMS: dict[str, type[AnswerForm]] = {qtype: _exam_form_class(form) for qtype, form in FORMS.items()}


def exam_wording(form: AnswerForm) -> None:
    """Say "next question" where the practice form says "submit": nothing is marked until the paper is handed in."""
    for label in form.query(".hint"):
        text = str(getattr(label, "content", ""))
        if "提交" in text:
            label.update(plain(text.replace("提交", "下一题")))  # type: ignore[attr-defined]
    for button in form.query("#submit").results(Button):
        button.label = "下一题 (ctrl+s)"
    for area in form.query(TextArea):
        area.placeholder = "在此作答，写出要点；ctrl+s 下一题"
    for field in form.query("#correction").results(Input):
        field.placeholder = "把说法改对的关键词，Enter 下一题"


def mark_judgment(form: AnswerForm) -> None:
    """Show which of 对/错 is chosen (the practice form moves on at once and never needs to)."""
    if not isinstance(form, TrueFalseAnswer):
        return
    form.query_one("#true", Button).set_class(form.judgment is True, "chosen")
    form.query_one("#false", Button).set_class(form.judgment is False, "chosen")
    if isinstance(form, JudgeAnswer):
        form.query_one("#correction-row").set_class(form.judgment is not False, "hidden")


def current_response(form: AnswerForm) -> str:
    """The form's response, or "" while nothing is entered (an unjudged 对/错 or all blanks empty)."""
    if isinstance(form, TrueFalseAnswer) and form.judgment is None:
        return ""
    if isinstance(form, FillAnswer) and not any(blank.value.strip() for blank in form.blanks()):
        return ""
    return form.response()


def letter_index(character: str) -> int:
    """0 for A, 1 for B… (-1 for anything else)."""
    upper = character.upper()
    return ord(upper) - ord("A") if "A" <= upper <= "Z" else -1


def restore_response(form: AnswerForm, response: str) -> None:
    """Put a saved response back into its (mounted) form, e.g. when an attempt is resumed."""
    if not response:
        return
    if isinstance(form, TrueFalseAnswer):
        form.judgment = response.strip() == JUDGE_TRUE
        if isinstance(form, JudgeAnswer) and not form.judgment:
            form.query_one("#correction", Input).value = response.partition(JUDGE_CORRECTION_SEPARATOR)[2]
        mark_judgment(form)
    elif isinstance(form, MultiAnswer):
        chooser = form.query_one(ChoiceList)
        for character in response:
            index = letter_index(character)
            if 0 <= index < len(chooser.texts) and index not in chooser.chosen:
                chooser.action_letter(index)
    elif isinstance(form, ChoiceAnswer):
        index = letter_index(response.strip()[:1])
        chooser = form.query_one(ChoiceList)
        if 0 <= index < len(chooser.texts):
            chooser.highlighted = index
    elif isinstance(form, FillAnswer):
        blanks = form.blanks()
        parts = [response] if len(blanks) == 1 else response.split(BLANK_SEPARATOR)
        if len(parts) > len(blanks):  # an answer that itself contained the separator
            parts = parts[: len(blanks) - 1] + [BLANK_SEPARATOR.join(parts[len(blanks) - 1 :])]
        for blank, part in zip(blanks, parts):
            blank.value = "" if part == EMPTY_BLANK else part
    elif isinstance(form, TextAnswer):
        form.query_one(TextArea).load_text(response)
    elif isinstance(form, NumericAnswer):
        form.query_one("#number", Input).value = response


# -- ways into an attempt ------------------------------------------------------------------


def start_exam(app: ReviseApp, paper_id: str, *, minutes: int | None = None, seed: int | None = None) -> ExamSession | None:
    """Draw the paper, record the attempt with its deadline and open the exam screen."""
    paper = app.bank.papers.get(paper_id)
    if paper is None:
        app.notify(f"题库里没有试卷“{paper_id}”", title="模拟考试", severity="error", markup=False)
        return None
    try:
        session = ExamSession.start(app.bank, app.store, paper, seed=new_seed(app) if seed is None else seed, minutes=minutes, clock=app.clock)
    except (ExamError, StoreError, ValueError) as error:
        app.notify(f"没能开始考试：{error}", title="模拟考试", severity="error", timeout=10, markup=False)
        return None
    app.open_screen(ExamScreen(session))
    total_minutes = round((session.deadline - app.clock()).total_seconds() / 60)
    app.notify(f"开始计时：{total_minutes} 分钟，截止 {local_time(app, session.deadline)}。", title=app.show(paper.title), timeout=5, markup=False)
    return session


def unfinished_session(app: ReviseApp) -> tuple[ExamSession | None, str | None]:
    """The newest attempt never handed in, reopened; or (None, why it cannot be reopened); or (None, None)."""
    try:
        return resume_or_abandon(app.bank, app.store, clock=app.clock)
    except StoreError as error:
        return None, f"读取上次的考试记录失败：{error}"


def hand_in(app: ReviseApp, session: ExamSession, *, auto: bool, away: bool = False, show_report: bool = True) -> ExamReport | None:
    """Submit an attempt and (unless told not to) open its report; `away`: the time ran out while the app was closed."""
    try:
        report = session.submit(auto=auto)
    except StoreError as error:
        app.push_screen(NoticeDialog("没能交卷", f"{error}\n\n答案都已保存；下次打开“模拟考试”时会再试。"))
        return None
    if show_report:
        from revise.tui.screens.exam_report import ExamReportScreen

        app.open_screen(ExamReportScreen(report, session))
    if away:
        app.push_screen(NoticeDialog(
            "上次的模拟考试已自动交卷",
            f"《{app.show(report.paper_title)}》的考试时间在你离开时已经到了（截止 {local_time(app, session.deadline, '%m-%d %H:%M')}），"
            f"已按保存的答案交卷。\n\n得分 {points_text(report.total)} / {points_text(report.max_total)}。",
        ))
    return report


def offer(app: ReviseApp, session: ExamSession, *, then: Callable[[], object] | None = None) -> None:
    """Handle an unfinished attempt: hand it in if its time is up, else ask whether to resume it.

    `then` is what the student was about to do (start another paper): when they
    choose to hand the old attempt in, that happens next instead of its report.
    """
    if session.expired:
        hand_in(app, session, auto=True, away=True)
        return
    title = app.show(session.drawn.paper.title)
    answered = len(session.numbers) - len(session.unanswered())
    flagged = f"，{len(session.flags)} 题标记待检查" if session.flags else ""
    message = (
        f"《{title}》还没有交卷。\n"
        f"剩余时间 {countdown_text(session.remaining())}，截止 {local_time(app, session.deadline)}（离开期间计时没有暂停）。\n"
        f"已答 {answered}/{len(session.numbers)} 题{flagged}。"
    )

    def chosen(choice: str | None) -> None:
        if choice == "resume":
            app.open_screen(ExamScreen(session))
        elif choice == "submit":
            report = hand_in(app, session, auto=False, show_report=then is None)
            if report is not None and then is not None:
                then()
                app.notify(
                    f"上次的《{title}》已交卷：{points_text(report.total)}/{points_text(report.max_total)} 分（成绩单在 统计 › 模拟考试）。",
                    timeout=8,
                    markup=False,
                )

    app.push_screen(ResumeExamDialog("有一场模拟考试还没交卷", message, submit_label="交卷，开始新的" if then else "现在交卷"), chosen)


def offer_unfinished(app: ReviseApp) -> bool:
    """At start: offer the unfinished attempt, if there is one (or hand it in when its time ran out). True if there was."""
    session, problem = unfinished_session(app)
    if problem:
        app.push_screen(NoticeDialog("无法继续上次的模拟考试", problem))
    if session is None:
        return False
    offer(app, session)
    return True


def open_exam(app: ReviseApp, request: ExamRequest) -> None:
    """The way into an exam (home entry, palette, ``revise exam``): an unfinished attempt first, then the paper asked for or the picker."""

    def proceed() -> None:
        if request.paper_id is None:
            app.open_screen(PaperPickScreen(minutes=request.minutes, seed=request.seed))
        else:
            start_exam(app, request.paper_id, minutes=request.minutes, seed=request.seed)

    session, problem = unfinished_session(app)
    if session is not None:
        offer(app, session, then=proceed if request.paper_id is not None else None)
        return
    proceed()
    if problem:
        app.push_screen(NoticeDialog("无法继续上次的模拟考试", problem))


# -- picking a paper ------------------------------------------------------------------------


def paper_summary(paper: Paper) -> str:
    """"90分钟 · 31题 · 满分100分"."""
    return f"{paper.minutes}分钟 · {paper.question_count}题 · 满分{points_text(paper.total_points)}分"


class PaperPickScreen(Screen[None]):
    """The bank's papers with their time and marks; Enter starts one with a freshly drawn set of questions."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="papers.back", tooltip="Back to the home screen"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def __init__(self, *, minutes: int | None = None, seed: int | None = None) -> None:
        super().__init__()
        self.minutes = minutes
        self.seed = seed

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        show = self.app.show
        papers = list(self.app.bank.papers.values())
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
                options.append(Option(Content.assemble((show(paper.title), "bold"), "\n", (f"  {summary}", "$text-muted")), id=paper.id))
            yield OptionList(*options, id="papers", markup=False)
            yield Static(id="paper-detail", markup=False)
        yield KeyFooter()

    def _last_scores(self) -> dict[str, str]:
        """The latest score per paper id, as "62/100"."""
        scores: dict[str, str] = {}
        for row in self.app.store.exam_attempts():  # newest first
            if row["score"] is not None and row["paper_id"] not in scores:
                scores[row["paper_id"]] = f"{points_text(row['score'])}/{points_text(row['max_score'])}"
        return scores

    def on_mount(self) -> None:
        """Set the subtitle and focus the list."""
        self.sub_title = "模拟考试"
        lists = self.query("#papers")
        if lists:
            lists.first().focus()
            self._describe(next(iter(self.app.bank.papers.values())))

    def _describe(self, paper: Paper) -> None:
        show = self.app.show
        lines = [f"{show(section.title)}  {section.count}题 × {points_text(section.points)}分" for section in paper.sections]
        if paper.description:
            lines.insert(0, show(paper.description))
        self.query_one("#paper-detail", Static).update(plain("\n".join(lines)))

    @on(OptionList.OptionHighlighted, "#papers")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        paper = self.app.bank.papers.get(event.option.id or "")
        if paper is not None:
            self._describe(paper)

    @on(OptionList.OptionSelected, "#papers")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            start_exam(self.app, event.option.id, minutes=self.minutes, seed=self.seed)


# -- the exam -------------------------------------------------------------------------------


class ExamScreen(Screen[None]):
    """One question at a time with a navigator and a countdown; answers are saved as they change, nothing is marked."""

    BINDINGS = [
        Binding("ctrl+n", "next", "下一题", id="exam.next", tooltip="Next question"),
        Binding("ctrl+b", "previous", "上一题", id="exam.previous", tooltip="Previous question"),
        Binding("ctrl+g", "goto", "跳题", id="exam.goto", tooltip="Go to a question by its number"),
        Binding("ctrl+f", "flag", "标记", id="exam.flag", tooltip="Flag this question to check it again (or unflag it)"),
        Binding("ctrl+t", "hand_in", "交卷", id="exam.hand_in", tooltip="Hand the paper in (asks first)"),
        Binding("escape", "leave", "暂离", id="exam.leave", tooltip="Leave the exam for now; the clock keeps running"),
        Binding("f1", "leave", "首页", id="exam.home", show=False, tooltip="Leave the exam for now; the clock keeps running"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    # The clock that spaces out saves while typing (real time, unlike the exam's clock; tests replace it).
    monotonic = staticmethod(time.monotonic)

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.current = 0
        self.forms: dict[int, AnswerForm] = {}
        self._last_save = float("-inf")  # monotonic time of the last save
        self._warned: set[timedelta] = set()
        self._finishing = False
        self._save_failed = False
        # The interval timer that calls tick (tests pause it and tick by hand).
        self.ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="exam-bar"):
            yield Static(id="exam-where", markup=False)
            yield Static(id="exam-clock", markup=False)
        navigator = QuestionNavigator(self._states(), id="navigator")
        navigator.border_subtitle = EXAM_LEGEND
        yield navigator
        yield VerticalScroll(id="exam-area")
        yield KeyFooter()

    async def on_mount(self) -> None:
        """Show the first unanswered question and start the clock."""
        self.sub_title = f"模拟考试 · {self.app.show(self.session.drawn.paper.title)}"
        remaining = self.session.remaining()
        # Warnings already passed (a resumed attempt, a very short paper) are not given late.
        self._warned = {threshold for threshold in WARNINGS_AT if remaining <= threshold}
        unanswered = self.session.unanswered()
        await self.go_to(unanswered[0] if unanswered else 1)
        self.update_clock()
        self.ticker = self.set_interval(TICK_SECONDS, self.tick)

    # -- showing questions -------------------------------------------------------------

    def _states(self) -> list[tuple[int, str]]:
        return [(number, self.session.state(number)) for number in self.session.numbers]

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
            form = EXAM_FORMS[drawn.question.type](drawn.question, drawn.prompt, self.app.show, id=f"answer-{number}")
            self.forms[number] = form
            form.display = False
            await area.mount(form)
            exam_wording(form)
            restore_response(form, self.session.responses.get(number, ""))
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
        self.query_one("#navigator", QuestionNavigator).set_states(self._states(), self.current)
        if not self.current:
            return
        drawn = self.session.question(self.current)
        section = self.session.drawn.paper.sections[drawn.section]
        answered = self.total - len(self.session.unanswered())
        parts: list[tuple[str, str] | str] = [
            (f"第 {self.current}/{self.total} 题", "bold"),
            "  ",
            (self.app.show(section.title), "$text-accent"),
            "  ",
            (f"{points_text(drawn.points)}分", "$text-muted"),
            "  ",
            (f"已答 {answered}/{self.total}", "$text-muted"),
        ]
        if self.current in self.session.flags:
            parts += ["  ", ("? 已标记", "bold $text-warning")]
        self.query_one("#exam-where", Static).update(Content.assemble(*parts))

    def update_clock(self) -> None:
        """Redraw the countdown (amber under 5 minutes, red under 1)."""
        remaining = self.session.remaining()
        clock = self.query_one("#exam-clock", Static)
        clock.update(plain(f"剩余 {countdown_text(remaining)}"))
        clock.set_class(WARNINGS_AT[1] < remaining <= WARNINGS_AT[0], "warning")
        clock.set_class(remaining <= WARNINGS_AT[1], "urgent")

    def refresh_text(self) -> None:
        """Redraw in the current display script (forms already shown keep their text)."""
        self.sub_title = f"模拟考试 · {self.app.show(self.session.drawn.paper.title)}"
        self.update_progress()

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
            self.notify(f"还剩 {minutes} 分钟！{extra}时间到会自动交卷。", title="模拟考试", severity="warning", timeout=8, markup=False)
        self.save_current()

    def save_current(self, *, force: bool = False) -> None:
        """Save the current answer if it changed: at once with `force`, else at most every SAVE_INTERVAL seconds."""
        form = self.current_form
        if form is None or self.session.submitted:
            return
        response = current_response(form)
        if response == self.session.responses.get(self.current, ""):
            return
        now = self.monotonic()
        if not force and now - self._last_save < SAVE_INTERVAL:
            return
        try:
            self.session.set_answer(self.current, response)
        except StoreError as error:
            if not self._save_failed:  # say it once, not on every tick
                self.notify(f"答案没能保存：{error}", title="模拟考试", severity="error", timeout=15, markup=False)
            self._save_failed = True
            return
        self._save_failed = False
        self._last_save = now
        self.update_progress()

    def on_unmount(self) -> None:
        """Leaving by any way saves what was typed."""
        try:
            self.save_current(force=True)
        except Exception:  # the widgets may already be gone; the last tick saved all but a second at most
            pass

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
        try:
            flagged = self.session.toggle_flag(self.current)
        except StoreError as error:
            self.notify(f"标记没能保存：{error}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"已标记第 {self.current} 题，交卷前记得回来检查。" if flagged else f"已取消第 {self.current} 题的标记。", timeout=2)
        self.update_progress()

    # -- handing in ------------------------------------------------------------------------

    def action_hand_in(self) -> None:
        """Ask before handing in, saying how many questions are unanswered or flagged."""
        self.save_current(force=True)
        unanswered = self.session.unanswered()
        flagged = sorted(self.session.flags)
        lines = [f"还有 {len(unanswered)} 题未作答：{numbers_text(unanswered)}。" if unanswered else "所有题目都已作答。"]
        if flagged:
            lines.append(f"有 {len(flagged)} 题标记了待检查：{numbers_text(flagged)}。")
        lines.append(f"剩余时间 {countdown_text(self.session.remaining())}。交卷后不能再修改答案。")

        def confirmed(yes: bool | None) -> None:
            if yes and not self.session.submitted:
                self.finish(auto=False)

        self.app.push_screen(ConfirmDialog("确认交卷？", "\n".join(lines), confirm="交卷", cancel="继续作答"), confirmed)

    def finish(self, *, auto: bool) -> None:
        """Hand the paper in and show the report (saying so when the time ran out)."""
        if self._finishing:
            return
        self._finishing = True
        self.save_current(force=True)
        try:
            report = self.session.submit(auto=auto)
        except StoreError as error:
            self._finishing = False  # the next tick tries again
            self.notify(f"交卷没能保存：{error}。答案都已保存，稍后会再试。", severity="error", timeout=10, markup=False)
            return
        from revise.tui.screens.exam_report import ExamReportScreen

        # Close any dialog over the exam first, so the report replaces the exam itself.
        for _ in range(len(self.app.screen_stack)):
            if self.app.screen is self or self not in self.app.screen_stack:
                break
            self.app.pop_screen()
        if self.app.screen is self:
            self.app.switch_screen(ExamReportScreen(report, self.session))
        else:
            self.app.open_screen(ExamReportScreen(report, self.session))
        if auto:
            self.app.push_screen(NoticeDialog(
                "时间到，已自动交卷",
                f"考试时间已到，试卷已按你的答案自动交卷。\n\n得分 {points_text(report.total)} / {points_text(report.max_total)}。",
            ))

    def action_leave(self) -> None:
        """Leave for now (after asking): the answers are saved and the clock keeps running."""
        self.save_current(force=True)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.save_current(force=True)
                self.app.action_home()

        self.app.push_screen(
            ConfirmDialog(
                "暂时离开考试？",
                f"答案都已保存，但计时不会暂停：截止时间 {local_time(self.app, self.session.deadline)}，剩余 {countdown_text(self.session.remaining())}。"
                "\n回到首页按 e（模拟考试）或运行 revise exam 继续作答。",
                confirm="离开",
                cancel="继续作答",
            ),
            confirmed,
        )
