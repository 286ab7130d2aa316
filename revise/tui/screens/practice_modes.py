"""练习模式: 顺序练习, 随机练习, 专项练习, 自定义组卷 and 考前冲刺, one page each in one chooser.

What each mode serves is decided in :mod:`revise.sessions.modes`; this screen
lists the choices with their counts and posts :class:`StartQueue` (or, for a
timed 自定义组卷, :class:`OpenExam`) to the app.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Label, OptionList, RadioButton, RadioSet, SelectionList, Static
from textual.widgets.option_list import Option

from revise.bank.model import TYPE_LABELS
from revise.sessions import modes
from revise.tui.background import in_background
from revise.tui.display import percent
from revise.tui.messages import ExamRequest, OpenExam, StartQueue, report_problem
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from revise.tui.services import Services

MODE_PAGES = (("sequential", "顺序练习"), ("random", "随机练习"), ("special", "专项练习"), ("custom", "自定义组卷"), ("sprint", "考前冲刺"))
# Where each page puts the cursor when it is opened.
PAGE_FOCUS = {"sequential": "#seq-chapters", "random": "#random-scopes", "special": "#special-items", "custom": "#custom-chapters", "sprint": "#sprint-date"}
HINTS = {
    "sequential": "按题库顺序做一章。随时可以离开，下次从停下的地方接着做。",
    "random": "先选题数，再选范围，Enter 开始。",
    "special": "只练一种题型，或带某个标签的题（按题库顺序）。",
    "custom": "选章节（不选＝全部），填各题型的题数。\n可以不计时练习，也可以限时考试。",
}
ALL_SCOPE = "all"
CUSTOM_MINUTES = 30


def sequential_label(title: str, total: int, done: int, finished: bool) -> Content:
    """'营销理论  已做到 31/120' for the chapter list."""
    if not total:
        state = "（没有题）"
    elif finished:
        state = f"已做完一遍 · {total} 题"
    elif done:
        state = f"已做到 {done}/{total}"
    else:
        state = f"未开始 · {total} 题"
    return Content.assemble((title, "bold"), "  ", (state, "$text-muted"))


def count_label(name: str, count: int) -> Content:
    """'单项选择题  151 题'."""
    return Content.assemble(name, "  ", (f"{count} 题", "$text-muted"))


class PracticeModesScreen(Screen[None]):
    """The practice modes on the left; the page of the highlighted one on the right."""

    DEFAULT_CSS = """
    PracticeModesScreen #modes-body { height: 1fr; padding: 0 1; }
    PracticeModesScreen #modes { width: 16; height: auto; margin: 1 1 0 0; border: round $primary 60%; }
    PracticeModesScreen #modes:focus { border: round $primary; }
    PracticeModesScreen #mode-pages { width: 1fr; height: 1fr; margin: 1 0 0 0; }
    PracticeModesScreen #mode-pages > Vertical { height: 1fr; }
    PracticeModesScreen .mode-hint { color: $text-muted; height: auto; }
    PracticeModesScreen #mode-pages OptionList { height: 1fr; border: round $foreground 20%; }
    PracticeModesScreen #mode-pages OptionList:focus { border: round $primary; }
    PracticeModesScreen #random-count { layout: horizontal; width: auto; height: auto; border: none; padding: 0; }
    PracticeModesScreen #random-count RadioButton { width: auto; margin: 0 2 0 0; }
    PracticeModesScreen #custom-chapters { height: 1fr; max-height: 9; border: round $foreground 20%; }
    PracticeModesScreen #custom-chapters:focus { border: round $primary; }
    PracticeModesScreen #custom-types { layout: grid; grid-size: 3; grid-gutter: 0 1; height: auto; }
    PracticeModesScreen .type-count { height: 1; width: 1fr; }
    PracticeModesScreen .type-count Label { width: 1fr; }
    PracticeModesScreen .type-count Input { width: 7; }
    PracticeModesScreen #custom-actions, #sprint-date-row { height: 1; margin: 1 0 0 0; }
    PracticeModesScreen #custom-actions Button, #sprint-start { width: auto; min-width: 8; margin: 0 2 0 0; }
    PracticeModesScreen #custom-actions Label, #sprint-date-row Label { width: auto; margin: 0 1 0 0; }
    PracticeModesScreen #custom-minutes { width: 6; margin: 0 1 0 0; }
    PracticeModesScreen #sprint-date { width: 14; }
    PracticeModesScreen #sprint-text { height: auto; }
    PracticeModesScreen #sprint-start { margin: 1 0 0 0; }
    PracticeModesScreen .mode-status { height: auto; margin: 1 0 0 0; color: $text-success; }
    PracticeModesScreen .mode-status.error { color: $text-error; }
    """

    BINDINGS = [
        Binding("escape", "app.home", "返回", id="modes.back", tooltip="Back to the home screen"),
        *(
            Binding(str(number), f"page('{key}')", label, id=f"modes.page{number}", show=False, tooltip=f"Show the {key} page")
            for number, (key, label) in enumerate(MODE_PAGES, 1)
        ),
    ]
    AUTO_FOCUS = None

    def __init__(self, services: Services, *, mode: str = "sequential") -> None:
        super().__init__()
        self.services = services
        self.mode = mode if mode in dict(MODE_PAGES) else "sequential"
        seed = services.rng_seed
        self.rng = random.Random(seed if seed is not None else random.SystemRandom().randrange(1 << 30))
        self.custom_types = modes.type_counts(services.bank)

    # -- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        bank = self.services.bank
        yield TitleBar()
        with Horizontal(id="modes-body"):
            mode_list = OptionList(*(Option(f"{number} {label}", id=key) for number, (key, label) in enumerate(MODE_PAGES, 1)), id="modes", markup=False)
            mode_list.border_title = "模式"
            yield mode_list
            with ContentSwitcher(initial=self.mode, id="mode-pages"):
                with Vertical(id="sequential"):
                    yield Static(HINTS["sequential"], classes="mode-hint", markup=False)
                    yield OptionList(id="seq-chapters", markup=False)
                with Vertical(id="random"):
                    yield Static(HINTS["random"], classes="mode-hint", markup=False)
                    with RadioSet(id="random-count"):
                        for index, count in enumerate(modes.RANDOM_COUNTS):
                            yield RadioButton(f"{count} 题", value=index == 0)
                        yield RadioButton("全部")
                    titles = modes.chapter_titles(bank)
                    scopes = [Option(count_label("全部题库", len(bank.questions)), id=ALL_SCOPE)]
                    scopes += [Option(count_label(title, len(modes.bank_questions(bank, [title]))), id=f"chapter:{title}") for title in titles]
                    yield OptionList(*scopes, id="random-scopes", markup=False)
                with Vertical(id="special"):
                    yield Static(HINTS["special"], classes="mode-hint", markup=False)
                    items: list[Option | None] = [
                        Option(count_label(TYPE_LABELS[qtype], count), id=f"type:{qtype}") for qtype, count in self.custom_types.items()
                    ]
                    tags = modes.tag_counts(bank)
                    if tags:
                        items.append(None)
                        items += [Option(count_label(f"#{tag}", count), id=f"tag:{tag}") for tag, count in tags.items()]
                    yield OptionList(*items, id="special-items", markup=False)
                with Vertical(id="custom"):
                    yield Static(HINTS["custom"], classes="mode-hint", markup=False)
                    yield SelectionList[str](*((Content(title), title) for title in titles), id="custom-chapters")
                    with Vertical(id="custom-types"):
                        for qtype in self.custom_types:
                            with Horizontal(classes="type-count"):
                                yield Label(TYPE_LABELS[qtype], markup=False)
                                yield Input("0", id=f"count-{qtype}", type="integer", compact=True, select_on_focus=True)
                    with Horizontal(id="custom-actions"):
                        yield Button("练习", id="custom-practise", compact=True, variant="primary")
                        yield Label("限时")
                        yield Input(str(CUSTOM_MINUTES), id="custom-minutes", type="integer", compact=True, select_on_focus=True)
                        yield Label("分钟")
                        yield Button("限时考试", id="custom-exam", compact=True)
                    yield Static(id="custom-status", classes="mode-status", markup=False)
                with Vertical(id="sprint"):
                    yield Static(id="sprint-text", markup=False)
                    with Horizontal(id="sprint-date-row"):
                        yield Label("考试日期")
                        yield Input(placeholder="2026-06-20", id="sprint-date", compact=True)
                    yield Button("开始冲刺", id="sprint-start", compact=True, variant="primary")
                    yield Static(id="sprint-status", classes="mode-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the counts, highlight the mode asked for and put the cursor on its page."""
        self.sub_title = "练习模式"
        self.fill_sequential()
        self.fill_sprint()
        self.update_custom_status()
        mode_list = self.query_one("#modes", OptionList)
        mode_list.highlighted = [key for key, _ in MODE_PAGES].index(self.mode)
        self.focus_page()

    def fill_sequential(self) -> None:
        """Each chapter with where 顺序练习 stopped."""
        bank = self.services.bank
        positions = modes.sequential_positions(self.services.store)
        options = []
        for title in modes.chapter_titles(bank):
            plan = modes.sequential_plan(bank, title, positions)
            options.append(Option(sequential_label(title, len(plan.order), plan.done, plan.restarted), id=title))
        chapters = self.query_one("#seq-chapters", OptionList)
        chapters.set_options(options)
        chapters.highlighted = 0 if options else None

    def fill_sprint(self) -> None:
        """The days left and what 考前冲刺 would practise today (or how to set the exam date)."""
        services = self.services
        exam_date = services.store.get_setting("exam_date")
        start = self.query_one("#sprint-start", Button)
        date_input = self.query_one("#sprint-date", Input)
        if exam_date and not date_input.value:
            date_input.value = exam_date
        if not exam_date:
            text = "考前冲刺练的是做过、但到考试那天会记不住的题。\n先在下面填上考试日期，按 Enter 保存。"
            start.disabled = True
        else:
            now = services.clock()
            plan = modes.sprint_plan(services.bank, services.store, date.fromisoformat(exam_date), now, services.zone(now))
            text, start.disabled = sprint_text(plan, float(services.store.get_setting("desired_retention")))
        self.query_one("#sprint-text", Static).update(text)

    # -- moving around -----------------------------------------------------------------------

    def action_page(self, key: str) -> None:
        """Show the page of mode `key` and put the cursor on it."""
        self.query_one("#modes", OptionList).highlighted = [name for name, _ in MODE_PAGES].index(key)
        self.focus_page()

    def focus_page(self) -> None:
        """Put the cursor on the current page's first control."""
        self.query_one(PAGE_FOCUS[self.mode]).focus()

    @on(OptionList.OptionHighlighted, "#modes")
    def _mode_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.mode = event.option.id
            self.query_one("#mode-pages", ContentSwitcher).current = self.mode

    @on(OptionList.OptionSelected, "#modes")
    def _mode_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.focus_page()

    # -- starting ----------------------------------------------------------------------------

    def start(self, title: str, queue: list[str], *, start: int = 0, resume_key: str | None = None, notice: str | None = None) -> None:
        """Practise `queue` (never an empty session: say there is nothing instead)."""
        if not queue:
            self.notify("这里没有题可练。换一个范围试试。", title=title, timeout=5, markup=False)
            return
        self.post_message(StartQueue(title=title, queue=queue, start=start, resume_key=resume_key, notice=notice))

    @on(OptionList.OptionSelected, "#seq-chapters")
    def _sequential(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chapter = event.option.id or ""
        plan = modes.sequential_plan(self.services.bank, chapter, modes.sequential_positions(self.services.store))
        self.start(f"顺序练习：{chapter}", plan.order, start=plan.start, resume_key=chapter, notice=plan.notice)

    @on(OptionList.OptionSelected, "#random-scopes")
    def _random(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        scope = event.option.id or ALL_SCOPE
        chapter = scope.removeprefix("chapter:") if scope != ALL_SCOPE else None
        pressed = self.query_one("#random-count", RadioSet).pressed_index
        count = modes.RANDOM_COUNTS[pressed] if 0 <= pressed < len(modes.RANDOM_COUNTS) else None
        queue = modes.random_queue(self.services.bank, self.rng, chapter=chapter, count=count)
        self.start(f"随机练习：{chapter or '全部题库'}", queue)

    @on(OptionList.OptionSelected, "#special-items")
    def _special(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "type":
            self.start(f"专项练习：{TYPE_LABELS[value]}", modes.special_queue(self.services.bank, qtype=value))
        elif kind == "tag":
            self.start(f"专项练习：#{value}", modes.special_queue(self.services.bank, tag=value))

    # -- 自定义组卷 ----------------------------------------------------------------------------

    def custom_set(self) -> modes.CustomSet:
        """The set as filled in (a count that is not a number counts as 0, and is reported)."""
        chapters = tuple(self.query_one("#custom-chapters", SelectionList).selected)
        counts = {}
        for qtype in self.custom_types:
            text = self.query_one(f"#count-{qtype}", Input).value.strip()
            counts[qtype] = int(text) if text.lstrip("-").isdigit() else 0
        return modes.CustomSet(chapters, counts)

    def custom_minutes(self) -> int | None:
        """The time limit typed, or None when it is not a whole number of minutes in range."""
        text = self.query_one("#custom-minutes", Input).value.strip()
        minutes = int(text) if text.isdigit() else 0
        return minutes if 1 <= minutes <= modes.MAX_CUSTOM_MINUTES else None

    @on(Input.Changed, "#custom-types Input, #custom-minutes")
    @on(SelectionList.SelectedChanged, "#custom-chapters")
    def update_custom_status(self) -> None:
        """Say how many questions the set has, or what is wrong with it."""
        spec = self.custom_set()
        problems = modes.check_custom_set(self.services.bank, spec)
        status = self.query_one("#custom-status", Static)
        status.set_class(bool(problems) and spec.total > 0, "error")
        if problems:
            status.update("；".join(problems))
        else:
            where = "、".join(spec.chapters) if spec.chapters else "全部章节"
            status.update(f"共 {spec.total} 题，出自{where}。")

    @on(Button.Pressed, "#custom-practise")
    def _custom_practise(self, event: Button.Pressed) -> None:
        event.stop()
        spec = self.custom_set()
        problems = modes.check_custom_set(self.services.bank, spec)
        if problems:
            self.notify("；".join(problems), title="自定义组卷", severity="warning", timeout=6, markup=False)
            return
        self.start(f"自定义组卷（{spec.total} 题）", modes.draw_custom(self.services.bank, spec, self.rng))

    @on(Button.Pressed, "#custom-exam")
    def _custom_exam(self, event: Button.Pressed) -> None:
        event.stop()
        spec = self.custom_set()
        problems = modes.check_custom_set(self.services.bank, spec)
        minutes = self.custom_minutes()
        if minutes is None:
            problems.append(f"限时须是 1 到 {modes.MAX_CUSTOM_MINUTES} 分钟")
        if problems or minutes is None:
            self.notify("；".join(problems), title="自定义组卷", severity="warning", timeout=6, markup=False)
            return
        paper = modes.custom_paper(self.services.bank, spec, minutes, self.rng)
        # The exam flow draws papers of the bank by id: this run's bank gets the custom blueprint too.
        self.services.bank.papers[paper.id] = paper
        self.post_message(OpenExam(ExamRequest(paper.id, minutes=minutes)))

    # -- 考前冲刺 ------------------------------------------------------------------------------

    @on(Input.Submitted, "#sprint-date")
    def _exam_date(self, event: Input.Submitted) -> None:
        event.stop()
        from revise.progress.settings import validate_setting

        status = self.query_one("#sprint-status", Static)
        try:
            value = validate_setting("exam_date", event.value)
        except ValueError:
            status.add_class("error")
            status.update("日期要写成 年-月-日，例如 2026-06-20")
            return
        store = self.services.store

        def saved(_stored: object) -> None:
            status.remove_class("error")
            status.update(f"已保存考试日期 {value}" if value else "已清除考试日期")
            self.fill_sprint()

        def failed(error: Exception) -> None:
            report_problem(self, "考试日期未保存", error)

        in_background(self, lambda: store.set_setting("exam_date", value), done=saved, failed=failed)

    @on(Button.Pressed, "#sprint-start")
    def _sprint(self, event: Button.Pressed) -> None:
        event.stop()
        services = self.services
        exam_date = services.store.get_setting("exam_date")
        if not exam_date:
            return
        now = services.clock()
        plan = modes.sprint_plan(services.bank, services.store, date.fromisoformat(exam_date), now, services.zone(now))
        self.start(f"考前冲刺（距考试 {plan.days_left} 天）", plan.today)


def sprint_text(plan: modes.SprintPlan, target: float) -> tuple[str, bool]:
    """What 考前冲刺 would do today, and whether there is nothing to start."""
    when = f"{plan.exam_date.isoformat()}"
    if plan.days_left < 0:
        return f"考试日期 {when} 已经过了。要准备下一次考试，改一下日期。", True
    head = "今天考试。" if plan.days_left == 0 else f"距考试还有 {plan.days_left} 天（{when}）。"
    unseen = f"\n另有 {plan.unseen} 道还没做过：冲刺只练做过的题，新题在“开始练习”里学。" if plan.unseen else ""
    if not plan.weak:
        return f"{head}\n做过的题到考试那天都记得住（记忆率不低于 {percent(target)}），现在不用冲刺。{unseen}", True
    return (
        f"{head}\n做过的题中有 {plan.weak} 道到考试那天会记不住（低于 {percent(target)}），"
        f"已分到考前每一天；今天练其中 {len(plan.today)} 道，最弱的先练。{unseen}",
        not plan.today,
    )
