"""Pilot tests of the other screens: study search, settings, chapters, statistics, the command palette, notices."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input, RadioSet, Select, Switch, Tree
from tui_helpers import SIZE, screen_text, type_text

import revise.tui
from revise.tui.destinations import DESTINATIONS, HOME_DESTINATIONS
from revise.tui.screens.bookmarks import BookmarksScreen
from revise.tui.screens.chapters import ChapterPickScreen
from revise.tui.screens.home import HomeScreen
from revise.tui.screens.notebook import NotebookScreen
from revise.tui.screens.papers import PaperPickScreen
from revise.tui.screens.practice import FeedbackScreen, PracticeScreen
from revise.tui.screens.practice_modes import PracticeModesScreen
from revise.tui.screens.settings import SettingsScreen
from revise.tui.screens.statistics import StatisticsScreen
from revise.tui.screens.study import StudyScreen
from revise.tui.widgets.dialogs import NoticeDialog


def tui_classes() -> list[type]:
    """Every class defined in the revise.tui package that can carry bindings."""
    found = []
    for module_info in pkgutil.walk_packages(revise.tui.__path__, "revise.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, DOMNode):
                found.append(cls)
    return found


def test_every_binding_has_an_id_and_a_description() -> None:
    classes = tui_classes()
    assert {"ReviseApp", "HomeScreen", "PracticeScreen", "FeedbackScreen", "ChoiceList"} <= {cls.__name__ for cls in classes}
    checked = 0
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r} is not a Binding"
            assert binding.id, f"{cls.__name__}: binding {binding.key} has no id"
            assert binding.description, f"{cls.__name__}: binding {binding.key} has no description"
            checked += 1
    assert checked >= 30


def test_binding_ids_are_unique_per_class() -> None:
    for cls in tui_classes():
        ids = [binding.id for binding in cls.__dict__.get("BINDINGS", []) if isinstance(binding, Binding)]
        assert len(ids) == len(set(ids)), cls.__name__


async def test_home_shows_counts_bars_and_entries(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        shown = screen_text(app)
        assert "今日到期 0" in shown and "错题本 0" in shown
        assert "营销理论" in shown and "客户价值与满意" in shown and "0%" in shown
        for entry in HOME_DESTINATIONS:
            assert entry.label in shown


async def test_home_counts_follow_the_store(make_app, store, clock) -> None:
    store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="incorrect", score=0.0, at=clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "错题本 1" in shown
        assert "连续 1 天" in shown


@pytest.mark.parametrize("destination", DESTINATIONS, ids=[destination.action for destination in DESTINATIONS])
async def test_command_palette_reaches_every_screen(make_app, destination) -> None:
    name, action = destination.label, destination.action
    expected = {
        "home": HomeScreen,
        "practice": PracticeScreen,
        "sequential": PracticeModesScreen,
        "random": PracticeModesScreen,
        "special": PracticeModesScreen,
        "custom": PracticeModesScreen,
        "sprint": PracticeModesScreen,
        "notebook": NotebookScreen,
        "bookmarks": BookmarksScreen,
        "chapters": ChapterPickScreen,
        "study": StudyScreen,
        "statistics": StatisticsScreen,
        "settings": SettingsScreen,
        "exam": PaperPickScreen,  # the fixture bank has no unfinished attempt: pick a paper
    }[action]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        if action == "home":
            await pilot.press("t")  # start elsewhere
            await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, name)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, expected)


async def test_command_palette_starts_a_chapter(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "章节练习：客户价值")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.engine.filters.chapters == {"客户价值与满意"}
        assert app.screen.presented.chapter == "客户价值与满意"


async def test_study_search_in_either_script(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        tree = screen.query_one("#study-tree", Tree)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#search", Input)
        for query in ("滿意度", "满意度"):  # Traditional, then Simplified
            screen.query_one("#search", Input).value = ""
            await type_text(pilot, query)
            await pilot.pause()
            questions = [node.data.key for node in leaves(tree.root) if node.data and node.data.kind == "question"]
            assert questions == ["val-satisfaction"], query
            assert "找到 1 道题" in screen_text(app)
        await pilot.press("enter")  # back to the tree, on the result
        await pilot.press("down", "down", "down")
        await pilot.pause()
        shown = screen_text(app)
        assert "答案：按公式计算：b / a" in shown
        assert "解析：C=b/a" in shown
        await pilot.press("escape")  # clears the search
        await pilot.pause()
        assert screen.query_one("#search", Input).value == ""
        assert len([node for node in tree.root.children]) == 2
        await pilot.press("escape")  # home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_study_shows_concept_members_and_questions(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter", "down")  # open 营销理论, go to 4P营销组合
        await pilot.pause()
        shown = screen_text(app)
        assert "4P营销组合" in shown and "成员 4 项" in shown
        assert "3. 地点（也作：渠道）  place" in shown
        assert "易混：4C营销理论" in shown
    assert store.reviews() == []  # study mode schedules nothing


async def test_settings_change_of_script(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.click("#traditional")
        await pilot.pause()
        assert store.get_setting("display_script") == "traditional"
        assert app.screen.query_one(RadioSet).pressed_button.id == "traditional"
        await pilot.press("escape")
        await pilot.pause()
        home = screen_text(app)
        assert "營銷理論" in home and "营销理论" not in home
        # Practice shows the bank in Traditional script and accepts answers in either.
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["mkt-4c-judge"]), title="t"))
        await pilot.pause()
        assert "4C理論中與4P的“促銷”相對應的是“便利”。" in screen_text(app)
        await pilot.press("f")
        await type_text(pilot, "溝通")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#verdict").has_class("correct")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter", "o")
        await pilot.pause()
        await pilot.click("#simplified")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "营销理论" in screen_text(app)
    assert store.get_setting("display_script") == "simplified"


async def test_settings_numbers_and_switch_are_validated_and_saved(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        limit = screen.query_one("#daily_new_limit", Input)
        limit.focus()
        limit.value = ""
        await type_text(pilot, "35")
        await pilot.pause()
        assert store.get_setting("daily_new_limit") == 35
        assert "已保存：35" in screen_text(app)
        retention = screen.query_one("#desired_retention", Input)
        retention.focus()
        retention.value = ""
        await type_text(pilot, "0.5")
        await pilot.pause()
        assert store.get_setting("desired_retention") == 0.9  # refused
        assert "目标记忆率须在 0.70 到 0.99 之间" in screen_text(app)
        retention.value = ""
        await type_text(pilot, "0.85")
        await pilot.pause()
        assert store.get_setting("desired_retention") == 0.85
        screen.query_one(Switch).toggle()
        await pilot.pause()
        assert store.get_setting("skip_feedback_on_correct") is True


async def test_settings_exam_date_is_checked_saved_and_cleared(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        field = app.screen.query_one("#exam_date", Input)
        field.focus()
        await type_text(pilot, "6月20日")
        await pilot.press("enter")
        await pilot.pause()
        assert store.get_setting("exam_date") is None
        assert "日期要写成 2026-06-20 这样" in screen_text(app)
        field.value = ""
        await type_text(pilot, "2027-01-08")
        await pilot.press("enter")
        await pilot.pause()
        assert store.get_setting("exam_date") == "2027-01-08"
        assert "已保存：2027-01-08" in screen_text(app)
        field.value = ""
        await pilot.press("tab")  # leaving the emptied field clears the date
        await pilot.pause()
        assert store.get_setting("exam_date") is None
        assert "已清除考试日期" in screen_text(app)


async def test_a_theme_chosen_in_settings_is_there_after_a_restart(make_app, store) -> None:
    """Bug 5: the theme was lost on restart."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        picker = app.screen.query_one("#theme", Select)
        assert picker.value != "nord"
        picker.value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        assert "已保存：nord" in screen_text(app)
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_chapter_practice_with_type_filter(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterPickScreen)
        screen.query_one("#types").value = "choice"
        await pilot.pause()
        screen.query_one(Tree).focus()
        tree = screen.query_one(Tree)
        tree.cursor_line = 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        presented = app.screen.presented
        assert presented.question.type == "choice" and presented.chapter == "营销理论"
        assert "单项选择题" in screen_text(app)


