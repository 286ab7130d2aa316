"""`revise appeals [--csv FILE]`: the answers students said were right (判我对), per question, for the teacher.

A teacher reads them to add a form to the question's ``accept`` list or the
bank's synonym table, or to reject the appeal. The CSV is UTF-8 with a BOM
(Excel and WPS open it in the right encoding) and every cell is neutralised
against spreadsheet formulas; text shown in the terminal is made safe first.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

HELP = "列出学生申诉“判我对”的答案（按题目分组），可导出 CSV，供老师补充 accept 或同义词表"
# The verdict words of the report (core commands cannot import the TUI's).
VERDICT_WORDS = {"correct": "正确", "partial": "部分正确", "incorrect": "错误"}
CSV_COLUMNS = ("题目编号", "章节", "题目", "原判定", "学生答案", "申诉时间")
PROMPT_CHARS = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise appeals`."""
    parser.add_argument("--csv", metavar="FILE", help="把申诉写入 CSV 文件（UTF-8，带 BOM），而不是打印表格")


def run(args: argparse.Namespace) -> int:
    """List the appeals; exit 1 when the bank or the data dir is unusable or the CSV cannot be written."""
    from revise.commands import read_progress_or_report

    read_back = read_progress_or_report(args, lambda _bank, store: store.appeals())
    if read_back is None:
        return 1
    bank, appeals = read_back
    questions: dict[str, Any] = dict(bank.questions)
    rows = [_row(appeal, questions.get(appeal["question_id"])) for appeal in appeals]
    if args.csv:
        return _write_csv(Path(args.csv), rows)
    print(render_text(rows))
    return 0


def _row(appeal: dict[str, Any], question: Any) -> dict[str, str]:
    from revise.clock import local_zone

    at = appeal["appealed_at"]
    return {
        "题目编号": appeal["question_id"],
        "章节": getattr(question, "chapter", "") if question is not None else "（题目已不在题库中）",
        "题目": getattr(question, "prompt", "") if question is not None else "",
        "原判定": VERDICT_WORDS.get(appeal["original_verdict"], appeal["original_verdict"]),
        "学生答案": appeal["response"],
        "申诉时间": at.astimezone(local_zone(at)).strftime("%Y-%m-%d %H:%M"),
    }


def render_text(rows: list[dict[str, str]]) -> str:
    """The appeals grouped by question, most appealed first, every text made safe for the terminal."""
    from revise.safetext import one_line

    if not rows:
        return "还没有申诉。学生在答题反馈或考试报告里选择“判我对”后，会列在这里。"
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_question.setdefault(row["题目编号"], []).append(row)
    lines = [f"共 {len(rows)} 条申诉，涉及 {len(by_question)} 道题。"]
    for qid, group in sorted(by_question.items(), key=lambda item: (-len(item[1]), item[0])):
        prompt = one_line(group[0]["题目"])
        if len(prompt) > PROMPT_CHARS:
            prompt = prompt[: PROMPT_CHARS - 1] + "…"
        lines.append("")
        lines.append(f"{one_line(qid)}（{one_line(group[0]['章节'])}）{len(group)} 条：{prompt}")
        for row in group:
            lines.append(f"  {row['申诉时间']}  原判{row['原判定']}  {one_line(row['学生答案']) or '（空）'}")
    return "\n".join(lines)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> int:
    from revise.safetext import spreadsheet_cell

    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for row in rows:
                writer.writerow([spreadsheet_cell(row[column]) for column in CSV_COLUMNS])
    except OSError as error:
        print(f"revise：无法写入 {path}：{error.strerror or error}", file=sys.stderr)
        return 1
    print(f"已把 {len(rows)} 条申诉写入 {path}")
    return 0
