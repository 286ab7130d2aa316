"""A one-line title bar: the app's title and the screen's subtitle, as literal text.

Textual's ``Header`` is four widgets; every widget costs restyling time when a
screen is shown or resumed, so this is one.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget


class TitleBar(Widget):
    """'revise — <screen subtitle>' centred on one line; clicking it opens the command palette."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        """Redraw when the screen's subtitle changes."""
        self.watch(self.screen, "sub_title", self._subtitle_changed, init=False)

    def _subtitle_changed(self, _old: str, _new: str) -> None:
        self.refresh()

    def render(self) -> RenderResult:
        """Draw the widget's text."""
        title = Content(self.app.title)
        sub_title = self.screen.sub_title or self.app.sub_title
        if sub_title:
            return Content.assemble(title, (" — ", "dim"), Content(sub_title).stylize("dim"))
        return title

    def on_click(self) -> None:
        """Open the command palette, as the icon of Textual's header does."""
        self.app.action_command_palette()
