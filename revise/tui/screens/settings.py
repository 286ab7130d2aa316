"""设置, saved in the store at once: display script, theme, exam date, daily new limit, desired retention, skipping feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static, Switch

from revise.tui.display import SIMPLIFIED, TRADITIONAL, plain
from revise.tui.messages import ScriptChosen
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from textual.theme import Theme

    from revise.tui.services import Services

# Messages for values the store refuses (its own messages are in English, for the CLI).
INVALID = {
    "daily_new_limit": "每日新题上限须是 0 到 10000 的整数",
    "desired_retention": "目标记忆率须在 0.70 到 0.99 之间",
    "exam_date": "日期要写成 2026-06-20 这样；留空表示不设",
}


class SettingsScreen(Screen[None]):
    """One row per setting; each change is validated and saved straight away."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="settings.back", tooltip="Back to the home screen"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        settings = self.services.store.settings()
        script = self.services.show.script
        yield TitleBar()
        with VerticalScroll(id="settings-body"):
            with Vertical(classes="setting"):
                yield Label("显示字体", classes="field-label")
                with RadioSet(id="display_script"):
                    yield RadioButton("简体", value=script == SIMPLIFIED, id="simplified")
                    yield RadioButton("繁體", value=script == TRADITIONAL, id="traditional")
                yield Label("整个界面按所选字体显示；作答时简体、繁体都算对。", classes="hint")
            with Vertical(classes="setting"):
                yield Label("主题（ctrl+p 里换的主题也会保存）", classes="field-label")
                with Horizontal(classes="setting-row"):
                    themes = sorted(self.app.available_themes)
                    yield Select([(name, name) for name in themes], value=self.app.theme, allow_blank=False, id="theme", compact=True)
                    yield Static(id="theme-status", classes="status", markup=False)
            with Vertical(classes="setting"):
                yield Label("考试日期（如 2026-06-20；留空表示不设）", classes="field-label")
                with Horizontal(classes="setting-row"):
                    yield Input(settings["exam_date"] or "", id="exam_date", placeholder="YYYY-MM-DD", compact=True)
                    yield Static(id="exam_date-status", classes="status", markup=False)
                yield Label("首页会显示距考试还有几天；考前冲刺按这个日期安排。", classes="hint")
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
        # A theme or script changed elsewhere (the palette) shows here too.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.services.script_changed.subscribe(self, self._script_changed)

    def _theme_changed(self, theme: Theme) -> None:
        picker = self.query_one("#theme", Select)
        if picker.value != theme.name:
            picker.value = theme.name

    def _script_changed(self, script: str) -> None:
        self.query_one(f"#{script}", RadioButton).value = True

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value  # the app saves it for the next start
            self._status("theme", f"已保存：{event.value}", ok=True)

    def _status(self, key: str, text: str, ok: bool) -> None:
        status = self.query_one(f"#{key}-status", Static)
        status.update(plain(text))
        status.set_class(not ok, "error")

    def save(self, key: str, value: object) -> bool:
        """Validate and store one setting; show whether it was saved."""
        from revise.progress.store import StoreError

        try:
            stored = self.services.store.set_setting(key, value)
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
        if script != self.services.show.script:
            self.post_message(ScriptChosen(script))

    @on(Input.Changed, "#daily_new_limit, #desired_retention")
    def _number(self, event: Input.Changed) -> None:
        event.stop()
        key = event.input.id
        if not key or not event.value.strip():
            return
        try:
            unchanged = float(event.value) == float(self.services.store.get_setting(key))
        except ValueError:
            unchanged = False
        if not unchanged:
            self.save(key, event.value.strip())

    @on(Input.Submitted, "#exam_date")
    @on(Input.Blurred, "#exam_date")
    def _exam_date(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        # Saved when the date is complete (Enter or leaving the field), not at every keystroke.
        typed = event.input.value.strip()
        if typed != (self.services.store.get_setting("exam_date") or "") and self.save("exam_date", typed) and not typed:
            self._status("exam_date", "已清除考试日期", ok=True)

    @on(Switch.Changed, "#skip_feedback_on_correct")
    def _switch(self, event: Switch.Changed) -> None:
        event.stop()
        if event.value != self.services.store.get_setting("skip_feedback_on_correct"):
            self.save("skip_feedback_on_correct", event.value)
