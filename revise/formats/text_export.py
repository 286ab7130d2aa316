"""Numbered text and Word in the 刷题 apps' 智能导入 layout, which :mod:`revise.formats.text_import` reads back.

::

    第1章 营销理论
    一、单选题
    1. 4C理论中与“促销”对应的是：
    A. 顾客
    B. 成本
    答案：B
    解析：促销对应沟通。

A chapter heading opens each chapter, a section heading names the type of
the questions under it, and each question has its ``答案：`` line and, when
there is one, ``解析：`` and ``得分要点：`` lines. A line inside an answer
that would read as a question number (``2. 服务``) is written ``2) 服务``,
so that it cannot start a new question on import.
"""

from __future__ import annotations

import re
from pathlib import Path

from revise.bank.model import Bank, Question
from revise.formats.flat import FlatQuestion, flatten

CHINESE_NUMBERS = "一二三四五六七八九十"
_NUMBERED = re.compile(r"^(\s*)(\d{1,4})\s*[.．、]")
_PARENTHESISED = re.compile(r"^(\s*)[（(]\s*(\d{1,4})\s*[)）]")


def _section_number(index: int) -> str:
    if index <= 10:
        return CHINESE_NUMBERS[index - 1]
    tens, ones = divmod(index, 10)
    return (CHINESE_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def _guard(text: str) -> list[str]:
    """A multi-line text's lines, each safe from being read as a new question, an option or an answer line."""
    lines = []
    for line in text.strip().split("\n"):
        line = _NUMBERED.sub(r"\1\2)", line, count=1)
        line = _PARENTHESISED.sub(r"\1\2)", line, count=1)
        lines.append(line)
    return lines


def _section_label(flat: FlatQuestion) -> str:
    return flat.label if flat.label.endswith("题") else flat.label + "题"


def question_lines(number: int, flat: FlatQuestion) -> list[str]:
    """One question's lines: the numbered stem, options, answer, explanation, key points."""
    stem = _guard(flat.prompt)
    lines = [f"{number}. {stem[0]}", *stem[1:]]
    lines += [f"{chr(65 + index)}. {option}" for index, option in enumerate(flat.options)]
    answer = _guard(flat.answer) or [""]
    lines.append(f"答案：{answer[0]}")
    lines += answer[1:]
    if flat.explanation:
        explanation = _guard(flat.explanation)
        lines += [f"解析：{explanation[0]}", *explanation[1:]]
    if flat.points:
        lines.append("得分要点：" + "；".join(flat.points))
    return lines


def text_lines(bank: Bank, questions: list[Question], warnings: list[str]) -> list[str]:
    """The whole file's lines: chapter headings, a section heading whenever the type changes, numbered questions."""
    lines: list[str] = []
    chapter: str | None = None
    label: str | None = None
    chapters = sections = 0
    for number, question in enumerate(questions, 1):
        flat = flatten(question, bank, warnings, judge_word="判断改错题")
        if flat.chapter != chapter:
            chapter, label, sections, chapters = flat.chapter, None, 0, chapters + 1
            lines += [""] if lines else []
            lines.append(f"第{chapters}章 {chapter}")
        if _section_label(flat) != label:
            label, sections = _section_label(flat), sections + 1
            lines += ["", f"{_section_number(sections)}、{label}"]
        lines += question_lines(number, flat)
    return lines


def export_text(bank: Bank, questions: list[Question], out: Path) -> list[str]:
    """Write numbered text (UTF-8 with a BOM, which Windows Notepad and the apps read); returns warnings."""
    warnings: list[str] = []
    out.write_text("\n".join(text_lines(bank, questions, warnings)) + "\n", encoding="utf-8-sig")
    return warnings


def export_docx(bank: Bank, questions: list[Question], out: Path) -> list[str]:
    """Write the same lines as a Word document, one paragraph each (no Word auto-numbering, which imports cannot read)."""
    import docx

    from revise.formats.docx_paper import set_font

    warnings: list[str] = []
    document = docx.Document()
    for line in text_lines(bank, questions, warnings):
        set_font(document.add_paragraph().add_run(_xml_safe(line)))
    document.save(str(out))
    return warnings


def _xml_safe(text: str) -> str:
    # Word's XML refuses control characters; bank text has none, but a hostile bank must not crash the export.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
