"""背题模式: browse chapters, concepts and questions with their answers; search in either script. No scheduling.

背题 and 答题 on the same questions: answers can be hidden until Space shows
them (``h``, remembered in the settings), and ``p`` (练这些) practises exactly
the questions shown, a search result or the chapter or concept under the
cursor. Questions can be bookmarked (``b``) and noted (``n``) here as on the
feedback of practice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from revise.bank.model import Chapter, Concept, Question, letter
from revise.tui.background import in_background
from revise.tui.display import answer_text, plain, rich_plain
from revise.tui.messages import StartPractice
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.personal import BOOKMARK_MARK, NoteDialog, marks_content, save_note, store_refused, toggle_bookmark
from revise.tui.widgets.prose import Prose
from revise.tui.widgets.search import HIGHLIGHT, SearchIndex, find_matches, fold, highlighted, query_words
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.tui.services import Services

# Tree labels of questions are cut to this many characters.
QUESTION_LABEL_CHARS = 24
HIDE_SETTING = "study_hide_answers"
HIDDEN_TEXT = "答案已遮住：按空格显示（h 不再遮住）"


@dataclass(frozen=True)
class Item:
    """What a node of the study tree shows: a chapter, a concept or a question."""

    kind: str  # "chapter", "concept", "loose" (a chapter's questions without a concept) or "question"
    key: str


def shorten(text: str, limit: int = QUESTION_LABEL_CHARS) -> str:
    """The first line of `text`, cut to `limit` characters with an ellipsis."""
    first = " ".join(text.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"


class StudyTree(Tree[Item]):
    """The study tree. With answers hidden, Space shows them (Enter still opens and closes a node)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "看答案", key_display="␣", id="study.reveal", tooltip="Show the hidden answers"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space only while answers are hidden."""
        if action == "reveal":
            screen = self.screen
            return isinstance(screen, StudyScreen) and screen.hide_answers and not screen.revealed
        return True

    def action_reveal(self) -> None:
        """Show the answers in the pane beside the tree."""
        screen = self.screen
        if isinstance(screen, StudyScreen):
            screen.reveal()


class StudyScreen(Screen[None]):
    """A tree (chapters → concepts → questions) beside the selected item with answers shown (or hidden until Space)."""

    BINDINGS = [
        Binding("slash", "focus_search", "搜索", id="study.search", tooltip="Search questions and concepts"),
        Binding("escape", "back", "返回", id="study.back", tooltip="Clear the search, or go back home"),
        # One key, two bindings: the footer says what h does now.
        Binding("h", "set_hidden(True)", "遮答案", id="study.hide", tooltip="Hide answers until Space shows them"),
        Binding("h", "set_hidden(False)", "显示答案", id="study.show", tooltip="Show answers again"),
        Binding("p", "practise_these", "练这些", id="study.practise", tooltip="Practise exactly these questions: the search result, or the chapter or concept"),
        Binding("b", "bookmark", "收藏", id="study.bookmark", tooltip="Bookmark this question (or take the bookmark off)"),
        Binding("n", "note", "笔记", id="study.note", tooltip="Write or edit your note on this question"),
        Binding("question_mark,f2", "app.help", "帮助", id="study.help", tooltip="Every key of this screen"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._query = ""
        self.hide_answers = bool(services.store.get_setting(HIDE_SETTING))
        self.revealed = False  # the answers of the item shown were revealed with Space
        self.item: Item | None = None

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="study-body"):
            with Vertical(id="study-nav"):
                yield Input(placeholder="搜索（简体或繁体）/", id="search")
                tree = StudyTree("题库", id="study-tree")
                tree.show_root = False
                yield tree
            yield VerticalScroll(id="study-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the tree and put the cursor on its first line."""
        self.sub_title = "背题模式"
        self.rebuild_tree()
        tree = self.query_one(Tree)
        tree.focus()
        tree.cursor_line = 0
        # Folding the whole bank for search takes a moment: do it while the student reads.
        self.run_worker(self.index, thread=True, exclusive=True, group="search-index")

    def refresh_text(self) -> None:
        """Redraw in the current display script."""
        self.rebuild_tree()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """h says what it does now; 收藏 and 笔记 act on one question: dimmed elsewhere."""
        if action == "set_hidden":
            return parameters[0] != self.hide_answers
        if action in ("bookmark", "note"):
            return None if self.item is None or self.item.kind != "question" else True
        return True

    # -- the tree -----------------------------------------------------------------------------

    def rebuild_tree(self) -> None:
        """Fill the tree with the whole bank, or with what matches the search (matches highlighted)."""
        app = self.services
        tree: Tree[Item] = self.query_one("#study-tree", Tree)
        tree.clear()
        searching = bool(self._query.strip())
        words = query_words(self._query)
        question_hits: set[str] | None = None
        concept_hits: set[str] | None = None
        if searching:
            question_hits, concept_hits = self.index().query(self._query)
        bookmarked = set(app.store.bookmark_ids())
        shown = 0
        seen_chapters: set[str] = set()
        for chapter in app.bank.chapters:
            if chapter.title in seen_chapters:
                continue
            seen_chapters.add(chapter.title)
            chapter_node: TreeNode[Item] | None = None
            for concept, questions in chapter_groups(app.bank, chapter):
                if searching:
                    assert question_hits is not None and concept_hits is not None
                    concept_match = concept is not None and concept.id in concept_hits
                    matching = [q for q in questions if q.id in question_hits]
                    if not concept_match and not matching:
                        continue
                    questions = questions if concept_match else matching
                if chapter_node is None:
                    chapter_node = tree.root.add(label_text(chapter.title, words, "bold"), data=Item("chapter", chapter.title), expand=searching)
                if concept is not None:
                    parent = chapter_node.add(label_text(concept.name, words), data=Item("concept", concept.id), expand=searching)
                else:
                    parent = chapter_node.add(Text("其他题目", style="italic"), data=Item("loose", chapter.title), expand=searching)
                for question in questions:
                    parent.add_leaf(question_label(question, question.id in bookmarked, words), data=Item("question", question.id))
                    shown += 1
        tree.root.expand()
        if searching:
            found = f"找到 {shown} 道题；按 p 练这些" if shown else "没有找到。换个词试试（简体、繁体都可以）。"
            self.show_detail_widgets([Label(found, markup=False, classes="hint")])
        else:
            self.show_detail_widgets([Label("在左边选择章节、知识点或题目；按 / 搜索。", classes="hint")])
        self.item = None

    def index(self) -> SearchIndex:
        """The search index (built once, in the background when the screen opens or on the first search)."""
        with self._index_lock:
            if self._index is None:
                self._index = SearchIndex(self.services.bank)
            return self._index

    def shown_question_ids(self) -> list[str]:
        """The questions in the tree, in its order (a search result, or the whole bank)."""
        tree: Tree[Item] = self.query_one("#study-tree", Tree)
        ids: list[str] = []
        stack = list(reversed(tree.root.children))
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.kind == "question":
                ids.append(node.data.key)
            stack.extend(reversed(node.children))
        return list(dict.fromkeys(ids))

    # -- details --------------------------------------------------------------------------

    def show_detail_widgets(self, widgets: list[Widget]) -> None:
        """Replace the right-hand pane."""
        detail = self.query_one("#study-detail", VerticalScroll)
        detail.remove_children()
        detail.mount_all(widgets)
        detail.scroll_home(animate=False)

    def show_item(self) -> None:
        """Show the item under the cursor again (after a reveal, a bookmark or a note)."""
        if self.item is not None:
            self.show_detail_widgets(self.detail_for(self.item))
        self.refresh_bindings()

    @on(Tree.NodeHighlighted, "#study-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        event.stop()
        item = event.node.data
        if item is not None:
            self.item = item
            self.revealed = False  # every question starts hidden again when answers are hidden
            self.show_item()

    def detail_for(self, item: Item) -> list[Widget]:
        """The widgets that show a chapter, a concept or a question."""
        bank = self.services.bank
        shown = QuestionShown(self.services, words=query_words(self._query), hidden=self.hide_answers and not self.revealed)
        if item.kind == "question" and item.key in bank.questions:
            return shown.widgets(bank.questions[item.key])
        if item.kind == "concept" and item.key in bank.concepts:
            concept = bank.concepts[item.key]
            widgets = concept_widgets(concept, bank, shown.words)
            for question in bank.questions_of_concept(concept.id):
                widgets += shown.widgets(question)
            return widgets
        if item.kind == "chapter":
            return chapter_widgets(item.key, bank, shown.words)
        if item.kind == "loose":
            widgets = [heading(f"{item.key} · 其他题目")]
            for question in self.questions_of(item):
                widgets += shown.widgets(question)
            return widgets
        return []

    def questions_of(self, item: Item) -> list[Question]:
        """The questions a chapter, concept, loose group or question stands for, in bank order."""
        bank = self.services.bank
        if item.kind == "question":
            return [bank.questions[item.key]] if item.key in bank.questions else []
        if item.kind == "concept":
            return list(bank.questions_of_concept(item.key))
        groups = [group for chapter in bank.chapters if chapter.title == item.key for group in chapter_groups(bank, chapter)]
        return [question for concept, questions in groups if item.kind == "chapter" or concept is None for question in questions]

    # -- 背题 and 答题 -------------------------------------------------------------------------

    def reveal(self) -> None:
        """Show the hidden answers of the item shown (Space)."""
        self.revealed = True
        self.show_item()

    def action_set_hidden(self, hide: bool) -> None:
        """Hide answers until Space shows them, or show them again; remembered for next time."""
        self.hide_answers = hide
        self.revealed = False
        self.show_item()
        self.notify("已遮住答案：按空格看答案" if self.hide_answers else "答案直接显示", timeout=2)
        store, hide = self.services.store, self.hide_answers
        in_background(self, lambda: store.set_setting(HIDE_SETTING, hide), done=lambda _: None, failed=lambda error: store_refused(self, error, "设置未保存"))

    def action_practise_these(self) -> None:
        """练这些: practise exactly the questions of the search result, or of the chapter or concept under the cursor."""
        if self._query.strip():
            ids = self.shown_question_ids()
        else:
            ids = [question.id for question in self.questions_of(self.item)] if self.item is not None else []
        if not ids:
            self.notify("这里没有题目可练。先选一个章节、知识点，或搜索。", timeout=3)
            return
        self.post_message(StartPractice(title=f"练这些（{len(ids)} 题）", queue=ids))

    def action_bookmark(self) -> None:
        """收藏: bookmark the question under the cursor, or take the bookmark off."""
        item = self.item
        if item is None or item.kind != "question":
            return
        store = self.services.store

        def done(now: bool) -> None:
            node = self.query_one("#study-tree", Tree).cursor_node
            if node is not None and node.data == item:
                node.set_label(question_label(self.services.bank.questions[item.key], now, query_words(self._query)))
            self.show_item()

        toggle_bookmark(self, self.services, item.key, store.is_bookmarked(item.key), done)

    def action_note(self) -> None:
        """笔记: write or edit the note on the question under the cursor."""
        item = self.item
        if item is None or item.kind != "question" or item.key not in self.services.bank.questions:
            return
        note = self.services.store.get_note(item.key)

        def closed(text: str | None) -> None:
            if text is not None and text != (note.text if note else ""):
                save_note(self, self.services, item.key, text, lambda _: self.show_item())

        self.app.push_screen(NoteDialog(self.services.bank.questions[item.key].prompt, note.text if note else None), closed)

    # -- search ---------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        self._query = event.value
        self.rebuild_tree()

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(Tree).focus()

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        """Clear the search first; with no search, go home."""
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            self.query_one(Tree).focus()
        else:
            self.app.call_later(self.app.run_action, "app.home")


class QuestionShown:
    """How questions are drawn in the pane: matches of the search highlighted, answers hidden or not, ★ and notes."""

    def __init__(self, services: Services, *, words: list[str], hidden: bool) -> None:
        self.bank = services.bank
        self.words = words
        self.hidden = hidden
        self.bookmarked = set(services.store.bookmark_ids())
        self.notes = {note.question_id: note.text for note in services.store.notes()}

    def widgets(self, question: Question) -> list[Widget]:
        """A question with its options, and its answer, explanation and source (or a line saying they are hidden)."""
        words = self.words
        widgets: list[Widget] = [para(f"【{question.type_label}】{question.prompt}", "study-prompt", words)]
        marks = marks_content(question.id in self.bookmarked, self.notes.get(question.id))
        if marks.plain:
            widgets.append(Static(Prose(marks), classes="study-marks"))
        options = getattr(question, "options", ())
        if options:
            widgets.append(para("\n".join(f"{letter(index)}. {option}" for index, option in enumerate(options)), "options", words))
        if self.hidden:
            widgets.append(para(HIDDEN_TEXT, "muted hidden-answer"))
            return widgets
        widgets.append(para(f"答案：{answer_text(question)}", "study-answer", words))
        if question.explanation:
            widgets.append(para(f"解析：{question.explanation}", "", words))
        source = self.bank.citation(question)
        if source:
            widgets.append(para(f"出处：{source}", "muted"))
        return widgets


def label_text(text: str, words: list[str], style: str = "") -> Text:
    """A tree label as literal text, with the matches of the search highlighted."""
    label = rich_plain(text, style)
    folded = fold(label.plain)
    for word in words:
        for start, end in find_matches(label.plain, folded, word):
            label.stylize(HIGHLIGHT, start, end)
    return label


def question_label(question: Question, bookmarked: bool, words: list[str]) -> Text:
    """'★单项 下列哪一项…' for the tree: ★ when bookmarked, the type, the prompt cut short (matches highlighted)."""
    label = label_text(f"{question.type_label[:2]} {shorten(question.prompt)}", words)
    return Text.assemble((BOOKMARK_MARK, "bold yellow"), label) if bookmarked else label


def chapter_groups(bank: Bank, chapter: Chapter) -> list[tuple[Concept | None, list[Question]]]:
    """The chapter's concepts each with their questions, then its questions without a concept (concept None)."""
    groups: list[tuple[Concept | None, list[Question]]] = []
    owned = [q for q in chapter.questions if bank.questions.get(q.id) is q]
    for concept in chapter.concepts:
        groups.append((concept, [q for q in owned if q.concept == concept.id]))
    known = {concept.id for concept in chapter.concepts}
    loose = [q for q in owned if q.concept not in known]
    if loose:
        groups.append((None, loose))
    return groups


def heading(text: str, words: list[str] | None = None) -> Widget:
    """A section heading."""
    return Label(highlighted(text, words or ()), classes="section-title")


def para(text: str, classes: str = "", words: list[str] | None = None) -> Static:
    """A paragraph of literal text, wrapped as Chinese is set, with the matches of the search highlighted."""
    content: Content = highlighted(text, words) if words else plain(text)
    return Static(Prose(content), classes=f"para {classes}".strip())


def chapter_widgets(title: str, bank: Bank, words: list[str] | None = None) -> list[Widget]:
    """A chapter's overview: its concepts and how many questions it has."""
    chapters = [chapter for chapter in bank.chapters if chapter.title == title]
    questions = sum(len(chapter.questions) for chapter in chapters)
    concepts = [concept for chapter in chapters for concept in chapter.concepts]
    widgets: list[Widget] = [heading(title, words), para(f"{questions} 道题，{len(concepts)} 个知识点；按 p 练这些", "muted")]
    for concept in concepts:
        widgets.append(para(f"• {concept.name}" + (f"：{concept.summary}" if concept.summary else ""), "", words))
    return widgets


def concept_widgets(concept: Concept, bank: Bank, words: list[str] | None = None) -> list[Widget]:
    """A concept with all its members (other accepted forms, English, notes) and what it is confused with."""
    widgets: list[Widget] = [heading(concept.name, words)]
    if concept.summary:
        widgets.append(para(concept.summary, "", words))
    if concept.members:
        order = "（有顺序）" if concept.ordered else ""
        widgets.append(Label(f"成员 {len(concept.members)} 项{order}", markup=False, classes="field-label"))
        for number, member in enumerate(concept.members, 1):
            line = f"{number}. {member.term}"
            if member.accept:
                line += f"（也作：{'、'.join(member.accept)}）"
            if member.en:
                line += f"  {member.en}"
            if member.note:
                line += f"\n   {member.note}"
            widgets.append(para(line, "member", words))
    confusable = [bank.concepts[cid].name for cid in concept.confusable if cid in bank.concepts]
    if confusable:
        widgets.append(para(f"易混：{'、'.join(confusable)}", "muted"))
    source = bank.citation(concept)
    if source:
        widgets.append(para(f"出处：{source}", "muted"))
    return widgets
