"""按键帮助 (``?`` anywhere): every key of the screen underneath, read from its active bindings.

Nothing here is a hand-written list: the rows come from the screen's
``active_bindings`` (the focused widget's, the screen's and the app's), so a
key added to any screen appears here by itself, greyed out when it does not
apply right now. Textual's own widgets describe their keys in English; those
descriptions are put into Chinese by action name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TextArea

from revise.tui.display import fit, plain
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from textual.dom import DOMNode

SCREEN_KEYS = "这一屏"
WIDGET_KEYS = "光标所在处"
APP_KEYS = "任何一屏"
KEY_COLUMN = 16
# Textual's widgets name their keys in English: the same actions in Chinese.
TEXTUAL_ACTIONS = {
    "cursor_up": "上移",
    "cursor_down": "下移",
    "cursor_left": "左移",
    "cursor_right": "右移",
    "page_up": "上一页",
    "page_down": "下一页",
    "first": "到第一项",
    "last": "到最后一项",
    "scroll_up": "向上滚动",
    "scroll_down": "向下滚动",
    "scroll_left": "向左滚动",
    "scroll_right": "向右滚动",
    "scroll_home": "滚到开头",
    "scroll_end": "滚到末尾",
    "page_left": "向左翻页",
    "page_right": "向右翻页",
    "select": "选中",
    "select_cursor": "选中 / 展开",
    "toggle_node": "展开或收起",
    "toggle_expand_all": "全部展开或收起",
    "cursor_parent": "到上一级",
    "cursor_parent_next_sibling": "到上一级的下一项",
    "cursor_previous_sibling": "到上一个同级",
    "cursor_next_sibling": "到下一个同级",
    "press": "按下按钮",
    "focus_next": "下一个区域",
    "focus_previous": "上一个区域",
    "copy_text": "复制选中的文字",
    "app.focus_next": "下一个区域",
    "app.focus_previous": "上一个区域",
    "screen.copy_text": "复制选中的文字",
    "quit": "退出",
    "command_palette": "命令面板：每个页面都在这里",
}
# Typing widgets have dozens of editing keys (←, →, backspace, ctrl+a…): one line says so.
TYPING_ROW = "在输入框里打字；←→、退格、Home/End、ctrl+a/e 等编辑键和一般输入框一样"


@dataclass(frozen=True)
class KeyRow:
    """One line of the help: the keys, what they do, whether they act right now, and where they belong."""

    keys: str
    description: str
    enabled: bool
    scope: str


def describe(binding: Binding) -> str:
    """What a binding does, in Chinese: its own description, or the Chinese for a Textual action."""
    action = binding.action
    if binding.id is None and (action in TEXTUAL_ACTIONS or action.split("(")[0] in TEXTUAL_ACTIONS):
        return TEXTUAL_ACTIONS.get(action) or TEXTUAL_ACTIONS[action.split("(")[0]]
    return binding.description or TEXTUAL_ACTIONS.get(action, action)


def scope_of(node: DOMNode, app: App[Any]) -> str:
    """Whose key it is: the app's (any screen), the screen's, or the focused widget's."""
    if node is app:
        return APP_KEYS
    if isinstance(node, Screen):
        return SCREEN_KEYS
    return WIDGET_KEYS


def key_rows(app: App[Any], screen: Screen[Any]) -> list[KeyRow]:
    """Every key of `screen` now, grouped (this screen, where the cursor is, any screen); several keys for one action share a row.

    Within a group, revise's own keys (bindings with ids) come before Textual's, each in the bindings' order.
    """
    rows: dict[tuple[str, str, str], tuple[list[str], bool, bool]] = {}
    typing = False
    for key, active in screen.active_bindings.items():
        node, binding, enabled = active.node, active.binding, active.enabled
        if binding.system and binding.id is None:
            continue
        if isinstance(node, (Input, TextArea)) and binding.id is None:
            typing = True
            continue
        shown = app.get_key_display(binding) if binding.key == key else app.get_key_display(Binding(key, binding.action))
        keys, _, _ = rows.setdefault((scope_of(node, app), binding.action, describe(binding)), ([], enabled, binding.id is not None))
        if shown not in keys:
            keys.append(shown)
    result = [(own, KeyRow(" / ".join(keys), description, enabled, scope)) for (scope, _, description), (keys, enabled, own) in rows.items()]
    if typing:
        result.append((False, KeyRow("", TYPING_ROW, True, WIDGET_KEYS)))
    order = {SCREEN_KEYS: 0, WIDGET_KEYS: 1, APP_KEYS: 2}
    return [row for _, row in sorted(result, key=lambda pair: (order[pair[1].scope], not pair[0]))]


class HelpScreen(Screen[None]):
    """The keys of the screen the student was on, in three groups; greyed keys do not apply right now."""

    BINDINGS = [
        Binding("escape", "close", "关闭", id="help.close", tooltip="Close the help"),
        Binding("q", "close", "关闭", id="help.close_q", show=False, tooltip="Close the help"),
    ]
    DEFAULT_CSS = """
    HelpScreen #help-body {
        padding: 0 2;
    }
    HelpScreen .help-row {
        height: auto;
    }
    HelpScreen .help-row.disabled {
        color: $text-disabled;
    }
    """

    def __init__(self, rows: list[KeyRow], *, where: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.where = where

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with VerticalScroll(id="help-body"):
            scope = None
            for row in self.rows:
                if row.scope != scope:
                    scope = row.scope
                    yield Label(scope, classes="section-title", markup=False)
                line = Content.assemble((fit(row.keys, KEY_COLUMN), "bold $text-accent"), plain(row.description))
                if not row.enabled:
                    line = Content.assemble(line, ("（现在不可用）", "$text-muted"))
                yield Static(line, classes="help-row" + ("" if row.enabled else " disabled"))
        yield KeyFooter()

    def on_mount(self) -> None:
        """Say which screen's keys these are."""
        self.sub_title = f"按键帮助 · {self.where}" if self.where else "按键帮助"

    def action_close(self) -> None:
        """Back to the screen the keys belong to."""
        self.dismiss(None)