async def test_chapter_practice_of_a_concept_when_nothing_is_waiting(make_app, store, clock) -> None:
    # Answer the concept's questions (rated easy, so none comes back later today) so nothing of it is
    # new or due today: the session still practises it, in order.
    for question_id in ("mkt-4c-odd", "mkt-4c-judge", "mkt-4c-judge-true"):
        store.record_answer(question_id=question_id, question_type="choice", response="x", verdict="correct", score=1.0, at=clock(), rating=4)
    store.set_setting("daily_new_limit", 0)
    clock.advance(minutes=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        tree.root.children[0].expand()
        await pilot.pause()
        tree.move_cursor(tree.root.children[0].children[1])  # 4C营销理论
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.presented.question.id == "mkt-4c-odd"
        assert app.screen.presented.reason == "queue"


async def test_statistics_after_some_answers(make_app, store, clock) -> None:
    store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="incorrect", score=0.0, at=clock())
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="错", verdict="correct", score=1.0, at=clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        shown = screen_text(app)
        assert "连续学习 1 天" in shown and "累计作答 2" in shown and "总正确率 50%" in shown
        assert "最近 90 天：2 次作答，1 天有练习" in shown
        assert "单项选择题" in shown and "0% 0/1" in shown
        assert "判断题" in shown and "100% 1/1" in shown
        await pilot.press("3")
        await pilot.pause()
        shown = screen_text(app)
        assert "下列哪一项不属于4C？" in shown


