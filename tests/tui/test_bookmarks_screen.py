"""Pilot tests of the 收藏 screen: reaching it, what it lists, looking at one, taking one off and back, 练这些, the empty state and a snapshot."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import HOSTILE_BANK, SIZE, act, screen_text, type_text

from revise.tui.screens.bookmarks import BookmarksScreen
from revise.tui.screens.practice import PracticeScreen, SummaryScreen


def some_bookmarks(store, clock) -> None:
    """Three bookmarks a day apart (one of a question since removed from the bank) and a note on the first."""
    for question_id in ("mkt-4c-odd", "gone-from-the-bank", "val-crm-short"):
        store.add_bookmark(question_id, clock())
        clock.advance(days=1)
    store.set_note("mkt-4c-odd", "促销属于4P，沟通才是4C", clock())


async def open_bookmarks(app, pilot) -> BookmarksScreen:
    await app.run_action("app.bookmarks")
    await pilot.pause()
    assert isinstance(app.screen, BookmarksScreen)
    return app.screen


def listed(screen: BookmarksScreen) -> list[str]:
    return [str(row_key.value) for row_key in screen.query_one(DataTable).rows]


def detail(screen: BookmarksScreen) -> str:
    return str(screen.query_one("#bookmarks-detail-text").render())


async def test_the_palette_opens_the_bookmarks(make_app, store, clock) -> None:
    some_bookmarks(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "收藏")
        await pilot.pause(0.3)
        await act(pilot, "<enter>")
        assert isinstance(app.screen, BookmarksScreen)
        assert listed(app.screen) == ["mkt-4c-odd", "gone-from-the-bank", "val-crm-short"]


async def test_the_list_shows_each_question_with_its_answer_and_note(make_app, store, clock) -> None:
    some_bookmarks(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookmarks(app, pilot)
        shown = screen_text(app)
        assert "共 3 道收藏的题（1 道已不在题库里）" in shown
        assert "下列哪一项不属于4C？" in shown and "2025-03-10" in shown and "有" in shown
        text = detail(screen)
        assert "答案：C. 促销" in text and "我的笔记：促销属于4P，沟通才是4C" in text
        await act(pilot, "<down>")
        assert "题库里已没有这道题：gone-from-the-bank" in detail(screen)
        await act(pilot, "<down>", "<enter>")
        assert screen.has_class("-full")
        shown = screen_text(app)
        assert "简述客户关系管理的核心思想。" in shown and "要点：以客户为中心" in shown and "解析：CRM的核心" in shown
        await act(pilot, "<escape>")
        assert not screen.has_class("-full")
        await act(pilot, "<escape>")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_take_one_off_and_put_it_back(make_app, store, clock) -> None:
    some_bookmarks(store, clock)
    first_time = dict(store.bookmarks())["mkt-4c-odd"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookmarks(app, pilot)
        await act(pilot, "<d>")
        assert listed(screen) == ["gone-from-the-bank", "val-crm-short"]
        assert store.bookmark_ids() == ["gone-from-the-bank", "val-crm-short"]  # saved
        assert "u 撤销" in screen_text(app)
        await act(pilot, "<u>")
        assert listed(screen) == ["mkt-4c-odd", "gone-from-the-bank", "val-crm-short"]
        assert dict(store.bookmarks())["mkt-4c-odd"] == first_time  # its first bookmark time kept
        assert "u 撤销" not in screen_text(app)
    assert store.get_note("mkt-4c-odd") is not None  # the note was never touched


async def test_practise_the_bookmarks_as_a_session(make_app, store, clock) -> None:
    some_bookmarks(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_bookmarks(app, pilot)
        await act(pilot, "<r>")
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.session_title == "收藏"
        served = []
        while isinstance(app.screen, PracticeScreen) and app.screen.presented is not None:
            served.append(app.screen.presented.question.id)
            await act(pilot, "<ctrl+n>")
        assert isinstance(app.screen, SummaryScreen) or type(app.screen).__name__ == "HomeScreen"
    assert served == ["mkt-4c-odd", "val-crm-short"]  # in bookmark order; the one gone from the bank left out


async def test_no_bookmarks_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookmarks(app, pilot)
        shown = screen_text(app)
        footer = shown.splitlines()[-1]
        assert "还没有收藏的题" in shown
        assert "练这些" not in footer and "取消收藏" not in footer and "查看" not in footer
        await act(pilot, "<r>", "<d>", "<enter>")
        assert app.screen is screen


async def test_bank_text_and_notes_that_look_like_markup_show_literally(make_app, store, clock) -> None:
    store.add_bookmark("markup-choice", clock())
    store.set_note("markup-choice", "[b]笔记[/b] [link=x]链接[/link]", clock())
    app = make_app(HOSTILE_BANK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookmarks(app, pilot)
        assert "[b]选择[/b] [/x]" in screen_text(app)
        text = detail(screen)
        assert "答案：C. [link=https://example.com]点我[/link]" in text
        assert "我的笔记：[b]笔记[/b] [link=x]链接[/link]" in text


async def test_in_traditional_script(make_app, store, clock) -> None:
    store.set_setting("display_script", "traditional")
    store.add_bookmark("mkt-4c-odd", clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_bookmarks(app, pilot)
        shown = screen_text(app)
        assert "收藏" in shown and "下列哪一項不屬於4C？" in shown and "營銷理論" in shown
        assert "营销理论" not in shown


def test_snapshot_bookmarks(snap_compare, make_app, store, clock) -> None:
    some_bookmarks(store, clock)

    async def run_before(pilot) -> None:
        await pilot.app.run_action("app.bookmarks")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)
