"""`revise exam`: open the app on a timed mock paper (an unfinished attempt is offered for resuming first)."""

from __future__ import annotations

import argparse
import sys

HELP = "在程序里做一份限时模拟试卷（有没做完的会先问是否接着做）"


def positive_minutes(text: str) -> int:
    """--minutes: a whole number of minutes greater than 0."""
    try:
        minutes = int(text)
    except ValueError:
        minutes = 0
    if minutes <= 0:
        raise argparse.ArgumentTypeError(f"须是大于 0 的整数分钟，不是 {text!r}")
    return minutes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise exam`."""
    parser.add_argument("--paper", metavar="ID", help="试卷编号，如 final-standard 或 quick-20（默认：在程序里选）")
    parser.add_argument("--minutes", type=positive_minutes, metavar="N", help="考试时长，分钟（默认：试卷规定的时长）")
    parser.add_argument("--seed", type=int, metavar="N", help="抽题的种子：同一个种子抽到同样的题（默认：随机）")
    parser.add_argument(
        "--time-up",
        choices=("submit", "grace", "nocount"),
        help="时间到了怎么办：submit 自动交卷（默认）；grace 给一段宽限时间，期间改的答案标为超时作答；nocount 交卷，但不计入成绩走势",
    )
    parser.add_argument("--grace", type=positive_minutes, metavar="N", help="--time-up grace 的宽限分钟数（默认 5，最多 60）")


def run(args: argparse.Namespace) -> int:
    """Check the paper id against the bank, then run the app straight into the exam; exit 1 on a bad bank or paper."""
    from revise.commands import paper_problem
    from revise.commands.app import run_app
    from revise.sessions.exam_report import TimeRule
    from revise.tui.app import ExamRequest

    if args.grace is not None and args.time_up != "grace":
        print("revise：--grace 只能和 --time-up grace 一起用", file=sys.stderr)
        return 2
    try:
        rule = TimeRule.of(args.time_up, args.grace) if args.time_up else None
    except ValueError as error:
        print(f"revise：{error}", file=sys.stderr)
        return 2
    request = ExamRequest(paper_id=args.paper, minutes=args.minutes, seed=args.seed, rule=rule)
    return run_app(args, check_bank=lambda bank: paper_problem(bank, args.paper), exam=request)
