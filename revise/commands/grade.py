"""`revise grade`: grade one answer, or mark a class's answers from a CSV or .xlsx file.

One answer::

    revise grade [--bank PATH] QUESTION_ID ANSWER [--param a=4 ...] [--json]

A class, for a teacher::

    revise grade --responses FILE [--paper PAPER] [--out FILE.csv|.xlsx] [--report FILE.html] [--json]

FILE is CSV (UTF-8 with or without a BOM, GBK/GB18030 or UTF-16, detected)
or .xlsx, with ``question_id``/``题号`` and ``answer``/``答案`` columns (one
row per answer), or one column per question id (one row per student). Other
columns (学号, 姓名...) are carried through unchanged. A numeric question with
generated values takes them from a ``params`` column (``a=4;b=8``) or from
columns named after its params. PAPER is a paper id of the bank or a paper
saved by ``revise paper --save PAPER.yaml``: then exactly its questions,
points, sections, printed values and option letters count. The work is in
:mod:`revise.marking`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revise.bank.model import Bank, Question
    from revise.marking.batch import Outcome
    from revise.marking.scheme import MarkScheme
    from revise.marking.writing import Sink

HELP = "评分：一个答案，或整个班级的答题文件（CSV/xlsx）"

EXIT_ROW_ERRORS = 1
EXIT_USAGE = 2
OUT_SUFFIXES = (".csv", ".xlsx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise grade`."""
    parser.add_argument("question_id", nargs="?", metavar="QUESTION_ID", help="题目 id")
    parser.add_argument("answer", nargs="?", metavar="ANSWER", help="学生输入的答案")
    parser.add_argument("--responses", metavar="FILE", help="全班的答题文件：CSV 或 .xlsx（“-”表示标准输入）")
    parser.add_argument("--paper", metavar="PAPER", help="按这份试卷计分：题库中的试卷 id，或 revise paper --save 保存的 PAPER.yaml")
    parser.add_argument("--out", metavar="FILE.csv|.xlsx", help="把批改结果写入文件（CSV 为带 BOM 的 UTF-8）")
    parser.add_argument("--report", metavar="FILE.html", help="生成班级成绩报告（HTML，含图表）")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="计算题显示给学生的数值（可重复）")
    parser.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个对象）")


def run(args: argparse.Namespace) -> int:
    """Grade one answer (exit 0, or 2 for an unknown id) or a file (exit 1 if it or a row could not be graded)."""
    problem = _usage_problem(args)
    if problem:
        return _usage(problem)
    from revise.marking.batch import param_pairs

    try:
        params = param_pairs(args.param)
    except ValueError as error:
        return _usage(str(error))

    from revise.commands import load_bank_or_report

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    if args.responses is not None:
        return _mark_file(bank, args)
    return _grade_one(bank, args.question_id, args.answer, params, args.json)


def _usage_problem(args: argparse.Namespace) -> str:
    batch_only = [flag for flag, value in (("--paper", args.paper), ("--out", args.out), ("--report", args.report)) if value is not None]
    if args.responses is not None:
        if args.question_id is not None or args.answer is not None:
            return "请只给 QUESTION_ID ANSWER 或 --responses FILE 其中之一"
        if args.param:
            return "--param 只用于单个答案；文件中请用 params 列（a=4;b=8）"
        if args.out is not None and Path(args.out).suffix.lower() not in OUT_SUFFIXES:
            return f"--out 的文件应以 .csv 或 .xlsx 结尾：{args.out}"
        if args.report is not None and Path(args.report).suffix.lower() not in (".html", ".htm"):
            return f"--report 的文件应以 .html 结尾：{args.report}"
        return ""
    if batch_only:
        return f"{'、'.join(batch_only)} 要和 --responses FILE 一起用"
    if args.question_id is None or args.answer is None:
        return "请给出 QUESTION_ID 和 ANSWER，或 --responses FILE"
    return ""


def _say(message: str, stream: object = None) -> None:
    """A message on stderr (or `stream`), safe for the terminal and its encoding."""
    from revise.marking.writing import terminal_text
    from revise.safetext import show

    out = stream if stream is not None else sys.stderr
    print(terminal_text(out, show(message)), file=out)  # type: ignore[arg-type]


def _usage(message: str) -> int:
    _say(f"revise grade: {message}")
    return EXIT_USAGE


# -- one answer ---------------------------------------------------------------------


