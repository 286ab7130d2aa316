"""The 刷题 apps' Excel templates (考试宝, 磨题帮, 学习通) and CSV in the same layouts: reading, and writing 考试宝.

The layout is found from the header row (within the first rows, since
考试宝 puts notes above it and 磨题帮 a title block), so one reader serves
every app. Cells are read as values: a formula's cached result, never the
formula evaluated. Problems are reported as ``file:sheet!cell``.

A spreadsheet is a zip: its declared sizes are checked before openpyxl
opens it, so a zip bomb is refused in milliseconds. Rows are streamed and
bounded.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from revise.bank.model import (
    Bank,
    ChoiceQuestion,
    FillQuestion,
    JudgeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
    format_number,
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
from revise.formats.textfile import read_text
from revise.safetext import spreadsheet_cell

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # no honest sheet compresses better than this
MAX_ZIP_ENTRIES = 2_000
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


def check_zip(path: Path) -> None:
    """Refuse a zip (xlsx/docx) whose declared contents are too large, too compressed, or too many, before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FormatError(f"{path}:1: 不是有效的 Office 文件（zip 结构损坏）；如果是旧版 .xls/.doc，请另存为 .xlsx/.docx") from None
    except OSError as error:
        raise FormatError(f"{path}: 无法读取：{error.strerror or error}") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FormatError(f"{path}:1: 文件里的部件太多（{len(infos)} 个），拒绝读取")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNZIPPED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise FormatError(f"{path}:1: 文件解压后有 {total / 1e6:.0f} MB（压缩比 {total / packed:.0f}），像是“压缩炸弹”，拒绝读取")


def _header_key(value: object) -> str:
    text = fold_width(clean(value))
    return re.sub(r"[（(]\s*必填\s*[)）]|\s|\*", "", text)


def _column_letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


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
        """The cleaned text of a field in a row ("" when absent)."""
        index = self.fields.get(name)
        return cell_text(row[index]) if index is not None and index < len(row) else ""


