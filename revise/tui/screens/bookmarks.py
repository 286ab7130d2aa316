"""收藏: the questions the student bookmarked, to look through, take off the list, or practise together (练这些).

Removing a bookmark runs off the event loop through
:func:`revise.tui.background.in_background`, and the list changes only once
the store has committed; u puts back the last one taken off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from revise.bank.model import TYPE_LABELS
from revise.safetext import one_line, show
from revise.tui.background import StoreChanges
from revise.tui.display import answer_text, explanation_and_source, options_line, plain
from revise.tui.messages import StartPractice
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.model import Question
    from revise.progress.store import Note
    from revise.tui.services import Services


# Question types in a 4-cell table column.
# Question types in a 4-cell column: the label's first two characters, where those are not already clear.
SHORT_TYPES = {qtype: label[:2] for qtype, label in TYPE_LABELS.items()} | {"choice": "单选", "multi": "多选", "judge": "改错"}
EMPTY_TEXT = "还没有收藏的题。\n\n做题或背题时觉得值得再看的题，收藏起来就会列在这里，可以一起练。\n\n按 esc 回首页。"
# The table's columns after the prompt (heading, width, key); the prompt takes what they leave (DataTable pads each by 2).
COLUMNS = (("题型", 4, "type"), ("章节", 14, "chapter"), ("收藏于", 10, "when"), ("笔记", 4, "note"))
FIXED_COLUMNS_WIDTH = sum(width + 2 for _, width, _ in COLUMNS) + 2 + 2  # the prompt's padding, the scrollbar


@dataclass(frozen=True)
class Bookmark:
    """One bookmarked question: its id, when it was bookmarked, the bank's question (None: no longer in the bank) and the note on it."""

    question_id: str
    added_at: datetime
    question: Question | None
    note: Note | None

    @property
    def chapter(self) -> str:
        """The chapter title ("" when the question is no longer in the bank)."""
        return self.question.chapter if self.question is not None else ""

    def prompt(self) -> str:
        """The prompt, or a line saying the question has gone from the bank."""
        return self.question.prompt if self.question is not None else f"（题库里已没有这道题：{self.question_id}）"


class BookmarksTable(DataTable[Text]):
    """The bookmarked questions; Enter shows the whole question."""

    BINDINGS = [Binding("enter", "select_cursor", "查看", id="bookmarks-table.view", tooltip="Show the whole question with its answer")]


