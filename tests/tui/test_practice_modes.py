"""Pilot tests of the practice modes (issue 14): 顺序练习 that resumes, 随机, 专项, 自定义组卷 (practised or timed), 考前冲刺,
练这些 in the chapter list, the palette, and a chapter and type with no questions (bug 10)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, OptionList, RadioSet, SelectionList, Tree
from tui_helpers import SIZE, act, screen_text, type_text

from revise.tui.destinations import DESTINATIONS
from revise.tui.screens.chapters import ChapterPickScreen
from revise.tui.screens.home import HomeScreen
from revise.tui.screens.practice import FeedbackScreen, PracticeScreen
from revise.tui.screens.practice_modes import MODE_PAGES, PracticeModesScreen

MARKETING = ["mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi", "mkt-4p-tf", "mkt-4c-judge", "mkt-4c-judge-true"]


def select_option(screen, selector: str, option_id: str) -> None:
    """Put the cursor of an option list on the option with this id (as ↑↓ would)."""
    options = screen.query_one(selector, OptionList)
    options.focus()
    options.highlighted = options.get_option_index(option_id)


def notices(app) -> str:
    """Every notification shown so far, one a line."""
    return "\n".join(str(notification.message) for notification in app._notifications)


async def leave_practice(pilot) -> None:
    """End the session (its summary), then go home."""
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


@pytest.mark.parametrize(("key", "mode"), [("x", "sequential"), ("r", "random"), ("z", "special"), ("g", "custom"), ("k", "sprint")])
async def test_each_mode_opens_from_its_home_key_on_its_own_page(make_app, key: str, mode: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeModesScreen)
        assert screen.query_one("#mode-pages").current == mode
        assert screen.query_one("#modes", OptionList).highlighted == [name for name, _ in MODE_PAGES].index(mode)
        assert screen.focused is not None and screen.query_one(f"#{mode}") in screen.focused.ancestors


@pytest.mark.parametrize("label", ["顺序练习", "随机练习", "专项练习", "自定义组卷", "考前冲刺"])
async def test_each_mode_is_in_the_command_palette(make_app, label: str) -> None:
    destination = next(entry for entry in DESTINATIONS if entry.label == label)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, label)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeModesScreen)
        assert app.screen.mode == destination.action


async def test_sequential_practice_resumes_where_it_stopped(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert "未开始 · 6 题" in screen_text(app)
        await pilot.press("enter")  # the first chapter, 营销理论
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.session_title == "顺序练习：营销理论"
        assert (screen.presented.question.id, screen.presented.position, screen.presented.total) == ("mkt-4p-list", 1, 6)
        await act(pilot, "产品", "<enter>", "价格", "<enter>", "渠道", "<enter>", "促销", "<enter>")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.presented.question.id == "mkt-4c-odd"
        await act(pilot, "<bank:c>", "<enter>", presented=app.screen.presented)
        await leave_practice(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.get_setting("sequential_positions") == {"营销理论": "mkt-4c-odd"}

        await pilot.press("x")
        await pilot.pause()
        assert "已做到 2/6" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        presented = app.screen.presented
        assert (presented.question.id, presented.position, presented.total) == ("mkt-4p-multi", 3, 6)
        assert "第 3/6 题" in screen_text(app)
        assert "从第 3 题接着做（共 6 题）" in notices(app)


async def test_sequential_practice_from_the_palette_resumes_too(make_app, store) -> None:
    store.set_setting("sequential_positions", {"营销理论": "mkt-4p-tf"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "顺序练习：营销")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.presented.question.id == "mkt-4c-judge"


async def test_a_finished_chapter_starts_over_and_says_so(make_app, store) -> None:
    store.set_setting("sequential_positions", {"营销理论": MARKETING[-1]})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert "已做完一遍 · 6 题" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.presented.question.id == MARKETING[0]
        assert "重新开始" in notices(app)


async def test_random_practice_over_a_chapter_with_a_count(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        select_option(screen, "#random-scopes", "chapter:营销理论")
        await pilot.press("enter")
        await pilot.pause()
        engine = app.screen.engine
        assert app.screen.session_title == "随机练习：营销理论"
        assert sorted(engine._queue) == sorted(MARKETING)  # 20 asked for, the chapter has 6
        assert engine._queue != MARKETING  # shuffled (the seed is fixed)


async def test_random_practice_of_the_whole_bank_takes_the_count_chosen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        radios = app.screen.query_one("#random-count", RadioSet)
        radios.focus()
        await pilot.press("right", "right", "right", "enter")  # 全部
        await pilot.pause()
        assert radios.pressed_index == 3
        select_option(app.screen, "#random-scopes", "all")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.presented.total == 11 and app.screen.session_title == "随机练习：全部题库"


async def test_special_practice_by_type(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await pilot.pause()
        assert "判断并改错题  2 题" in screen_text(app)
        select_option(app.screen, "#special-items", "type:judge")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.session_title == "专项练习：判断并改错题"
        assert app.screen.engine._queue == ["mkt-4c-judge", "mkt-4c-judge-true"]
        await act(pilot, "t")
        assert isinstance(app.screen, FeedbackScreen)


async def choose_custom_set(app, pilot, chapter: str, counts: dict[str, str]) -> None:
    await pilot.press("g")
    await pilot.pause()
    screen = app.screen
    chapters = screen.query_one("#custom-chapters", SelectionList)
    chapters.focus()
    chapters.highlighted = [selection.value for selection in chapters._options].index(chapter)
    await pilot.press("space")
    for qtype, count in counts.items():
        screen.query_one(f"#count-{qtype}", Input).focus()
        await type_text(pilot, count)
    await pilot.pause()


async def test_custom_set_practised(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_custom_set(app, pilot, "客户价值与满意", {"numeric": "2", "short": "1"})
        assert "共 3 题，出自客户价值与满意。" in screen_text(app)
        app.screen.query_one("#custom-practise", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.session_title == "自定义组卷（3 题）"
        queue = app.screen.engine._queue
        assert [app.services.bank.questions[qid].type for qid in queue] == ["short", "numeric", "numeric"]


async def test_custom_set_asking_for_more_than_there_is_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_custom_set(app, pilot, "客户价值与满意", {"essay": "3"})
        assert "所选章节只有 1 道论述题，不够 3 道" in screen_text(app)
        app.screen.query_one("#custom-practise", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, PracticeModesScreen)


async def test_custom_set_sat_timed(make_app, store) -> None:
    from revise.tui.screens.exam import ExamScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_custom_set(app, pilot, "营销理论", {"judge": "2", "choice": "1"})
        app.screen.query_one("#custom-minutes", Input).focus()
        await type_text(pilot, "15")
        app.screen.query_one("#custom-exam", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        session = app.screen.session
        assert session.drawn.paper.title == "自定义组卷" and len(session.numbers) == 3
        assert {session.question(number).question.chapter for number in session.numbers} == {"营销理论"}
        assert (session.deadline - app.services.clock()).total_seconds() == 15 * 60
    assert store.unfinished_exam_attempt() is not None


async def test_sprint_without_an_exam_date_asks_for_one_then_starts(make_app, store, clock) -> None:
    for qid in ("mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi"):
        store.record_answer(question_id=qid, question_type="x", response="x", verdict="correct", score=1.0, at=clock())
    clock.advance(days=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await pilot.pause()
        assert "先在下面填上考试日期" in screen_text(app)
        assert app.screen.query_one("#sprint-start", Button).disabled
        await act(pilot, "2025-03-14", "<enter>")  # the date input has the cursor
        assert store.get_setting("exam_date") == "2025-03-14"
        shown = screen_text(app)
        assert "距考试还有 3 天（2025-03-14）" in shown and "做过的题中有 3 道" in shown
        app.screen.query_one("#sprint-start", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.session_title == "考前冲刺（距考试 3 天）"
        assert app.screen.presented.question.id in {"mkt-4p-list", "mkt-4c-odd", "mkt-4p-multi"}


async def test_a_bad_exam_date_is_refused_in_words(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await act(pilot, "3月14", "<enter>")
        assert "日期要写成 年-月-日" in screen_text(app)
        assert store.get_setting("exam_date") is None


async def test_practise_these_in_the_chapter_list_goes_through_all_of_a_chapter(make_app, store, clock) -> None:
    store.record_answer(question_id="mkt-4p-list", question_type="fill", response="x", verdict="correct", score=1.0, at=clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.session_title == "练这些：营销理论"
        queue = app.screen.engine._queue
        assert queue[:6] == MARKETING and len(queue) == 14  # the questions, then the chapter's concept drills
        assert app.screen.presented.question.id == "mkt-4p-list"  # answered already, still in the list


@pytest.mark.parametrize("key", ["enter", "a"])
async def test_a_chapter_and_type_without_questions_says_there_are_none(make_app, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#types").value = "essay"  # 营销理论 has no 论述题
        screen.query_one(Tree).focus()
        screen.query_one(Tree).cursor_line = 0
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ChapterPickScreen)
        said = notices(app) + screen_text(app)
        assert "这里没有这种题型的题" in said
        assert "今日新题都已完成" not in said and "明天再来" not in said


async def test_the_chooser_follows_the_display_script(make_app, store) -> None:
    store.set_setting("display_script", "traditional")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        shown = screen_text(app)
        assert "順序練習" in shown and "隨機練習" in shown and "顺序练习" not in shown


@pytest.mark.parametrize("mode", [name for name, _ in MODE_PAGES])
async def test_every_page_fits_80x24(make_app, mode: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_practice_modes(mode)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        assert not any(line.strip().startswith(("。", "，", "）", "；")) for line in lines)


def test_chooser_snapshot(snap_compare, make_app) -> None:
    async def open_chooser(pilot) -> None:
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=open_chooser, terminal_size=SIZE)


def test_custom_page_snapshot(snap_compare, make_app) -> None:
    async def open_custom(pilot) -> None:
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=open_custom, terminal_size=SIZE)
