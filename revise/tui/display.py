"""How bank text reaches the screen: in the chosen script, and never as markup.

Every piece of bank or student text goes through :class:`DisplayScript` (for
Simplified or Traditional script) and :func:`plain` (a Textual ``Content``
that is never parsed for markup), so a prompt containing ``[b]`` or
``[link=…]`` is shown exactly as written.

OpenCC is imported only when Traditional script is chosen, and its
dictionaries load once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content

if TYPE_CHECKING:
    from textual.style import Style

    from revise.bank.model import Question

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
# s2tw changes only the characters (not the wording), using the forms most
# Traditional readers know (為, 裡 rather than OpenCC-standard 爲, 裏).
TRADITIONAL_CONFIG = "s2tw"


class DisplayScript:
    """Converts bank text to the script the student chose; the identity for Simplified."""

    def __init__(self, script: str = SIMPLIFIED) -> None:
        self.script = script if script in (SIMPLIFIED, TRADITIONAL) else SIMPLIFIED
        self._converter = None
        self._cache: dict[str, str] = {}

    @property
    def traditional(self) -> bool:
        """True when bank text is shown in Traditional script."""
        return self.script == TRADITIONAL

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


def plain(text: str | None, style: Style | str = "") -> Content:
    """Text as Textual content that is never parsed for markup."""
    content = Content(text or "")
    return content.stylize(style) if style else content


def rich_plain(text: str | None, style: str = "") -> Text:
    """Text as a Rich ``Text`` (for Tree and DataTable cells), never parsed for markup."""
    return Text(text or "", style=style)


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
    seconds = max(0, int(round(seconds)))
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
