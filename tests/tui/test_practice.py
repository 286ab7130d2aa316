"""Pilot tests: a full practice loop for every question type, overrides, skipping feedback and the 错题本."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import SIZE, act, screen_text, shown_keys, type_text

from revise.tui.display import VERDICT_WORDS
from revise.tui.screens.practice import FeedbackScreen, PracticeScreen, SummaryScreen
from revise.tui.widgets.answers import (
    ChoiceAnswer,
    FillAnswer,
    JudgeAnswer,
    MultiAnswer,
    NumericAnswer,
    TextAnswer,
    TrueFalseAnswer,
)


async def open_session(app, pilot, *question_ids: str) -> PracticeScreen:
    """Open a practice screen serving exactly these questions, in order."""
    app.open_screen(PracticeScreen(app.services, app.new_engine(queue=list(question_ids)), title="测试"))
    await pilot.pause()
    assert isinstance(app.screen, PracticeScreen)
    return app.screen


def keys(*parts: str) -> list[str]:
    """What the student does: "<name>" presses a key, "<bank:ac>" picks options by bank letter, anything else is typed text."""
    return list(parts)


LOOP_CASES = [
    # question id, form class, key presses, response the grader gets, verdict
    ("mkt-4p-list", FillAnswer, keys("产品", "<enter>", "价格", "<enter>", "地点", "<enter>", "促销", "<enter>"), "产品、价格、地点、促销", "correct"),
    ("mkt-4p-list", FillAnswer, keys("产品", "<tab>", "<tab>", "地点", "<enter>", "促销", "<enter>"), "产品、（空）、地点、促销", "partial"),
    ("mkt-4c-odd", ChoiceAnswer, keys("<bank:c>", "<enter>"), "C", "correct"),
    ("mkt-4c-odd", ChoiceAnswer, keys("<bank:a>", "<enter>"), "A", "incorrect"),
    ("mkt-4p-multi", MultiAnswer, keys("<bank:ace>", "<enter>"), "ACE", "correct"),
    ("mkt-4p-multi", MultiAnswer, keys("<bank:ac>", "<enter>"), "AC", "partial"),
    ("mkt-4p-tf", TrueFalseAnswer, keys("f"), "错", "correct"),
    ("mkt-4p-tf", TrueFalseAnswer, keys("t"), "对", "incorrect"),
    ("mkt-4c-judge", JudgeAnswer, keys("f", "沟通", "<enter>"), "错，沟通", "correct"),
    ("mkt-4c-judge", JudgeAnswer, keys("f", "<enter>"), "错", "partial"),
    ("mkt-4c-judge-true", JudgeAnswer, keys("t"), "对", "correct"),
    ("val-crm-short", TextAnswer, keys("以客户为中心，实现客户价值最大化和长期利润", "<ctrl+s>"), "以客户为中心，实现客户价值最大化和长期利润", "correct"),
    ("val-crm-short", TextAnswer, keys("以客户为中心", "<ctrl+s>"), "以客户为中心", "partial"),
    ("val-crm-essay", TextAnswer, keys("CRM以客户为中心，追求长期关系，重视客户数据", "<ctrl+s>"), "CRM以客户为中心，追求长期关系，重视客户数据", "correct"),
    ("val-fixed", NumericAnswer, keys("20", "<enter>"), "20", "correct"),
    ("val-fixed", NumericAnswer, keys("80", "<enter>"), "80", "incorrect"),
]


@pytest.mark.parametrize(
    ("question_id", "form_class", "pressed", "response", "verdict"),
    LOOP_CASES,
    ids=[f"{case[0]}-{case[4]}" for case in LOOP_CASES],
)
async def test_practice_loop_for_every_type(make_app, store, question_id, form_class, pressed, response, verdict) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, question_id)
        assert type(screen.query_one("#answer")) is form_class
        await act(pilot, *pressed, presented=screen.presented)
        assert isinstance(app.screen, FeedbackScreen), f"no feedback after {pressed}"
        assert app.screen.query_one("#verdict").has_class(verdict)
        shown = screen_text(app)
        assert VERDICT_WORDS[verdict] in shown
        assert "参考答案" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    history = store.history(question_id)
    assert [(row.kind, row.response, row.verdict) for row in history] == [("answer", response, verdict)]
    assert store.get_card(question_id) is not None


async def test_numeric_with_params_is_graded_against_the_values_shown(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "val-satisfaction")
        presented = screen.presented
        assert presented is not None and presented.params
        prompt_shown = screen_text(app)
        for value in presented.params.values():
            assert f"{value:g}" in prompt_shown  # the generated values are in the prompt
        answer = presented.question.expected(presented.params)
        await type_text(pilot, f"{answer:.2f}")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#verdict").has_class("correct")
    [row] = store.history("val-satisfaction")
    assert row.verdict == "correct" and row.params == presented.params


async def test_short_answer_feedback_lists_found_and_missed_keypoints(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-short")
        await type_text(pilot, "以客户为中心")
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen_text(app)
        assert "答到要点 1/3" in shown and "✓「以客户为中心」" in shown  # the student's words, ticked
        assert "✗客户价值最大化" in shown and "✗长期利润" in shown


async def test_submit_button_of_a_text_answer(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-essay")
        app.screen.query_one(TextArea).insert("以客户为中心")
        await pilot.click("#submit")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    assert store.history("val-crm-essay")[0].response == "以客户为中心"


async def test_judge_correction_box_appears_only_after_wrong(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-judge")
        row = screen.query_one("#correction-row")
        assert row.has_class("hidden")
        await pilot.press("f")
        assert not row.has_class("hidden")
        assert app.focused is screen.query_one("#correction", Input)


@pytest.mark.parametrize(("rating", "key", "expected_rating"), [("easy", "e", 4), ("again", "g", 1)])
async def test_override_rerates_the_answer(make_app, store, rating, key, expected_rating) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd")
        await act(pilot, "<bank:c>", "<enter>", presented=screen.presented)
        assert "良好 (Good)" in screen_text(app)
        await pilot.press(key)
        await pilot.pause()
        shown = screen_text(app)
        assert "（已改）" in shown
        await pilot.press("enter")
        await pilot.pause()
    history = store.history("mkt-4c-odd")
    assert [row.kind for row in history] == ["answer", "override"]
    assert history[1].rating == expected_rating and history[1].overrides == history[0].id
    in_notebook = "mkt-4c-odd" in store.notebook_ids()
    assert in_notebook is (rating == "again")


async def test_session_from_home_key_and_summary(make_app, store, clock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        first = app.screen.presented
        assert first is not None and first.position == 1
        assert re.search(r"第 1/\d+ 题", screen_text(app))  # k of the session's plan (the plan is the engine's)
        # Answer it (whatever it is) with an empty response: graded wrong, recorded.
        await pilot.press("ctrl+s")
        await pilot.pause()
        if not isinstance(app.screen, FeedbackScreen):
            # Choice and judgment forms need a pick before ctrl+s does anything.
            await act(pilot, "<a>", "<enter>") if isinstance(app.screen.query_one("#answer"), (ChoiceAnswer, MultiAnswer)) else await act(pilot, "<t>")
        assert isinstance(app.screen, FeedbackScreen)
        clock.advance(minutes=2)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_text(app)
        assert "本轮完成 1 题" in shown and "用时 2分00秒" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    assert store.answer_count() == 1


async def test_wrong_answers_are_listed_in_the_summary(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd", "mkt-4p-tf")
        await act(pilot, "<bank:a>", "<enter>", presented=screen.presented)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert isinstance(app.screen, SummaryScreen)
        assert "✓ 正确 1" in shown and "✗ 错误 1" in shown
        assert "✗ 下列哪一项不属于4C？" in shown
        assert "4P中的P包括" not in shown


async def test_skip_feedback_on_correct_setting(make_app, store) -> None:
    store.set_setting("skip_feedback_on_correct", True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd", "mkt-4p-tf")
        await act(pilot, "<bank:c>", "<enter>", presented=screen.presented)
        # Right: straight on to the next question, no feedback screen.
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.presented is not None and app.screen.presented.question.id == "mkt-4p-tf"
        await pilot.press("t")  # wrong: the feedback is shown
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    assert [row.verdict for row in store.reviews()] == ["correct", "incorrect"]


async def test_skip_records_nothing(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd", "mkt-4p-tf")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.presented is not None and screen.presented.question.id == "mkt-4p-tf"
    assert store.reviews() == []


async def test_notebook_session(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        # Get two questions wrong, one right.
        screen = await open_session(app, pilot, "mkt-4c-odd", "mkt-4p-tf", "val-fixed")
        for answer in (["<bank:a>", "<enter>"], ["<t>"]):
            await act(pilot, *answer, presented=screen.presented)
            await act(pilot, "<enter>")
        await type_text(pilot, "20")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert set(store.notebook_ids()) == {"mkt-4c-odd", "mkt-4p-tf"}

        app.start_practice(notebook_only=True, title="错题本")  # (w now opens the 错题本 list, which has its own tests)
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        served = []
        for _ in range(2):
            presented = app.screen.presented
            assert presented is not None and presented.reason == "notebook"
            served.append(presented.question.id)
            await act(pilot, *(["<bank:c>", "<enter>"] if presented.question.id == "mkt-4c-odd" else ["<f>"]), presented=presented)
            assert "再答对一次即移出错题本" in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    assert sorted(served) == ["mkt-4c-odd", "mkt-4p-tf"]
    assert [entry.correct_streak for entry in store.notebook()] == [1, 1]


async def test_an_empty_notebook_session_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.start_practice(notebook_only=True, title="错题本")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "没有要做的题" in screen_text(app)


def test_fill_response_keeps_each_blank_in_its_place() -> None:
    from revise.bank.response import Response

    response = Response(blanks=("产品", "", "地点"))
    assert response.display() == "产品、（空）、地点"
    assert response.has_answer()
    assert not Response(blanks=("", "", "")).has_answer()


def test_judge_response() -> None:
    from revise.bank.response import Response

    assert Response(judgment=True).display() == "对"
    assert Response(judgment=False).display() == "错"
    assert Response(judgment=False, correction=" 沟通 ").display() == "错，沟通"


async def test_multi_click_ticks_and_enter_submits(make_app, store) -> None:
    from revise.tui.widgets.answers import ChoiceList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4p-multi")
        options = screen.query_one(ChoiceList)
        await pilot.click(ChoiceList, offset=(3, 1))  # the first option shown (inside the border)
        await pilot.click(ChoiceList, offset=(3, 3))  # the third
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)  # clicking never submits
        assert options.positions() == {0, 2}
        order = screen.presented.order
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    # Logged by bank letters: the options shown first and third.
    assert store.history("mkt-4p-multi")[0].response == "".join(sorted(chr(ord("A") + order[position]) for position in (0, 2)))


async def test_choice_click_picks_and_submits(make_app, store) -> None:
    from revise.tui.widgets.answers import ChoiceList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd")
        [key] = shown_keys(screen.presented, "c")
        await pilot.click(ChoiceList, offset=(3, 1 + ord(key) - ord("a")))  # the row showing bank option C
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.query_one("#verdict").has_class("correct")
    assert store.history("mkt-4c-odd")[0].response == "C"


async def test_fill_blanks_sit_in_the_sentence_when_it_fits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4p-list", "drill:4c:list")
        form = screen.query_one(FillAnswer)
        assert form.inline and len(form.blanks()) == 4
        assert "4P营销组合是" in screen_text(app)
        await pilot.press("ctrl+n")  # the drill's prompt is too long for one line: numbered blanks below it
        await pilot.pause()
        form = screen.query_one(FillAnswer)
        assert not form.inline and len(form.blanks()) == 4
        assert "①____、②____、③____、④____" in screen_text(app)


async def test_a_store_failure_is_reported_and_the_question_stays(make_app, store, monkeypatch) -> None:
    from revise.progress.store import StoreError

    def broken(**_):
        raise StoreError("disk full")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd")
        monkeypatch.setattr(store, "record_answer", broken)
        await act(pilot, "<bank:c>", "<enter>", presented=screen.presented)
        assert app.screen is screen  # no feedback for an answer that was not saved
        assert any("disk full" in str(notification.message) for notification in app._notifications)
        monkeypatch.undo()
        await pilot.press("enter")  # try again: now it is saved
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    assert [row.response for row in store.history("mkt-4c-odd")] == ["C"]


async def test_escape_with_a_half_typed_answer_asks_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "val-crm-essay")
        await type_text(pilot, "以客户为中心")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # only a warning
        assert any("再按一次 esc" in str(notification.message) for notification in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"  # nothing was answered: straight home


async def test_a_locked_database_shows_a_waiting_state_and_the_screen_stays_alive(make_app, store, monkeypatch) -> None:
    """Issue 13 #16: the save waits in a worker; the screen says so, and the answer is shown only once committed."""
    import asyncio
    import threading

    released = threading.Event()
    real_record = store.record_answer

    def locked(**answer):
        released.wait(10)  # another program holds the write lock
        return real_record(**answer)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4p-tf")
        monkeypatch.setattr(store, "record_answer", locked)
        await pilot.press("f")
        await asyncio.sleep(0.8)  # not pilot.pause(): that waits for the save itself
        assert app.screen is screen  # no feedback for an answer not yet saved
        assert "正在保存" in screen_text(app) and "还没保存" in screen_text(app)
        await pilot.press("f")  # the event loop still answers keys; a second submit is ignored
        released.set()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert "正在保存" not in screen_text(app)
    assert [row.response for row in store.history("mkt-4p-tf")] == ["错"]


async def test_appeal_from_feedback_is_logged_rated_good_and_leaves_the_notebook(make_app, store) -> None:
    """判我对 (issue 11 #5): on the feedback of a wrong answer, logged with the original verdict; the summary counts it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "mkt-4p-tf")
        await act(pilot, "<t>")  # wrong
        assert isinstance(app.screen, FeedbackScreen)
        assert "判我对" in screen_text(app)
        await act(pilot, "<r>")
        shown = screen_text(app)
        assert "判我对（已申诉）" in shown and "原判 ✗ 错误" in shown and "已移出错题本" in shown
        await act(pilot, "<enter>")
        assert isinstance(app.screen, SummaryScreen)
        assert "判我对 1" in screen_text(app) and "✓ 正确 1" in screen_text(app)
    [appeal] = store.appeals()
    assert (appeal["question_id"], appeal["original_verdict"], appeal["response"]) == ("mkt-4p-tf", "incorrect", "对")
    assert store.history("mkt-4p-tf")[-1].rating == 3  # Good
    assert "mkt-4p-tf" not in store.notebook_ids()
