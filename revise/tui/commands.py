"""Command palette (ctrl+p) entries: every destination of the app, practice by chapter, 顺序练习 by chapter, and each mock paper.

The destinations come from the same table as the home menu
(:mod:`revise.tui.destinations`). Choosing an entry runs an app action or posts
a message to the app, so this module never imports the app or a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from revise.tui.destinations import DESTINATIONS
from revise.tui.display import points_text
from revise.tui.messages import ExamRequest, OpenExam, StartPractice, StartQueue

if TYPE_CHECKING:
    from revise.tui.services import Services

CHAPTER_PREFIX = "章节练习："
SEQUENTIAL_PREFIX = "顺序练习："
PAPER_PREFIX = "模拟考试："


class ReviseCommands(Provider):
    """Opens any destination, starts practice on one chapter, or starts a mock paper."""

    def _practise_chapter(self, chapter: str) -> None:
        from revise.sessions.engine import Filters

        self.app.post_message(StartPractice(filters=Filters(chapters=[chapter]), title=f"{CHAPTER_PREFIX}{chapter}", everything_when_idle=True))

    def _resume_chapter(self, services: Services, chapter: str) -> None:
        from revise.sessions.modes import sequential_plan, sequential_positions

        plan = sequential_plan(services.bank, chapter, sequential_positions(services.store))
        if not plan.order:
            self.app.notify("这一章没有题。", title=f"{SEQUENTIAL_PREFIX}{chapter}", timeout=4, markup=False)
            return
        self.app.post_message(StartQueue(title=f"{SEQUENTIAL_PREFIX}{chapter}", queue=plan.order, start=plan.start, resume_key=chapter, notice=plan.notice))

    def _sit_paper(self, paper_id: str) -> None:
        self.app.post_message(OpenExam(ExamRequest(paper_id)))

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(text to match, help, callback) for every command."""
        for destination in DESTINATIONS:
            yield f"{destination.label} {destination.words}", destination.description, partial(self._run, destination.action)
        # The palette is built by Textual, not by us: the one place the services are read off the app.
        services: Services | None = getattr(self.app, "services", None)
        if services is None:
            return
        bank = services.bank
        for chapter in dict.fromkeys(chapter.title for chapter in bank.chapters):
            yield f"{CHAPTER_PREFIX}{chapter}", "只练这一章的题", partial(self._practise_chapter, chapter)
            yield f"{SEQUENTIAL_PREFIX}{chapter}", "按顺序做这一章，从上次停下的地方接着做", partial(self._resume_chapter, services, chapter)
        for paper in bank.papers.values():
            yield (
                f"{PAPER_PREFIX}{paper.title}",
                f"{paper.minutes}分钟 · {paper.question_count}题 · 满分{points_text(paper.total_points)}分",
                partial(self._sit_paper, paper.id),
            )

    async def discover(self) -> Hits:
        """The destinations, listed when the palette opens."""
        for text, help_text, callback in self._commands():
            if not text.startswith((CHAPTER_PREFIX, SEQUENTIAL_PREFIX, PAPER_PREFIX)):
                yield DiscoveryHit(Content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        """Destinations, chapters and papers matching the typed text."""
        matcher = self.matcher(query)
        for text, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, literal_highlight(matcher, text), callback, text=text, help=help_text)


def literal_highlight(matcher: Matcher, text: str) -> Content:
    """`text` with the fuzzy-matched characters styled; unlike ``Matcher.highlight`` it never parses markup."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
