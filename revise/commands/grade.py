"""`revise grade`: grade one answer, or a class's answers from a CSV file.

One answer::

    revise grade [--bank PATH] QUESTION_ID ANSWER [--param a=4 ...] [--json]

A batch, for a teacher marking a class::

    revise grade [--bank PATH] --responses FILE.csv [--json]

The CSV is UTF-8 (with or without a BOM) with a header naming ``question_id``
and ``answer``; other columns (``student``...) are carried through. A numeric
question with generated values takes them from a ``params`` column
(``a=4;b=8``) or from columns named after its params.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revise.bank.model import Bank, Question
    from revise.grading import Result

NAME = "grade"
HELP = "grade an answer (or a CSV of answers) the way the app does"

REQUIRED_COLUMNS = ("question_id", "answer")
ADDED_COLUMNS = ("verdict", "score", "feedback")
PARAMS_COLUMN = "params"
EXIT_ROW_ERRORS = 1
EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise grade`."""
    parser.add_argument("question_id", nargs="?", metavar="QUESTION_ID", help="the question's id")
    parser.add_argument("answer", nargs="?", metavar="ANSWER", help="the answer as the student typed it")
    parser.add_argument("--responses", metavar="FILE.csv", help='grade every row of a CSV with "question_id" and "answer" columns ("-" for stdin)')
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a value shown to the student of a numeric question (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON (one object per line in batch mode)")


def run(args: argparse.Namespace) -> int:
    """Grade one answer (exit 0, or 2 for an unknown id) or a CSV batch (exit 1 if a row could not be graded)."""
    if args.responses is not None:
        if args.question_id is not None or args.answer is not None:
            return _usage("give either QUESTION_ID ANSWER or --responses FILE.csv, not both")
        if args.param:
            return _usage("--param is for a single answer; in a CSV give a params column (a=4;b=8)")
    elif args.question_id is None or args.answer is None:
        return _usage("give QUESTION_ID and ANSWER, or --responses FILE.csv")

    if args.responses is not None:
        table = _read_csv(args.responses)
        if isinstance(table, str):
            print(f"revise grade: {table}", file=sys.stderr)
            return EXIT_USAGE
    try:
        params = _parse_params(args.param)
    except ValueError as error:
        return _usage(str(error))

    from revise.commands import load_bank_or_report

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    if args.responses is not None:
        return _grade_batch(bank, table, args.json)
    return _grade_one(bank, args.question_id, args.answer, params, args.json)


def _usage(message: str) -> int:
    print(f"revise grade: {message}", file=sys.stderr)
    return EXIT_USAGE


# -- one answer ---------------------------------------------------------------------


def _grade_one(bank: Bank, question_id: str, answer: str, params: dict[str, float], as_json: bool) -> int:
    question = bank.questions.get(question_id)
    if question is None:
        print(f"revise grade: {_unknown_id(bank, question_id)}", file=sys.stderr)
        return EXIT_USAGE
    problem = _missing_params(question, params)
    if problem:
        flags = " ".join(f"--param {p.name}=VALUE" for p in question.params)  # type: ignore[attr-defined]
        print(f"revise grade: {problem}; pass them with {flags}", file=sys.stderr)
        return EXIT_USAGE
    from revise.grading import grade

    try:
        result = grade(question, answer, bank, params=params or None)
    except ValueError as error:  # e.g. a division by zero for the values given
        print(f"revise grade: cannot grade {question_id}: {error}", file=sys.stderr)
        return EXIT_USAGE
    if as_json:
        print(json.dumps(_result_object(question_id, answer, result), ensure_ascii=False))
        return 0
    lines = [
        f"verdict:  {result.verdict}",
        f"score:    {_score_text(result.score)}",
        f"expected: {_one_line(result.expected)}",
        f"feedback: {result.feedback}",
    ]
    if result.found or result.missed:
        lines.append(f"found:    {'、'.join(result.found) or '-'}")
        lines.append(f"missed:   {'、'.join(result.missed) or '-'}")
    print("\n".join(lines))
    return 0


def _unknown_id(bank: Bank, question_id: str) -> str:
    close = difflib.get_close_matches(question_id, list(bank.questions), n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'unknown question id "{question_id}"{hint}'


def _missing_params(question: Question, params: dict[str, float]) -> str:
    names = [p.name for p in getattr(question, "params", ())]
    missing = [name for name in names if name not in params]
    if missing:
        return f"question {question.id} shows generated values; missing {', '.join(missing)}"
    return ""


def _parse_params(items: list[str] | str) -> dict[str, float]:
    """NAME=VALUE pairs from --param options or a params cell ("a=4;b=8", "a=4 b=8" or JSON)."""
    if isinstance(items, str):
        text = items.strip()
        if not text:
            return {}
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"params {text!r} is not valid JSON: {error.msg}") from None
            if not isinstance(data, dict):
                raise ValueError(f"params {text!r} must be a JSON object")
            items = [f"{key}={value}" for key, value in data.items()]
        else:
            items = [part for chunk in text.replace(",", ";").replace("，", ";").replace("；", ";").split(";") for part in chunk.split()]
    params: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"param {item!r} should look like NAME=VALUE")
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"param {name} has value {value.strip()!r}, which is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"param {name} must be a finite number")
        params[name] = number
    return params