class BookmarksScreen(Screen[None]):
    """The bookmarks as a table with the highlighted question in full below it."""

    DEFAULT_CSS = """
    BookmarksScreen #bookmarks-count { height: 1; padding: 0 1; color: $text-muted; }
    BookmarksScreen #bookmarks-table { height: 1fr; }
    BookmarksScreen #bookmarks-detail { height: 8; padding: 0 1; background: $boost; }
    BookmarksScreen #bookmarks-empty { display: none; padding: 1 2; }
    BookmarksScreen #bookmarks-status { height: auto; padding: 0 1; color: $text-warning; }
    BookmarksScreen.-full #bookmarks-count, BookmarksScreen.-full #bookmarks-table { display: none; }
    BookmarksScreen.-full #bookmarks-detail { height: 1fr; }
    BookmarksScreen.-empty #bookmarks-count, BookmarksScreen.-empty #bookmarks-table, BookmarksScreen.-empty #bookmarks-detail { display: none; }
    BookmarksScreen.-empty #bookmarks-empty { display: block; }
    """

    BINDINGS = [
        Binding("escape", "back", "返回", id="bookmarks.back", tooltip="Back to the list, or home"),
        Binding("r", "practise", "练这些", id="bookmarks.practise", tooltip="Practise every bookmarked question once, as a session"),
        Binding("d", "remove", "取消收藏", id="bookmarks.remove", tooltip="Take the highlighted question off the bookmarks"),
        Binding("delete", "remove", "取消收藏", id="bookmarks.delete", show=False, tooltip="Take the highlighted question off the bookmarks"),
        Binding("u", "undo", "撤销", id="bookmarks.undo", tooltip="Bookmark again what was just taken off"),
    ]

    AUTO_FOCUS = "#bookmarks-table"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.bookmarks: list[Bookmark] = []
        self._undo: tuple[str, datetime] | None = None
        self.changes = StoreChanges(self, lambda: self.query_one("#bookmarks-status", Static), "收藏未保存")

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        yield Static(id="bookmarks-count", markup=False)
        yield BookmarksTable(id="bookmarks-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="bookmarks-detail"):
            yield Static(id="bookmarks-detail-text", markup=False)
        yield Static(EMPTY_TEXT, id="bookmarks-empty", markup=False)
        yield Static(id="bookmarks-status", classes="hidden", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the bookmarks and focus the list."""
        self.sub_title = "收藏"
        self.reload()

    def reload(self) -> None:
        """Read the bookmarks (oldest first) and their notes from the store and show them."""
        from revise.bank.drills import practice_questions

        questions = practice_questions(self.services.bank)
        store = self.services.store
        notes = {note.question_id: note for note in store.notes()}
        self.bookmarks = [Bookmark(qid, at, questions.get(qid), notes.get(qid)) for qid, at in store.bookmarks()]
        self.set_class(not self.bookmarks, "-empty")
        table = self.query_one(BookmarksTable)
        # An empty list is hidden: it must not hold the focus and lend its keys to the footer.
        table.can_focus = bool(self.bookmarks)
        if not self.bookmarks:
            self.remove_class("-full")
            self.set_focus(None)
        elif self.focused is None:
            table.focus()
        cursor = table.cursor_row
        table.clear(columns=True)
        for heading, width, key in (("题目", max(14, self.app.size.width - FIXED_COLUMNS_WIDTH), "prompt"), *COLUMNS):
            table.add_column(Text(heading), width=width, key=key)
        for bookmark in self.bookmarks:
            qtype = bookmark.question.type if bookmark.question is not None else ""
            table.add_row(
                cell(bookmark.prompt()),
                cell(SHORT_TYPES.get(qtype, qtype)),
                cell(bookmark.chapter),
                cell(self.services.local_time(bookmark.added_at, "%Y-%m-%d")),
                cell("有" if bookmark.note else ""),
                key=bookmark.question_id,
            )
        practisable = sum(1 for bookmark in self.bookmarks if bookmark.question is not None)
        count = f"共 {len(self.bookmarks)} 道收藏的题"
        if practisable < len(self.bookmarks):
            count += f"（{len(self.bookmarks) - practisable} 道已不在题库里）"
        self.query_one("#bookmarks-count", Static).update(count)
        if self.bookmarks:
            table.move_cursor(row=min(max(cursor, 0), len(self.bookmarks) - 1), animate=False)
        self.show_detail()
        self.refresh_bindings()

    # -- the highlighted question ----------------------------------------------------------

    def current(self) -> Bookmark | None:
        """The bookmark under the cursor, if any."""
        row = self.query_one(BookmarksTable).cursor_row
        return self.bookmarks[row] if self.bookmarks and 0 <= row < len(self.bookmarks) else None

    @on(DataTable.RowHighlighted, "#bookmarks-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    @on(DataTable.RowSelected, "#bookmarks-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    def show_detail(self) -> None:
        """The highlighted question in full: prompt, options, answer, the student's note, explanation, source."""
        detail = self.query_one("#bookmarks-detail-text", Static)
        bookmark = self.current()
        detail.update(self.detail_content(bookmark) if bookmark is not None else plain(""))
        self.query_one("#bookmarks-detail", VerticalScroll).scroll_home(animate=False)

    def detail_content(self, bookmark: Bookmark) -> Content:
        """What the detail pane shows for one bookmark, every piece of bank and student text literal."""
        question = bookmark.question
        if question is None:
            return plain(bookmark.prompt())
        parts: list[Content | tuple[str, str] | str] = [(f"【{TYPE_LABELS.get(question.type, question.type)}】", "bold"), Content(show(question.prompt))]
        options = options_line(question)
        if options:
            parts += ["\n", Content(show(options)).stylize("$text-muted")]
        parts += ["\n", ("答案：", "bold $text-success"), Content(show(answer_text(question)))]
        if bookmark.note is not None:
            parts += ["\n", ("我的笔记：", "bold $text-accent"), Content(show(bookmark.note.text.strip()))]
        parts += explanation_and_source(question, self.services.bank)
        return Content.assemble(*parts)

    def action_view(self) -> None:
        """Show the highlighted question on the whole screen (esc goes back to the list)."""
        if self.current() is None:
            return
        self.add_class("-full")
        self.query_one("#bookmarks-detail", VerticalScroll).focus()
        self.refresh_bindings()

    def action_back(self) -> None:
        """Leave the whole-screen view, or go home."""
        if self.has_class("-full"):
            self.remove_class("-full")
            self.query_one(BookmarksTable).focus()
            self.refresh_bindings()
        else:
            self.app.call_later(self.app.run_action, "app.home")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need a bookmark show only when there is one; undo only when there is something to put back."""
        if action == "undo":
            return self._undo is not None
        if action in ("practise", "remove"):
            return bool(self.bookmarks)
        return True

    # -- practice and changes --------------------------------------------------------------

    def action_practise(self) -> None:
        """练这些: practise the bookmarked questions once each, in the order they were bookmarked."""
        queue = [bookmark.question_id for bookmark in self.bookmarks if bookmark.question is not None]
        if not queue:
            self.notify("收藏的题都已不在题库里，没有可练的题。", timeout=4, markup=False)
            return
        self.post_message(StartPractice(title="收藏", queue=queue))

    def action_remove(self) -> None:
        """Take the highlighted question off the bookmarks (u puts it back)."""
        bookmark = self.current()
        if bookmark is None:
            return
        store = self.services.store

        def done(removed: bool) -> None:
            self._undo = (bookmark.question_id, bookmark.added_at) if removed else None
            self.reload()
            self.notify(f"已取消收藏：{one_line(bookmark.prompt())[:20]}（按 u 撤销）", timeout=4, markup=False)

        self.changes.run(lambda: store.remove_bookmark(bookmark.question_id), done, "取消收藏")

    def action_undo(self) -> None:
        """Bookmark again the question just taken off, with its first bookmark time."""
        if self._undo is None:
            return
        question_id, added_at = self._undo
        store = self.services.store

        def done(_added: bool) -> None:
            self._undo = None
            self.reload()
            self.notify("已重新收藏", timeout=3, markup=False)

        self.changes.run(lambda: store.add_bookmark(question_id, added_at), done, "重新收藏")


def cell(text: str) -> Text:
    """A table cell: one line of literal text, cut with an ellipsis."""
    return Text(one_line(text), no_wrap=True, overflow="ellipsis")
