"""The question numbers of a mock paper in one widget, each marked with its state; a click (or Enter) jumps to one.

During the exam a number's state is unanswered, answered or flagged; on the
report it is the verdict. Every state has its own mark as well as its own
colour, so colour is never the only signal.
"""

from __future__ import annotations

from math import ceil

from textual import events
from textual.app import RenderResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

# state -> (mark after the number, style)
STATE_MARKS: dict[str, tuple[str, str]] = {
    "unanswered": ("·", "$text-muted"),
    "answered": ("✓", "$text-success"),
    "flagged": ("?", "bold $text-warning"),
    "unsaved": ("!", "bold $text-error"),
    "correct": ("✓", "$text-success"),
    "partial": ("~", "$text-warning"),
    "incorrect": ("✗", "$text-error"),
    "blank": ("-", "$text-error"),
}
EXAM_LEGEND = "✓已保存 ?标记 ·未答 !未保存"
REPORT_LEGEND = "✓对 ~部分 ✗错 -未答"


class QuestionNavigator(Widget, can_focus=True):
    """Every question number with its state's mark; the current one is shown reversed."""

    DEFAULT_CSS = """
    QuestionNavigator {
        height: auto;
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("left", "move(-1)", "上一个", id="navigator.left", show=False),
        Binding("right", "move(1)", "下一个", id="navigator.right", show=False),
        Binding("up", "move_line(-1)", "上一行", id="navigator.up", show=False),
        Binding("down", "move_line(1)", "下一行", id="navigator.down", show=False),
        Binding("enter", "jump", "跳到这题", id="navigator.jump", tooltip="Go to the question under the cursor"),
    ]

    class Jump(Message):
        """The student chose a question number."""

        def __init__(self, navigator: QuestionNavigator, number: int) -> None:
            self.navigator = navigator
            self.number = number
            super().__init__()

        @property
        def control(self) -> QuestionNavigator:
            """The navigator that was used."""
            return self.navigator

    def __init__(self, states: list[tuple[int, str]], current: int | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.states = states
        self.current = current
        # The number under the keyboard cursor (only drawn while focused).
        self.cursor = current if current is not None else (states[0][0] if states else None)

    def set_states(self, states: list[tuple[int, str]], current: int | None = None) -> None:
        """Redraw with new states (and a new current number)."""
        self.states = states
        self.current = current
        if current is not None:
            self.cursor = current
        self.refresh(layout=True)

    @property
    def cell_width(self) -> int:
        """Cells per number: the digits, the mark and a space."""
        widest = max((number for number, _ in self.states), default=1)
        return len(str(widest)) + 2

    def per_line(self, width: int | None = None) -> int:
        """How many numbers fit on a line."""
        width = self.content_size.width if width is None else width
        return max(1, (width or 40) // self.cell_width)

    def get_content_height(self, container, viewport, width: int) -> int:
        """As many lines as the numbers need at this width."""
        return max(1, ceil(len(self.states) / self.per_line(width)))

    def render(self) -> RenderResult:
        """Draw the numbers."""
        digits = self.cell_width - 2
        per_line = self.per_line()
        lines: list[Content] = []
        cells: list[Content] = []
        for number, state in self.states:
            mark, style = STATE_MARKS.get(state, ("?", ""))
            cell = Content.assemble((f"{number:>{digits}}", ""), (mark, style))
            if number == self.current:
                cell = cell.stylize("reverse bold")
            if self.has_focus and number == self.cursor:
                cell = cell.stylize("underline")
            cells.append(Content.assemble(cell, " "))
            if len(cells) == per_line:
                lines.append(Content.assemble(*cells))
                cells = []
        if cells:
            lines.append(Content.assemble(*cells))
        return Content("\n").join(lines) if lines else Content("")

    def number_at(self, x: int, y: int) -> int | None:
        """The number drawn at a content offset, if any."""
        column = x // self.cell_width
        per_line = self.per_line()
        if column >= per_line:
            return None
        index = y * per_line + column
        return self.states[index][0] if 0 <= index < len(self.states) else None

    def on_click(self, event: events.Click) -> None:
        """Jump to the number clicked."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        number = self.number_at(offset.x, offset.y)
        if number is not None:
            self.cursor = number
            self.post_message(self.Jump(self, number))

    def on_focus(self) -> None:
        """Show the cursor."""
        self.refresh()

    def on_blur(self) -> None:
        """Hide the cursor."""
        self.refresh()

    def _numbers(self) -> list[int]:
        return [number for number, _ in self.states]

    def action_move(self, step: int) -> None:
        """Move the cursor to the previous or next number."""
        numbers = self._numbers()
        if not numbers:
            return
        index = numbers.index(self.cursor) if self.cursor in numbers else 0
        self.cursor = numbers[max(0, min(len(numbers) - 1, index + step))]
        self.refresh()

    def action_move_line(self, step: int) -> None:
        """Move the cursor a line up or down."""
        self.action_move(step * self.per_line())

    def action_jump(self) -> None:
        """Go to the number under the cursor."""
        if self.cursor is not None:
            self.post_message(self.Jump(self, self.cursor))
