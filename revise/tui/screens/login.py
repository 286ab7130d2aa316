"""登录 for `revise serve`: the screen every browser session starts at, and the drivers that hand over to the app.

:class:`LoginApp` shows :class:`LoginScreen` (学号 and 密码; on a first login,
a new password twice). Checking is :meth:`revise.classroom.roster.Roster.login`:
unknown ids and wrong passwords get the same answer, and repeated failures
are slowed down. A student's session then becomes the real app for their own
data dir (:func:`revise.commands.serve.session_main` execs it); a teacher first sees
:class:`TeacherScreen`, with the class report and a way on to practice.

Under textual-serve one browser session is one process speaking a packet
protocol on stdin/stdout. :class:`LoginWebDriver` does not announce the end of
the session when the login hands over, and :class:`ContinuedWebDriver` (the
app's driver after the exec) does not announce a new start, so the browser
sees one session throughout. Both end the process when the server goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.drivers.web_driver import WebDriver
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

if TYPE_CHECKING:
    from revise.classroom.roster import Member, Roster

PRELUDE = b"__GANGLION__\n"
SERVER_GONE_GRACE_SECONDS = 5.0


class _EndsWithServer(WebDriver):
    """A web driver that ends the process when its server goes away (stdin closes) instead of lingering as an orphan."""

    def run_input_thread(self) -> None:
        """Read input as usual; at end of input that was not asked for, quit the app and, failing that, the process."""
        super().run_input_thread()
        if not self.exit_event.is_set():
            with contextlib.suppress(Exception):
                self._app.call_from_thread(self._app.exit)
            timer = threading.Timer(SERVER_GONE_GRACE_SECONDS, os._exit, args=(0,))
            timer.daemon = True
            timer.start()


class LoginWebDriver(_EndsWithServer):
    """The login app's driver: when the login hands over to the app, the browser is not told the session ended."""

    def stop_application_mode(self) -> None:
        """Stop; announce the end of the session only when nothing follows (the app returned no login)."""
        if self._app.return_value is None:
            super().stop_application_mode()
            return
        self.exit_event.set()
        self._input_reader.close()
        if self._size:  # the browser's terminal size, for the app that follows
            os.environ["COLUMNS"], os.environ["ROWS"] = str(self._size[0]), str(self._size[1])


class ContinuedWebDriver(_EndsWithServer):
    """The app's driver after a login: the session is already announced, so no second prelude."""

    def start_application_mode(self) -> None:
        """Start as the web driver does, minus the start-of-session prelude."""
        write = self._write

        def without_prelude(data: bytes) -> Any:
            if data != PRELUDE:
                return write(data)
            return None

        self._write = without_prelude  # type: ignore[assignment]
        try:
            super().start_application_mode()
        finally:
            self._write = write


@dataclass(frozen=True)
class LoginOutcome:
    """Who logged in and what they chose: ``practise`` (open the app) or nothing more (None)."""

    member: Member
    action: str | None = "practise"


class LoggedIn(Message):
    """A member logged in."""

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member


