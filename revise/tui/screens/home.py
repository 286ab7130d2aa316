"""The home screen: today's work, what is done, the daily new limit and the exam countdown, mastery per chapter, and the way in to everything.

Two settings are edited right here, in a one-line input that opens under the
numbers: the daily new-question limit (n) and the exam date (d). They are
saved off the event loop and shown as saved only once committed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from revise.tui.background import in_background
from revise.tui.destinations import HOME_DESTINATIONS
from revise.tui.display import percent
from revise.tui.messages import report_problem
from revise.tui.widgets.charts import BarChart
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.tui.services import Services

# The one rule for mock exams and the daily quota, said where the quota is shown.
QUOTA_RULE = "模拟考试里第一次做的题也算在内"
EDITS = {
    "daily_new_limit": ("每日新题上限", "0 到 10000 的整数", "integer"),
    "exam_date": ("考试日期", "年-月-日，如 2026-06-20；清空＝不设", "text"),
}


def countdown_text(exam_date: str | None, days_left: int | None) -> str:
    """'距考试还有 12 天（2026-06-20）', or how to set the date."""
    if not exam_date or days_left is None:
        return "还没设考试日期：按 d 设置，这里会显示倒计时"
    if days_left > 0:
        return f"距考试还有 {days_left} 天（{exam_date}）· d 修改 · k 考前冲刺"
    if days_left == 0:
        return f"今天考试（{exam_date}）· 加油！"
    return f"考试日期 {exam_date} 已过 · 按 d 设置下一次"


class HomeScreen(Screen[None]):
    """Today at a glance, mastery bars per chapter, and a menu with one key per entry."""

    BINDINGS = [
        *(
            Binding(entry.key or "", f"app.{entry.action}", entry.label, id=f"home.{entry.action}", show=entry.in_footer, tooltip=entry.description)
            for entry in HOME_DESTINATIONS
        ),
        Binding("n", "edit('daily_new_limit')", "新题上限", id="home.edit_limit", show=False, tooltip="Change the daily new-question limit"),
        Binding("d", "edit('exam_date')", "考试日期", id="home.edit_exam_date", show=False, tooltip="Set the exam date"),
        Binding("escape", "cancel_edit", "取消", id="home.cancel_edit", show=False, tooltip="Close the input without saving"),
        Binding("q", "app.quit", "退出", id="home.quit", tooltip="Quit revise"),
    ]

    AUTO_FOCUS = "#menu"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        # The numbers are computed in compose for the first display (one layout pass at start-up);
        # every later resume recomputes them.
        self._composed_with_data = False
        self.editing: str | None = None  # the setting the input row is open for

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        today, rows = self.gather()
        self._composed_with_data = True
        # Few widgets on purpose: each one costs restyling time whenever home is shown.
        yield TitleBar()
        yield Static(today, id="today")
        # The input row for n/d is mounted on first use: an Input costs start-up time most visits never need.
        with Horizontal(id="home-body"):
            menu = OptionList(
                *(Option(Content.assemble((f" {entry.key} ", "bold $accent"), " ", entry.label), id=entry.action) for entry in HOME_DESTINATIONS),
                id="menu",
                markup=False,
            )
            menu.border_title = "↑↓ 选择  Enter 进入"
            yield menu
            # Not in a scroll container: those cost ~30 ms at start-up; the chart says how many rows did not fit.
            chart = BarChart(rows, label_width=18, id="chapter-chart")
            chart.border_title = "各章掌握度"
            yield chart
        yield KeyFooter()

    DEFAULT_CSS = """
    HomeScreen #home-edit { height: 1; margin: 0 1; padding: 0 1; background: $boost; }
    HomeScreen #home-edit Label { width: auto; margin: 0 1 0 0; text-style: bold; }
    HomeScreen #home-edit Input { width: 16; }
    HomeScreen #home-edit-hint { width: 1fr; margin: 0 0 0 1; color: $text-muted; }
    HomeScreen #home-edit-hint.error { color: $text-error; }
    """

    def on_screen_resume(self) -> None:
        """Recompute the numbers when the student comes back (not on the first display)."""
        if self._composed_with_data:
            self._composed_with_data = False
            return
        self.refresh_data()

    def gather(self) -> tuple[Content, list[tuple[str, float, str]]]:
        """Today's lines and the chapter bars (label, mastery, percentage), from the engine and the store."""
        from revise.bank.drills import is_drill_id
        from revise.progress.due import due_today_ids
        from revise.progress.forecast import days_until
        from revise.progress.mastery import MASTERED_RETRIEVABILITY, compute_mastery, current_streak

        app = self.services
        store = app.store
        now = app.clock()
        tz = app.zone(now)
        engine = app.new_engine()
        waiting = engine.describe()
        report = compute_mastery(app.bank, store, now=now, tz=tz, questions=engine.questions)
        streak = current_streak(store, now, tz)
        bank_ids = [qid for qid in engine.questions if not is_drill_id(qid)]
        drills = len(engine.questions) - len(bank_ids)
        seen = store.seen_ids()
        done = sum(1 for qid in bank_ids if qid in seen)
        mastered = sum(1 for qid in bank_ids if report.questions.get(qid, 0.0) >= MASTERED_RETRIEVABILITY)
        exam_date = store.get_setting("exam_date")
        days_left = days_until(date.fromisoformat(exam_date), now, tz) if exam_date else None
        muted = "$text-muted"
        parts: list[Any] = [
            ("今日到期 ", muted),
            (str(len(due_today_ids(store, now, tz, within=engine.questions))), "bold"),
            ("   今日新题 ", muted),
            (str(waiting["new_available"]), "bold"),
            ("   错题本 ", muted),
            (str(waiting["notebook"]), "bold"),
            ("   已掌握 ", muted),
            (str(mastered), "bold"),
            ("   连续 ", muted),
            (f"{streak} 天", "bold"),
            "\n",
            ("已做 ", muted),
            (f"{done}/{len(bank_ids)}", "bold"),
            (" 题", muted),
        ]
        if drills:
            parts.append((f"（只算题库原题，不含自动生成的 {drills} 道概念练习）", muted))
        parts += [
            "\n",
            ("每日新题上限 ", muted),
            (str(store.get_setting("daily_new_limit")), "bold"),
            (f"（n 修改）：{QUOTA_RULE}", muted),
            "\n",
            (countdown_text(exam_date, days_left), "bold" if days_left is not None and days_left >= 0 else muted),
        ]
        rows = [(group.name, group.mastery, percent(group.mastery)) for group in report.chapters]
        return Content.assemble(*parts), rows

    def refresh_data(self) -> None:
        """Recompute today's lines and the chapter bars from the store."""
        counts, rows = self.gather()
        self.query_one("#today", Static).update(counts)
        self.query_one("#chapter-chart", BarChart).set_rows(rows)

    @on(OptionList.OptionSelected, "#menu")
    def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.call_later(self.app.run_action, f"app.{event.option.id}")

    # -- editing the daily limit and the exam date -------------------------------------------

    async def action_edit(self, key: str) -> None:
        """Open the input row for a setting, filled with its current value."""
        label, hint, kind = EDITS[key]
        self.editing = key
        value = self.services.store.get_setting(key)
        if not self.query("#home-edit"):
            await self.mount(
                Horizontal(
                    Label("", id="home-edit-label"), Input(id="home-edit-input", compact=True), Static("", id="home-edit-hint", markup=False), id="home-edit"
                ),
                before="#home-body",
            )
        self.query_one("#home-edit-label", Label).update(label)
        box = self.query_one("#home-edit-input", Input)
        box.type = "integer" if kind == "integer" else "text"
        box.value = "" if value is None else str(value)
        box.placeholder = "2026-06-20" if key == "exam_date" else ""
        self._hint(f"{hint} · Enter 保存 · Esc 取消")
        self.query_one("#home-edit").remove_class("hidden")
        box.focus()

    def action_cancel_edit(self) -> None:
        """Close the input row without saving."""
        self.editing = None
        for row in self.query("#home-edit"):  # none until the first edit
            row.add_class("hidden")
        self.query_one("#menu", OptionList).focus()

    def _hint(self, text: str, *, error: bool = False) -> None:
        hint = self.query_one("#home-edit-hint", Static)
        hint.update(text)
        hint.set_class(error, "error")

    @on(Input.Submitted, "#home-edit-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from revise.progress.settings import validate_setting

        key = self.editing
        if key is None:
            return
        label = EDITS[key][0]
        try:
            value = validate_setting(key, event.value.strip())
        except ValueError:
            self._hint(f"没保存：{label}须是{EDITS[key][1]}", error=True)
            return
        store = self.services.store
        self._hint("正在保存……")

        def saved(_stored: object) -> None:
            self.action_cancel_edit()
            self.refresh_data()
            self.notify(f"已保存：{label} {value}" if value not in (None, "") else f"已清除{label}", timeout=3, markup=False)

        def failed(error: Exception) -> None:
            self._hint("没保存，见提示", error=True)
            report_problem(self, f"{label}未保存", error)

        in_background(self, lambda: store.set_setting(key, value), done=saved, failed=failed)
