"""Questions flattened to what the 刷题 apps hold: a stem, a type word, options, one answer text, an explanation.

The 考试宝, 磨题帮 and 学习通 templates (Excel or CSV) and the numbered text
of their 智能导入 all carry the same few fields, so every one of those
writers starts from :func:`flatten`. What the flat form cannot hold is
named in a warning: 判断并改错 becomes a 判断 with the correction at the
head of the explanation, a 配对 question becomes "左->右" options, drawn
numbers become one fixed set of values, and fuzzy rules (accepted forms
beyond ``|``, rejections, tolerances, units) are dropped.

The three layouts are described by :class:`SheetLayout`: rows above the
header, the header itself, and how a flat question fills a row. Every cell
written goes through :func:`revise.safetext.spreadsheet_cell`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
from revise.safetext import spreadsheet_cell

TYPE_WORDS = {
    "choice": "单选题",
    "multi": "多选题",
    "truefalse": "判断题",
    "judge": "判断改错题",
    "fill": "填空题",
    "short": "简答题",
    "essay": "论述题",
    "numeric": "计算题",
    "match": "配对题",
}
MAX_SHEET_OPTIONS = 8


@dataclass
class FlatQuestion:
    """One question as the apps hold it."""

    id: str
    type: str
    label: str  # the type word written in the 题型 column or section heading
    prompt: str
    options: list[str] = field(default_factory=list)
    answer: str = ""
    blanks: list[str] = field(default_factory=list)  # a fill question's blanks, alternatives joined by "|"
    explanation: str = ""
    chapter: str = ""
    points: list[str] = field(default_factory=list)  # key points' labels of a short or essay question
    tags: list[str] = field(default_factory=list)


def _middle(question: NumericQuestion) -> dict[str, float]:
    return {p.name: float(p.choices()[len(p.choices()) // 2]) for p in question.params}


def flatten(question: Question, bank: Bank, warnings: list[str], *, judge_word: str = "判断题") -> FlatQuestion:
    """The flat form of a question; what it loses is appended to `warnings` (one line per question and loss).

    `judge_word` is the type word for 判断并改错: the apps have no such type, so
    the spreadsheets write 判断题 with the correction at the head of 解析; the
    numbered text can name it 判断改错题 in its section heading.
    """
    flat = FlatQuestion(question.id, question.type, TYPE_WORDS.get(question.type, question.type), question.prompt, chapter=question.chapter)
    flat.tags = list(question.tags)
    explanation = question.explanation or ""
    source = bank.sources.get(question.source or "")
    if source:
        explanation += ("\n" if explanation else "") + "出处：" + source.cite(question.ref)
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        flat.options = list(question.options)
        right = [question.answer] if isinstance(question, ChoiceQuestion) else sorted(question.answer)
        flat.answer = "".join(chr(65 + i) for i in right)
    elif isinstance(question, TrueFalseQuestion):
        flat.answer = "对" if question.answer else "错"
    elif isinstance(question, JudgeQuestion):
        flat.answer = "对" if question.answer else "错"
        flat.label = judge_word
        explanation = "改正：" + ("；".join(question.corrections) or "无需改正") + ("\n" + explanation if explanation else "")
        if judge_word == "判断题":
            warnings.append(f"{question.id}: 刷题软件没有判断改错题，写成判断题，改正写在解析开头")
    elif isinstance(question, FillQuestion):
        flat.blanks = ["|".join(blank) for blank in question.blanks]
        flat.answer = "||".join(flat.blanks)
        if question.reject:
            warnings.append(f"{question.id}: 不接受的写法（reject）没有地方写，没有导出")
    elif isinstance(question, ShortQuestion):
        flat.answer = question.answer.strip()
        flat.points = [point.label for point in question.keypoints]
        if question.kind:
            flat.label = "名词解释" if question.kind == "名词解释" else "案例分析题"
    elif isinstance(question, NumericQuestion):
        if question.params:
            values = _middle(question)
            flat.prompt, flat.answer = question.render_prompt(values), format_number(question.expected(values))
            warnings.append(f"{question.id}: 刷题软件不能随机出数，写成一组固定数值")
        else:
            flat.answer = format_number(question.expected())
    elif isinstance(question, MatchQuestion):
        flat.options = [f"{left}->{right}" for left, right in question.pairs] + [f"->{d}" for d in question.distractors]
        flat.answer = "".join(chr(65 + i) for i in range(len(question.pairs)))
        warnings.append(f"{question.id}: 刷题软件没有配对题，每组配对写成一个“左->右”选项")
    if len(flat.options) > MAX_SHEET_OPTIONS:
        warnings.append(f"{question.id}: 选项超过 {MAX_SHEET_OPTIONS} 个，多出的没有写出")
    flat.explanation = explanation
    return flat


# -- the three apps' sheets ------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLayout:
    """One app's template: rows above the header, the header, and a flat question as a row."""

    name: str
    preamble: Callable[[str], list[list[object]]]  # the rows above the header, given the file's title
    header: Callable[[list[FlatQuestion]], list[str]]
    row: Callable[[FlatQuestion, list[str]], list[object]]
    version_sheet: bool = False


