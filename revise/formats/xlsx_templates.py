"""The 刷题 apps' Excel templates (考试宝, 磨题帮, 学习通) and CSV in the same layouts: reading, and writing 考试宝.

The layout is found from the header row (within the first rows, since
考试宝 puts notes above it and 磨题帮 a title block), so one reader serves
every app. Cells are read as values: a formula's cached result, never the
formula evaluated. Problems are reported as ``file:sheet!cell``.

A spreadsheet is a zip: its declared sizes are checked before it is
opened, so a zip bomb is refused in milliseconds. Rows are streamed
(:mod:`revise.formats.xlsx_stream`) and bounded: at most
:data:`MAX_ROWS_SCANNED` rows are read and :data:`~revise.formats.common.MAX_QUESTIONS`
questions imported; what fits under the caps is imported and the cap is
reported at the row where reading stopped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from revise.bank.model import (
    Bank,
    Question,
)
from revise.formats.common import (
    MAX_QUESTIONS,
    FormatError,
    IdMaker,
    ImportResult,
    blank_prompt,
    choice_question,
    clean,
    fold_width,
    free_text_question,
    options_problem,
    parse_letters,
    parse_truth,
    split_source,
    strip_option_prefix,
)
from revise.formats.officezip import check_zip
from revise.formats.textfile import read_text
from revise.interchange import column_letter

MAX_ROWS_SCANNED = 200_000
MAX_BLANK_RUN = 5_000
HEADER_SEARCH_ROWS = 6

# Header names (folded, without （必填）) -> the field they hold.
HEADERS = {
    "题干": "stem", "题目": "stem", "小题题干": "stem", "试题内容": "stem", "题目内容": "stem", "大题题干": "group_stem",
    "题型": "type", "题目类型": "type", "小题题型": "type", "试题类型": "type",
    "正确答案": "answer", "答案": "answer", "参考答案": "answer",
    "解析": "explanation", "答案解析": "explanation", "试题解析": "explanation",
    "章节": "chapter", "目录": "chapter", "知识点": "topic", "标签": "tags", "得分要点": "keypoints",
}  # fmt: skip
OPTION_HEADER_RE = re.compile(r"(?:选项|选择项)\s*([A-Ha-h]|[1-9]|10)\Z")
ANSWER_N_RE = re.compile(r"答案\s*([1-9]|10)\Z")

TYPE_WORDS = [
    ("判断改错", "judge"), ("判断并改错", "judge"), ("改错", "judge"),
    ("不定项", "multi"), ("多选", "multi"), ("多项", "multi"),
    ("单选", "choice"), ("单项", "choice"), ("选择", "choice"),
    ("判断", "truefalse"), ("是非", "truefalse"),
    ("填空", "fill"), ("名词解释", "short"), ("简答", "short"), ("问答", "short"),
    ("论述", "essay"), ("案例", "essay"), ("计算", "numeric"), ("配对", "match"), ("连线", "match"), ("匹配", "match"),
]  # fmt: skip
CORRECTION_RE = re.compile(r"^(改正|更正|应改为|应为)[：:]\s*")


def _header_key(value: object) -> str:
    text = fold_width(clean(value))
    return re.sub(r"[（(]\s*必填\s*[)）]|\s|\*", "", text)


class Layout:
    """Which column holds what, found from a header row."""

    def __init__(self, header: list[object]) -> None:
        self.fields: dict[str, int] = {}
        self.options: list[int] = []
        self.answers: list[int] = []
        for index, cell in enumerate(header):
            key = _header_key(cell)
            if key in HEADERS and HEADERS[key] not in self.fields:
                self.fields[HEADERS[key]] = index
            elif OPTION_HEADER_RE.match(key) or re.fullmatch(r"[A-H]", key):
                self.options.append(index)
            elif ANSWER_N_RE.match(key):
                self.answers.append(index)
        if "stem" not in self.fields and "group_stem" in self.fields:
            self.fields["stem"] = self.fields["group_stem"]
        if "answer" not in self.fields and self.answers:
            self.fields["answer"] = self.answers[0]

    @property
    def usable(self) -> bool:
        """True when the header names at least a stem and an answer column."""
        return "stem" in self.fields and "answer" in self.fields

    def get(self, row: tuple, name: str) -> str:
        """The cleaned text of a field in a row ("" when absent); an empty 小题题干 falls back to 学习通's 大题题干."""
        index = self.fields.get(name)
        text = cell_text(row[index]) if index is not None and index < len(row) else ""
        if not text and name == "stem" and self.fields.get("group_stem", index) != index:
            return self.get(row, "group_stem")
        return text