def _grade_one(bank: Bank, question_id: str, answer: str, params: dict[str, float], as_json: bool) -> int:
    from revise.marking.batch import Marker
    from revise.marking.reading import Layout
    from revise.marking.scheme import EachOnePoint
    from revise.marking.writing import json_line, terminal_text
    from revise.safetext import one_line

    question = bank.questions.get(question_id)
    if question is None:
        marker = Marker(bank, EachOnePoint(), Layout([], 0, wide=False))
        _say(f"revise grade: {marker.unknown_id(question_id)}")
        return EXIT_USAGE
    problem = _missing_params(question, params)
    if problem:
        flags = " ".join(f"--param {p.name}=VALUE" for p in question.params)  # type: ignore[attr-defined]
        _say(f"revise grade: {problem}；请用 {flags} 给出")
        return EXIT_USAGE
    from revise.grading import grade

    try:
        result = grade(question, answer, bank, params=params or None)
    except ValueError as error:  # e.g. a division by zero for the values given
        _say(f"revise grade: 无法评分 {question_id}：{error}")
        return EXIT_USAGE
    if as_json:
        data = {
            "question_id": question_id,
            "answer": answer,
            "verdict": result.verdict,
            "score": result.score,
            "expected": result.expected,
            "feedback": result.feedback,
            "found": list(result.found),
            "missed": list(result.missed),
        }
        print(terminal_text(sys.stdout, json_line(data)))
        return 0
    lines = [
        f"verdict:  {result.verdict}",
        f"score:    {_score_text(result.score)}",
        f"expected: {one_line(result.expected)}",
        f"feedback: {one_line(result.feedback)}",
    ]
    if result.found or result.missed:
        lines.append(f"found:    {one_line('、'.join(result.found)) or '-'}")
        lines.append(f"missed:   {one_line('、'.join(result.missed)) or '-'}")
    print(terminal_text(sys.stdout, "\n".join(lines)))
    return 0


def _missing_params(question: Question, params: dict[str, float]) -> str:
    names = [p.name for p in getattr(question, "params", ())]
    missing = [name for name in names if name not in params]
    if missing:
        return f"题目 {question.id} 含随机数值，缺少 {'、'.join(missing)}"
    return ""


def _score_text(score: float) -> str:
    from revise.bank.model import format_number

    return format_number(round(score, 4))


# -- a class -------------------------------------------------------------------------------


def resolve_scheme(bank: Bank, paper: str | None) -> MarkScheme | str:
    """The mark scheme for --paper, or a message saying why not.

    PAPER is a blueprint id of the bank (points by question type), or a
    paper saved by ``revise paper --save PAPER.yaml``: then exactly its
    questions count, with its points, sections, printed values and option
    orders, however the bank has grown since.
    """
    from revise.marking.scheme import BlueprintScheme, EachOnePoint

    if paper is None:
        return EachOnePoint()
    if paper in bank.papers:
        return BlueprintScheme(bank.papers[paper])
    if Path(paper).suffix.lower() in (".yaml", ".yml"):
        return saved_paper_scheme(bank, Path(paper))
    from revise.marking.suggest import SuggestionIndex

    close = SuggestionIndex(bank.papers).suggest(paper)
    hint = f"（是不是“{close}”？）" if close else ""
    known = "、".join(sorted(bank.papers)) or "无"
    return f"题库中没有试卷“{paper}”{hint}；现有试卷：{known}"


def saved_paper_scheme(bank: Bank, path: Path) -> MarkScheme | str:
    """The scheme of a saved paper (its questions, points, sections, values and option orders), or the `file:line` message why not."""
    from revise.formats.saved_paper import SavedPaperError, load_saved_paper
    from revise.marking.scheme import TableScheme

    if not path.exists():
        return f"{path}: 找不到保存的试卷文件（用 revise paper --save {path.name} 生成）"
    try:
        drawn = load_saved_paper(path, bank)
    except SavedPaperError as error:
        return str(error)
    sections = drawn.paper.sections
    items: list[tuple[str, float, str]] = []
    seen: set[str] = set()
    for placed in drawn.questions:
        if placed.question.id in seen:
            return f"{path}:1: 题目“{placed.question.id}”在试卷上出现了两次"
        seen.add(placed.question.id)
        title = sections[placed.section].title if 0 <= placed.section < len(sections) else placed.question.type_label
        items.append((placed.question.id, placed.points, title))
    values = {placed.question.id: placed.params for placed in drawn.questions}
    orders = {placed.question.id: placed.order for placed in drawn.questions}
    title = drawn.paper.title + (f"（{chr(65 + drawn.version)} 卷）" if drawn.version else "")
    return TableScheme.from_items(title, items, values=values, orders=orders)