def cell_text(value: object) -> str:
    """A cell's text, without the apostrophe that spreadsheet_cell puts before a formula-like value."""
    text = clean(value)
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def read_rows(rows: Iterable[tuple], where: str, cell_where, result: ImportResult, chapter: str, ids: IdMaker) -> None:
    """Questions from rows of any app's layout; `cell_where(row, col)` names a cell for messages."""
    layout: Layout | None = None
    blank_run = 0
    current_chapter = chapter
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS_SCANNED:
            result.problem(where, f"行数太多，只读前 {MAX_ROWS_SCANNED} 行")
            return
        row = tuple(row or ())
        if layout is None:
            if number <= HEADER_SEARCH_ROWS:
                candidate = Layout(list(row))
                if candidate.usable:
                    layout = candidate
                continue
            result.problem(where, f"前 {HEADER_SEARCH_ROWS} 行里没有找到表头（需要“题干”和“正确答案”或“答案”列）")
            return
        if not any(clean(cell) for cell in row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        if len(result.questions) >= MAX_QUESTIONS:
            result.problem(cell_where(number, 0), f"题目太多，只导入前 {MAX_QUESTIONS} 题")
            return
        # A merged 章节 cell only fills its first row: the chapter carries down.
        current_chapter = layout.get(row, "chapter") or current_chapter
        result.seen += 1
        question = row_question(row, layout, lambda col, n=number: cell_where(n, col), result)
        if question is not None:
            result.chapter(current_chapter).questions.append({"id": ids.make(question["type"]), **question})


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


def row_question(row: tuple, layout: Layout, at, result: ImportResult) -> dict | None:
    """One row as a bank dict, or None (reported at the offending cell)."""
    stem = layout.get(row, "stem")
    answer = layout.get(row, "answer")
    answer_cell = at(layout.fields.get("answer", 0))
    if not stem:
        result.problem(at(layout.fields["stem"]), "题干是空的")
        return None
    options = [strip_option_prefix(cell_text(row[i])) for i in layout.options if i < len(row) and clean(row[i])]
    word = layout.get(row, "type")
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
    check_zip(path)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FormatError(f"{path}:1: 无法打开工作簿：{type(error).__name__}: {error}") from None
    ids = IdMaker(path.stem)
    try:
        found = False
        for sheet in workbook.worksheets:
            if sheet.title in ("版本号", "说明"):
                continue

            def cell(row: int, col: int, title: str = sheet.title) -> str:
                return f"{path}:{title}!{_column_letter(col)}{row}"

            before = result.seen
            read_rows(sheet.iter_rows(values_only=True), f"{path}:{sheet.title}!A1", cell, result, chapter or path.stem, ids)
            found = found or result.seen > before
        if not found:
            result.problem(f"{path}:1", "工作簿里没有题目（空表，或者没有“题干”“答案”表头）")
    finally:
        workbook.close()
    return result


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


# -- writing 考试宝 ---------------------------------------------------------------------------

KSB_HEADER = ["题干（必填）", "题型（必填）", *[f"选项{c}" for c in "ABCDEFGH"], "正确答案（必填）", "解析", "章节", "难度", "得分要点"]
KSB_TYPES = {
    "choice": "单选题",
    "multi": "多选题",
    "truefalse": "判断题",
    "judge": "判断题",
    "fill": "填空题",
    "short": "简答题",
    "essay": "论述题",
    "numeric": "计算题",
    "match": "配对题",
}


def ksb_row(question: Question, bank: Bank, warnings: list[str]) -> list[object]:
    """One question as a 考试宝 row."""
    options: list[str] = []
    explanation = question.explanation or ""
    source = bank.sources.get(question.source or "")
    if source:
        explanation += ("\n" if explanation else "") + "出处：" + source.cite(question.ref)
    points = ""
    prompt = question.prompt
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        options = list(question.options)
        right = [question.answer] if isinstance(question, ChoiceQuestion) else sorted(question.answer)
        answer = "".join(chr(65 + i) for i in right)
    elif isinstance(question, TrueFalseQuestion):
        answer = "对" if question.answer else "错"
    elif isinstance(question, JudgeQuestion):
        answer = "对" if question.answer else "错"
        explanation = "改正：" + ("；".join(question.corrections) or "无需改正") + ("\n" + explanation if explanation else "")
        warnings.append(f"{question.id}: 考试宝没有判断改错题，写成判断题，改正写在解析开头")
    elif isinstance(question, FillQuestion):
        answer = "||".join("|".join(blank) for blank in question.blanks)
    elif isinstance(question, ShortQuestion):
        answer = question.answer.strip()
        points = "；".join(point.label for point in question.keypoints)
    elif isinstance(question, NumericQuestion):
        if question.params:
            values = {p.name: float(p.choices()[len(p.choices()) // 2]) for p in question.params}
            prompt, answer = question.render_prompt(values), format_number(question.expected(values))
            warnings.append(f"{question.id}: 考试宝不能随机出数，写成一组固定数值")
        else:
            answer = format_number(question.expected())
    elif isinstance(question, MatchQuestion):
        options = [f"{left}->{right}" for left, right in question.pairs] + [f"->{d}" for d in question.distractors]
        answer = "".join(chr(65 + i) for i in range(len(options)))
        warnings.append(f"{question.id}: 考试宝没有配对题，每组配对写成一个“左->右”选项")
    else:
        answer = ""
    label = KSB_TYPES.get(question.type, question.type)
    if isinstance(question, ShortQuestion) and question.kind:
        label = "名词解释" if question.kind == "名词解释" else "案例分析题"
    cells: list[object] = [prompt, label, *(options + [""] * 8)[:8], answer, explanation, question.chapter, "", points]
    return [spreadsheet_cell(cell) for cell in cells]


def export_xlsx(bank: Bank, questions: list[Question], out: Path) -> list[str]:
    """Write the questions as a 考试宝 import workbook; returns warnings for what the layout loses."""
    import openpyxl

    warnings: list[str] = []
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    sheet.append([spreadsheet_cell("考试宝导入模板：第2行是表头，从第3行起每行一题；由 revise export 生成")])
    sheet.append(KSB_HEADER)
    for question in questions:
        sheet.append(ksb_row(question, bank, warnings))
    version = workbook.create_sheet("版本号")
    version.append(["版本号", "2"])
    workbook.save(out)
    return warnings
