"""Pilot tests of the 错题本 screen: what it lists, filters, taking out, clearing, export, 错题重做, the empty state and a snapshot."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input
from tui_helpers import HOSTILE_BANK, SIZE, act, screen_text, type_text

from revise.tui.screens.notebook import ExportDialog, NotebookScreen
from revise.tui.screens.practice import PracticeScreen, SummaryScreen
from revise.tui.widgets.dialogs import ConfirmDialog

SCORES = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}


def answered(store, clock, question_id: str, question_type: str, response: str, verdict: str = "incorrect", **extra) -> None:
    """An answer recorded through the store at the fixed clock, as the practice screen would."""
    store.record_answer(question_id=question_id, question_type=question_type, response=response, verdict=verdict, score=SCORES[verdict], at=clock(), **extra)


def some_mistakes(store, clock) -> None:
    """Four questions in the notebook, two chapters, four types; one of them (mkt-4c-odd) wrong twice."""
    answered(store, clock, "mkt-4c-odd", "choice", "A")
    clock.advance(minutes=1)
    answered(store, clock, "mkt-4p-multi", "multi", "AC", "partial")
    clock.advance(minutes=1)
    answered(store, clock, "val-fixed", "numeric", "-5")
    clock.advance(minutes=1)
    answered(store, clock, "val-crm-short", "short", '=HYPERLINK("http://evil.example")', "partial")
    clock.advance(minutes=1)
    answered(store, clock, "mkt-4c-odd", "choice", "D")
    clock.advance(hours=1)


ALL_IDS = ["mkt-4c-odd", "mkt-4p-multi", "val-fixed", "val-crm-short"]


async def open_notebook(app, pilot) -> NotebookScreen:
    """From home, the 错题本 key, as a student reaches it."""
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(app.screen, NotebookScreen)
    return app.screen


def listed(screen: NotebookScreen) -> list[str]:
    """The question ids in the table, top to bottom."""
    table = screen.query_one(DataTable)
    return [str(row_key.value) for row_key in table.rows]


def detail(screen: NotebookScreen) -> str:
    return str(screen.query_one("#notebook-detail-text").render())


async def choose(pilot, select_id: str, moves: int) -> None:
    """Pick an option of a filter like a student: f (and tab for the type), Enter to open it, ↓ (or ↑ when negative) from the current choice, Enter."""
    screen = pilot.app.screen
    await pilot.press("f")
    if select_id == "notebook-type":
        await pilot.press("tab")
    await pilot.pause()
    assert screen.focused is not None and screen.focused.id == select_id
    await pilot.press("enter", *["down" if moves > 0 else "up"] * abs(moves), "enter")
    await pilot.pause()


# -- what it lists ----------------------------------------------------------------------------------


async def test_wrong_and_partly_right_answers_in_practice_are_listed_with_the_answer_beside_the_key(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf"]), title="练习"))
        await pilot.pause()
        await act(pilot, "<bank:a>", "<enter>", presented=app.screen.presented)  # wrong
        await act(pilot, "<enter>")
        await act(pilot, "<bank:ac>", "<enter>", presented=app.screen.presented)  # a 多选 with E missing: partly right
        await act(pilot, "<enter>")
        await act(pilot, "<f>", "<enter>")  # right
        assert isinstance(app.screen, SummaryScreen)
        await act(pilot, "<w>")  # the summary's 错题本 key opens the list
        screen = app.screen
        assert isinstance(screen, NotebookScreen)
        assert listed(screen) == ["mkt-4c-odd", "mkt-4p-multi"]
        shown = screen_text(app)
        assert "✗ A. 顾客" in shown and "C. 促销" in shown and "～ A. 产品；C" in shown
        assert "今天 09:00" in shown and "共 2 题" in shown
        assert "我的答案：✗ A. 顾客" in detail(screen) and "参考答案：C. 促销" in detail(screen)
        await act(pilot, "<down>")
        assert "我的答案：～ A. 产品；C. 价格" in detail(screen)
        assert "参考答案：A. 产品；C. 价格；E. 促销" in detail(screen)


async def test_times_wrong_and_the_latest_wrong_answer(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        assert listed(screen) == ALL_IDS
        text = detail(screen)
        assert "我的答案：✗ D. 沟通" in text  # the latest of its two wrong answers
        assert "答错 2 次" in text and "最近 今天 09:04" in text and "加入于 今天 09:00" in text
        await act(pilot, "<down>", "<down>")
        assert "我的答案：✗ -5" in detail(screen) and "参考答案：20%" in detail(screen)


async def test_enter_shows_the_whole_question_and_escape_goes_back(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await act(pilot, "<down>", "<down>", "<down>", "<enter>")
        assert screen.has_class("-full")
        shown = screen_text(app)
        assert "简述客户关系管理的核心思想。" in shown and "要点：以客户为中心" in shown and "解析：CRM的核心" in shown
        await act(pilot, "<escape>")
        assert not screen.has_class("-full") and app.screen is screen
        await act(pilot, "<escape>")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_bank_text_and_answers_that_look_like_markup_show_literally(make_app, store, clock) -> None:
    answered(store, clock, "markup-choice", "choice", "B")
    answered(store, clock, "markup-fill", "fill", "[b]甲[/b]、[link=x]乙[/link]", "partial")
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        shown = screen_text(app)
        assert "[b]选择[/b] [/x]" in shown and "✗ B. [/x]" in shown
        assert "参考答案：C. [link=https://example.com]点我[/link]" in detail(screen)
        await act(pilot, "<down>")
        assert "我的答案：～ [b]甲[/b]、[link=x]乙[/link]" in detail(screen)


async def test_in_traditional_script(make_app, store, clock) -> None:
    store.set_setting("display_script", "traditional")
    answered(store, clock, "mkt-4c-odd", "choice", "A")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_notebook(app, pilot)
        shown = screen_text(app)
        assert "錯題本" in shown and "下列哪一項不屬於4C？" in shown and "參考答案：C. 促銷" in shown
        assert "错题本" not in shown


# -- filters -------------------------------------------------------------------------------------


async def test_filter_by_chapter_and_by_type(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await choose(pilot, "notebook-chapter", 2)  # 全部章节, 营销理论, 客户价值与满意
        assert listed(screen) == ["val-fixed", "val-crm-short"]
        assert "2/4 题" in screen_text(app)
        await choose(pilot, "notebook-type", 3)  # the types in bank order: 全部, 单选, 多选, 简答, 计算
        assert screen.filters() == ("客户价值与满意", "short")
        assert listed(screen) == ["val-crm-short"]
        await choose(pilot, "notebook-chapter", -1)
        assert listed(screen) == []
        assert "当前筛选下没有错题" in screen_text(app)
        await choose(pilot, "notebook-type", -3)  # back to 全部题型
        assert listed(screen) == ["mkt-4c-odd", "mkt-4p-multi"]


# -- taking out, clearing, putting back ----------------------------------------------------------


async def test_remove_one_keeps_its_history_and_u_puts_it_back(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    history = store.reviews()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await act(pilot, "<down>", "<d>")
        assert listed(screen) == ["mkt-4c-odd", "val-fixed", "val-crm-short"]
        assert store.notebook_ids() == ["mkt-4c-odd", "val-fixed", "val-crm-short"]  # saved
        assert store.notebook_entry("mkt-4p-multi").cleared_at == clock()
        assert "u 撤销" in screen_text(app)
        assert "我的答案：✗ -5" in detail(screen)  # the cursor stays on the same line
        await act(pilot, "<u>")
        assert listed(screen) == ALL_IDS and store.notebook_ids() == ALL_IDS
        assert "u 撤销" not in screen_text(app)
    assert store.reviews() == history


async def test_clear_asks_first_then_empties_the_notebook(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    history = store.reviews()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await act(pilot, "<c>")
        assert isinstance(app.screen, ConfirmDialog)
        assert "4 道题全部移出错题本" in screen_text(app)
        await act(pilot, "<n>")
        assert app.screen is screen and store.notebook_ids() == ALL_IDS
        await act(pilot, "<c>", "<y>")
        assert store.notebook_ids() == []
        shown = screen_text(app)
        assert "错题本是空的" in shown
        assert "错题重做" not in shown.splitlines()[-1] and "清空" not in shown  # keys that need a question are gone
        await act(pilot, "<u>")
        assert listed(screen) == ALL_IDS
    assert store.reviews() == history


async def test_clear_with_a_filter_clears_only_what_is_listed(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await choose(pilot, "notebook-chapter", 1)
        await act(pilot, "<c>")
        assert "当前筛选下的 2 道题" in screen_text(app)
        await act(pilot, "<y>")
        assert store.notebook_ids() == ["val-fixed", "val-crm-short"]
        assert listed(screen) == ["val-fixed", "val-crm-short"]  # the chapter gone from the filter: everything else shows


# -- export --------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_export_to_the_default_file_in_the_current_folder(make_app, store, clock, tmp_path, monkeypatch) -> None:
    some_mistakes(store, clock)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_notebook(app, pilot)
        await act(pilot, "<x>")
        assert isinstance(app.screen, ExportDialog)
        expected = out / "错题本-20250310-1004.csv"
        assert app.screen.query_one(Input).value == str(expected)
        await act(pilot, "<enter>")
        assert isinstance(app.screen, NotebookScreen)
        assert f"已导出 4 道题到 {expected}" in str(app.screen.query_one("#notebook-status").render())
    rows = read_csv(expected)
    assert rows[0] == ["题号", "章节", "题型", "题目", "选项", "我的答案", "参考答案", "答错次数", "最近答错", "加入错题本", "解析"]
    by_id = {row[0]: row for row in rows[1:]}
    assert list(by_id) == ALL_IDS
    assert by_id["mkt-4c-odd"][1:4] == ["营销理论", "单项选择题", "下列哪一项不属于4C？"]
    assert by_id["mkt-4c-odd"][5:10] == ["D. 沟通", "C. 促销", "2", "2025-03-10 09:04", "2025-03-10 09:00"]
    assert by_id["val-crm-short"][5] == '\'=HYPERLINK("http://evil.example")'  # never a formula in Excel or WPS
    assert by_id["val-fixed"][5] == "'-5"


async def test_export_to_a_file_the_student_names_and_overwrite_only_when_told(make_app, store, clock, tmp_path) -> None:
    some_mistakes(store, clock)
    target = tmp_path / "我的错题.csv"
    target.write_text("old", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_notebook(app, pilot)
        await choose(pilot, "notebook-type", 1)  # 单选 only
        await act(pilot, "<x>")
        field = app.screen.query_one(Input)
        field.value = ""
        await type_text(pilot, str(tmp_path / "我的错题"))  # no .csv: added
        await act(pilot, "<enter>")
        assert isinstance(app.screen, ConfirmDialog) and "已经存在" in screen_text(app)
        await act(pilot, "<n>")
        assert target.read_text(encoding="utf-8") == "old"
        await act(pilot, "<x>")
        app.screen.query_one(Input).value = str(tmp_path / "no-such-folder" / "a.csv")
        await act(pilot, "<enter>")
        assert isinstance(app.screen, ExportDialog) and "文件夹不存在" in screen_text(app)
        app.screen.query_one(Input).value = str(target)
        await act(pilot, "<enter>", "<y>")
        assert app.screen is screen and screen.last_export == target
    rows = read_csv(target)
    assert [row[0] for row in rows[1:]] == ["mkt-4c-odd"]


# -- 错题重做 ------------------------------------------------------------------------------------


async def served(pilot) -> list[str]:
    """The questions a session serves, skipped through one by one, until its summary."""
    app = pilot.app
    ids = []
    while isinstance(app.screen, PracticeScreen) and app.screen.presented is not None:
        presented = app.screen.presented
        assert presented.reason == "notebook"
        ids.append(presented.question.id)
        await act(pilot, "<ctrl+n>")
    return ids


@pytest.mark.parametrize(
    ("downs", "title", "expected"),
    [(0, "错题重做", ALL_IDS), (1, "错题重做：营销理论", ["mkt-4c-odd", "mkt-4p-multi"]), (2, "错题重做：客户价值与满意", ["val-fixed", "val-crm-short"])],
    ids=["everything", "chapter-1", "chapter-2"],
)
async def test_redo_practises_the_questions_listed(make_app, store, clock, downs: int, title: str, expected: list[str]) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_notebook(app, pilot)
        if downs:
            await choose(pilot, "notebook-chapter", downs)
        await act(pilot, "<r>")
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.session_title == title
        assert await served(pilot) == expected


async def test_redo_of_one_type(make_app, store, clock) -> None:
    some_mistakes(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_notebook(app, pilot)
        await choose(pilot, "notebook-type", 3)  # 全部, 单选, 多选, 简答
        await act(pilot, "<r>")
        assert app.screen.session_title == "错题重做：简答题"
        assert await served(pilot) == ["val-crm-short"]


# -- empty ---------------------------------------------------------------------------------------


async def test_an_empty_notebook_says_so_and_offers_practice(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_notebook(app, pilot)
        shown = screen_text(app)
        footer = shown.splitlines()[-1]
        assert "错题本是空的" in shown and "p 开始练习" in footer
        for key in ("错题重做", "移出", "清空", "导出", "筛选"):
            assert key not in footer
        await act(pilot, "<r>", "<x>", "<c>")  # nothing to act on: nothing happens
        assert isinstance(app.screen, NotebookScreen)
        await act(pilot, "<p>")
        assert isinstance(app.screen, PracticeScreen)


# -- snapshots -----------------------------------------------------------------------------------


async def to_the_notebook(pilot) -> None:
    await pilot.app.run_action("app.notebook")
    await pilot.pause()


def test_snapshot_notebook(snap_compare, make_app, store, clock) -> None:
    some_mistakes(store, clock)
    assert snap_compare(make_app(), run_before=to_the_notebook, press=["down"], terminal_size=SIZE)


def test_snapshot_empty_notebook(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=to_the_notebook, terminal_size=SIZE)
