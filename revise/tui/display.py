"""How bank text reaches the screen: in the chosen script, and never as markup.

Every piece of bank or student text goes through :func:`plain` or
:func:`rich_plain` (never parsed for markup, control characters made visible
by :func:`revise.safetext.show`), so a prompt containing ``[b]``, ``[link=…]``
or an escape sequence is shown exactly as written. The script is applied to
the whole interface at once by :class:`ScriptFilter`.

It is also the one home of the words for verdicts and the way points are written.

OpenCC is imported only when Traditional script is chosen, and its
dictionaries load once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.filter import LineFilter

from revise.safetext import show as safe_show

if TYPE_CHECKING:
    from textual.color import Color
    from textual.style import Style

    from revise.bank.model import Bank, Question

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
# s2tw changes only the characters (not the wording), using the forms most
# Traditional readers know (為, 裡 rather than OpenCC-standard 爲, 裏).
TRADITIONAL_CONFIG = "s2tw"


class DisplayScript:
    """Converts text to the script the student chose; the identity for Simplified.

    The app keeps one instance and changes its :attr:`script` in place, so
    everything holding it (the line filter, the screens) follows a change.
    """

    def __init__(self, script: str = SIMPLIFIED) -> None:
        self._converter: Any = None  # an opencc.OpenCC, made on first use
        self._cache: dict[str, str] = {}
        self.script = script

    @property
    def script(self) -> str:
        """ "simplified" or "traditional"."""
        return self._script

    @script.setter
    def script(self, script: str) -> None:
        self._script = script if script in (SIMPLIFIED, TRADITIONAL) else SIMPLIFIED

    @property
    def traditional(self) -> bool:
        """True when text is shown in Traditional script."""
        return self._script == TRADITIONAL

    def __call__(self, text: str | None) -> str:
        """The text in the display script ("" for None)."""
        if not text:
            return ""
        if not self.traditional or text.isascii():
            return text
        cached = self._cache.get(text)
        if cached is None:
            if self._converter is None:
                import opencc  # only when Traditional is chosen: its dictionaries take time to load

                self._converter = opencc.OpenCC(TRADITIONAL_CONFIG)
            cached = self._converter.convert(text)
            if len(self._cache) < 20_000:
                self._cache[text] = cached
        return cached


class ScriptFilter(LineFilter):
    """Shows every line of the interface in the display script: bank text, menus, footer, notifications, palette.

    Converting at the last step means no screen, dialog or toast can be left
    half in Simplified. A segment whose width would change is left as it is,
    so columns never shift.
    """

    def __init__(self, show: DisplayScript) -> None:
        super().__init__(enabled=show.traditional)
        self.show = show

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments with their text converted (styles untouched)."""
        converted = []
        for segment in segments:
            text = segment.text
            if text.isascii() or segment.control:
                converted.append(segment)
                continue
            shown = self.show(text)
            converted.append(Segment(shown, segment.style) if cell_len(shown) == cell_len(text) else segment)
        return converted


def plain(text: str | None, style: Style | str = "") -> Content:
    """Text as Textual content that is never parsed for markup, with control characters made visible."""
    content = Content(safe_show(text or ""))
    return content.stylize(style) if style else content


def rich_plain(text: str | None, style: str = "") -> Text:
    """Text as a Rich ``Text`` (for Tree and DataTable cells), never parsed for markup, controls made visible."""
    return Text(safe_show(text or ""), style=style)


# -- verdicts and points: one vocabulary for practice, feedback and exam reports -------------

VERDICT_WORDS = {"correct": "✓ 正确", "partial": "～ 部分正确", "incorrect": "✗ 错误"}
UNANSWERED_WORD = "— 未作答"
# Free-text answers are scored by matching key points: say so wherever their verdict appears.
AUTOMATIC_LABEL = "自动评分"
# Key points the student ticked as made in their own words: their score is the student's own (issue 11).
SELF_ASSESSED_LABEL = "自评"
FREE_TEXT_TYPES = frozenset({"short", "essay"})


def verdict_word(verdict: str, *, answered: bool = True) -> str:
    """ "✓ 正确", "～ 部分正确", "✗ 错误", or "— 未作答" when nothing was answered."""
    if not answered:
        return UNANSWERED_WORD
    return VERDICT_WORDS.get(verdict, verdict)


def verdict_label(verdict: str, question_type: str, *, answered: bool = True) -> str:
    """The verdict words, marked （自动评分） for short and essay answers, which a teacher might mark otherwise."""
    word = verdict_word(verdict, answered=answered)
    if answered and question_type in FREE_TEXT_TYPES:
        return f"{word}（{AUTOMATIC_LABEL}）"
    return word


def points_text(points: float) -> str:
    """Points without trailing zeros: 2, 2.5, 2.67."""
    return f"{round(points, 2):g}"


