"""One answer form per question type: each shows the prompt and turns what the student did into a :class:`Response`.

========== ===========================================================
type       response
========== ===========================================================
choice     ``choices``: the chosen option's bank index
multi      ``choices``: the ticked options' bank indexes
truefalse  ``judgment``
judge      ``judgment`` and, when false, ``correction``
fill       ``blanks``: one entry per blank, in order ("" when empty)
match      ``pairs``: for each left item, the bank index of its partner
short      ``text``
essay      ``text``
numeric    ``text``
========== ===========================================================

Options are shown in the order given (see :mod:`revise.bank.shuffle`); the
forms turn positions back into bank indexes, so nothing downstream needs to
know the order. Every form can :meth:`~AnswerForm.restore` a response (an
exam being resumed) and say whether it :meth:`~AnswerForm.has_answer`.
The forms hold no grading logic: they never look at the answer key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from revise.bank.model import BLANK_RE, ChoiceQuestion, MatchQuestion, MultiQuestion, Question, letter
from revise.bank.response import Response
from revise.bank.shuffle import bank_to_shown, option_count, shown_to_bank
from revise.tui.display import plain
from revise.tui.widgets.prose import Prose

# Widest the inline fill sentence may get before the blanks go below the prompt.
INLINE_FILL_WIDTH = 72
INLINE_BLANK_WIDTH = 12
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MAX_OPTIONS = 8


def blank_label(index: int) -> str:
    """The label of the blank at a zero-based index: ①, ②, … then (21), (22)."""
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


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

        def __init__(self, form: AnswerForm, response: Response) -> None:
            self.form = form
            self.response = response
            super().__init__()

        @property
        def control(self) -> AnswerForm:
            """The form that was submitted."""
            return self.form

    def __init__(self, question: Question, prompt: str, *, order: tuple[int, ...] | None = None, id: str | None = None) -> None:
        """`order` is the order options are shown in (bank indexes); None: the bank's own order."""
        super().__init__(id=id)
        self.question = question
        self.prompt_text = prompt
        self.order = order if order is not None else tuple(range(option_count(question)))
        self.submitted = False

    def compose_prompt(self) -> ComposeResult:
        """The prompt as literal text (wrapping as needed)."""
        yield Static(Prose(plain(self.prompt_text)), classes="prompt")

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield from self.compose_prompt()
        yield from self.compose_answer()

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield from ()

    def response(self) -> Response:
        """What the student entered, from the widgets' current state."""
        raise NotImplementedError

    def restore(self, response: Response) -> None:
        """Put a saved response back into the (mounted) widgets, e.g. when an exam is resumed."""
        raise NotImplementedError

    def has_answer(self) -> bool:
        """True when the student entered anything at all."""
        return self.response().has_answer()

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
    """Options with letters; letter keys jump to an option, and in multi mode toggle it.

    Positions are what the student sees (A is the first shown); the form maps them to bank indexes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(key, f"letter({index})", f"选{key.upper()}", id=f"answer.letter-{key}", show=False) for index, key in enumerate("abcdefgh")],
        Binding("space", "toggle_option", "勾选", id="answer.toggle", show=False),
    ]

    def __init__(self, texts: list[str], *, multi: bool = False, id: str | None = None) -> None:
        self.texts = texts[:MAX_OPTIONS]
        self.multi = multi
        self.chosen: set[int] = set()
        super().__init__(*[Option(self._prompt(index)) for index in range(len(self.texts))], id=id, markup=False)

    def on_mount(self) -> None:
        """Start with no option highlighted, in single and multiple choice alike, so a stray Enter answers nothing."""
        self.highlighted = None

    def _prompt(self, index: int) -> Prose:
        mark = ("[x] " if index in self.chosen else "[ ] ") if self.multi else ""
        return Prose(plain(f"{mark}{letter(index)}. {self.texts[index]}"))

    def _toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def choose(self, positions: set[int] | frozenset[int]) -> None:
        """Tick exactly these positions (multi), or highlight the one given (single)."""
        if self.multi:
            for index in range(len(self.texts)):
                if (index in positions) != (index in self.chosen):
                    self._toggle(index)
        elif positions:
            self.highlighted = min(positions)

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

    def action_toggle_option(self) -> None:
        """Toggle the highlighted option (multi mode)."""
        if self.multi and self.highlighted is not None:
            self._toggle(self.highlighted)

    def positions(self) -> frozenset[int]:
        """The ticked positions (multi), or the highlighted one (single)."""
        if self.multi:
            return frozenset(self.chosen)
        return frozenset() if self.highlighted is None else frozenset({self.highlighted})


class OptionsAnswer(AnswerForm):
    """What single and multiple choice share: a ChoiceList of the options in the order shown, Enter submits."""

    MULTI = False
    HINT = ""

    def option_texts(self) -> list[str]:
        """The options in the order shown."""
        options: tuple[str, ...] = self.question.options if isinstance(self.question, (ChoiceQuestion, MultiQuestion)) else ()
        return [options[index] for index in self.order]

    def compose_answer(self) -> ComposeResult:
        """The widgets the student answers with."""
        yield ChoiceList(self.option_texts(), multi=self.MULTI, id="options")
        yield Label(self.HINT, classes="hint")

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one(ChoiceList).focus()

    def response(self) -> Response:
        """The chosen options, as bank indexes."""
        return Response(choices=shown_to_bank(self.order, self.query_one(ChoiceList).positions()))

    def restore(self, response: Response) -> None:
        """Tick (or highlight) the saved choices."""
        if response.choices:
            self.query_one(ChoiceList).choose(bank_to_shown(self.order, response.choices & set(self.order)))

    @on(OptionList.OptionSelected, "#options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # Enter in the list submits (for multi: the ticked options, not the highlighted one).
        event.stop()
        self.action_submit()


class ChoiceAnswer(OptionsAnswer):
    """单项选择: A-H or the arrows pick, Enter submits."""

    HINT = "按字母键或方向键选择，Enter 提交"


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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

    def show_judgment(self) -> None:
        """Mark which of 对/错 is chosen (a form that stays on screen, as in an exam)."""
        self.query_one("#true", Button).set_class(self.judgment is True, "chosen")
        self.query_one("#false", Button).set_class(self.judgment is False, "chosen")

    def response(self) -> Response:
        """The judgment (None until one is made)."""
        return Response(judgment=self.judgment)

    def restore(self, response: Response) -> None:
        """Choose the saved judgment again."""
        self.judgment = response.judgment
        self.show_judgment()


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
        self.show_judgment()
        self.query_one("#correction", Input).focus()

    def show_judgment(self) -> None:
        """Mark the choice, and show the correction box only after 错."""
        super().show_judgment()
        self.query_one("#correction-row").set_class(self.judgment is not False, "hidden")

    @on(Input.Submitted, "#correction")
    def _correction_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def response(self) -> Response:
        """The judgment and, after 错, the correction."""
        if self.judgment is None:
            return Response()
        correction = "" if self.judgment else self.query_one("#correction", Input).value.strip()
        return Response(judgment=self.judgment, correction=correction)

    def restore(self, response: Response) -> None:
        """Choose the saved judgment and put its correction back."""
        self.query_one("#correction", Input).value = response.correction
        super().restore(response)


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

    def response(self) -> Response:
        """The text typed."""
        return Response(text=self.query_one(TextArea).text)

    def restore(self, response: Response) -> None:
        """Put the saved text back."""
        self.query_one(TextArea).load_text(response.text)

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
                yield Label(plain(unit), classes="unit", markup=False)

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.query_one("#number", Input).focus()

    def response(self) -> Response:
        """The text typed."""
        return Response(text=self.query_one("#number", Input).value)

    def restore(self, response: Response) -> None:
        """Put the saved text back."""
        self.query_one("#number", Input).value = response.text

    @on(Input.Submitted, "#number")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()


class FillAnswer(AnswerForm):
    """填空: one input per blank, inside the sentence when it fits on a line, else numbered below it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.segments = BLANK_RE.split(self.prompt_text)
        self.blank_count = max(1, len(self.segments) - 1)
        if len(self.segments) == 1:
            # A prompt without underscores (should not happen): one input after it.
            self.segments = [self.prompt_text, ""]
        self.inline = "\n" not in self.prompt_text and self._inline_width() <= INLINE_FILL_WIDTH

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
        numbered = "".join(segment + (f"{blank_label(index)}____" if index < self.blank_count else "") for index, segment in enumerate(self.segments))
        yield Static(Prose(plain(numbered)), classes="prompt")

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
            grids.first().styles.grid_size_columns = 2 if self.blank_count > 2 else 1

    def blanks(self) -> list[Input]:
        """The blank inputs in order."""
        return [self.query_one(f"#blank-{index}", Input) for index in range(self.blank_count)]

    def focus_answer(self) -> None:
        """Focus where the student starts answering."""
        self.blanks()[0].focus()

    def response(self) -> Response:
        """One entry per blank, in order ("" for an empty one)."""
        return Response(blanks=tuple(blank.value.strip() for blank in self.blanks()))

    def restore(self, response: Response) -> None:
        """Put each saved blank back in its own box."""
        saved = response.blanks if response.blanks is not None else ((response.text,) if response.text else ())
        for blank, value in zip(self.blanks(), saved):
            blank.value = value

    @on(Input.Submitted, ".blank")
    def _next_blank(self, event: Input.Submitted) -> None:
        event.stop()
        blanks = self.blanks()
        index = blanks.index(event.input)
        if index + 1 < len(blanks):
            blanks[index + 1].focus()
        else:
            self.action_submit()


