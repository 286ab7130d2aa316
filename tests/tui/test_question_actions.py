"""What a student does with a question beyond answering it (issues 14 and 11): 收藏, 笔记, 背题/答题, undo, 自评.

Also the bugs of those screens: ticks only on words written (8), Latin search
terms matching whole words (11) and text wrapped as Chinese is set (12).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea, Tree
from tui_helpers import SIZE, act, screen_text, type_text

from revise.tui.screens.practice import FeedbackScreen, PracticeScreen, SummaryScreen
from revise.tui.screens.study import StudyScreen
from revise.tui.widgets.keypoints import KeypointTicks
from revise.tui.widgets.personal import NoteDialog
from revise.tui.widgets.prose import break_lines
from revise.tui.widgets.search import HIGHLIGHT

LARGE = (120, 40)
# A note that looks like markup and holds an escape sequence: shown exactly as typed, the escape made visible.
HOSTILE_NOTE = "记住[b]4C[/b]\x1b[2J"


async def open_session(app, pilot, *question_ids: str) -> PracticeScreen:
    """A practice screen serving exactly these questions, in order."""
    app.open_screen(PracticeScreen(app.services, app.new_engine(queue=list(question_ids)), title="测试"))
    await pilot.pause()
    assert isinstance(app.screen, PracticeScreen)
    return app.screen


async def open_study(pilot) -> StudyScreen:
    await act(pilot, "<s>")
    assert isinstance(pilot.app.screen, StudyScreen)
    return pilot.app.screen


def tree_questions(screen: StudyScreen) -> list[str]:
    return screen.shown_question_ids()


async def go_to_question(pilot, screen: StudyScreen, question_id: str) -> None:
    """Put the study tree's cursor on a question (its chapter and concept opened)."""
    tree = screen.query_one("#study-tree", Tree)
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        if node.data is not None and node.data.kind == "question" and node.data.key == question_id:
            parent = node.parent
            while parent is not None:
                parent.expand()
                parent = parent.parent
            await pilot.pause()
            tree.move_cursor(node)
            await pilot.pause()
            return
        stack.extend(node.children)
    raise AssertionError(f"{question_id} is not in the tree")


async def write_note(pilot, text: str) -> None:
    """Press n, type the note and save it with ctrl+s."""
    await act(pilot, "<n>")
    assert isinstance(pilot.app.screen, NoteDialog)
    pilot.app.screen.query_one(TextArea).insert(text)
    await act(pilot, "<ctrl+s>")


# -- 收藏 ----------------------------------------------------------------------------------------------------


