"""Command palette (ctrl+p) entries: every destination of the app, practice by chapter, and each mock paper.

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
from revise.tui.messages import ExamRequest, OpenExam, StartPractice

if TYPE_CHECKING:
    from revise.tui.services import Services

CHAPTER_PREFIX = "章节练习："
PAPER_PREFIX = "模拟考试："


class ReviseCommands(Provider):
    """Opens any destination, starts practice on one chapter, or starts a mock paper."""

    def _practise_chapter(self, chapter: str) -> None:
        from revise.sessions.engine import Filters

        self.app.post_message(StartPractice(filters=Filters(chapters=[chapter]), title=f"{CHAPTER_PREFIX}{chapter}", everything_when_idle=True))

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
        for paper in bank.papers.values():
            yield (
                f"{PAPER_PREFIX}{paper.title}",
                f"{paper.minutes}分钟 · {paper.question_count}题 · 满分{points_text(paper.total_points)}分",
                partial(self._sit_paper, paper.id),
            )

    async def discover(self) -> Hits:
        """The destinations, listed when the palette opens."""
        for text, help_text, callback in self._commands():
            if not text.startswith((CHAPTER_PREFIX, PAPER_PREFIX)):
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
