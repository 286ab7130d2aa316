"""按键帮助 on ``?`` (every key of the screen, from its bindings) and the first-run welcome (issue 14)."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static
from tui_helpers import SIZE, act, screen_text

from revise.tui.screens.help import APP_KEYS, SCREEN_KEYS, HelpScreen
from revise.tui.screens.practice import FeedbackScreen, PracticeScreen
from revise.tui.screens.welcome import WelcomeScreen
from revise.tui.widgets.keyfooter import KeyFooter


class OddScreen(Screen[None]):
    """A screen with a key no list could know about: the help must find it in the bindings."""

    BINDINGS = [
        Binding("z", "nothing", "一个新键", id="odd.new"),
        Binding("y", "nothing", "藏起来的键", id="odd.hidden", show=False),
    ]

    def compose(self):
        yield Static("odd")
        yield KeyFooter()

    def action_nothing(self) -> None:
        """Does nothing."""


def rows_text(app) -> str:
    return "\n".join(f"{row.scope}|{row.keys}|{row.description}|{row.enabled}" for row in app.screen.rows)


async def test_help_lists_every_key_of_the_screen_from_its_bindings(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(OddScreen())
        await act(pilot, "<question_mark>")
        assert isinstance(app.screen, HelpScreen)
        rows = rows_text(app)
        assert f"{SCREEN_KEYS}|z|一个新键|True" in rows
        assert f"{SCREEN_KEYS}|y|藏起来的键|True" in rows  # keys the footer hides are listed too
        assert f"{APP_KEYS}|f1|首页|True" in rows and f"{APP_KEYS}|? / f2|帮助|True" in rows
        assert "一个新键" in screen_text(app) and "按键帮助" in screen_text(app)
        await act(pilot, "<escape>")
        assert isinstance(app.screen, OddScreen)


async def test_help_on_the_feedback_shows_which_keys_do_not_apply_now(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["mkt-4p-tf"]), title="测试"))
        await act(pilot, "<t>")  # wrong
        assert isinstance(app.screen, FeedbackScreen)
        await act(pilot, "<question_mark>")
        rows = rows_text(app)
        for description in ("继续", "我是猜的", "判我对", "收藏", "笔记", "撤销", "结束"):
            assert f"|{description}|True" in rows, description
        assert "我很熟" not in rows  # only for a right answer: not a key of this screen now
        assert "反馈" in screen_text(app)
        await act(pilot, "<question_mark>")  # ? again closes it
        assert isinstance(app.screen, FeedbackScreen)


async def test_question_mark_typed_in_a_text_box_is_text_and_f2_opens_the_help(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await act(pilot, "<s>", "<slash>", "<question_mark>")
        search = app.screen.query_one("#search", Input)
        assert search.value == "?" and not isinstance(app.screen, HelpScreen)
        assert "f2 帮助" in screen_text(app)  # the footer names the key that works here
        await act(pilot, "<f2>")
        assert isinstance(app.screen, HelpScreen)
        assert any(row.description.startswith("在输入框里打字") for row in app.screen.rows)


# -- the first-run welcome ------------------------------------------------------------------------------------


async def test_the_welcome_is_shown_once_on_a_fresh_data_dir(make_app, store) -> None:
    app = make_app(welcome=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        shown = screen_text(app)
        assert "先做这三件事" in shown and "1. 按 p 开始练习" in shown and "2. 按 s 进背题模式" in shown and "3. 按 o 打开设置" in shown
        await act(pilot, "<enter>")
        assert type(app.screen).__name__ == "HomeScreen"
    assert store.get_setting("welcome_shown") is True
    app = make_app(welcome=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen)


async def test_a_key_the_welcome_names_does_what_it_says(make_app, store) -> None:
    """「按 p 开始练习」: pressing p on the welcome starts practice (it is not swallowed by closing the welcome)."""
    app = make_app(welcome=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "PracticeScreen"
    assert store.get_setting("welcome_shown") is True


async def test_no_welcome_once_the_student_has_answered(make_app, store, clock) -> None:
    store.record_answer(question_id="mkt-4p-tf", question_type="truefalse", response="错", verdict="correct", score=1.0, at=clock())
    app = make_app(welcome=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen)
    assert store.get_setting("welcome_shown") is False


async def test_tests_and_scripted_runs_get_no_welcome_unless_asked(make_app, store) -> None:
    app = make_app()  # headless, like every UI test
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen)
    assert store.get_setting("welcome_shown") is False


# -- snapshots -------------------------------------------------------------------------------------------------


def test_snapshot_help_on_the_feedback(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["mkt-4p-tf"]), title="开始练习"))
        await act(pilot, "<t>", "<question_mark>")

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)


def test_snapshot_welcome(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()

    assert snap_compare(make_app(welcome=True), run_before=run_before, terminal_size=SIZE)