def score_text(score: float) -> str:
    """A score (a fraction of full marks) as a whole percentage, e.g. 0.456 -> "46%"."""
    return percent(score)


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal cells (an ellipsis marks a cut) and padded to exactly `width`.

    CJK characters are two cells wide; this keeps columns aligned.
    """
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    out = []
    used = 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…" + " " * (width - 1 - used)


def percent(value: float) -> str:
    """A fraction as a whole percentage, e.g. 0.456 -> "46%"."""
    return f"{round(max(0.0, min(1.0, value)) * 100):d}%"


def duration_text(seconds: float) -> str:
    """A duration for people: "45秒", "3分12秒", "1小时05分"."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}小时{minutes:02d}分"
    if minutes:
        return f"{minutes}分{secs:02d}秒"
    return f"{secs}秒"


def answer_text(question: Question) -> str:
    """The answer key of a question written out for reading (study mode); it grades nothing."""
    from revise.bank.model import (
        ChoiceQuestion,
        FillQuestion,
        JudgeQuestion,
        MultiQuestion,
        NumericQuestion,
        ShortQuestion,
        TrueFalseQuestion,
        format_number,
        letter,
    )

    if isinstance(question, ChoiceQuestion):
        return f"{letter(question.answer)}. {question.options[question.answer]}" if question.answer < len(question.options) else letter(question.answer)
    if isinstance(question, MultiQuestion):
        return "；".join(f"{letter(index)}. {question.options[index]}" for index in sorted(question.answer) if index < len(question.options))
    if isinstance(question, JudgeQuestion):
        if question.answer:
            return "对"
        return f"错。改正：{' / '.join(question.corrections)}" if question.corrections else "错"
    if isinstance(question, TrueFalseQuestion):
        return "对" if question.answer else "错"
    if isinstance(question, FillQuestion):
        blanks = []
        for forms in question.blanks:
            extra = f"（也可：{'、'.join(forms[1:])}）" if len(forms) > 1 else ""
            blanks.append(f"{forms[0]}{extra}" if forms else "")
        order = "（顺序不限）" if question.any_order and len(blanks) > 1 else ""
        return "；".join(blanks) + order
    if isinstance(question, ShortQuestion):
        text = question.answer.strip()
        if question.keypoints:
            points = [point.label + (f"（或：{'、'.join(point.forms[1:])}）" if len(point.forms) > 1 else "") for point in question.keypoints]
            text += "\n要点：" + "；".join(points)
        return text
    if isinstance(question, NumericQuestion):
        unit = question.unit or ""
        if question.formula is not None:
            text = f"按公式计算：{question.formula.text}{unit}"
        elif question.answer is not None:
            text = f"{format_number(question.answer)}{unit}"
        else:
            text = ""
        accepted = [form for forms in question.accept.values() for form in forms] + list(question.accept_always)
        if accepted:
            text += f"（也接受：{'、'.join(accepted)}）"
        return text
    return ""


# -- options as the student saw them -------------------------------------------------------


def option_indexes(question: Question) -> tuple[int, ...]:
    """The bank indexes of a choice or multi question's right options; () for other types."""
    from revise.bank.model import ChoiceQuestion, MultiQuestion

    if isinstance(question, ChoiceQuestion):
        return (question.answer,)
    if isinstance(question, MultiQuestion):
        return tuple(sorted(question.answer))
    return ()


def options_shown(question: Question, indexes: frozenset[int] | set[int] | tuple[int, ...], order: tuple[int, ...] = ()) -> str:
    """Options by the letter the student saw (`order`: bank indexes as shown; () is bank order) and their text.

    "B. 促销；D. 沟通". Letters alone would be wrong on a shuffled paper, and
    meaningless on a report read later (issue 14, bug 9).
    """
    from revise.bank.model import ChoiceQuestion, MultiQuestion, letter

    options: tuple[str, ...] = question.options if isinstance(question, (ChoiceQuestion, MultiQuestion)) else ()
    shown = order or tuple(range(len(options)))
    position = {bank_index: place for place, bank_index in enumerate(shown)}
    picked = sorted((position[index], index) for index in indexes if index in position and index < len(options))
    return "；".join(f"{letter(place)}. {options[index]}" for place, index in picked)


def letters_to_indexes(text: str) -> frozenset[int]:
    """Bank indexes named by a logged choice answer such as "AC" (bank letters); empty when it is not letters."""
    letters = [char for char in text.upper() if not char.isspace() and char not in "、,，"]
    if not letters or not all("A" <= char <= "Z" for char in letters):
        return frozenset()
    return frozenset(ord(char) - ord("A") for char in letters)


def options_line(question: Question | None) -> str:
    """A choice question's options with their letters on one line ("" for other types)."""
    from revise.bank.model import ChoiceQuestion, MultiQuestion, letter

    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        return "  ".join(f"{letter(index)}. {option}" for index, option in enumerate(question.options))
    return ""


def explanation_and_source(question: Question, bank: Bank) -> list[Content | tuple[str, str] | str]:
    """The 解析 and 出处 lines a list screen's detail pane ends with, bank text literal."""
    parts: list[Content | tuple[str, str] | str] = []
    if question.explanation:
        parts += ["\n", ("解析：", "bold"), Content(safe_show(question.explanation.strip()))]
    source = bank.citation(question)
    if source:
        parts += ["\n", Content(safe_show(f"出处：{source}")).stylize("$text-muted")]
    return parts
