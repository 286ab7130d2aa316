"""Modal dialogs: a notice to acknowledge, confirm (hand in, leave), go to a question, resume an attempt, adjust points.

Every piece of bank or student text is shown as literal content (never markup).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from revise.tui.display import plain


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; Y or the first button says yes, N, escape or the second says no (the default)."""

    BINDINGS = [
        Binding("y", "answer(True)", "确定", id="confirm.yes", tooltip="Yes"),
        Binding("n", "answer(False)", "取消", id="confirm.no", tooltip="No"),
        Binding("escape", "answer(False)", "取消", id="confirm.escape", tooltip="No"),
    ]

    def __init__(self, title: str, message: str, *, confirm: str = "确定", cancel: str = "取消") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.confirm_label = confirm
        self.cancel_label = cancel

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="section-title dialog-title", markup=False)
            yield Static(plain(self.message), id="confirm-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} (Y)", id="yes", variant="primary")
                yield Button(f"{self.cancel_label} (N)", id="no")

    def on_mount(self) -> None:
        """Focus the safe choice, so a stray Enter changes nothing."""
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class GotoDialog(ModalScreen[int | None]):
    """Type a question number and press Enter to go there."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", id="goto.cancel", tooltip="Stay on this question"),
    ]

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(classes="dialog narrow"):
            yield Label(f"跳到第几题？（1–{self.total}）", markup=False, classes="section-title dialog-title")
            yield Input(id="goto-number", restrict=r"[0-9]*", max_length=4, placeholder="题号，Enter 跳转")
            yield Static(id="goto-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#goto-number")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text.isdigit() and 1 <= int(text) <= self.total:
            self.dismiss(int(text))
            return
        self.query_one("#goto-error", Static).update(plain(f"请输入 1 到 {self.total} 之间的题号"))

    def action_cancel(self) -> None:
        """Close without moving."""
        self.dismiss(None)


class ResumeExamDialog(ModalScreen[str | None]):
    """An unfinished attempt: continue it ("resume"), hand it in ("submit"), or decide later (None)."""

    BINDINGS = [
        Binding("escape", "later", "稍后", id="resume.later", tooltip="Decide later; the clock keeps running"),
    ]

    def __init__(self, title: str, message: Callable[[], str], *, submit_label: str = "现在交卷") -> None:
        """`message` is called again every second, so the time left it states keeps running."""
        super().__init__()
        self.title_text = title
        self.message = message
        self.submit_label = submit_label

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="section-title dialog-title", markup=False)
            yield Static(plain(self.message()), id="resume-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("继续考试", id="resume", variant="primary")
                yield Button(self.submit_label, id="submit", variant="warning")
                yield Button("稍后", id="later")

    def on_mount(self) -> None:
        """Focus “continue”, and keep the time left up to date."""
        self.query_one("#resume", Button).focus()
        self.set_interval(1.0, self.refresh_message)

    def refresh_message(self) -> None:
        """Restate the message (the clock has moved on)."""
        self.query_one("#resume-message", Static).update(plain(self.message()))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "later" else event.button.id)

    def action_later(self) -> None:
        """Close; the attempt stays unfinished (and its clock keeps running)."""
        self.dismiss(None)


class AdjustPointsDialog(ModalScreen[float | None]):
    """Change the points of a short or essay answer after reading the keypoints; Enter saves."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", id="adjust.cancel", tooltip="Keep the points as they are"),
    ]

    def __init__(self, number: int, points: float, max_points: float, details: Content) -> None:
        super().__init__()
        self.number = number
        self.points = points
        self.max_points = max_points
        self.details = details

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(classes="dialog"):
            yield Label(f"调整第 {self.number} 题的得分", markup=False, classes="section-title dialog-title")
            yield Static(self.details, id="adjust-details")
            with Horizontal(classes="adjust-row"):
                yield Label("得分：", classes="field-label")
                yield Input(f"{self.points:g}", id="adjust-points", restrict=r"[0-9.]*", max_length=8)
                yield Label(f"/ {self.max_points:g} 分", markup=False, classes="adjust-max")
            yield Static(id="adjust-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存", id="save", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        """Focus the points, selected so typing replaces them."""
        field = self.query_one("#adjust-points", Input)
        field.focus()
        field.select_all()

    def _save(self) -> None:
        text = self.query_one("#adjust-points", Input).value.strip()
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value <= self.max_points:
            self.query_one("#adjust-error", Static).update(plain(f"得分须在 0 到 {self.max_points:g} 之间"))
            return
        self.dismiss(value)

    @on(Input.Submitted, "#adjust-points")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class NoticeDialog(ModalScreen[None]):
    """A message the student must acknowledge, e.g. that a damaged progress file was moved aside."""

    BINDINGS = [
        Binding("escape", "dismiss_notice", "知道了", id="notice.dismiss", tooltip="Close this message"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(id="notice"):
            yield Label(plain(self.title_text), classes="section-title", markup=False)
            yield Static(plain(self.message), markup=False)
            yield Button("知道了", id="ok", variant="primary")

    def on_mount(self) -> None:
        """Focus the button."""
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Close the dialog."""
        event.stop()
        self.dismiss(None)

    def action_dismiss_notice(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
