"""Command palette (ctrl+p) entries: every screen of the app, practice by chapter, and each mock paper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

if TYPE_CHECKING:
    from revise.tui.app import ReviseApp

# (name shown, extra words matched, help, app action)
SCREEN_COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("首页", "home", "回到首页：今日待复习、新题、错题本与各章掌握度", "home"),
    ("开始练习", "practice", "先复习到期的题，再学新题", "practice"),
    ("错题本", "notebook wrong", "把错题本里的题过一遍", "notebook"),
    ("章节练习", "chapter concept", "选择章节或知识点来练习", "chapters"),
    ("背题模式", "study browse search", "浏览并搜索题库，答案与解析直接显示", "study"),
    ("模拟考试", "exam mock paper", "限时做一份试卷：未交的先继续，交卷后看成绩", "exam"),
    ("统计", "statistics stats", "掌握度、每日复习量、各题型正确率、最常错的题、连续天数", "statistics"),
    ("设置", "settings options", "简体/繁体、每日新题上限、目标记忆率、答对后跳过反馈", "settings"),
)


class ReviseCommands(Provider):
    """Opens any screen, starts practice on one chapter, or starts a mock paper."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(text to match, help, callback) for every command."""
        app: ReviseApp = self.app  # type: ignore[assignment]
        for name, words, help_text, action in SCREEN_COMMANDS:
            yield f"{name} {words}", help_text, getattr(app, f"action_{action}")
        from revise.sessions.engine import Filters

        for chapter in dict.fromkeys(chapter.title for chapter in app.bank.chapters):
            yield (
                f"章节练习：{app.show(chapter)}",
                "只练这一章的题",
                partial(app.start_practice, filters=Filters(chapters=[chapter]), title=f"章节练习：{chapter}", everything_when_idle=True),
            )
        from revise.tui.app import ExamRequest

        for paper in app.bank.papers.values():
            yield (
                f"模拟考试：{app.show(paper.title)}",
                f"{paper.minutes}分钟 · {paper.question_count}题 · 满分{paper.total_points:g}分",
                partial(app.start_exam, ExamRequest(paper.id)),
            )

    async def discover(self) -> Hits:
        """The screens, listed when the palette opens."""
        for text, help_text, callback in self._commands():
            if not text.startswith(("章节练习：", "模拟考试：")):
                yield DiscoveryHit(Content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        """Screens and chapters matching the typed text."""
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
