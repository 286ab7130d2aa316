"""The ways into and out of a mock exam: start, resume (or hand in) an unfinished attempt, show a report.

These decide which screen comes next, so they live beside the app rather than
in a screen: the screens stay independent of each other. The app calls them
for the home entry, the palette, ``revise exam`` and the messages the exam
screens post.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from revise.progress.store import StoreError
from revise.sessions.exam import ExamError, ExamSession, resume_or_abandon
from revise.tui.display import points_text
from revise.tui.exam_time import countdown_text
from revise.tui.messages import ExamRequest
from revise.tui.widgets.dialogs import ConfirmDialog, NoticeDialog, ResumeExamDialog

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from revise.sessions.exam import ExamReport, TimeRule
    from revise.tui.services import Services


def not_counted_note(report: ExamReport) -> str:
    """ "本次不计入成绩走势……" for a paper handed in after the time ran out under the "nocount" rule, else ""."""
    return "" if report.counted else "\n\n时间到时还没交卷，按你选的规则本次不计入成绩走势（答案照样批改，进复习计划）。"


class ExamFlow:
    """Opens the right exam screen, dialog or report for the app."""

    def __init__(self, app: App[None], services: Services) -> None:
        self.app = app
        self.services = services

    def open_screen(self, screen: Screen) -> None:
        """Show `screen` on top of the home screen (closing whatever else was open)."""
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.app.push_screen(screen)

    def new_seed(self) -> int:
        """The seed of a freshly drawn paper: random, or the fixed seed (tests)."""
        if self.services.rng_seed is not None:
            return self.services.rng_seed
        return random.SystemRandom().randrange(1, 1_000_000)

    # -- starting and resuming ---------------------------------------------------------------

    def start_exam(self, paper_id: str, *, minutes: int | None = None, seed: int | None = None, rule: TimeRule | None = None) -> ExamSession | None:
        """Draw the paper, record the attempt with its deadline and time rule, and open the exam screen."""
        from revise.tui.screens.exam import ExamScreen

        services = self.services
        paper = services.bank.papers.get(paper_id)
        if paper is None:
            self.app.notify(f"题库里没有试卷“{paper_id}”", title="模拟考试", severity="error", markup=False)
            return None
        try:
            session = ExamSession.start(
                services.bank, services.store, paper, seed=self.new_seed() if seed is None else seed, minutes=minutes, clock=services.clock, rule=rule
            )
        except (ExamError, StoreError, ValueError) as error:
            self.app.notify(f"没能开始考试：{error}", title="模拟考试", severity="error", timeout=10, markup=False)
            return None
        self.open_screen(ExamScreen(services, session))
        total_minutes = round((session.deadline - services.clock()).total_seconds() / 60)
        self.app.notify(
            f"开始计时：{total_minutes} 分钟，截止 {services.local_time(session.deadline)}。{session.rule.description}",
            title=paper.title,
            timeout=8,
            markup=False,
        )
        return session

    def unfinished_session(self) -> tuple[ExamSession | None, str | None]:
        """The newest attempt never handed in, reopened; or (None, why it cannot be reopened); or (None, None)."""
        try:
            return resume_or_abandon(self.services.bank, self.services.store, clock=self.services.clock)
        except StoreError as error:
            return None, f"读取上次的考试记录失败：{error}"

    def hand_in(self, session: ExamSession, *, auto: bool, away: bool = False, show_report: bool = True) -> ExamReport | None:
        """Submit an attempt and (unless told not to) open its report; `away`: the time ran out while the app was closed."""
        try:
            report = session.submit(auto=auto)
        except StoreError as error:
            self.app.push_screen(NoticeDialog("没能交卷", f"{error}\n\n已保存的答案都还在；下次打开“模拟考试”时会再试。"))
            return None
        if show_report:
            self.show_report(report, session, auto=False)
        if away:
            self.app.push_screen(
                NoticeDialog(
                    "上次的模拟考试已自动交卷",
                    f"《{report.paper_title}》的考试时间在你离开时已经到了（截止 {self.services.local_time(session.deadline, '%m-%d %H:%M')}），"
                    f"已按保存的答案交卷。\n\n得分 {points_text(report.total)} / {points_text(report.max_total)}。{not_counted_note(report)}",
                )
            )
        return report

    def offer(self, session: ExamSession, *, then: Callable[[], object] | None = None) -> None:
        """Handle an unfinished attempt: hand it in if its time is up, else ask whether to resume it.

        `then` is what the student was about to do (start another paper): when they
        choose to hand the old attempt in, that happens next instead of its report.
        Handing in asks for confirmation first, as it does in the exam itself.
        """
        from revise.tui.screens.exam import ExamScreen

        if session.expired:
            self.hand_in(session, auto=True, away=True)
            return
        title = session.drawn.paper.title

        def message() -> str:
            answered = len(session.numbers) - len(session.unanswered())
            flagged = f"，{len(session.flags)} 题标记待检查" if session.flags else ""
            if session.expired:
                left = "时间已到（选“继续考试”会按保存的答案交卷）"
            elif session.in_grace:
                left = f"时间已到，宽限还剩 {countdown_text(session.grace_remaining())}（宽限期内改的题标为超时）"
            else:
                left = f"剩余时间 {countdown_text(session.remaining())}"
            return (
                f"《{title}》还没有交卷。\n"
                f"{left}，截止 {self.services.local_time(session.deadline)}（离开期间计时没有暂停）。\n"
                f"已答 {answered}/{len(session.numbers)} 题{flagged}。\n"
                f"时间到时：{session.rule.choice}"
            )

        def submit_confirmed(yes: bool | None) -> None:
            if not yes:
                self.offer(session, then=then)
                return
            report = self.hand_in(session, auto=session.expired, show_report=then is None)
            if report is not None and then is not None:
                then()
                self.app.notify(
                    f"上次的《{title}》已交卷：{points_text(report.total)}/{points_text(report.max_total)} 分（成绩单在 统计 › 模拟考试）。",
                    timeout=8,
                    markup=False,
                )

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                if session.expired:
                    self.hand_in(session, auto=True, away=True)
                else:
                    self.open_screen(ExamScreen(self.services, session))
            elif choice == "submit":
                unanswered = len(session.unanswered())
                extra = f"还有 {unanswered} 题未作答。" if unanswered else "所有题目都已作答。"
                self.app.push_screen(ConfirmDialog("确认交卷？", f"{extra}交卷后不能再修改答案。", confirm="交卷", cancel="返回"), submit_confirmed)

        self.app.push_screen(ResumeExamDialog("有一场模拟考试还没交卷", message, submit_label="交卷，开始新的" if then else "现在交卷"), chosen)

    def offer_unfinished(self) -> bool:
        """At start: offer the unfinished attempt, if there is one (or hand it in when its time ran out). True if there was."""
        session, problem = self.unfinished_session()
        if problem:
            self.app.push_screen(NoticeDialog("无法继续上次的模拟考试", problem))
        if session is None:
            return False
        self.offer(session)
        return True

    def open_exam(self, request: ExamRequest) -> None:
        """The way into an exam (home entry, palette, ``revise exam``): an unfinished attempt first, then the paper asked for or the picker."""
        from revise.tui.screens.papers import PaperPickScreen

        def proceed() -> None:
            if request.paper_id is None:
                self.open_screen(PaperPickScreen(self.services, minutes=request.minutes, seed=request.seed))
            else:
                self.start_exam(request.paper_id, minutes=request.minutes, seed=request.seed, rule=request.rule)

        session, problem = self.unfinished_session()
        if session is not None:
            self.offer(session, then=proceed if request.paper_id is not None else None)
            return
        proceed()
        if problem:
            self.app.push_screen(NoticeDialog("无法继续上次的模拟考试", problem))

    # -- reports -------------------------------------------------------------------------------

    def show_report(self, report: ExamReport, session: ExamSession, *, auto: bool) -> None:
        """Replace the exam (and any dialog over it) with its report; say so when the time ran out."""
        from revise.tui.screens.exam_report import ExamReportScreen

        self.open_screen(ExamReportScreen(self.services, report, session))
        if auto:
            self.app.push_screen(
                NoticeDialog(
                    "时间到，已自动交卷",
                    f"考试时间已到，试卷已按你的答案自动交卷。\n\n得分 {points_text(report.total)} / {points_text(report.max_total)}。{not_counted_note(report)}",
                )
            )

    def open_report(self, attempt_id: int) -> None:
        """Show an earlier attempt's report over the current screen (adjustable while the bank still has its questions)."""
        from revise.sessions.exam import ExamReport
        from revise.tui.screens.exam_report import ExamReportScreen

        services = self.services
        record = services.store.exam_attempt(attempt_id)
        if record is None or not record["report"]:
            self.app.notify("这场考试还没有交卷：在首页按 e 继续。", timeout=4)
            return
        try:
            session: ExamSession | None = ExamSession.resume(services.bank, services.store, attempt_id, clock=services.clock)
        except ExamError:
            session = None  # the bank changed since: the report can be read, not adjusted
        report = session.report if session is not None and session.report is not None else ExamReport.from_json(record["report"])
        self.app.push_screen(ExamReportScreen(services, report, session))