class LoginScreen(Screen[None]):
    """学号 and 密码; a first login also sets the password."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", id="login.quit")]
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    #login-box { width: 60; height: auto; border: round $accent; padding: 1 2; }
    #login-box Input { margin-bottom: 1; }
    #login-message { color: $warning; height: auto; margin-bottom: 1; }
    .new-password { display: none; }
    LoginScreen.-setting .new-password { display: block; }
    LoginScreen.-setting #login-password { display: none; }
    """

    def __init__(self, roster: Roster) -> None:
        super().__init__()
        self.roster = roster
        self.setting_for: Member | None = None

    def compose(self) -> ComposeResult:
        """学号, 密码, the new-password fields (shown on a first login), a message and a button."""
        with Center(), Vertical(id="login-box"):
            yield Label("客户关系管理 复习 · 登录", id="login-title")
            yield Input(placeholder="学号", id="login-id", max_length=32)
            yield Input(placeholder="密码", password=True, id="login-password")
            yield Input(placeholder="设置新密码（至少 6 个字符）", password=True, id="login-new", classes="new-password")
            yield Input(placeholder="再输入一次新密码", password=True, id="login-confirm", classes="new-password")
            yield Static("", id="login-message")
            yield Button("登录", variant="primary", id="login-submit")
        yield Footer()

    def on_mount(self) -> None:
        """Start in the 学号 field."""
        self.query_one("#login-id", Input).focus()

    def _say(self, message: str) -> None:
        self.query_one("#login-message", Static).update(message)

    @on(Input.Submitted, "#login-id")
    def _next_field(self) -> None:
        target = "#login-new" if self.has_class("-setting") else "#login-password"
        self.query_one(target, Input).focus()

    @on(Input.Submitted, "#login-new")
    def _to_confirm(self) -> None:
        self.query_one("#login-confirm", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Input.Submitted, "#login-confirm")
    @on(Button.Pressed, "#login-submit")
    async def submit(self) -> None:
        """Check the login (in a thread: a failure is slowed down on purpose) or save the first password."""
        button = self.query_one("#login-submit", Button)
        if button.disabled:
            return
        button.disabled = True
        try:
            if self.setting_for is not None:
                await self._set_first_password(self.setting_for)
                return
            raw_id = self.query_one("#login-id", Input).value
            password = self.query_one("#login-password", Input).value
            self._say("正在登录……")
            result = await asyncio.to_thread(self.roster.login, raw_id, password)
            self.query_one("#login-password", Input).value = ""
            if result.member is None:
                self._say(result.message)
                return
            if result.must_set_password:
                self.setting_for = result.member
                self.add_class("-setting")
                self._say(f"{result.member.name}，首次登录：请设置密码")
                self.query_one("#login-new", Input).focus()
                return
            self.app.post_message(LoggedIn(result.member))
        finally:
            button.disabled = False

    async def _set_first_password(self, member: Member) -> None:
        from revise.classroom.roster import RosterError, password_problem

        new = self.query_one("#login-new", Input).value
        confirm = self.query_one("#login-confirm", Input).value
        problem = password_problem(new) or (None if new == confirm else "两次输入的密码不一致")
        if problem:
            self._say(problem)
            return
        if self.roster.has_password(member.id):  # set meanwhile elsewhere: log in normally
            self._say("密码已设置，请用密码登录")
        else:
            try:
                await asyncio.to_thread(self.roster.set_password, member.id, new)
            except RosterError as error:
                self._say(str(error))
                return
            self.app.post_message(LoggedIn(member))
            return
        self.setting_for = None
        self.remove_class("-setting")


class TeacherScreen(Screen[None]):
    """A teacher's start: the class report, or on to practice."""

    BINDINGS = [
        Binding("r", "report", "班级报告", id="teacher.report"),
        Binding("p", "practise", "开始练习", id="teacher.practise"),
        Binding("ctrl+q", "app.quit", "退出", id="teacher.quit"),
    ]

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        """A greeting, two buttons and the report area."""
        with Vertical():
            yield Label(f"{self.member.name} 老师，您好", markup=False)
            yield Button("班级报告 (r)", id="teacher-report")
            yield Button("开始练习 (p)", id="teacher-practise")
            with VerticalScroll(id="teacher-report-area"):
                yield Static("", id="teacher-report-text", markup=False)
        yield Footer()

    @on(Button.Pressed, "#teacher-report")
    async def action_report(self) -> None:
        """Fetch the class report from the class store as this teacher and show it."""
        app = self.app
        assert isinstance(app, LoginApp)
        text = self.query_one("#teacher-report-text", Static)
        text.update("正在生成班级报告……")
        text.update(await asyncio.to_thread(app.report_text, self.member))

    @on(Button.Pressed, "#teacher-practise")
    def action_practise(self) -> None:
        """Leave for the app, with the teacher's own data dir."""
        self.app.exit(LoginOutcome(self.member, "practise"))


class LoginApp(App[LoginOutcome]):
    """The login app a served session starts with; its result is who logged in and what they chose."""

    TITLE = "revise"
    SUB_TITLE = "登录"

    def __init__(self, roster: Roster, *, class_store: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.roster = roster
        self.class_store = class_store

    def on_mount(self) -> None:
        """Start at the login screen."""
        self.push_screen(LoginScreen(self.roster))

    def on_logged_in(self, message: LoggedIn) -> None:
        """Students go straight to practice; teachers see their screen first."""
        if message.member.is_teacher:
            self.push_screen(TeacherScreen(message.member))
        else:
            self.exit(LoginOutcome(message.member, "practise"))

    def report_text(self, member: Member) -> str:
        """The class report as text, fetched as `member` (a teacher); a message when there is no class store or it fails."""
        if not member.is_teacher:
            return "只有教师账号可以查看班级报告"
        if not self.class_store:
            return "没有配置班级数据库（revise serve --class-store …），无法生成班级报告"
        from revise.classroom.classstore import ClassStoreError, connect, member_url
        from revise.classroom.report import build_report, render_text

        try:
            with connect(member_url(self.class_store, self.roster, member.id)) as connection:
                return render_text(build_report(connection))
        except ClassStoreError as error:
            return str(error)