async def test_corrupt_database_notice_is_shown(make_app, tmp_path) -> None:
    from revise.progress.store import Store

    data_dir = tmp_path / "corrupt"
    data_dir.mkdir()
    (data_dir / "progress.sqlite3").write_bytes(b"this is not sqlite at all" * 10)
    with Store.open(data_dir) as store:
        assert store.notices
        app = make_app(notices=store.notices)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, NoticeDialog)
            assert "moved to" in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_light_theme(make_app) -> None:
    app = make_app(theme="textual-light")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert "开始练习" in screen_text(app)


async def test_long_prompts_wrap_at_80_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["val-stock"]), title="t"))
        await pilot.pause()
        area = app.screen.query_one("#question-area")
        assert area.max_scroll_x == 0
        prompt = app.screen.presented.prompt
        shown = "".join(screen_text(app).split())
        assert "".join(prompt.split()) in shown


async def test_escape_with_nothing_answered_goes_home(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_feedback_escape_ends_the_session(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["mkt-4c-odd", "mkt-4p-tf"]), title="t"))
        await pilot.pause()
        await pilot.press("c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SummaryScreen"
        assert "本轮完成 1 题" in screen_text(app)


def leaves(node):
    """Every node under `node` without children."""
    for child in node.children:
        if child.children:
            yield from leaves(child)
        else:
            yield child


async def test_footer_shows_the_keys_and_a_click_presses_one(make_app) -> None:
    from revise.tui.widgets.keyfooter import KeyFooter

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer_line = screen_text(app).splitlines()[-1]
        for entry in HOME_DESTINATIONS:
            assert (f"{entry.key} {entry.label}" in footer_line) == entry.in_footer
        assert "^p" in footer_line
        from rich.cells import cell_len

        start = cell_len(footer_line[: footer_line.index("t 统计")])  # CJK characters are two cells wide
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)
        assert "esc 返回" in screen_text(app).splitlines()[-1]


def test_the_ui_holds_no_grading_or_scheduling() -> None:
    """revise.tui reaches grading and scheduling only through the engine and the statistics module."""
    import ast
    from pathlib import Path

    forbidden = {"revise.grading", "revise.progress.scheduling", "fsrs", "rapidfuzz", "pypinyin"}
    package = Path(revise.tui.__file__).parent
    imported: set[str] = set()

    def visit(node: ast.AST, path: Path) -> None:
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, path)

    for path in package.rglob("*.py"):
        visit(ast.parse(path.read_text(encoding="utf-8")), path)
    assert "revise.sessions.engine" in imported and "textual.app" in imported  # the scan sees imports
    assert not imported & forbidden, imported & forbidden


async def test_a_crash_writes_the_crash_log_and_tells_the_student_plainly(make_app, store, capsys) -> None:
    """Issue 13 #23: the details go to crash.log (0600) in the data dir, never to the screen."""
    import stat

    app = make_app()

    def broken() -> None:
        raise RuntimeError("a secret answer in a local variable")

    with pytest.raises(RuntimeError):  # run_test hands the test the error the app died of
        async with app.run_test(size=SIZE) as pilot:
            app.call_later(broken)
            await pilot.pause()
    log = store.path.parent / "crash.log"
    assert "RuntimeError: a secret answer" in log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert app.return_code == 1
    told = capsys.readouterr().err
    assert "crash.log" in told.replace("\n", "") and "revise 遇到意外错误" in told  # a long path wraps
    assert "secret" not in told and "Traceback" not in told
