"""One answer form per question type: each shows the prompt and turns what the student did into a response string.

The response strings are what :func:`revise.grading.grade` parses:

========== =====================================================
type       response
========== =====================================================
choice     the option letter, e.g. ``C``
multi      the chosen letters in order, e.g. ``ACE``
truefalse  ``对`` or ``错``
judge      ``对``, or ``错`` followed by ``，`` and the correction
fill       the blanks in order (see :func:`fill_response`)
short      the text typed
essay      the text typed
numeric    the text typed
========== =====================================================

The forms hold no grading logic: they never look at the answer key.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from revise.bank.model import BLANK_RE, Question, letter
from revise.tui.display import DisplayScript, plain

# Answers in a response are joined with this (the grader splits on it too).
BLANK_SEPARATOR = "、"
# What an empty blank among filled ones is sent as (it never matches an answer).
EMPTY_BLANK = "（空）"
JUDGE_TRUE = "对"
JUDGE_FALSE = "错"
JUDGE_CORRECTION_SEPARATOR = "，"
# Widest the inline fill sentence may get before the blanks go below the prompt.
INLINE_FILL_WIDTH = 72
INLINE_BLANK_WIDTH = 12
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MAX_OPTIONS = 8


def blank_label(index: int) -> str:
    """The label of the blank at a zero-based index: ①, ②, … then (21), (22)."""
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def fill_response(answers: list[str], *, keep_positions: bool = True) -> str:
    """The response for a fill question: the blanks' answers in blank order, joined with 、.

    The grader splits a multi-blank response into items on 、 and drops empty
    items, so with `keep_positions` (blanks whose order matters) an empty blank
    among filled ones is sent as a visible placeholder: the later answers then
    stay in their own places instead of sliding one blank to the left.
    """
    cleaned = [answer.strip() for answer in answers]
    if keep_positions and len(cleaned) > 1 and any(cleaned):
        cleaned = [answer or EMPTY_BLANK for answer in cleaned]
    return BLANK_SEPARATOR.join(cleaned)


def judge_response(judged_true: bool, correction: str = "") -> str:
    """The response for a judge question: 对, 错, or 错，<correction>."""
    if judged_true:
        return JUDGE_TRUE
    correction = correction.strip()
    return f"{JUDGE_FALSE}{JUDGE_CORRECTION_SEPARATOR}{correction}" if correction else JUDGE_FALSE


class AnswerForm(Vertical):
    """The prompt and the answer widgets of one question; posts :class:`AnswerForm.Submitted`."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "提交", id="answer.submit", tooltip="Submit this answer"),
    ]
    # Forms judged with one key (对/错) do not show ctrl+s in the footer.
    BINDINGS_SUBMIT_HIDDEN = [
        Binding("ctrl+s", "submit", "提交", id="answer.submit", show=False, tooltip="Submit this answer"),
    ]

    DEFAULT_CLASSES = "answer-form"

    class Submitted(Message):
        """The student submitted a response."""

        def __init__(self, form: AnswerForm, response: str) -> None:
            self.form = form
            self.response = response
            super().__init__()

        @property
        def control(self) -> AnswerForm:
            """The form that was submitted."""
            return self.form

    def __init__(self, question: Question, prompt: str, show: DisplayScript, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.prompt_text = prompt
        self.show = show
        self.submitted = False

    def compose_prompt(self) -> ComposeResult:
        """The prompt as literal text (wrapping as needed)."""
        yield Static(plain(self.show(self.prompt_text)), classes="prompt", markup=False)

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield from self.compose_prompt()
        yield from self.compose_answer()

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield from ()

    def response(self) -> str:
        """The response string for the grader, from the widgets' current state."""
        raise NotImplementedError

    def focus_answer(self) -> None:
        """Put the focus where the student starts answering."""

    def has_typed_text(self) -> bool:
        """True when the student has typed something that leaving the question would throw away."""
        return any(widget.value.strip() for widget in self.query(Input)) or any(area.text.strip() for area in self.query(TextArea))

    def action_submit(self) -> None:
        """Submit the current response (once)."""
        if self.submitted:
            return
        self.submitted = True
        self.post_message(self.Submitted(self, self.response()))


class ChoiceList(OptionList):
    """Options with letters; letter keys jump to an option, and in multi mode toggle it."""

    BINDINGS = [
        Binding(key, f"letter({index})", f"选{key.upper()}", id=f"answer.letter-{key}", show=False)
        for index, key in enumerate("abcdefgh")
    ] + [
        Binding("space", "toggle", "勾选", id="answer.toggle", show=False),
    ]

    def __init__(self, options: tuple[str, ...], show: DisplayScript, *, multi: bool = False, id: str | None = None) -> None:
        self.texts = options[:MAX_OPTIONS]
        self.show = show
        self.multi = multi
        self.chosen: set[int] = set()
        super().__init__(*[Option(self._prompt(index)) for index in range(len(self.texts))], id=id, markup=False)

    def _prompt(self, index: int) -> Content:
        mark = ("[x] " if index in self.chosen else "[ ] ") if self.multi else ""
        return plain(f"{mark}{letter(index)}. {self.show(self.texts[index])}")

    def _toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def action_letter(self, index: int) -> None:
        """Highlight the option with this letter (and toggle it in multi mode)."""
        if index >= len(self.texts):
            self.app.bell()
            return
        self.highlighted = index
        if self.multi:
            self._toggle(index)

    async def _on_click(self, event: events.Click) -> None:
        # In multi mode a click ticks or unticks an option; only Enter submits.
        # (Textual also runs OptionList's own click handler, which selects, unless prevented.)
        if not self.multi:
            return
        event.prevent_default()
        clicked = event.style.meta.get("option")
        if clicked is not None:
            self.highlighted = clicked
            self._toggle(clicked)

    def action_toggle(self) -> None:
        """Toggle the highlighted option (multi mode)."""
        if self.multi and self.highlighted is not None:
            self._toggle(self.highlighted)

    def letters(self) -> str:
        """The chosen letters in order (multi), or the highlighted letter (single)."""
        if self.multi:
            return "".join(letter(index) for index in sorted(self.chosen))
        return letter(self.highlighted) if self.highlighted is not None else ""


class OptionsAnswer(AnswerForm):
    """What single and multiple choice share: a ChoiceList of the options, Enter submits its letters."""

    MULTI = False
    HINT = ""

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield ChoiceList(self.question.options, self.show, multi=self.MULTI, id="options")  # type: ignore[attr-defined]
        yield Label(self.HINT, classes="hint")

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one(ChoiceList).focus()

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        return self.query_one(ChoiceList).letters()

    @on(OptionList.OptionSelected, "#options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # Enter in the list submits (for multi: the ticked letters, not the highlighted one).
        event.stop()
        self.action_submit()


class ChoiceAnswer(OptionsAnswer):
    """单项选择: A-H or the arrows pick, Enter submits."""

    HINT = "按字母键或方向键选择，Enter 提交"

    def on_mount(self) -> None:
        """Start with no option highlighted, so a stray Enter answers nothing."""
        self.query_one(ChoiceList).highlighted = None


class MultiAnswer(OptionsAnswer):
    """多项选择: letter keys or space toggle options, Enter submits."""

    MULTI = True
    HINT = "按字母键或空格勾选（可多选），Enter 提交"


class TrueFalseAnswer(AnswerForm):
    """判断: T or F (or the 对/错 buttons) submit at once."""

    BINDINGS = [
        *AnswerForm.BINDINGS_SUBMIT_HIDDEN,
        Binding("t", "judge(True)", "对", id="answer.true", tooltip="The statement is right"),
        Binding("f", "judge(False)", "错", id="answer.false", tooltip="The statement is wrong"),
    ]
    HINT = "按 T（对）或 F（错）作答"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.judgment: bool | None = None

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        with Horizontal(classes="judge-buttons"):
            yield Button("对 (T)", id="true", variant="success")
            yield Button("错 (F)", id="false", variant="error")
        yield Label(self.HINT, classes="hint")

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one("#true", Button).focus()

    def action_judge(self, value: bool) -> None:
        """Judge the statement right (True) or wrong (False) and submit."""
        self.judgment = value
        self.action_submit()

    def action_submit(self) -> None:
        """Submit, but only once the statement was judged."""
        if self.judgment is None:
            self.app.bell()
            return
        super().action_submit()

    @on(Button.Pressed, "#true, #false")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_judge(event.button.id == "true")

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        return JUDGE_TRUE if self.judgment else JUDGE_FALSE


class JudgeAnswer(TrueFalseAnswer):
    """判断并改错: 对 submits; 错 opens a correction box, and Enter there submits."""

    HINT = "按 T（对）直接提交；按 F（错）后写出改正，Enter 提交"

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield from super().compose_answer()
        with Horizontal(id="correction-row", classes="hidden"):
            yield Label("改正：", classes="field-label")
            yield Input(placeholder="把说法改对的关键词，Enter 提交", id="correction")

    def action_judge(self, value: bool) -> None:
        """对 submits at once; 错 asks for the correction first."""
        self.judgment = value
        if value:
            self.action_submit()
            return
        self.query_one("#correction-row").remove_class("hidden")
        self.query_one("#false", Button).add_class("chosen")
        self.query_one("#correction", Input).focus()

    @on(Input.Submitted, "#correction")
    def _correction_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        if self.judgment is None:
            return ""
        return judge_response(self.judgment, self.query_one("#correction", Input).value)


class TextAnswer(AnswerForm):
    """简答、论述: a text area, submitted with ctrl+s or the button."""

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield TextArea(id="text", soft_wrap=True, tab_behavior="focus", placeholder="在此作答，写出要点；ctrl+s 提交")
        with Horizontal(classes="submit-row"):
            yield Button("提交 (ctrl+s)", id="submit", variant="primary")

    def on_mount(self) -> None:
        """Size the text area by type (essays get more room)."""
        self.query_one(TextArea).add_class(self.question.type)

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one(TextArea).focus()

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        return self.query_one(TextArea).text

    @on(Button.Pressed, "#submit")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()


class NumericAnswer(AnswerForm):
    """计算: one input (with the unit beside it); Enter submits."""

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        unit = getattr(self.question, "unit", None)
        with Horizontal(classes="numeric-row"):
            yield Label("答：", classes="field-label")
            yield Input(placeholder="数字（或文字答案）", id="number")
            if unit:
                yield Label(plain(self.show(unit)), classes="unit", markup=False)

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one("#number", Input).focus()

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        return self.query_one("#number", Input).value

    @on(Input.Submitted, "#number")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()


class FillAnswer(AnswerForm):
    """填空: one input per blank, inside the sentence when it fits on a line, else numbered below it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shown = self.show(self.prompt_text)
        self.segments = BLANK_RE.split(shown)
        self.blank_count = max(1, len(self.segments) - 1)
        if len(self.segments) == 1:
            # A prompt without underscores (should not happen): one input after it.
            self.segments = [shown, ""]
        self.inline = "\n" not in shown and self._inline_width() <= INLINE_FILL_WIDTH

    def _inline_width(self) -> int:
        return sum(cell_len(segment) for segment in self.segments) + self.blank_count * INLINE_BLANK_WIDTH

    def compose_prompt(self) -> ComposeResult:
        """The sentence with an input in each blank when it fits on a line, else the prompt with numbered blanks."""
        if self.inline:
            with Horizontal(classes="fill-sentence"):
                for index, segment in enumerate(self.segments):
                    if segment:
                        yield Label(plain(segment), classes="segment", markup=False)
                    if index < self.blank_count:
                        yield Input(placeholder=blank_label(index), id=f"blank-{index}", classes="blank inline-blank", compact=True)
            return
        numbered = "".join(
            segment + (f"{blank_label(index)}____" if index < self.blank_count else "")
            for index, segment in enumerate(self.segments)
        )
        yield Static(plain(numbered), classes="prompt", markup=False)

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        if self.inline:
            yield Label("Tab/Enter 到下一空，最后一空按 Enter 提交", classes="hint")
            return
        with Grid(classes="blank-grid"):
            for index in range(self.blank_count):
                with Horizontal(classes="blank-cell"):
                    yield Label(blank_label(index), classes="blank-label")
                    yield Input(id=f"blank-{index}", classes="blank", compact=True)
        yield Label("Tab/Enter 到下一空，最后一空按 Enter 提交", classes="hint")

    def on_mount(self) -> None:
        """Two columns of blanks when there are several, so long lists fit 80x24."""
        grids = self.query(".blank-grid")
        if grids:
            # Two columns when there are several blanks, so long lists still fit 80x24.
            grids.first().styles.grid_size_columns = 2 if self.blank_count > 2 else 1

    def blanks(self) -> list[Input]:
        """The blank inputs in order."""
        return [self.query_one(f"#blank-{index}", Input) for index in range(self.blank_count)]

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.blanks()[0].focus()

    def response(self) -> str:
        """The response string for the grader (see the module docstring)."""
        keep_positions = not getattr(self.question, "any_order", False)
        return fill_response([blank.value for blank in self.blanks()], keep_positions=keep_positions)

    @on(Input.Submitted, ".blank")
    def _next_blank(self, event: Input.Submitted) -> None:
        event.stop()
        blanks = self.blanks()
        index = blanks.index(event.input)
        if index + 1 < len(blanks):
            blanks[index + 1].focus()
        else:
            self.action_submit()


FORMS: dict[str, type[AnswerForm]] = {
    "fill": FillAnswer,
    "choice": ChoiceAnswer,
    "multi": MultiAnswer,
    "truefalse": TrueFalseAnswer,
    "judge": JudgeAnswer,
    "short": TextAnswer,
    "essay": TextAnswer,
    "numeric": NumericAnswer,
}


def answer_form(question: Question, prompt: str, show: DisplayScript, *, id: str | None = None) -> AnswerForm:
    """The answer form that fits the question's type."""
    return FORMS[question.type](question, prompt, show, id=id)


