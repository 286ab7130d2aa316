"""Modal dialogs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from revise.tui.display import plain


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
