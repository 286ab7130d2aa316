"""收藏 and 笔记 wherever a question is shown: the ★ marker and note, the note dialog, and saving both off the event loop.

A note is the student's own text: it is shown as literal content (never
markup), with control characters made visible (:func:`revise.safetext.show`).
Saving waits for the store in a worker (:func:`revise.tui.background.in_background`);
the screen says "saved" only once the write is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from revise.tui.background import in_background
from revise.tui.display import plain
from revise.tui.messages import report_problem
from revise.tui.widgets.prose import Prose

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from revise.tui.services import Services

BOOKMARK_MARK = "★"


def marks_content(bookmarked: bool, note: str | None) -> Content:
    """'★ 已收藏' and the note, as literal content (empty when there is neither)."""
    parts: list[Content] = []
    if bookmarked:
        parts.append(Content.styled(f"{BOOKMARK_MARK} 已收藏", "bold $text-warning"))
    if note and note.strip():
        parts.append(Content.assemble(("笔记：", "bold $text-accent"), plain(note.strip())))
    return Content("\n").join(parts)


class QuestionMarks(Static):
    """The ★ and the student's note of one question; takes no room when there is neither."""

    DEFAULT_CSS = """
    QuestionMarks {
        height: auto;
        padding: 0 1;
        border-left: outer $warning 60%;
    }
    QuestionMarks.empty {
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.bookmarked = False
        self.note: str | None = None
        self.add_class("empty")

    def show_marks(self, bookmarked: bool, note: str | None) -> None:
        """Show this question's bookmark and note."""
        self.bookmarked, self.note = bookmarked, note
        content = marks_content(bookmarked, note)
        self.update(Prose(content))
        self.set_class(not content.plain, "empty")

    def load(self, services: Services, question_id: str) -> None:
        """Read the question's bookmark and note from the store (a quick read) and show them."""
        store = services.store
        note = store.get_note(question_id)
        self.show_marks(store.is_bookmarked(question_id), note.text if note else None)


def toggle_bookmark(node: DOMNode, services: Services, question_id: str, bookmarked: bool, done: Callable[[bool], None]) -> None:
    """Bookmark the question (or take the bookmark off) in the background; `done(now_bookmarked)` once committed."""
    store, clock = services.store, services.clock

    def work() -> bool:
        if bookmarked:
            store.remove_bookmark(question_id)
            return False
        store.add_bookmark(question_id, clock())
        return True

    def saved(now: bool) -> None:
        done(now)
        node.app.notify(f"{BOOKMARK_MARK} 已收藏" if now else "已取消收藏", timeout=2)

    in_background(node, work, done=saved, failed=lambda error: store_refused(node, error, "收藏没有保存"))


def save_note(node: DOMNode, services: Services, question_id: str, text: str, done: Callable[[str | None], None]) -> None:
    """Save the note (blank text clears it) in the background; `done(text kept)` once committed."""
    store, clock = services.store, services.clock

    def work() -> str | None:
        note = store.set_note(question_id, text, clock())
        return note.text if note else None

    def saved(kept: str | None) -> None:
        done(kept)
        node.app.notify("笔记已保存" if kept else "笔记已清除", timeout=2)

    in_background(node, work, done=saved, failed=lambda error: store_refused(node, error, "笔记没有保存"))


def store_refused(node: DOMNode, error: Exception, title: str) -> None:
    """A store refusal (or a note too long), told to the student once; anything else is a bug."""
    from revise.progress.store import StoreError

    if not isinstance(error, (StoreError, ValueError)):
        raise error
    report_problem(node, title, str(error), timeout=15)


class NoteDialog(ModalScreen[str | None]):
    """Write or edit the note on one question; ctrl+s saves (blank clears it), escape leaves it as it was."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", id="note.save", priority=True, tooltip="Save the note"),
        Binding("escape", "cancel", "取消", id="note.cancel", tooltip="Close without saving"),
    ]
    DEFAULT_CSS = """
    NoteDialog {
        align: center middle;
    }
    NoteDialog > Vertical {
        width: 70;
        max-width: 96%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        border: thick $primary;
        background: $panel;
    }
    NoteDialog #note-prompt {
        color: $text-muted;
        max-height: 3;
        margin: 0 0 1 0;
    }
    NoteDialog TextArea {
        height: 8;
    }
    NoteDialog .dialog-buttons {
        height: auto;
        margin: 1 0 0 0;
    }
    NoteDialog .dialog-buttons Button {
        margin: 0 2 0 0;
    }
    """

    def __init__(self, prompt: str, note: str | None) -> None:
        super().__init__()
        self.prompt = prompt
        self.note = note or ""

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical():
            yield Label("笔记（ctrl+s 保存，esc 取消；清空后保存即删除）", classes="section-title", markup=False)
            yield Static(Prose(plain(self.prompt)), id="note-prompt")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存 (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("取消 (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        """Put the cursor at the end of the note."""
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Close with the text to save."""
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