def _options(flat: FlatQuestion, count: int = MAX_SHEET_OPTIONS) -> list[str]:
    return (flat.options + [""] * count)[:count]


def _ksb_header(_: list[FlatQuestion]) -> list[str]:
    return ["题干（必填）", "题型（必填）", *[f"选项{c}" for c in "ABCDEFGH"], "正确答案（必填）", "解析", "章节", "难度", "得分要点"]


def _ksb_row(flat: FlatQuestion, _: list[str]) -> list[object]:
    return [flat.prompt, flat.label, *_options(flat), flat.answer, flat.explanation, flat.chapter, "", "；".join(flat.points)]


def _mtb_answers(flats: list[FlatQuestion]) -> int:
    return max([2, *(len(flat.blanks) for flat in flats)])


def _mtb_header(flats: list[FlatQuestion]) -> list[str]:
    answers = _mtb_answers(flats)
    return ["题干", "题型", *[f"选择项{i}" for i in range(1, MAX_SHEET_OPTIONS + 1)], "解析", *[f"答案{i}" for i in range(1, answers + 1)]]


def _mtb_row(flat: FlatQuestion, header: list[str]) -> list[object]:
    answers = sum(1 for name in header if name.startswith("答案"))
    values = flat.blanks if len(flat.blanks) > 1 else [flat.answer]
    return [flat.prompt, flat.label, *_options(flat), flat.explanation, *(values + [""] * answers)[:answers]]


def _xxt_header(_: list[FlatQuestion]) -> list[str]:
    return [
        "目录",
        "题目类型",
        "大题题干",
        "小题题型",
        "小题题干",
        "正确答案",
        "答案解析",
        "难易度",
        "知识点",
        "标签",
        "选项数",
        *[f"选项{c}" for c in "ABCDEFGH"],
    ]


def _xxt_row(flat: FlatQuestion, _: list[str]) -> list[object]:
    count = len(flat.options[:MAX_SHEET_OPTIONS])
    return [flat.chapter, flat.label, flat.prompt, "", "", flat.answer, flat.explanation, "", "", ",".join(flat.tags), count or "", *_options(flat)]


LAYOUTS = {
    "考试宝": SheetLayout(
        "考试宝", lambda title: [["考试宝导入模板：第2行是表头，从第3行起每行一题；由 revise export 生成"]], _ksb_header, _ksb_row, version_sheet=True
    ),
    "磨题帮": SheetLayout("磨题帮", lambda title: [["标题", title], ["描述", "由 revise export 生成"], ["用时", 60]], _mtb_header, _mtb_row),
    "学习通": SheetLayout("学习通", lambda title: [], _xxt_header, _xxt_row),
}
LAYOUT_ALIASES = {"kaoshibao": "考试宝", "ksb": "考试宝", "motibang": "磨题帮", "mtb": "磨题帮", "xuexitong": "学习通", "chaoxing": "学习通", "超星": "学习通"}


def layout_named(name: str) -> SheetLayout:
    """A layout by its Chinese name or pinyin alias; KeyError when unknown."""
    return LAYOUTS[LAYOUT_ALIASES.get(name.lower(), name)]


def sheet_rows(layout: SheetLayout, bank: Bank, questions: list[Question], title: str, warnings: list[str]) -> list[list[object]]:
    """Every row of the layout's sheet (preamble, header, one row per question), each cell made safe for Excel."""
    flats = [flatten(question, bank, warnings) for question in questions]
    if layout.name == "磨题帮" or layout.name == "学习通":
        warnings.extend(f"{flat.id}: {layout.name}模板没有得分要点列，导入时从参考答案按句拆出" for flat in flats if flat.points)
    if layout.name == "磨题帮":
        chapters = {flat.chapter for flat in flats}
        if len(chapters) > 1:
            warnings.append(f"磨题帮模板没有章节列，{len(chapters)} 章写在同一张表里")
    header = layout.header(flats)
    rows: list[list[object]] = [*layout.preamble(title), list(header), *(layout.row(flat, header) for flat in flats)]
    return [[spreadsheet_cell(cell) for cell in row] for row in rows]