def cell_text(value: object) -> str:
    """A cell's text, without the apostrophe that spreadsheet_cell puts before a formula-like value."""
    text = clean(value)
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def read_rows(rows: Iterable[tuple], where: str, cell_where, result: ImportResult, chapter: str, ids: IdMaker) -> int:
    """Questions from rows of any app's layout; `cell_where(row, col)` names a cell for messages; returns the rows read.

    The input is streamed and bounded: at most :data:`MAX_ROWS_SCANNED` rows
    are looked at and :data:`MAX_QUESTIONS` questions kept; the questions
    before the cap are imported and the cap is reported at the row where
    reading stopped.
    """
    layout: Layout | None = None
    blank_run = 0
    current_chapter = chapter
    current_type = ""
    number = 0
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS_SCANNED:
            result.problem(cell_where(number, 0), f"行数超过上限 {MAX_ROWS_SCANNED}，从这一行起没有读；请把题目分成几个文件", limit=True)
            return number - 1
        row = tuple(row or ())
        if layout is None:
            if number <= HEADER_SEARCH_ROWS:
                candidate = Layout(list(row))
                if candidate.usable:
                    layout = candidate
                continue
            result.problem(where, f"前 {HEADER_SEARCH_ROWS} 行里没有找到表头（需要“题干”和“正确答案”或“答案”列）")
            return number
        if not any(clean(cell) for cell in row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                result.problem(cell_where(number, 0), f"连续 {MAX_BLANK_RUN} 行都是空行，后面的不再读取", "warning", limit=True)
                return number
            continue
        blank_run = 0
        if result.question_count() >= MAX_QUESTIONS:
            result.problem(
                cell_where(number, 0), f"题目数超过上限 {MAX_QUESTIONS}，只导入了前 {MAX_QUESTIONS} 题，从这一行起没有读；请把题目分成几个文件", limit=True
            )
            return number
        # A merged 章节 or 题型 cell only fills its first row: the value carries down.
        current_chapter = layout.get(row, "chapter") or current_chapter
        current_type = layout.get(row, "type") or current_type
        result.seen += 1
        question = row_question(row, layout, lambda col, n=number: cell_where(n, col), result, type_word=current_type)
        if question is not None:
            result.chapter(current_chapter).questions.append({"id": ids.make(question["type"]), **question})
    if layout is None and number:
        result.problem(where, f"前 {HEADER_SEARCH_ROWS} 行里没有找到表头（需要“题干”和“正确答案”或“答案”列）")
    return number


def _type_of(word: str, options: list[str], answer: str, stem: str = "") -> str | None:
    word = fold_width(word)
    for key, qtype in TYPE_WORDS:
        if key in word:
            return qtype
    if not options and re.search(r"_{2,}", stem):
        return "fill"
    if options and parse_letters(answer, len(options)):
        return "multi" if len(parse_letters(answer, len(options)) or []) > 1 else "choice"
    if parse_truth(answer) is not None and not options:
        return "truefalse"
    return None


def row_question(row: tuple, layout: Layout, at, result: ImportResult, *, type_word: str | None = None) -> dict | None:
    """One row as a bank dict, or None (reported at the offending cell); `type_word` overrides the row's 题型 cell."""
    stem = layout.get(row, "stem")
    answer = layout.get(row, "answer")
    answer_cell = at(layout.fields.get("answer", 0))
    if not stem:
        result.problem(at(layout.fields["stem"]), "题干是空的")
        return None
    options = [strip_option_prefix(cell_text(row[i])) for i in layout.options if i < len(row) and clean(row[i])]
    word = layout.get(row, "type") if type_word is None else type_word
    qtype = _type_of(word, options, answer, stem)
    if qtype is None:
        result.problem(at(layout.fields.get("type", 0)), f"不认识的题型“{word}”" if word else "没有题型，也看不出是什么题")
        return None
    if word and "名词解释" in word:
        kind = "名词解释"
    elif word and "案例" in word:
        kind = "案例分析"
    else:
        kind = None
    explanation = layout.get(row, "explanation")
    question: dict = {"prompt": stem}
    if qtype in ("choice", "multi"):
        problem = options_problem(options)
        if problem:
            result.problem(at(layout.options[0] if layout.options else 0), problem)
            return None
        indexes = parse_letters(answer, len(options))
        if indexes is None and answer in options:
            indexes = [options.index(answer)]
        if indexes is None:
            result.problem(answer_cell, f"答案“{answer}”不是选项字母（共 {len(options)} 个选项）")
            return None
        fields = choice_question(options, indexes)
        if qtype == "multi":
            fields["type"] = "multi"
        elif len(indexes) > 1:
            result.problem(answer_cell, "单选题给了几个答案字母，按多选题导入", "warning")
        question.update(fields)
    elif qtype in ("truefalse", "judge"):
        truth = parse_truth(answer[:1] if qtype == "judge" and answer[:1] in "对错√×" else answer)
        if options and answer and parse_letters(answer, len(options)):
            truth = parse_truth(options[parse_letters(answer, len(options))[0]])  # type: ignore[index]
        if truth is None:
            result.problem(answer_cell, f"判断题的答案“{answer}”看不出是对还是错")
            return None
        correction = ""
        if CORRECTION_RE.match(explanation):
            # 考试宝 has no 判断改错: the export writes the correction at the head of 解析.
            head, _, rest = explanation.partition("\n")
            correction, explanation = CORRECTION_RE.sub("", head), rest.strip()
            correction = "" if correction in ("无需改正", "无") else correction
            qtype = "judge"
        elif qtype == "judge":
            correction = re.sub(r"^[对错√×][，,。；;\s]*", "", answer)
            correction = CORRECTION_RE.sub("", correction)
        question.update(type=qtype, answer=truth)
        if qtype == "judge":
            corrections = [c.strip() for c in correction.split("；") if c.strip()]
            if not truth and not corrections:
                result.problem(answer_cell, "判断改错题答案是“错”，但没有改正")
                return None
            if corrections:
                question["correction"] = corrections if len(corrections) > 1 else corrections[0]
    elif qtype == "fill":
        blanks = [clean(row[i]) for i in layout.answers if i < len(row) and clean(row[i])] if len(layout.answers) > 1 else []
        if not blanks:
            blanks = [part.strip() for part in re.split(r"\|\|", answer) if part.strip()]
        if not blanks:
            result.problem(answer_cell, "填空题没有答案")
            return None
        prompt = blank_prompt(stem, len(blanks))
        if prompt.count("____") != len(blanks):
            result.problem(answer_cell, f"题干有 {prompt.count('____')} 个空，答案有 {len(blanks)} 个")
            return None
        forms = [[form.strip() for form in blank.split("|") if form.strip()] for blank in blanks]
        question.update(
            prompt=prompt,
            type="fill",
            answer=[f if len(f) > 1 else f[0] for f in forms] if len(forms) > 1 else (forms[0] if len(forms[0]) > 1 else forms[0][0]),
        )
        if len(forms) == 1 and len(forms[0]) > 1:
            question["answer"] = [forms[0]]
    elif qtype in ("short", "essay"):
        built = free_text_question(qtype, answer)
        if built is None:
            result.problem(answer_cell, "没有参考答案")
            return None
        points = [p.strip() for p in layout.get(row, "keypoints").split("；") if p.strip()]
        if points:
            built["keypoints"] = points
        else:
            result.problem(answer_cell, "评分要点是从参考答案按句拆出的，请检查", "warning")
        if kind:
            built["kind"] = kind
        question.update(built)
    elif qtype == "numeric":
        try:
            question.update(type="numeric", answer=float(fold_width(answer).strip()))
        except ValueError:
            result.problem(answer_cell, f"计算题的答案“{answer}”不是数字")
            return None
    else:  # match: options written "左->右"
        sides = [[side.strip() for side in option.split("->", 1)] for option in options if "->" in option]
        pairs = [pair for pair in sides if pair[0]]
        if not 2 <= len(pairs) <= 10:
            result.problem(at(layout.options[0] if layout.options else 0), "配对题的选项要写成“左->右”，2 到 10 组")
            return None
        question.update(type="match", pairs=pairs)
        if len(pairs) < len(sides):
            question["distractors"] = [right for left, right in sides if not left]
    if explanation:
        question["explanation"] = explanation
    split_source(question)
    tags = [t for t in re.split(r"[,，;；\s]+", layout.get(row, "tags")) if t]
    if tags:
        question["tags"] = tags
    return question


def read_xlsx(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """Every sheet of a workbook in any of the apps' layouts (the 版本号 sheet and empty sheets are skipped)."""
    result = result or ImportResult()
    check_zip(path, streamed=("xl/worksheets/",))
    from revise.formats.xlsx_stream import Workbook

    workbook = Workbook(path)
    ids = IdMaker(path.stem)
    try:
        found = False
        for sheet in workbook.sheets:
            if sheet.title in ("版本号", "说明"):
                continue

            def cell(row: int, col: int, title: str = sheet.title) -> str:
                return f"{path}:{title}!{column_letter(col)}{row}"

            before = result.seen
            rows = _guarded_rows(workbook.rows(sheet), f"{path}:{sheet.title}", result)
            if not read_rows(rows, f"{path}:{sheet.title}!A1", cell, result, chapter or path.stem, ids):
                result.problem(f"{path}:{sheet.title}!A1", "工作表是空的，跳过", "warning")
            found = found or result.seen > before
        if not found:
            result.problem(f"{path}:1", "工作簿里没有题目（空表，或者没有“题干”“答案”表头）")
    finally:
        workbook.close()
    return result


def _guarded_rows(rows: Iterator[tuple], where: str, result: ImportResult) -> Iterator[tuple]:
    """A sheet's rows until the file turns out damaged mid-way (a truncated or lying zip part): what came before is kept."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # zipfile, lxml and openpyxl each raise their own kinds on a damaged part
            result.problem(f"{where}!A{number + 1}", f"工作表从这一行起读不下去（文件损坏？）：{type(error).__name__}: {error}")
            return
        number += 1
        yield row


def read_csv(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """A CSV in any of the apps' layouts, in any encoding Excel or WPS saves."""
    result = result or ImportResult()
    text = read_text(path)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1_000_000)
    rows: Iterator[list[str]] = csv.reader(io.StringIO(text), dialect)
    before = result.seen
    try:
        read_rows((tuple(r) for r in rows), f"{path}:1", lambda row, col: f"{path}:{row}", result, chapter or path.stem, IdMaker(path.stem))
    except csv.Error as error:
        raise FormatError(f"{path}: CSV 格式错误：{error}") from None
    if result.seen == before and not result.issues:
        result.problem(f"{path}:1", "文件里没有题目")
    return result


# -- writing the apps' templates --------------------------------------------------------------


def export_xlsx(bank: Bank, questions: list[Question], out: Path, layout: str = "考试宝") -> list[str]:
    """Write the questions as an app's import workbook (考试宝 by default); returns warnings for what the layout loses."""
    import openpyxl

    from revise.formats.flat import layout_named, sheet_rows

    chosen = layout_named(layout)
    warnings: list[str] = []
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    for row in sheet_rows(chosen, bank, questions, out.stem, warnings):
        sheet.append(row)
    if chosen.version_sheet:
        version = workbook.create_sheet("版本号")
        version.append(["版本号", "2"])
    workbook.save(out)
    return warnings


def export_csv(bank: Bank, questions: list[Question], out: Path, layout: str = "考试宝") -> list[str]:
    """Write the questions as CSV in an app's layout: UTF-8 with a BOM, so that zh-CN Excel and WPS open it."""
    from revise.formats.flat import layout_named, sheet_rows

    warnings: list[str] = []
    rows = sheet_rows(layout_named(layout), bank, questions, out.stem, warnings)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return warnings
