"""The first-run welcome: shown once, on a fresh data dir, with the three things to do first.

The keys it names are read from the home menu's table
(:data:`revise.tui.destinations.DESTINATIONS`), so they stay true when the
menu changes. The app decides when to show it and remembers that it did.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from revise.tui.destinations import DESTINATIONS
from revise.tui.display import plain
from revise.tui.widgets.prose import Prose


def home_key(action: str, default: str) -> str:
    """The home screen's key for an app action (`default` when the menu has none)."""
    for destination in DESTINATIONS:
        if destination.action == action and destination.key:
            return destination.key
    return default


def welcome_steps() -> list[str]:
    """The three things to do first, each a short paragraph."""
    practice, study, settings = home_key("practice", "p"), home_key("study", "s"), home_key("settings", "o")
    notebook = home_key("notebook", "w")
    return [
        f"1. 按 {practice} 开始练习：先复习到期的题，再学新题。答完马上看对错和解析；答错的题自动进错题本（首页按 {notebook}）。",
        f"2. 按 {study} 进背题模式：按章节看题和答案，/ 搜索；按 h 先遮住答案自己想，空格再看。看中的题按 b 收藏、按 n 记笔记。",
        f"3. 按 {settings} 打开设置：选简体或繁体、每天学多少新题；在首页设好考试日期，首页会倒数还剩几天。",
    ]


class WelcomeScreen(ModalScreen[None]):
    """欢迎: what revise is for and the three things to do first; Enter or Escape closes it."""

    BINDINGS = [
        Binding("enter", "close", "开始", id="welcome.start", priority=True, tooltip="Close the welcome and start"),
        Binding("escape", "close", "关闭", id="welcome.close", tooltip="Close the welcome"),
        # The keys the steps name do what they say at once: a student who reads "按 p 开始练习" presses p.
        *(
            Binding(home_key(action, default), f"go('{action}')", label, id=f"welcome.{action}", show=False)
            for action, default, label in (("practice", "p", "开始练习"), ("study", "s", "背题模式"), ("settings", "o", "设置"))
        ),
    ]
    DEFAULT_CSS = """
    WelcomeScreen {
        align: center middle;
    }
    WelcomeScreen > Vertical {
        width: 72;
        max-width: 96%;
        height: auto;
        max-height: 96%;
        padding: 0 2;
        border: thick $primary;
        background: $panel;
    }
    WelcomeScreen VerticalScroll {
        height: auto;
        max-height: 16;
    }
    WelcomeScreen .welcome-step {
        margin: 1 0 0 0;
    }
    WelcomeScreen .welcome-tail {
        margin: 1 0 0 0;
        color: $text-muted;
    }
    WelcomeScreen Button {
        margin: 1 0 0 0;
    }
    """

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical():
            yield Label("欢迎使用 revise：客户关系管理复习", classes="section-title", markup=False)
            with VerticalScroll():
                yield Static(Prose(plain("第一次来？先做这三件事：")), classes="welcome-intro")
                for step in welcome_steps():
                    yield Static(Prose(plain(step)), classes="welcome-step")
                yield Static(Prose(plain("任何一屏按 ? 都能看到这一屏的全部按键；ctrl+p 打开命令面板。")), classes="welcome-tail")
            yield Button("开始 (Enter)", id="start", variant="primary", compact=True)

    def action_close(self) -> None:
        """Close the welcome."""
        self.dismiss(None)

    def action_go(self, action: str) -> None:
        """Close the welcome and open what the step names."""
        self.dismiss(None)
        self.app.call_later(self.app.run_action, f"app.{action}")

    @on(Button.Pressed, "#start")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
