"""背题模式: browse chapters, concepts and questions with their answers; search in either script. No scheduling."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from revise.bank.model import Chapter, Concept, Question, letter
from revise.tui.display import answer_text, plain
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.tui.services import Services

# Tree labels of questions are cut to this many characters.
QUESTION_LABEL_CHARS = 24


@dataclass(frozen=True)
class Item:
    """What a node of the study tree shows: a chapter, a concept or a question."""

    kind: str  # "chapter", "concept" or "question"
    key: str


class SearchIndex:
    """Normalised text of every question and concept, for searching in Simplified or Traditional script.

    Normalisation (revise.grading.textnorm: NFKC, Traditional→Simplified, case folding)
    is applied alike to the bank text and the query.
    """

    def __init__(self, bank: Bank) -> None:
        from revise.grading.textnorm import normalize

        self._normalize = normalize
        self.questions = {qid: normalize(question_search_text(question)) for qid, question in bank.questions.items()}
        self.concepts = {cid: normalize(concept_search_text(concept)) for cid, concept in bank.concepts.items()}

    def query(self, text: str) -> tuple[set[str], set[str]]:
        """Ids of the questions and the concepts whose text contains every word of the query."""
        words = self._normalize(text).split()
        if not words:
            return set(self.questions), set(self.concepts)
        questions = {qid for qid, body in self.questions.items() if all(word in body for word in words)}
        concepts = {cid for cid, body in self.concepts.items() if all(word in body for word in words)}
        return questions, concepts


def question_search_text(question: Question) -> str:
    """Everything of a question a student might search for: prompt, options, answer, explanation, tags."""
    options = getattr(question, "options", ())
    return "\n".join([question.id, question.prompt, *options, answer_text(question), question.explanation or "", *question.tags])


def concept_search_text(concept: Concept) -> str:
    """A concept's name, summary and members (with their other forms and notes)."""
    members = [" ".join([*member.forms, member.note or ""]) for member in concept.members]
    return "\n".join([concept.id, concept.name, concept.summary or "", *members])


