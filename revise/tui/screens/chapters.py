"""章节练习: pick a chapter or a concept (optionally one question type) and practise only that.

Enter practises what is due and new there (everything in order when nothing
is waiting); 练这些 (a) goes through all of its questions in order now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Label, Select, Tree

from revise.bank.model import TYPE_LABELS
from revise.tui.display import percent
from revise.tui.messages import StartPractice, StartQueue
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.progress.mastery import GroupMastery
    from revise.sessions.engine import Filters
    from revise.tui.services import Services

ALL_TYPES = "all"


@dataclass(frozen=True)
class Scope:
    """What a tree node stands for: a chapter (by title) or a concept (by id)."""

    kind: str  # "chapter" or "concept"
    key: str
    name: str


def counts_text(group: GroupMastery | None) -> str:
    """' 到期 2 · 新 10 · 45%' for a node label."""
    if group is None or not group.questions:
        return " （无题）"
    return f"  到期 {group.due_today} · 新 {group.new} · {percent(group.mastery)}"


class ChapterPickScreen(Screen[None]):
    """A tree of chapters and their concepts; Enter practises the one under the cursor."""

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="chapters.back", tooltip="Back to the home screen"),
        Binding("y", "focus_types", "题型", id="chapters.types", tooltip="Choose a question type"),
        Binding("a", "practise_all", "练这些", id="chapters.all", tooltip="Practise every question of the chapter or concept under the cursor, in order"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="type-row"):
            yield Label("题型：", classes="field-label")
            yield Select(
                [(label, qtype) for qtype, label in TYPE_LABELS.items()],
                prompt="全部题型",
                allow_blank=True,
                id="types",
            )
        yield Label("↑↓ 选择，空格展开/收起，Enter 练到期和新题，a 全部按顺序练", classes="hint")
        tree: Tree[Scope] = Tree("题库", id="chapter-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the tree and put the cursor on its first chapter."""
        self.sub_title = "章节练习"
        self.refresh_text()
        tree = self.query_one(Tree)
        tree.focus()
        tree.cursor_line = 0

    def refresh_text(self) -> None:
        """(Re)build the tree with counts from the store."""
        from revise.progress.mastery import compute_mastery

        app = self.services
        now = app.clock()
        report = compute_mastery(app.bank, app.store, now=now, tz=app.zone(now))
        chapters = {group.key: group for group in report.chapters}
        tree: Tree[Scope] = self.query_one(Tree)
        tree.clear()
        seen: set[str] = set()
        for chapter in app.bank.chapters:
            if chapter.title in seen:
                continue
            seen.add(chapter.title)
            label = Text(chapter.title, style="bold")
            label.append(counts_text(chapters.get(chapter.title)), style="dim")
            node = tree.root.add(label, data=Scope("chapter", chapter.title, chapter.title))
            for concept in chapter.concepts:
                concept_label = Text(concept.name)
                concept_label.append(counts_text(report.concepts.get(concept.id)), style="dim")
                node.add_leaf(concept_label, data=Scope("concept", concept.id, concept.name))
        tree.root.expand()

    def action_focus_types(self) -> None:
        """Move to the question-type picker."""
        self.query_one("#types", Select).focus()

    def _scope(self, scope: Scope) -> tuple[Filters, str]:
        """The filters for a node and the type chosen, and the session's title."""
        from revise.sessions.engine import Filters

        qtype = self.query_one("#types", Select).value
        types = [qtype] if isinstance(qtype, str) else []
        if scope.kind == "chapter":
            filters = Filters(chapters=[scope.key], types=types)
        else:
            filters = Filters(concepts=[scope.key], types=types)
        suffix = f"（{TYPE_LABELS[types[0]]}）" if types else ""
        return filters, f"{scope.name}{suffix}"

    @on(Tree.NodeSelected, "#chapter-tree")
    def _selected(self, event: Tree.NodeSelected[Scope]) -> None:
        event.stop()
        scope = event.node.data
        if scope is None:
            return
        filters, name = self._scope(scope)
        self.post_message(StartPractice(filters=filters, title=f"章节练习：{name}", everything_when_idle=True))

    def action_practise_all(self) -> None:
        """练这些: every question of the chapter or concept under the cursor (and the type chosen), in bank order."""
        from revise.bank.drills import practice_questions

        node = self.query_one(Tree).cursor_node
        scope = node.data if node is not None else None
        if scope is None:
            return
        filters, name = self._scope(scope)
        queue = [qid for qid, question in practice_questions(self.services.bank, include_drills=True).items() if filters.matches(question)]
        if not queue:
            self.notify("这里没有这种题型的题。换一个题型或章节试试。", title=name, timeout=5, markup=False)
            return
        self.post_message(StartQueue(title=f"练这些：{name}", queue=queue))