# -- a batch -------------------------------------------------------------------------------


class _Table:
    """A parsed CSV: its header, the positions of the key columns and the data rows with their line numbers."""

    def __init__(self, header: list[str], rows: list[tuple[int, list[str]]], id_column: int, answer_column: int) -> None:
        self.header = header
        self.rows = rows
        self.id_column = id_column
        self.answer_column = answer_column


def _read_csv(path_text: str) -> _Table | str:
    """The table in a CSV file, or a message saying why it cannot be read."""
    import csv
    import io

    where = "stdin" if path_text == "-" else path_text
    try:
        data = sys.stdin.buffer.read() if path_text == "-" else Path(path_text).read_bytes()
    except OSError as error:
        return f"cannot read {where}: {error.strerror or error}"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return f"{where}:{line}: not UTF-8 (byte 0x{data[error.start]:02x}); save the CSV as UTF-8"
    if "\x00" in text:
        return f"{where}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: contains a NUL byte; is this a CSV file?"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            records.append((reader.line_num, record))
    except csv.Error as error:
        return f"{where}:{reader.line_num}: malformed CSV: {error}"
    records = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
    if not records:
        return f"{where}: empty file; expected a header with columns {', '.join(REQUIRED_COLUMNS)}"
    header = [cell.strip() for cell in records[0][1]]
    lowered = [cell.lower() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in lowered]
    if missing:
        found = ", ".join(repr(cell) for cell in header) or "nothing"
        return f"{where}:{records[0][0]}: the header needs columns {' and '.join(REQUIRED_COLUMNS)} (missing {', '.join(missing)}; found {found})"
    return _Table(header, records[1:], lowered.index("question_id"), lowered.index("answer"))


def _grade_batch(bank: Bank, table: _Table, as_json: bool) -> int:
    import csv

    from revise.grading import grade

    writer = None if as_json else csv.writer(sys.stdout, lineterminator="\n")
    if writer is not None:
        writer.writerow(table.header + list(ADDED_COLUMNS))
    errors = 0
    lowered = [cell.lower() for cell in table.header]
    for line, record in table.rows:
        cells = record[: len(table.header)] + [""] * (len(table.header) - len(record))
        question_id = cells[table.id_column].strip()
        answer = cells[table.answer_column]
        result: Result | None = None
        message = ""
        if len(record) != len(table.header):
            message = f"line {line}: {len(record)} fields but the header has {len(table.header)}; quote answers that contain commas"
        else:
            question = bank.questions.get(question_id)
            if question is None:
                message = f"line {line}: {_unknown_id(bank, question_id)}" if question_id else f"line {line}: no question_id"
            else:
                try:
                    params = _row_params(question, table.header, lowered, cells)
                    result = grade(question, answer, bank, params=params)
                except ValueError as error:
                    message = f"line {line}: {error}"
        if result is None:
            errors += 1
        if writer is not None:
            if result is None:
                writer.writerow(cells + ["error", "", message])
            else:
                writer.writerow(cells + [result.verdict, _score_text(result.score), result.feedback])
        else:
            carried = {name: value for name, value in zip(table.header, cells) if name}
            carried["question_id"], carried["answer"] = question_id, answer
            if result is None:
                carried.update(verdict="error", score=None, expected=None, feedback=message)
            else:
                carried.update(_result_object(question_id, answer, result))
            print(json.dumps(carried, ensure_ascii=False))
    if errors:
        print(f"revise grade: {errors} of {len(table.rows)} row{'s' * (len(table.rows) != 1)} could not be graded (verdict \"error\")", file=sys.stderr)
        return EXIT_ROW_ERRORS
    return 0


def _row_params(question: Question, header: list[str], lowered: list[str], cells: list[str]) -> dict[str, float] | None:
    """The values shown for a numeric question: a params column, or columns named after the params."""
    names = [p.name for p in getattr(question, "params", ())]
    if not names:
        return None
    params: dict[str, float] = {}
    if PARAMS_COLUMN in lowered:
        params.update(_parse_params(cells[lowered.index(PARAMS_COLUMN)]))
    for name in names:
        if name not in params and name in header and cells[header.index(name)].strip():
            params.update(_parse_params([f"{name}={cells[header.index(name)]}"]))
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"question {question.id} shows generated values; give {', '.join(missing)} in a params column like {';'.join(f'{n}=…' for n in names)}")
    return params


# -- output helpers --------------------------------------------------------------------------


def _result_object(question_id: str, answer: str, result: Result) -> dict[str, object]:
    return {
        "question_id": question_id,
        "answer": answer,
        "verdict": result.verdict,
        "score": result.score,
        "expected": result.expected,
        "feedback": result.feedback,
        "found": list(result.found),
        "missed": list(result.missed),
    }


def _score_text(score: float) -> str:
    from revise.bank.model import format_number

    return format_number(round(score, 4))


def _one_line(text: str) -> str:
    return " ".join(text.split())
