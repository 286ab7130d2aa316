"""Pilot tests of home (issue 14): one "due today" with the chapter list (bug 7), what is done, the daily limit edited here,
the mock-exam rule for the quota, the exam countdown and the way to 考前冲刺; snapshots at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from tui_helpers import SIZE, act, screen_text

from revise.tui.destinations import HOME_DESTINATIONS
from revise.tui.screens.chapters import ChapterPickScreen
from revise.tui.screens.home import QUOTA_RULE, HomeScreen
from revise.tui.screens.practice_modes import PracticeModesScreen


def today_text(app) -> str:
    """The lines of today's numbers on home, as shown."""
    return str(app.screen.query_one("#today").render())


async def test_home_and_the_chapter_list_count_due_today_alike(make_app, store, clock) -> None:
    # Answered a minute ago: its next learning step is later today. Due today, not due this minute.
    store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="C", verdict="correct", score=1.0, at=clock())
    clock.advance(minutes=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "今日到期 1" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChapterPickScreen)
        assert "营销理论  到期 1 ·" in screen_text(app)


async def test_home_says_what_is_done_and_that_generated_drills_are_not_counted(make_app, store, clock) -> None:
    for qid, qtype in (("mkt-4c-odd", "choice"), ("drill:4p:list", "fill")):
        store.record_answer(question_id=qid, question_type=qtype, response="x", verdict="correct", score=1.0, at=clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "已做 1/11 题（只算题库原题，不含自动生成的 8 道概念练习）" in shown
        for entry in HOME_DESTINATIONS:
            assert f"{entry.key}  {entry.label}" in shown


async def test_the_mock_exam_rule_is_shown_and_holds(make_app, store, clock) -> None:
    store.set_setting("daily_new_limit", 5)
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="对", verdict="correct", score=1.0, at=clock(), mode="exam")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert f"每日新题上限 5（n 修改）：{QUOTA_RULE}" in shown
        assert "今日新题 4" in shown  # the question first met in the mock exam took one of today's five


async def test_the_daily_limit_is_edited_on_home_and_saved(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        box = app.screen.query_one("#home-edit-input")
        assert app.focused is box and box.value == "20"
        await act(pilot, "5", "<enter>")
        assert store.get_setting("daily_new_limit") == 5
        assert isinstance(app.screen, HomeScreen) and app.screen.query_one("#home-edit").has_class("hidden")
        assert "每日新题上限 5" in today_text(app) and "今日新题 5" in today_text(app)
        assert app.focused is app.screen.query_one("#menu")


async def test_a_daily_limit_out_of_range_is_refused_and_escape_leaves_it(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await act(pilot, "20000", "<enter>")
        assert "没保存：每日新题上限须是0 到 10000 的整数" in screen_text(app)
        await act(pilot, "<escape>")
        assert app.screen.query_one("#home-edit").has_class("hidden")
        assert store.get_setting("daily_new_limit") == 20
        await act(pilot, "p")  # the keys work again
        assert not isinstance(app.screen, HomeScreen)


async def test_the_exam_date_gives_a_countdown_and_the_way_to_the_sprint(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "还没设考试日期：按 d 设置" in screen_text(app)
        await act(pilot, "d", "2025-03-20", "<enter>")
        assert store.get_setting("exam_date") == "2025-03-20"
        assert "距考试还有 10 天（2025-03-20）" in today_text(app)
        await act(pilot, "k")
        assert isinstance(app.screen, PracticeModesScreen) and app.screen.mode == "sprint"
        assert "距考试还有 10 天（2025-03-20）" in screen_text(app)


@pytest.mark.parametrize(("exam_date", "said"), [("2025-03-10", "今天考试"), ("2025-03-01", "考试日期 2025-03-01 已过")])
async def test_the_countdown_on_the_day_and_after(make_app, store, exam_date: str, said: str) -> None:
    store.set_setting("exam_date", exam_date)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert said in screen_text(app)


async def test_home_follows_the_display_script(make_app, store) -> None:
    store.set_setting("display_script", "traditional")
    store.set_setting("exam_date", "2025-03-20")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "距考試還有 10 天" in shown and "順序練習" in shown and "距考试" not in shown


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_home_fits_its_terminal(make_app, store, size) -> None:
    store.set_setting("exam_date", "2025-06-20")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == size[1]
        assert not any(line.strip().startswith(("。", "，", "）", "；", "：")) for line in lines)
        shown = "\n".join(lines)
        assert "设置" in shown and "距考试还有 102 天（2025-06-20）" in shown  # the last entry of the menu and the last line of today


def test_home_snapshot_with_an_exam_date(snap_compare, make_app, store) -> None:
    store.set_setting("exam_date", "2025-03-20")
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_home_snapshot_120x40(snap_compare, make_app, store, clock) -> None:
    store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="A", verdict="incorrect", score=0.0, at=clock())
    store.set_setting("exam_date", "2025-03-20")
    assert snap_compare(make_app(), terminal_size=(120, 40))


def test_home_snapshot_editing_the_daily_limit(snap_compare, make_app) -> None:
    async def edit(pilot) -> None:
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=edit, terminal_size=SIZE)


async def test_escape_on_home_before_any_edit_is_harmless(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.return_code is None
