"""Numbered questions in plain text or Word, read the way the 刷题 apps' 智能导入 reads them.

::

    一、单项选择题
    1. 4C理论中与“促销”对应的是（ ）
    A. 顾客  B. 成本  C. 便利  D. 沟通
    答案：D
    解析：促销对应沟通。

Stems are numbered ``1.`` ``1、`` ``（1）``; options ``A.`` ``A、`` ``A：``
(several may share a line); ``答案：`` and ``解析：`` lines follow. A section
heading (``一、判断题``), a 学习通 ``(单选题, 2.0 分)`` or a ``【单选】`` prefix
names the type; otherwise it is inferred from the options and the answer.
Each question then goes through the same conversion as a spreadsheet row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from revise.formats.common import MAX_QUESTIONS, FormatError, IdMaker, ImportResult, clean, fold_width
from revise.formats.officezip import check_zip
from revise.formats.textfile import read_text
from revise.formats.xlsx_templates import Layout, row_question

NUMBER_RE = re.compile(r"^\s*(?:(\d{1,4})\s*[.．、]|[（(]\s*(\d{1,4})\s*[)）])\s*(?![\d])")
OPTION_RE = re.compile(r"(?:^|(?<=\s))([A-Ha-h])\s*[.．、:：)）]\s*")
ANSWER_RE = re.compile(r"^\s*[【\[]?(?:正确答案|参考答案|标准答案|答案)[】\]]?\s*[：:]?\s*")
EXPLAIN_RE = re.compile(r"^\s*[【\[]?(?:答案解析|试题解析|解析)[】\]]?\s*[：:]?\s*")
POINTS_RE = re.compile(r"^\s*[【\[]?(?:得分要点|评分要点|要点)[】\]]?\s*[：:]\s*")
CHAPTER_RE = re.compile(r"^\s*第\s*[一二三四五六七八九十百零\d]{1,4}\s*章\s*(.{0,40})$")
SECTION_RE = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(.{1,20}?题)")
KIND_RE = re.compile(r"^\s*(?:[(（]\s*([^,，)）]{1,8}题)\s*(?:[,，][^)）]*)?[)）]|【([^】]{1,8})】)\s*")
LAYOUT = Layout(["题干", "题型", "正确答案", "解析", *[f"选项{c}" for c in "ABCDEFGH"], "得分要点"])


class _Draft:
    """A question being collected line by line."""

    def __init__(self, line: int, stem: str, kind: str) -> None:
        self.line = line
        self.stem = [stem]
        self.kind = kind
        self.options: list[str] = []
        self.answer: list[str] = []
        self.explanation: list[str] = []
        self.points = ""
        self.field = "stem"

    def add(self, text: str) -> None:
        """A continuation line: it belongs to whatever was being written."""
        if self.field == "option" and self.options:
            self.options[-1] += text
        elif self.field == "answer":
            self.answer.append(text)
        elif self.field == "explanation":
            self.explanation.append(text)
        elif self.field == "points":
            self.points += "；" + text
        else:
            self.stem.append(text)

    def row(self) -> tuple:
        """The draft as a row of :data:`LAYOUT`."""
        stem = "\n".join(part for part in self.stem if part).strip()
        match = KIND_RE.match(stem)
        kind = self.kind
        if match:
            kind = match.group(1) or match.group(2)
            stem = stem[match.end() :].strip()
        answer = "\n".join(self.answer).strip()
        if not self.options and len(re.findall(r"_{2,}", stem)) > 1 and "||" not in answer:
            answer = "||".join(part.strip() for part in re.split(r"[；;]", answer) if part.strip())
        return (stem, kind, answer, "\n".join(self.explanation).strip(), *(self.options + [""] * 8)[:8], self.points)


def _split_options(text: str) -> list[str] | None:
    """The options on a line that starts with one (`A. x  B. y`), or None when the line is not options."""
    folded = fold_width(text)
    if not OPTION_RE.match(folded):
        return None
    starts = [m for m in OPTION_RE.finditer(folded)]
    letters = [m.group(1).upper() for m in starts]
    # Options on a line come in order (A B C …); otherwise a later "B." is just text.
    expected = [chr(ord(letters[0]) + i) for i in range(len(letters))]
    keep = [m for m, got, want in zip(starts, letters, expected) if got == want]
    return [text[m.end() : (keep[i + 1].start() if i + 1 < len(keep) else len(text))].strip() for i, m in enumerate(keep)]


def read_lines(lines: Iterable[str], where: str, result: ImportResult, chapter: str, ids: IdMaker, *, headings: bool = True) -> None:
    """Questions from numbered lines; each is reported at `where:line` when it cannot be converted.

    A chapter heading (``第1章 营销理论``) starts a new chapter unless `headings`
    is false (the teacher named the chapter with ``--chapter``).
    """
    section = ""
    draft: _Draft | None = None

    def finish() -> None:
        if draft is None:
            return
        result.seen += 1
        if result.question_count() >= MAX_QUESTIONS:
            result.problem(
                f"{where}:{draft.line}", f"题目数超过上限 {MAX_QUESTIONS}，只导入了前 {MAX_QUESTIONS} 题，从这一题起没有读；请把题目分成几个文件", limit=True
            )
            return
        question = row_question(draft.row(), LAYOUT, lambda col, n=draft.line: f"{where}:{n}", result)
        if question is not None:
            result.chapter(chapter).questions.append({"id": ids.make(question["type"]), **question})

    for number, raw in enumerate(lines, 1):
        text = clean(raw)
        if not text:
            continue
        chapter_match = CHAPTER_RE.match(text)
        if chapter_match and not NUMBER_RE.match(text):
            finish()
            draft, section = None, ""
            if headings:
                chapter = chapter_match.group(1).strip() or text
            continue
        section_match = SECTION_RE.match(text)
        if section_match and not NUMBER_RE.match(text):
            finish()
            draft, section = None, section_match.group(1)
            continue
        number_match = NUMBER_RE.match(text)
        if number_match and (draft is None or draft.field != "stem" or draft.options or draft.answer):
            finish()
            draft = _Draft(number, text[number_match.end() :], section)
            continue
        if draft is None:
            continue  # a title or notes before the first question
        if ANSWER_RE.match(text):
            draft.field = "answer"
            draft.answer.append(ANSWER_RE.sub("", text, count=1))
        elif POINTS_RE.match(text):
            draft.field = "points"
            draft.points = POINTS_RE.sub("", text, count=1)
        elif EXPLAIN_RE.match(text):
            draft.field = "explanation"
            draft.explanation.append(EXPLAIN_RE.sub("", text, count=1))
        elif draft.field in ("stem", "option") and (options := _split_options(text)) is not None:
            draft.options.extend(options)
            draft.field = "option"
        else:
            draft.add(text)
    finish()


def read_text_questions(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """A .txt file of numbered questions."""
    result = result or ImportResult()
    read_lines(read_text(path).split("\n"), str(path), result, chapter or path.stem, IdMaker(path.stem), headings=chapter is None)
    if not result.seen:
        result.problem(f"{path}:1", "没有找到编号的题目（如“1.”“1、”“（1）”开头的行）")
    return result


def read_docx(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """A Word document of numbered questions (paragraphs and table cells, in order); its line numbers are paragraph numbers."""
    result = result or ImportResult()
    check_zip(path)
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many kinds on a damaged file
        raise FormatError(f"{path}:1: 无法打开 Word 文件：{type(error).__name__}: {error}") from None
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.extend(cell.text for cell in row.cells)
    if any(p.style is not None and "List" in (p.style.name or "") for p in document.paragraphs):
        result.problem(f"{path}:1", "文档用了 Word 自动编号，编号本身读不到；请把编号转成文字（选中后“复制”→“只保留文本”粘贴）", "warning")
    read_lines(paragraphs, str(path), result, chapter or path.stem, IdMaker(path.stem), headings=chapter is None)
    if not result.seen:
        result.problem(f"{path}:1", "没有找到编号的题目（如“1.”“1、”“（1）”开头的段落）")
    return result
