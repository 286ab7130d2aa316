"""Bank text and student text are never parsed as markup: `[b]`, `[/x]` and `[link=…]` show literally, nothing crashes."""

from __future__ import annotations

from textual.widgets import DataTable, Tree
from tui_helpers import HOSTILE_BANK, SIZE, act, screen_text, type_text

from revise.tui.screens.practice import FeedbackScreen, PracticeScreen, SummaryScreen
from revise.tui.screens.statistics import StatisticsScreen
from revise.tui.screens.study import StudyScreen

# What the student does for each question of the hostile bank (typed text contains markup too).
ANSWERS = {
    "markup-fill": ["[b]甲[/b]", "<enter>", "[/x]", "<enter>"],
    "markup-choice": ["<a>", "<enter>"],
    "markup-multi": ["<a>", "<b>", "<enter>"],
    "markup-tf": ["<f>"],
    "markup-judge": ["<f>", "[link=https://evil.example]改[/link]", "<enter>"],
    "markup-short": ["[b]不知道[/b] [/x]", "<ctrl+s>"],
    "markup-essay": ["[link=https://evil.example]论[/link]", "<ctrl+s>"],
    "markup-numeric": ["[b]9[/b]", "<enter>"],
}


async def test_home_shows_markup_literally(make_app) -> None:
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[b]标记[/b]章节" in screen_text(app)


async def test_practice_and_feedback_show_markup_literally(make_app, store) -> None:
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=list(ANSWERS)), title="[b]标题[/b]"))
        await pilot.pause()
        for question_id, actions in ANSWERS.items():
            assert isinstance(app.screen, PracticeScreen)
            presented = app.screen.presented
            assert presented is not None and presented.question.id == question_id
            shown = screen_text(app)
            first_line = presented.prompt.split("____")[0]
            assert first_line in shown, (question_id, shown)
            for option in getattr(presented.question, "options", ()):
                assert option in shown
            await act(pilot, *actions)
            assert isinstance(app.screen, FeedbackScreen), question_id
            feedback = screen_text(app)
            assert presented.question.explanation in feedback
            typed = "".join(action for action in actions if not action.startswith("<"))
            if typed:
                assert typed[:8] in feedback
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = screen_text(app)
        assert "✗ [b]选择[/b] [/x] 哪个是链接？" in summary  # the wrong ones are listed literally
    assert {row.question_id for row in store.reviews()} == set(ANSWERS)
    assert store.history("markup-judge")[0].response == "错，[link=https://evil.example]改[/link]"


async def test_feedback_shows_source_and_keypoints_literally(make_app) -> None:
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["markup-short", "markup-numeric"]), title="t"))
        await pilot.pause()
        await act(pilot, "[b]要点一", "<ctrl+s>")
        shown = screen_text(app)
        assert "✓「b]要点一」（[b]要点一）" in shown and "✗[/x]要点二" in shown  # the matched span, then the point
        assert "《[b]源[/b]》" in shown  # the source's title from bank.yaml, literally
        assert "源[/b].txt" not in shown  # never the file name
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "[b]" in shown and "[/b] 加 1 等于多少？[/x]" in shown
        assert "[u]个[/u]" in shown


async def test_study_mode_shows_markup_literally(make_app) -> None:
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        tree = app.screen.query_one("#study-tree", Tree)
        labels = [node.label.plain for node in walk(tree.root)]
        assert "[b]标记[/b]章节 [link=https://example.com]链接[/link]" in labels
        assert "[red]概念[/red]" in labels
        # Open the concept: members with notes, and its questions with answers.
        concept_node = next(node for node in walk(tree.root) if node.label.plain == "[red]概念[/red]")
        concept_node.parent.expand()
        await pilot.pause()
        tree.move_cursor(concept_node)
        await pilot.pause()
        shown = screen_text(app)
        assert "[red]概念[/red]" in shown
        assert "1. [b]甲[/b]" in shown
        assert "[link=https://example.com/note]注释" in shown and "[/link]" in shown
        # Search with markup-looking text.
        await pilot.press("slash")
        await type_text(pilot, "[/x]")
        await pilot.pause()
        assert "找到" in screen_text(app)


async def test_statistics_and_chapters_show_markup_literally(make_app, store, clock) -> None:
    for question_id in ("markup-choice", "markup-tf"):
        store.record_answer(question_id=question_id, question_type="choice", response="[b]x", verdict="incorrect", score=0.0, at=clock())
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("#wrong-table", DataTable)
        assert table.row_count == 2
        prompts = {table.get_row_at(row)[2].plain for row in range(table.row_count)}
        assert "[b]选择[/b] [/x] 哪个是链接？" in prompts
        assert "[b]选择[/b] [/x] 哪个是链接？" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert "[red]概念[/red]" in screen_text(app)
        await pilot.press("escape", "c")
        await pilot.pause()
        labels = [node.label.plain for node in walk(app.screen.query_one(Tree).root)]
        assert any(label.startswith("[b]标记[/b]章节") for label in labels)


async def test_command_palette_shows_chapter_titles_literally(make_app) -> None:
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "标记")
        await pilot.pause(0.3)
        assert "[b]标记[/b]章节" in screen_text(app)


def walk(node):
    """Every node under `node`, depth first."""
    for child in node.children:
        yield child
        yield from walk(child)
