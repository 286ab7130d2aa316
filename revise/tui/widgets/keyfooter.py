"""A one-widget footer showing the keys that act on the current screen.

Textual's ``Footer`` mounts one widget per key and recomposes all of them on
every change of focus or bindings; at start-up on a 2-core machine that costs
more (about 60 ms, three recomposes) than everything else the home screen
draws. This footer renders the same information - the shown bindings of the
focused widget's chain, with the command palette key at the right - as one
line of text, redrawn (not recomposed) when the bindings change. Clicking a
key presses it, as in Textual's footer.
"""

from __future__ import annotations

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget


class KeyFooter(Widget, can_focus=False):
    """The keys of the current screen on one line, docked at the bottom."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # (start cell, end cell, key) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        """Redraw whenever the screen's bindings change (focus moved, screen changed)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: object) -> None:
        self.refresh()

    def keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """The keys to show, as (key, key display, description, enabled), and the command palette's apart."""
        app = self.app
        shown: list[tuple[str, str, str, bool]] = []
        seen_actions: set[str] = set()
        palette = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if app.ENABLE_COMMAND_PALETTE and key == app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            action = binding.action.removeprefix("app.")
            if not binding.show or action in seen_actions:
                continue
            seen_actions.add(action)
            shown.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        return shown, palette

    def render(self) -> RenderResult:
        """Draw the widget's text."""
        shown, palette = self.keys()
        parts: list[Content] = []
        spans: list[tuple[int, int, str]] = []
        position = 0
        for key, display, description, enabled in shown:
            item = Content.assemble(
                (f" {display} ", "bold $footer-key-foreground"),
                (f"{description} ", "$footer-description-foreground"),
            )
            if not enabled:
                item = item.stylize("dim")
            spans.append((position, position + item.cell_length, key))
            position += item.cell_length
            parts.append(item)
        line = Content.assemble(*parts)
        if palette is not None:
            key, display, description, _enabled = palette
            tail = Content.assemble(
                ("▏", "$foreground 20%"), (f"{display} ", "bold $footer-key-foreground"), (f"{description} ", "$footer-description-foreground")
            )
            width = self.size.width
            gap = width - line.cell_length - tail.cell_length
            if gap >= 1:
                spans.append((width - tail.cell_length, width, key))
                line = Content.assemble(line, " " * gap, tail)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        """Press the key that was clicked."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
