"""The Textual app students revise in, and :func:`build_app`, the factory the CLI and the tests share.

The app owns the bank, the store and the display script, and hands them to
each screen it builds (:class:`revise.tui.services.Services`). Screens ask it
for navigation and report problems with messages (:mod:`revise.tui.messages`).
Grading, scheduling and statistics all live in the core; the UI only shows
what they return and passes on what the student entered.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal

from revise.clock import utc_now
from revise.tui.commands import ReviseCommands
from revise.tui.display import DisplayScript, ScriptFilter
from revise.tui.messages import ExamHandedIn, ExamRequest, OpenExam, OpenExamReport, ProblemReported, ScriptChosen, StartPractice, StartQueue
from revise.tui.screens.home import HomeScreen
from revise.tui.services import Clock, Services

if TYPE_CHECKING:
    from textual.filter import LineFilter
    from textual.theme import Theme

    from revise.bank.model import Bank
    from revise.progress.store import Store
    from revise.sessions.engine import Filters, PracticeEngine
    from revise.tui.exam_flow import ExamFlow

__all__ = ["ExamRequest", "ReviseApp", "build_app"]

CRASH_LOG_NAME = "crash.log"
THEME_SETTING = "theme"


class ReviseApp(App[None]):
    """客户关系管理 revision: home, practice with feedback, study mode, mock exams, statistics and settings."""

    CSS_PATH = "revise.tcss"
    TITLE = "revise"
    SUB_TITLE = "客户关系管理 复习"
    COMMANDS = App.COMMANDS | {ReviseCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="app.quit", show=False, priority=True, tooltip="Quit revise"),
        Binding("ctrl+c", "help_quit", "退出提示", id="app.help_quit", show=False, system=True),
        Binding(
            "ctrl+p", "command_palette", "命令", id="app.command_palette", show=False, priority=True, tooltip="Open the command palette: every screen is there"
        ),
        Binding("f1", "home", "首页", id="app.home", show=False, tooltip="Back to the home screen"),
        # Shown at the right of every footer (KeyFooter); F2 for when "?" would be typed into an answer.
        Binding("question_mark,f2", "help", "帮助", id="app.help", show=False, tooltip="Every key of this screen"),
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
        script: str | None = None,
        welcome: bool | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.notices = [str(notice) for notice in notices]
        self.exam_request = exam
        self.welcome = welcome
        show = DisplayScript(script or store.get_setting("display_script"))
        self.script_filter = ScriptFilter(show)
        self.services = Services(
            bank=bank,
            store=store,
            clock=clock or utc_now,
            show=show,
            script_changed=Signal(self, "script-changed"),
            tz=tz,
            rng_seed=rng_seed,
        )
        # Problems on screen now, by key, with when their message goes away (so a repeat is not stacked).
        self._problems_shown: dict[str, float] = {}
        chosen_theme = theme or self._stored_theme()
        if chosen_theme and chosen_theme in self.available_themes:
            self.theme = chosen_theme

    # -- screens ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The home screen is the bottom of the stack."""
        return HomeScreen(self.services)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the display script (the whole interface follows it)."""
        filters = list(super().get_line_filters())
        if self.script_filter.enabled:
            filters.append(self.script_filter)
        return filters

    def on_mount(self) -> None:
        """Open the exam asked for (or offer an unfinished one), then tell the student about anything the store had to repair."""
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if self.exam_request is not None:
            self._exam_flow().open_exam(self.exam_request)
        elif self.store.unfinished_exam_attempt() is not None:
            # Only now import the exam code (and the grader it needs): most starts have no unfinished attempt.
            self._exam_flow().offer_unfinished()
        elif self._first_run():
            self._show_welcome()
        if self.notices:
            # Last, so that it is on top of (and not closed by) whatever the exam opened.
            from revise.tui.widgets.dialogs import NoticeDialog

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

    # -- help and the first-run welcome (QVIEW) --------------------------------------------

    def action_help(self) -> None:
        """按键帮助: every key of the screen on top, from its active bindings (again: close it)."""
        from revise.tui.screens.help import HelpScreen, key_rows

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        self.push_screen(HelpScreen(key_rows(self, screen), where=screen.sub_title or ""))

    def _first_run(self) -> bool:
        """A fresh data dir whose welcome was never shown (and, unless asked for, a real terminal: tests run headless)."""
        wanted = self.welcome if self.welcome is not None else not self.is_headless
        if not wanted:
            return False
        try:
            return not self.store.get_setting("welcome_shown") and self.store.answer_count() == 0
        except KeyError:  # a store without the setting: nowhere to remember it, so never shown
            return False

    def _show_welcome(self) -> None:
        """Show the welcome and remember (off the event loop) that it was shown."""
        from revise.tui.background import in_background
        from revise.tui.screens.welcome import WelcomeScreen

        self.push_screen(WelcomeScreen())
        store = self.store

        def failed(error: Exception) -> None:
            self.post_message(ProblemReported("设置未保存", f"没能记下欢迎页已看过：{error}"))

        in_background(self, lambda: store.set_setting("welcome_shown", True), done=lambda _: None, failed=failed)

    def _exam_flow(self) -> ExamFlow:
        """The ways into and out of an exam (imported on first use: most sessions have no exam)."""
        from revise.tui.exam_flow import ExamFlow

        return ExamFlow(self, self.services)

    # -- sessions --------------------------------------------------------------------------

    def new_engine(self, *, filters: Filters | None = None, notebook_only: bool = False, queue: list[str] | None = None) -> PracticeEngine:
        """A practice session on this app's bank and store, with the app's clock and seed."""
        return self.services.new_engine(filters=filters, notebook_only=notebook_only, queue=queue)

    def start_practice(
        self,
        *,
        filters: Filters | None = None,
        notebook_only: bool = False,
        title: str = "练习",
        everything_when_idle: bool = False,
        queue: list[str] | None = None,
    ) -> None:
        """Open a practice session (all due and new questions, a chapter or concept, the 错题本, or a list).

        With `everything_when_idle`, a scope with nothing due or new today is
        practised whole, in bank order, rather than opening an empty session.
        """
        from revise.tui.screens.practice import PracticeScreen

        engine = self.new_engine(filters=filters, notebook_only=notebook_only, queue=queue)
        if everything_when_idle and not notebook_only and queue is None:
            waiting = engine.describe()
            if not engine.questions:
                self.notify("这里没有这种题型的题。换一个题型或章节试试。", title=title, timeout=5, markup=False)
                return
            if not waiting["due"] and not waiting["new_available"]:
                engine = self.new_engine(filters=filters, queue=list(engine.questions))
                self.notify("这里今天没有到期或新题：按顺序全部练一遍。", timeout=4)
        self.open_screen(PracticeScreen(self.services, engine, title=title))

    @on(StartPractice)
    def _start_practice(self, message: StartPractice) -> None:
        self.start_practice(
            filters=message.filters,
            notebook_only=message.notebook_only,
            title=message.title,
            everything_when_idle=message.everything_when_idle,
            queue=message.queue,
        )

    def action_practice(self) -> None:
        """开始练习: due reviews, then new questions."""
        self.start_practice(title="开始练习")

    def action_notebook(self) -> None:
        """错题本: the questions answered wrong, to look through, filter, take out, export, or redo (错题重做)."""
        from revise.tui.screens.notebook import NotebookScreen

        self.open_screen(NotebookScreen(self.services))

    def action_bookmarks(self) -> None:
        """收藏: the bookmarked questions, to look through, take off, or practise together."""
        from revise.tui.screens.bookmarks import BookmarksScreen

        self.open_screen(BookmarksScreen(self.services))

    def action_chapters(self) -> None:
        """章节练习: pick a chapter or concept to practise."""
        from revise.tui.screens.chapters import ChapterPickScreen

        self.open_screen(ChapterPickScreen(self.services))

    def action_study(self) -> None:
        """背题模式: browse and search the bank with answers shown."""
        from revise.tui.screens.study import StudyScreen

        self.open_screen(StudyScreen(self.services))

    def action_statistics(self) -> None:
        """统计: mastery, reviews per day, accuracy, most-wrong questions, streak."""
        from revise.tui.screens.statistics import StatisticsScreen

        self.open_screen(StatisticsScreen(self.services))

    def action_settings(self) -> None:
        """设置: display script, theme, daily new limit, retention, skipping feedback."""
        from revise.tui.screens.settings import SettingsScreen

        self.open_screen(SettingsScreen(self.services))

    # -- practice modes (MODES) -------------------------------------------------------------

    def open_practice_modes(self, mode: str) -> None:
        """The mode chooser, opened at `mode` (sequential, random, special, custom or sprint)."""
        from revise.tui.screens.practice_modes import PracticeModesScreen

        self.open_screen(PracticeModesScreen(self.services, mode=mode))

    def action_sequential(self) -> None:
        """顺序练习: a chapter in bank order, resumed where it stopped."""
        self.open_practice_modes("sequential")

    def action_random(self) -> None:
        """随机练习: the bank or a chapter, shuffled."""
        self.open_practice_modes("random")

    def action_special(self) -> None:
        """专项练习: every question of one type or tag."""
        self.open_practice_modes("special")

    def action_custom(self) -> None:
        """自定义组卷: chapters, types and counts, practised or sat timed."""
        self.open_practice_modes("custom")

    def action_sprint(self) -> None:
        """考前冲刺: what is still weak before the exam date."""
        self.open_practice_modes("sprint")

    @on(StartQueue)
    def _start_queue(self, message: StartQueue) -> None:
        from revise.sessions.engine import PracticeEngine
        from revise.tui.screens.practice import PracticeScreen

        services = self.services
        engine = PracticeEngine(
            services.bank,
            services.store,
            now=services.clock,
            rng_seed=services.rng_seed,
            tz=services.tz,
            queue=message.queue,
            queue_start=message.start,
            resume_key=message.resume_key,
        )
        self.open_screen(PracticeScreen(services, engine, title=message.title))
        if message.notice:
            self.notify(message.notice, title=message.title, timeout=4, markup=False)

    # -- exams -----------------------------------------------------------------------------

    def action_exam(self) -> None:
        """模拟考试: resume an unfinished mock exam, or pick a paper and start the clock."""
        self.start_exam(ExamRequest())

    def start_exam(self, request: ExamRequest) -> None:
        """Open the mock exam `request` asks for (an unfinished attempt is offered first)."""
        self._exam_flow().open_exam(request)

    @on(OpenExam)
    def _open_exam(self, message: OpenExam) -> None:
        self.start_exam(message.request)

    @on(ExamHandedIn)
    def _handed_in(self, message: ExamHandedIn) -> None:
        self._exam_flow().show_report(message.report, message.session, auto=message.auto)

    @on(OpenExamReport)
    def _open_report(self, message: OpenExamReport) -> None:
        self._exam_flow().open_report(message.attempt_id)

    # -- settings --------------------------------------------------------------------------

    def set_display_script(self, script: str) -> None:
        """Save the display script, switch the whole interface to it, and tell the screens."""
        self.store.set_setting("display_script", script)
        self.apply_display_script(script)

    @on(ScriptChosen)
    def _script_chosen(self, message: ScriptChosen) -> None:
        from revise.progress.store import StoreError

        try:
            self.set_display_script(message.script)
        except StoreError as error:
            self.post_message(ProblemReported("设置未保存", f"没能保存：{error}", timeout=15))
            return
        self.notify("已切换为繁體" if self.services.show.traditional else "已切换为简体", timeout=2)

    def apply_display_script(self, script: str) -> None:
        """Switch the interface to `script` (without saving it) and publish the change."""
        show = self.services.show
        show.script = script
        self.script_filter.enabled = show.traditional
        for screen in self.screen_stack:
            for widget in (screen, *screen.walk_children()):
                widget.refresh()
        self.services.script_changed.publish(show.script)

    def _stored_theme(self) -> str | None:
        try:
            value = self.store.get_setting(THEME_SETTING)
        except KeyError:  # a store without the theme setting yet: the default theme
            return None
        return str(value) if value else None

    def _save_theme(self, theme: Theme) -> None:
        """Keep the theme chosen (in 设置 or the palette) for the next start."""
        from revise.progress.store import StoreError

        try:
            if self._stored_theme() != theme.name:
                self.store.set_setting(THEME_SETTING, theme.name)
        except (KeyError, ValueError):
            return  # the store does not keep a theme (yet): nothing to save
        except StoreError as error:
            self.post_message(ProblemReported("主题没能保存", str(error)))

    # -- problems --------------------------------------------------------------------------

    @on(ProblemReported)
    def _problem(self, message: ProblemReported) -> None:
        """The one place problems are shown: once, and not again while the same one is still on screen."""
        now = time.monotonic()
        if self._problems_shown.get(message.key, 0.0) > now:
            return
        self._problems_shown[message.key] = now + message.timeout
        self.notify(message.message, title=message.title, severity="error", timeout=message.timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """A crash: write the details to the crash log in the data dir, and show the student one clear message."""
        log_path = write_crash_log(Path(self.store.path).parent, error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.bell()
        where = f"详细信息已写入 {log_path}" if log_path else "详细信息没能写入崩溃日志"
        self._exit_renderables.append(f"revise 遇到意外错误，已退出。已经保存的作答都还在。\n{where}；报告问题时请附上这个文件。")
        self._close_messages_no_wait()


def write_crash_log(data_dir: Path, error: BaseException) -> Path | None:
    """Append the traceback of `error` to the crash log in `data_dir`; its path, or None when it cannot be written."""
    path = data_dir / CRASH_LOG_NAME
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"=== {utc_now().isoformat()} ===\n")
            log.write("".join(traceback.format_exception(type(error), error, error.__traceback__)))
            log.write("\n")
        path.chmod(0o600)
    except OSError:
        return None
    return path


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
    script: str | None = None,
    welcome: bool | None = None,
) -> ReviseApp:
    """The app for `bank` and `store`, used alike by `revise` and the tests.

    `clock` (returning aware datetimes) and `rng_seed` make sessions
    deterministic; `tz` fixes the local day used for "today" and streaks;
    `notices` are shown in a dialog at start (e.g. that a corrupt database
    was moved aside); `theme` picks a Textual theme such as "textual-light"
    (else the one saved in 设置); `exam` opens a mock exam at start
    (``revise exam``); `script` ("simplified" or "traditional") overrides
    the saved display script for this run; `welcome` True shows the first-run
    welcome on a fresh data dir, False never (default: in a real terminal only).
    """
    return ReviseApp(bank, store, clock=clock, tz=tz, rng_seed=rng_seed, notices=notices, theme=theme, exam=exam, script=script, welcome=welcome)
