"""The Textual app students revise in, and :func:`build_app`, the factory the CLI and the tests share.

The app owns the bank, the store and the display script; the screens ask it
for sessions (:meth:`ReviseApp.new_engine`) and navigate with
:meth:`ReviseApp.open_screen`. Grading, scheduling and statistics all live in
the core modules (:mod:`revise.sessions.engine`, :mod:`revise.progress.mastery`); the UI only
shows what they return and passes on what the student typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from revise.clock import utc_now
from revise.tui.commands import ReviseCommands
from revise.tui.display import DisplayScript
from revise.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.progress.store import Store
    from revise.sessions.engine import Filters, PracticeEngine

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ExamRequest:
    """A mock exam to open when the app starts (``revise exam``): a paper id (None: let the student pick), time limit, seed."""

    paper_id: str | None = None
    minutes: int | None = None
    seed: int | None = None


def _lazy_grade(*args: Any, **kwargs: Any) -> Any:
    """revise.grading.grade, imported on the first answer rather than at start-up."""
    from revise.grading import grade

    return grade(*args, **kwargs)


class ReviseApp(App[None]):
    """客户关系管理 revision: home, practice with feedback, study mode, mock exams, statistics and settings."""

    CSS_PATH = "revise.tcss"
    TITLE = "revise"
    SUB_TITLE = "客户关系管理 复习"
    COMMANDS = App.COMMANDS | {ReviseCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="app.quit", show=False, priority=True, tooltip="Quit revise"),
        Binding("ctrl+c", "help_quit", "退出提示", id="app.help_quit", show=False, system=True),
        Binding("ctrl+p", "command_palette", "命令", id="app.command_palette", show=False, priority=True, tooltip="Open the command palette: every screen is there"),
        Binding("f1", "home", "首页", id="app.home", show=False, tooltip="Back to the home screen"),
    ]

    def __init__(
        self,
        bank: Bank,
        store: Store,
        *,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        rng_seed: int | None = None,
        notices: Iterable[str] = (),
        theme: str | None = None,
        exam: ExamRequest | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.clock: Clock = clock or utc_now
        self.tz = tz
        self.rng_seed = rng_seed
        self.notices = [str(notice) for notice in notices]
        self.show = DisplayScript(store.get_setting("display_script"))
        self.exam_request = exam
        if theme:
            self.theme = theme

    # -- screens ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The home screen is the bottom of the stack."""
        return HomeScreen()

    def on_mount(self) -> None:
        """Open the exam asked for (or offer an unfinished one), then tell the student about anything the store had to repair."""
        if self.exam_request is not None:
            from revise.tui.screens.exam import open_exam

            open_exam(self, self.exam_request)
        elif self.store.unfinished_exam_attempt() is not None:
            # Only now import the exam code (and the grader it needs): most starts have no unfinished attempt.
            from revise.tui.screens.exam import offer_unfinished

            offer_unfinished(self)
        if self.notices:
            # Last, so that it is on top of (and not closed by) whatever the exam opened.
            from revise.tui.screens.dialogs import NoticeDialog

            self.push_screen(NoticeDialog("进度数据库已修复", "\n\n".join(self.notices)))

    def open_screen(self, screen: Screen) -> None:
        """Show `screen` on top of the home screen (closing whatever else was open)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def action_home(self) -> None:
        """Go back to the home screen."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # -- sessions --------------------------------------------------------------------------

    def new_engine(
        self,
        *,
        filters: Filters | None = None,
        notebook_only: bool = False,
        queue: list[str] | None = None,
    ) -> PracticeEngine:
        """A practice session on this app's bank and store, with the app's clock and seed."""
        from revise.sessions.engine import PracticeEngine

        return PracticeEngine(
            self.bank,
            self.store,
            filters=filters,
            notebook_only=notebook_only,
            now=self.clock,
            rng_seed=self.rng_seed,
            grade=_lazy_grade,
            queue=queue,
        )

    def start_practice(
        self,
        *,
        filters: Filters | None = None,
        notebook_only: bool = False,
        title: str = "练习",
        everything_when_idle: bool = False,
    ) -> None:
        """Open a practice session (all due and new questions, a chapter or concept, or the 错题本).

        With `everything_when_idle`, a scope with nothing due or new today is
        practised whole, in bank order, rather than opening an empty session.
        """
        from revise.tui.screens.practice import PracticeScreen

        engine = self.new_engine(filters=filters, notebook_only=notebook_only)
        if everything_when_idle and not notebook_only:
            waiting = engine.describe()
            if not waiting["due"] and not waiting["new_available"] and engine.questions:
                engine = self.new_engine(filters=filters, queue=list(engine.questions))
                self.notify("这里今天没有到期或新题：按顺序全部练一遍。", timeout=4)
        self.open_screen(PracticeScreen(engine, title=title))

    def action_practice(self) -> None:
        """开始练习: due reviews, then new questions."""
        self.start_practice(title="开始练习")

    def action_notebook(self) -> None:
        """错题本: once through the questions in the wrong-answer notebook."""
        self.start_practice(notebook_only=True, title="错题本")

    def action_chapters(self) -> None:
        """章节练习: pick a chapter or concept to practise."""
        from revise.tui.screens.chapters import ChapterPickScreen

        self.open_screen(ChapterPickScreen())

    def action_study(self) -> None:
        """背题模式: browse and search the bank with answers shown."""
        from revise.tui.screens.study import StudyScreen

        self.open_screen(StudyScreen())

    def action_statistics(self) -> None:
        """统计: mastery, reviews per day, accuracy, most-wrong questions, streak."""
        from revise.tui.screens.statistics import StatisticsScreen

        self.open_screen(StatisticsScreen())

    def action_exam(self) -> None:
        """模拟考试: resume an unfinished mock exam, or pick a paper and start the clock."""
        from revise.tui.screens.exam import open_exam

        open_exam(self, ExamRequest())

    def start_exam(self, request: ExamRequest) -> None:
        """Open the mock exam `request` asks for (an unfinished attempt is offered first)."""
        from revise.tui.screens.exam import open_exam

        open_exam(self, request)

    def action_settings(self) -> None:
        """设置: display script, daily new limit, retention, skipping feedback."""
        from revise.tui.screens.settings import SettingsScreen

        self.open_screen(SettingsScreen())

    # -- settings --------------------------------------------------------------------------

    def set_display_script(self, script: str) -> None:
        """Save the display script and redraw the screens in it."""
        self.store.set_setting("display_script", script)
        self.show = DisplayScript(script)
        for screen in self.screen_stack:
            refresh_text = getattr(screen, "refresh_text", None)
            if refresh_text is not None:
                refresh_text()


def build_app(
    bank: Bank,
    store: Store,
    *,
    clock: Clock | None = None,
    tz: tzinfo | None = None,
    rng_seed: int | None = None,
    notices: Iterable[str] = (),
    theme: str | None = None,
    exam: ExamRequest | None = None,
) -> ReviseApp:
    """The app for `bank` and `store`, used alike by `revise` and the tests.

    `clock` (returning aware datetimes) and `rng_seed` make sessions
    deterministic; `tz` fixes the local day used for "today" and streaks;
    `notices` are shown in a dialog at start (e.g. that a corrupt database
    was moved aside); `theme` picks a Textual theme such as "textual-light";
    `exam` opens a mock exam at start (``revise exam``) instead of leaving the
    student on the home screen.
    """
    return ReviseApp(bank, store, clock=clock, tz=tz, rng_seed=rng_seed, notices=notices, theme=theme, exam=exam)