def _sink(args: argparse.Namespace) -> Sink:
    from revise.marking.writing import CsvFileSink, CsvStdoutSink, JsonStdoutSink, XlsxSink

    if args.out is not None:
        path = Path(args.out)
        return XlsxSink(path) if path.suffix.lower() == ".xlsx" else CsvFileSink(path)
    return JsonStdoutSink(sys.stdout) if args.json else CsvStdoutSink(sys.stdout)


def _mark_file(bank: Bank, args: argparse.Namespace) -> int:
    from revise.marking.batch import Marker, mark_all
    from revise.marking.errors import InputError
    from revise.marking.reading import open_responses
    from revise.marking.report import html_report_parts, tables
    from revise.marking.scheme import EachOnePoint
    from revise.marking.suggest import SuggestionIndex
    from revise.marking.writing import write_text
    from revise.safetext import one_line

    scheme = resolve_scheme(bank, args.paper)
    if isinstance(scheme, str):
        _say(f"revise grade: {scheme}")
        return EXIT_USAGE
    out_path = Path(args.out) if args.out is not None else None
    xlsx_out = out_path is not None and out_path.suffix.lower() == ".xlsx"
    collect = args.report is not None or xlsx_out
    index = SuggestionIndex(bank.questions)
    sink: Sink | None = None
    try:
        with open_responses(args.responses, bank.questions, index.suggest) as responses:
            layout = responses.layout
            if collect and not layout.student_columns:
                raise InputError(f"{responses.name}:{layout.header_row}", "生成成绩报告需要一列“学号”或“姓名”（student）")
            for column, guess in layout.near_misses:
                _say(f"revise grade: 注意：列“{column}”不是题库中的题目 id（是不是“{guess}”？），作为普通列保留")
            marker = Marker(bank, scheme, layout, index=index)  # one index for header hints and unknown ids
            try:
                sink = _sink(args)
            except OSError as error:
                _say(f"revise grade: 无法写入 {args.out}：{error.strerror or error}")
                return EXIT_ROW_ERRORS
            outcome = mark_all(
                responses.entries,
                marker,
                sink,
                paper=args.paper is not None,
                as_json=args.json and out_path is None,
                numbers_as_text=not (args.json and out_path is None) and not xlsx_out,
                collect=collect,
            )
            source = f"{responses.name}，{responses.kind}"
    except InputError as error:
        if sink is not None:
            sink.abort()
        _say(f"{error.where}: {error.message}")
        return EXIT_ROW_ERRORS
    except OSError as error:
        if sink is not None:
            sink.abort()
        _say(f"revise grade: 读写文件出错：{error.strerror or error}")
        return EXIT_ROW_ERRORS
    except BaseException:  # Ctrl-C or a bug: never leave a half-written temporary file behind
        if sink is not None:
            sink.abort()
        raise
    title = scheme.title if not isinstance(scheme, EachOnePoint) else ""
    prompts = {q.question: one_line(bank.questions[q.question].prompt)[:40] for q in outcome.stats.questions} if outcome.stats else {}
    sheets = tables(outcome.stats, outcome.names, prompts, outcome.errors) if outcome.stats is not None and xlsx_out else None
    try:
        assert sink is not None
        sink.close(sheets)
        if args.report is not None and outcome.stats is not None:
            write_text(Path(args.report), html_report_parts(outcome.stats, outcome.names, prompts, title=title, source=source, errors=outcome.errors))
    except OSError as error:
        _say(f"revise grade: 无法写入文件：{error.strerror or error}")
        return EXIT_ROW_ERRORS
    return _summarise(args, outcome, out_path)


def _summarise(args: argparse.Namespace, outcome: Outcome, out_path: Path | None) -> int:
    """Report cleaned and ungradable rows on stderr; the exit code."""
    if outcome.cleaned_count:
        for where in outcome.cleaned:
            _say(f"{where}: 答案中的 NUL 字符已删除，照常评分")
        if outcome.cleaned_count > len(outcome.cleaned):
            _say(f"revise grade: 另有 {outcome.cleaned_count - len(outcome.cleaned)} 行删除了 NUL 字符")
    if outcome.errors:
        for example in outcome.error_examples:
            _say(example)
        more = outcome.errors - len(outcome.error_examples)
        tail = f"（另有 {more} 行未列出）" if more > 0 else ""
        _say(f"revise grade: {outcome.entries} 条答案中有 {outcome.errors} 条无法评分（verdict 为 error）{tail}")
    written = [str(p) for p in (out_path, Path(args.report) if args.report else None) if p is not None]
    if written:  # on stdout only when stdout is not carrying the marked rows
        _say(f"已批改 {outcome.entries} 条答案，写入 {'、'.join(written)}", sys.stdout if out_path is not None else sys.stderr)
    return EXIT_ROW_ERRORS if outcome.errors else 0