class MatchAnswer(AnswerForm):
    """配对: each left item gets a drop-down of the right-hand items (in the order shown, lettered); ctrl+s submits."""

    def rights_shown(self) -> list[str]:
        """The right-hand items in the order shown."""
        rights = self.question.rights if isinstance(self.question, MatchQuestion) else ()
        return [rights[index] for index in self.order]

    def lefts(self) -> tuple[str, ...]:
        """The items to be matched, in bank order."""
        return self.question.lefts if isinstance(self.question, MatchQuestion) else ()

    def compose_answer(self) -> ComposeResult:
        """One row per left item: its text and a picker of right-hand items."""
        choices = [(plain(f"{letter(position)}. {text}"), position) for position, text in enumerate(self.rights_shown())]
        with Vertical(classes="match-rows"):
            for index, left in enumerate(self.lefts()):
                with Horizontal(classes="match-row"):
                    yield Label(plain(f"{index + 1}. {left}"), classes="match-left", markup=False)
                    yield Select(choices, prompt="选择", id=f"pair-{index}", classes="match-choice", compact=True)
        with Horizontal(classes="submit-row"):
            yield Button("提交 (ctrl+s)", id="submit", variant="primary")
        yield Label("每一项选一个配对；Tab 到下一项，ctrl+s 提交", classes="hint")

    def pickers(self) -> list[Select[int]]:
        """The pickers in left-item order."""
        return [self.query_one(f"#pair-{index}", Select) for index in range(len(self.lefts()))]

    def focus_answer(self) -> None:
        """Focus the first picker."""
        pickers = self.pickers()
        if pickers:
            pickers[0].focus()

    def response(self) -> Response:
        """For each left item, the bank index of the right-hand item chosen (None when none)."""
        pairs = []
        for picker in self.pickers():
            value = picker.value
            pairs.append(self.order[value] if isinstance(value, int) and 0 <= value < len(self.order) else None)
        return Response(pairs=tuple(pairs))

    def restore(self, response: Response) -> None:
        """Choose the saved partners again."""
        position = {bank_index: shown for shown, bank_index in enumerate(self.order)}
        for picker, choice in zip(self.pickers(), response.pairs or ()):
            if choice is not None and choice in position:
                picker.value = position[choice]

    @on(Button.Pressed, "#submit")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()


FORMS: dict[str, type[AnswerForm]] = {
    "fill": FillAnswer,
    "choice": ChoiceAnswer,
    "multi": MultiAnswer,
    "truefalse": TrueFalseAnswer,
    "judge": JudgeAnswer,
    "match": MatchAnswer,
    "short": TextAnswer,
    "essay": TextAnswer,
    "numeric": NumericAnswer,
}


def answer_form(question: Question, prompt: str, *, order: tuple[int, ...] | None = None, id: str | None = None) -> AnswerForm:
    """The answer form that fits the question's type, showing options in `order`."""
    return FORMS[question.type](question, prompt, order=order, id=id)
