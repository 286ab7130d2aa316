"""章节练习: pick a chapter or a concept (optionally one question type) and practise only that."""

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
from revise.tui.messages import StartPractice
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.progress.mastery import GroupMastery
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
        yield Label("↑↓ 选择，空格展开/收起，Enter 开始练习", classes="hint")
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

    @on(Tree.NodeSelected, "#chapter-tree")
    def _selected(self, event: Tree.NodeSelected[Scope]) -> None:
        event.stop()
        scope = event.node.data
        if scope is None:
            return
        from revise.sessions.engine import Filters

        qtype = self.query_one("#types", Select).value
        types = [qtype] if isinstance(qtype, str) else []
        if scope.kind == "chapter":
            filters = Filters(chapters=[scope.key], types=types)
        else:
            filters = Filters(concepts=[scope.key], types=types)
        title = f"章节练习：{scope.name}"
        if types:
            title += f"（{TYPE_LABELS[types[0]]}）"
        self.post_message(StartPractice(filters=filters, title=title, everything_when_idle=True))