async def test_bookmark_from_the_question_its_feedback_and_study(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd")
        assert "★" not in screen_text(app)
        await act(pilot, "<ctrl+b>")  # on the question
        assert store.is_bookmarked("mkt-4c-odd") and "★ 已收藏" in screen_text(app)
        await act(pilot, "<bank:c>", "<enter>", presented=screen.presented)
        assert isinstance(app.screen, FeedbackScreen) and "★ 已收藏" in screen_text(app)
        await act(pilot, "<b>")  # on the feedback: off again
        assert not store.is_bookmarked("mkt-4c-odd") and "★ 已收藏" not in screen_text(app)
        await act(pilot, "<escape>", "<enter>")  # summary, home
        study = await open_study(pilot)
        await go_to_question(pilot, study, "mkt-4p-tf")
        await act(pilot, "<b>")  # in study
        assert store.bookmark_ids() == ["mkt-4p-tf"]
        node = study.query_one("#study-tree", Tree).cursor_node
        assert node is not None and node.label.plain.startswith("★")
        assert "★ 已收藏" in screen_text(app)


# -- 笔记 ----------------------------------------------------------------------------------------------------


async def test_a_note_written_on_the_feedback_comes_back_with_the_question_as_literal_text(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd")
        await act(pilot, "<bank:a>", "<enter>", presented=screen.presented)
        await write_note(pilot, HOSTILE_NOTE)
        assert isinstance(app.screen, FeedbackScreen)
        shown = screen_text(app)
        assert "笔记：记住[b]4C[/b]" in shown and "\x1b" not in shown  # literal, the escape made visible
        assert store.get_note("mkt-4c-odd").text == HOSTILE_NOTE
        await act(pilot, "<escape>", "<enter>")
        # The question comes back: in a new session the note is shown with it.
        await open_session(app, pilot, "mkt-4c-odd")
        assert "笔记：记住[b]4C[/b]" in screen_text(app)
        await act(pilot, "<escape>")
        study = await open_study(pilot)
        await go_to_question(pilot, study, "mkt-4c-odd")
        assert "笔记：记住[b]4C[/b]" in screen_text(app)
        # Edited in study; emptied and saved, it is gone.
        await act(pilot, "<n>")
        area = app.screen.query_one(TextArea)
        assert area.text == HOSTILE_NOTE
        area.clear()
        await act(pilot, "<ctrl+s>")
        assert store.get_note("mkt-4c-odd") is None and "笔记：" not in screen_text(app)


async def test_escape_leaves_the_note_as_it_was(make_app, store, clock) -> None:
    store.set_note("mkt-4p-tf", "对应便利", clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await go_to_question(pilot, study, "mkt-4p-tf")
        await act(pilot, "<n>", "改了", "<escape>")
        assert isinstance(app.screen, StudyScreen)
    assert store.get_note("mkt-4p-tf").text == "对应便利"


async def test_notes_and_bookmarks_are_saved_off_the_event_loop(make_app, store, monkeypatch) -> None:
    import threading

    threads: list[str] = []
    for name in ("set_note", "add_bookmark"):
        real = getattr(store, name)

        def spy(*args, _real=real, **kwargs):
            threads.append(threading.current_thread().name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "mkt-4p-tf")
        await act(pilot, "<t>", "<b>")
        await write_note(pilot, "便利属于4C")
        assert "笔记：便利属于4C" in screen_text(app) and "★ 已收藏" in screen_text(app)
    assert len(threads) == 2 and threading.main_thread().name not in threads


async def test_study_and_feedback_follow_the_traditional_script(make_app, store, clock) -> None:
    store.set_setting("display_script", "traditional")
    store.set_note("val-crm-short", "记住长期利润", clock())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-short")
        await act(pilot, "以客户为中心", "<ctrl+s>", "<space>")
        shown = screen_text(app)
        assert "筆記：記住長期利潤" in shown and "自評" in shown and "用自己的話答到了" in shown and "笔记" not in shown
        await act(pilot, "<question_mark>")
        assert "按鍵幫助" in screen_text(app)


# -- 背题 and 答题 -----------------------------------------------------------------------------------------------


async def test_study_hides_answers_until_space_and_remembers_it(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await go_to_question(pilot, study, "val-fixed")
        assert "答案：20%" in screen_text(app)
        await act(pilot, "<h>")
        shown = screen_text(app)
        assert "答案：20%" not in shown and "解析" not in shown and "按空格显示" in shown
        await act(pilot, "<space>")
        assert "答案：20%" in screen_text(app) and "解析：这就是20/80法则" in screen_text(app)
        await go_to_question(pilot, study, "mkt-4p-tf")  # the next question starts hidden again
        assert "答案：错" not in screen_text(app)
    assert store.get_setting("study_hide_answers") is True
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await go_to_question(pilot, study, "val-fixed")
        assert "答案：20%" not in screen_text(app) and "按空格显示" in screen_text(app)


async def test_practise_these_from_a_search_result_and_from_a_concept(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await act(pilot, "<slash>", "客户为中心", "<enter>")
        found = tree_questions(study)
        assert found == ["val-crm-short", "val-crm-essay"]  # only the search result
        await act(pilot, "<p>")
        assert isinstance(app.screen, PracticeScreen)
        engine = app.screen.engine
        assert engine.current is not None and engine.current.question.id == found[0]
        assert engine._queue == found  # exactly those, in the order shown
        await act(pilot, "<escape>")
        study = await open_study(pilot)
        tree = study.query_one("#study-tree", Tree)
        concept = next(node for node in tree.root.children[0].children if node.data.key == "4c")
        tree.root.children[0].expand()
        await pilot.pause()
        tree.move_cursor(concept)
        await act(pilot, "<p>")
        assert app.screen.engine._queue == ["mkt-4c-odd", "mkt-4c-judge", "mkt-4c-judge-true"]


# -- undo ------------------------------------------------------------------------------------------------------


async def test_undo_on_the_feedback_restores_the_card_and_notebook_and_asks_again(make_app, store, clock) -> None:
    earlier = store.record_answer(question_id="mkt-4c-odd", question_type="choice", response="C", verdict="correct", score=1.0, at=clock())
    clock.advance(days=3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4c-odd", "mkt-4p-tf")
        await act(pilot, "<bank:a>", "<enter>", presented=screen.presented)  # a slip: wrong
        assert store.notebook_ids() == ["mkt-4c-odd"] and store.get_card("mkt-4c-odd").card != earlier.card_after
        await act(pilot, "<u>")
        assert app.screen is screen and screen.presented.question.id == "mkt-4c-odd"  # the same question again
        assert store.get_card("mkt-4c-odd").card == earlier.card_after  # the card as it was
        assert store.notebook_ids() == [] and store.notebook_entry("mkt-4c-odd") is None
        assert [(row.kind, row.undone) for row in store.history("mkt-4c-odd")] == [("answer", False), ("answer", True)]
        await act(pilot, "<bank:c>", "<enter>", presented=screen.presented)
        assert app.screen.query_one("#verdict").has_class("correct")
        await act(pilot, "<enter>", "<f>", "<enter>")
        assert isinstance(app.screen, SummaryScreen)
        assert "本轮完成 2 题" in screen_text(app) and "✓ 正确 2" in screen_text(app)  # the undone answer does not count


async def test_undo_from_the_next_question_asks_the_last_one_again_then_comes_back(make_app, store) -> None:
    store.set_setting("skip_feedback_on_correct", True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_session(app, pilot, "mkt-4p-tf", "mkt-4c-odd")
        await act(pilot, "<f>")  # right: straight on to the next question
        assert screen.presented.question.id == "mkt-4c-odd"
        await act(pilot, "<ctrl+r>")
        assert screen.presented.question.id == "mkt-4p-tf" and store.get_card("mkt-4p-tf") is None
        await act(pilot, "<t>")  # answered again (wrong this time)
        await act(pilot, "<enter>")
        assert screen.presented.question.id == "mkt-4c-odd"  # the question set aside comes back
    assert [(row.response, row.undone) for row in store.history("mkt-4p-tf")] == [("错", True), ("对", False)]
    assert store.notebook_ids() == ["mkt-4p-tf"]


# -- 自评 (issue 11) ---------------------------------------------------------------------------------------------


async def test_ticking_missed_key_points_is_logged_and_the_score_rating_and_summary_follow(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-short")
        await act(pilot, "以客户为中心", "<ctrl+s>")
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        assert "部分正确（自动评分）" in screen_text(app) and "得分 33%" in screen_text(app)
        assert "困难 (Hard)" in screen_text(app) and store.notebook_ids() == ["val-crm-short"]
        assert app.focused is feedback.query_one(KeypointTicks)
        await act(pilot, "<space>")  # 客户价值最大化, in my own words
        shown = screen_text(app)
        assert "部分正确（自评）" in shown and "得分 67%" in shown and "原判 ～ 部分正确（自动评分） 33%" in shown
        assert "☑客户价值最大化（自评）" in shown and "✗长期利润" in shown
        await act(pilot, "<down>", "<space>")  # and 长期利润
        shown = screen_text(app)
        assert "✓ 正确（自评）" in shown and "得分 100%" in shown and "良好 (Good)" in shown
        assert "判我对" not in shown  # one or the other
        await act(pilot, "<enter>")
        assert isinstance(app.screen, SummaryScreen)
        assert "✓ 正确 1" in screen_text(app) and "自评 1" in screen_text(app)
    latest = store.self_assessments("val-crm-short")[-1]
    assert latest.points == ("客户价值最大化", "长期利润") and (latest.verdict_before, latest.verdict) == ("partial", "correct")
    assert store.history("val-crm-short")[-1].rating == 3  # Good: the verdict's rating, as for any answer
    assert store.notebook_ids() == []


async def test_an_appealed_answer_has_nothing_left_to_tick(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-short")
        await act(pilot, "以客户为中心", "<ctrl+s>", "<r>")
        assert "判我对（已申诉）" in screen_text(app)
        assert not app.screen.query(KeypointTicks)
        await act(pilot, "<enter>")
        assert "判我对 1" in screen_text(app) and "自评" not in screen_text(app)


# -- bug 8: a tick only on words the student wrote ----------------------------------------------------------------


async def test_key_point_ticks_name_only_the_words_written_and_show_them(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_session(app, pilot, "val-crm-short")
        await act(pilot, "CRM就是客户为中心", "<ctrl+s>")
        shown = screen_text(app)
        # The student wrote 客户为中心, not 以客户为中心: the tick sits on their words, the point is named apart.
        assert "✓以客户为中心" not in shown
        assert "✓「客户为中心」（以客户为中心）" in shown
        response = app.screen.query_one(".response", Static)
        spans = [(span.start, span.end) for span in response.visual.content.spans if "underline" in str(span.style)]
        offset = len("你的答案：")
        assert spans == [(offset + 5, offset + 10)]  # 客户为中心 underlined in the answer


# -- bug 11: Latin search terms match whole words or acronyms, highlighted --------------------------------------

SEARCH_BANK = """\
chapter: 系统
order: 1
concepts:
  - id: cti
    name: CTI（计算机电话集成）
    summary: 把计算机系统与电话系统集成起来的技术
questions:
  - id: q-4r
    type: fill
    prompt: 4R中与市场反应速度对应的英文是____。
    answer: [[reaction]]
    explanation: 4R指关联（relevance）、反应（reaction）、关系（relationship）、回报（return），4C指顾客（consumer）、成本（cost）、便利（convenience）、沟通（communication），两者都从顾客出发。
  - id: q-cti
    type: fill
    concept: cti
    prompt: 计算机电话集成技术的英文缩写是____。
    answer: [[CTI]]
    explanation: CTI 即 Computer Telephony Integration。
  - id: q-ecrm
    type: truefalse
    prompt: eCRM是基于互联网的客户关系管理。
    answer: true
"""


@pytest.fixture
def search_bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "01-system.yaml").write_text(SEARCH_BANK, encoding="utf-8")
    return folder


async def test_latin_search_terms_match_whole_words_or_acronyms_and_are_highlighted(make_app, search_bank) -> None:
    app = make_app(search_bank)
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await act(pilot, "<slash>", "cti")
        assert tree_questions(study) == ["q-cti"]  # not 4R's "reaction"
        assert "找到 1 道题" in screen_text(app)
        tree = study.query_one("#study-tree", Tree)
        [concept] = tree.root.children[0].children
        assert concept.label.plain == "CTI（计算机电话集成）"
        assert [(span.start, span.end) for span in concept.label.spans if str(span.style) == HIGHLIGHT] == [(0, 3)]
        study.query_one("#search", Input).value = ""
        await act(pilot, "crm")
        assert tree_questions(study) == ["q-ecrm"]  # the acronym inside eCRM
        study.query_one("#search", Input).value = ""
        await act(pilot, "reaction")
        assert tree_questions(study) == ["q-4r"]
        study.query_one("#search", Input).value = ""
        await act(pilot, "relation")
        assert tree_questions(study) == []  # a whole word, not the start of relationship


# -- bug 12: text wrapped as Chinese is set ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("答案：关联（也可：relevance）；反应", 20, ["答案：关联（也可：", "relevance）；反应"]),  # no English word split
        ("要素是____、____和____。", 12, ["要素是____、", "____和____。"]),  # blanks whole, no line starts with 、 or 。
        ("• 客户信息（information）与投资", 18, ["• 客户信息", "  （information）", "  与投资"]),  # bullet with its text, hanging indent
        ("客户让渡价值是总价值与总成本之差。", 16, ["客户让渡价值是总", "价值与总成本之", "差。"]),  # 。 goes down with the last character
    ],
)
def test_lines_break_between_chinese_characters_never_inside_words_or_before_closing_marks(text: str, width: int, lines: list[str]) -> None:
    broken = [" " * indent + text[start:end] for start, end, indent in break_lines(text, width)]
    assert broken == lines


async def test_study_text_never_splits_english_words_nor_starts_a_line_with_punctuation(make_app, search_bank) -> None:
    app = make_app(search_bank)
    async with app.run_test(size=SIZE) as pilot:
        study = await open_study(pilot)
        await go_to_question(pilot, study, "q-4r")
        detail = [line.split("▏", 1)[1].strip() for line in screen_text(app).splitlines()[1:-1] if "▏" in line]
        words = [word for line in detail for word in re.findall(r"[a-z]+", line)]
        assert {"relevance", "reaction", "relationship", "consumer", "convenience", "communication"} <= set(words)
        assert set(words) <= {"relevance", "reaction", "relationship", "return", "consumer", "cost", "convenience", "communication"}
        assert not [line for line in detail if line[:1] in tuple("。，、；：）")]


# -- snapshots at 80x24 and 120x40 -------------------------------------------------------------------------------


def feedback_with_note_and_bookmark(store, clock):
    store.add_bookmark("val-crm-short", clock())
    store.set_note("val-crm-short", "三个要点：以客户为中心、客户价值最大化、长期利润（relationship 要长期）", clock())

    async def run_before(pilot) -> None:
        app = pilot.app
        app.open_screen(PracticeScreen(app.services, app.new_engine(queue=["val-crm-short"]), title="开始练习"))
        await pilot.pause()
        await type_text(pilot, "CRM就是客户为中心")
        await act(pilot, "<ctrl+s>", "<space>")

    return run_before


@pytest.mark.parametrize("size", [SIZE, LARGE], ids=["80x24", "120x40"])
def test_snapshot_feedback_with_a_note_a_bookmark_and_a_ticked_point(snap_compare, make_app, store, clock, size) -> None:
    assert snap_compare(make_app(), run_before=feedback_with_note_and_bookmark(store, clock), terminal_size=size)


@pytest.mark.parametrize("size", [SIZE, LARGE], ids=["80x24", "120x40"])
def test_snapshot_study_with_the_answer_hidden(snap_compare, make_app, store, clock, size) -> None:
    store.set_setting("study_hide_answers", True)
    store.add_bookmark("mkt-4c-odd", clock())

    async def run_before(pilot) -> None:
        study = await open_study(pilot)
        await go_to_question(pilot, study, "mkt-4c-odd")

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)