def shorten(text: str, limit: int = QUESTION_LABEL_CHARS) -> str:
    """The first line of `text`, cut to `limit` characters with an ellipsis."""
    first = " ".join(text.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"


class StudyScreen(Screen[None]):
    """A tree (chapters → concepts → questions) beside the selected item with answers shown."""

    BINDINGS = [
        Binding("slash", "focus_search", "搜索", id="study.search", tooltip="Search questions and concepts"),
        Binding("escape", "back", "返回", id="study.back", tooltip="Clear the search, or go back home"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._query = ""

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="study-body"):
            with Vertical(id="study-nav"):
                yield Input(placeholder="搜索（简体或繁体）/", id="search")
                tree: Tree[Item] = Tree("题库", id="study-tree")
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
        # Normalising the whole bank for search takes ~0.1 s: do it while the student reads.
        self.run_worker(self.index, thread=True, exclusive=True, group="search-index")

    def refresh_text(self) -> None:
        """Redraw in the current display script."""
        self.rebuild_tree()

    # -- the tree -----------------------------------------------------------------------------

    def rebuild_tree(self) -> None:
        """Fill the tree with the whole bank, or with what matches the search."""
        app = self.services
        tree: Tree[Item] = self.query_one("#study-tree", Tree)
        tree.clear()
        searching = bool(self._query.strip())
        question_hits: set[str] | None = None
        concept_hits: set[str] | None = None
        if searching:
            question_hits, concept_hits = self.index().query(self._query)
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
                    chapter_node = tree.root.add(Text(chapter.title, style="bold"), data=Item("chapter", chapter.title), expand=searching)
                if concept is not None:
                    parent = chapter_node.add(Text(concept.name), data=Item("concept", concept.id), expand=searching)
                else:
                    parent = chapter_node.add(Text("其他题目", style="italic"), data=Item("loose", chapter.title), expand=searching)
                for question in questions:
                    parent.add_leaf(Text(f"{question.type_label[:2]} {shorten(question.prompt)}"), data=Item("question", question.id))
                    shown += 1
        tree.root.expand()
        if searching:
            self.show_detail_widgets(
                [Label(f"找到 {shown} 道题", markup=False, classes="hint")] if shown else [Label("没有找到。换个词试试（简体、繁体都可以）。", classes="hint")]
            )
        else:
            self.show_detail_widgets([Label("在左边选择章节、知识点或题目；按 / 搜索。", classes="hint")])

    def index(self) -> SearchIndex:
        """The search index (built once, in the background when the screen opens or on the first search)."""
        with self._index_lock:
            if self._index is None:
                self._index = SearchIndex(self.services.bank)
            return self._index

    # -- details --------------------------------------------------------------------------

    def show_detail_widgets(self, widgets: list[Widget]) -> None:
        """Replace the right-hand pane."""
        detail = self.query_one("#study-detail", VerticalScroll)
        detail.remove_children()
        detail.mount_all(widgets)
        detail.scroll_home(animate=False)

    @on(Tree.NodeHighlighted, "#study-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        event.stop()
        item = event.node.data
        if item is not None:
            self.show_detail_widgets(list(self.detail_for(item)))

    def detail_for(self, item: Item) -> list[Widget]:
        """The widgets that show a chapter, a concept or a question."""
        bank = self.services.bank
        if item.kind == "question" and item.key in bank.questions:
            return question_widgets(bank.questions[item.key], bank)
        if item.kind == "concept" and item.key in bank.concepts:
            concept = bank.concepts[item.key]
            shown = concept_widgets(concept, bank)
            for question in bank.questions_of_concept(concept.id):
                shown += question_widgets(question, bank)
            return shown
        if item.kind == "chapter":
            return chapter_widgets(item.key, bank)
        if item.kind == "loose":
            widgets: list[Widget] = [heading(f"{item.key} · 其他题目")]
            for chapter in bank.chapters:
                if chapter.title == item.key:
                    for group_concept, questions in chapter_groups(bank, chapter):
                        if group_concept is None:
                            widgets += [widget for question in questions for widget in question_widgets(question, bank)]
            return widgets
        return []

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


def heading(text: str) -> Label:
    """A section heading."""
    return Label(plain(text), classes="section-title", markup=False)


def para(text: str, classes: str = "") -> Static:
    """A paragraph of literal text."""
    return Static(plain(text), classes=f"para {classes}".strip(), markup=False)


def chapter_widgets(title: str, bank: Bank) -> list[Widget]:
    """A chapter's overview: its concepts and how many questions it has."""
    chapters = [chapter for chapter in bank.chapters if chapter.title == title]
    questions = sum(len(chapter.questions) for chapter in chapters)
    concepts = [concept for chapter in chapters for concept in chapter.concepts]
    widgets: list[Widget] = [heading(title), para(f"{questions} 道题，{len(concepts)} 个知识点", "muted")]
    for concept in concepts:
        widgets.append(para(f"• {concept.name}" + (f"：{concept.summary}" if concept.summary else "")))
    return widgets


def concept_widgets(concept: Concept, bank: Bank) -> list[Widget]:
    """A concept with all its members (other accepted forms, English, notes) and what it is confused with."""
    widgets: list[Widget] = [heading(concept.name)]
    if concept.summary:
        widgets.append(para(concept.summary))
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
            widgets.append(para(line, "member"))
    confusable = [bank.concepts[cid].name for cid in concept.confusable if cid in bank.concepts]
    if confusable:
        widgets.append(para(f"易混：{'、'.join(confusable)}", "muted"))
    source = bank.citation(concept)
    if source:
        widgets.append(para(f"出处：{source}", "muted"))
    return widgets


def question_widgets(question: Question, bank: Bank) -> list[Widget]:
    """A question with its options, answer, explanation and source, all shown."""
    widgets: list[Widget] = [para(f"【{question.type_label}】{question.prompt}", "study-prompt")]
    options = getattr(question, "options", ())
    if options:
        widgets.append(para("\n".join(f"{letter(index)}. {option}" for index, option in enumerate(options)), "options"))
    widgets.append(para(f"答案：{answer_text(question)}", "study-answer"))
    if question.explanation:
        widgets.append(para(f"解析：{question.explanation}"))
    source = bank.citation(question)
    if source:
        widgets.append(para(f"出处：{source}", "muted"))
    return widgets
