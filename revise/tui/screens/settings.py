"""设置, saved in the store at once: display script, daily new limit, desired retention, skipping feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static, Switch

from revise.tui.display import SIMPLIFIED, TRADITIONAL, plain
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.tui.app import ReviseApp

# Messages for values the store refuses (its own messages are in English, for the CLI).
INVALID = {
    "daily_new_limit": "每日新题上限须是 0 到 10000 的整数",
    "desired_retention": "目标记忆率须在 0.70 到 0.99 之间",
}


class SettingsScreen(Screen[None]):
    """One row per setting; each change is validated and saved straight away."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="settings.back", tooltip="Back to the home screen"),
    ]

    app: ReviseApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        settings = self.app.store.settings()
        yield TitleBar()
        with VerticalScroll(id="settings-body"):
            with Vertical(classes="setting"):
                yield Label("显示字体", classes="field-label")
                with RadioSet(id="display_script"):
                    yield RadioButton("简体", value=settings["display_script"] == SIMPLIFIED, id="simplified")
                    yield RadioButton("繁體", value=settings["display_script"] == TRADITIONAL, id="traditional")
                yield Label("题库按所选字体显示；作答时简体、繁体都算对。", classes="hint")
            with Vertical(classes="setting"):
                yield Label("每日新题上限", classes="field-label")
                with Horizontal(classes="setting-row"):
                    yield Input(str(settings["daily_new_limit"]), id="daily_new_limit", type="integer", compact=True)
                    yield Static(id="daily_new_limit-status", classes="status", markup=False)
            with Vertical(classes="setting"):
                yield Label("目标记忆率（0.70–0.99，越高复习越频繁）", classes="field-label")
                with Horizontal(classes="setting-row"):
                    yield Input(f"{settings['desired_retention']:g}", id="desired_retention", type="number", compact=True)
                    yield Static(id="desired_retention-status", classes="status", markup=False)
            with Vertical(classes="setting"):
                yield Label("答对后跳过反馈，直接下一题", classes="field-label")
                with Horizontal(classes="setting-row"):
                    yield Switch(bool(settings["skip_feedback_on_correct"]), id="skip_feedback_on_correct")
                    yield Static(id="skip_feedback_on_correct-status", classes="status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set the subtitle and focus the first setting."""
        self.sub_title = "设置"
        self.query_one(RadioSet).focus()

    def _status(self, key: str, text: str, ok: bool) -> None:
        status = self.query_one(f"#{key}-status", Static)
        status.update(plain(text))
        status.set_class(not ok, "error")

    def save(self, key: str, value: object) -> bool:
        """Validate and store one setting; show whether it was saved."""
        from revise.progress.store import StoreError

        try:
            stored = self.app.store.set_setting(key, value)
        except ValueError:
            self._status(key, INVALID.get(key, "无效的值"), ok=False)
            return False
        except StoreError as error:
            self._status(key, f"没能保存：{error}", ok=False)
            return False
        self._status(key, f"已保存：{stored}" if not isinstance(stored, bool) else ("已保存：开" if stored else "已保存：关"), ok=True)
        return True

    @on(RadioSet.Changed, "#display_script")
    def _script(self, event: RadioSet.Changed) -> None:
        event.stop()
        script = TRADITIONAL if event.pressed.id == TRADITIONAL else SIMPLIFIED
        if script != self.app.store.get_setting("display_script"):
            from revise.progress.store import StoreError

            try:
                self.app.set_display_script(script)
            except StoreError as error:
                self.notify(f"没能保存：{error}", title="设置未保存", severity="error", timeout=15, markup=False)
                return
            self.notify("已切换为繁體" if script == TRADITIONAL else "已切换为简体", timeout=2)

    @on(Input.Changed, "#daily_new_limit, #desired_retention")
    def _number(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.id
        if not key or not event.value.strip():
            return
        try:
            unchanged = float(event.value) == float(self.app.store.get_setting(key))
        except ValueError:
            unchanged = False
        if not unchanged:
            self.save(key, event.value.strip())

    @on(Switch.Changed, "#skip_feedback_on_correct")
    def _switch(self, event: Switch.Changed) -> None:
        event.stop()
        if event.value != self.app.store.get_setting("skip_feedback_on_correct"):
            self.save("skip_feedback_on_correct", event.value)
