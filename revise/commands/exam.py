"""`revise exam`: open the app on a timed mock paper (an unfinished attempt is offered for resuming first)."""

from __future__ import annotations

import argparse

NAME = "exam"
HELP = "sit a timed mock paper in the app (an unfinished one is offered for resuming first)"


def positive_minutes(text: str) -> int:
    """--minutes: a whole number of minutes greater than 0."""
    try:
        minutes = int(text)
    except ValueError:
        minutes = 0
    if minutes <= 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of minutes greater than 0, not {text!r}")
    return minutes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise exam`."""
    parser.add_argument("--paper", metavar="ID", help="blueprint id, e.g. final-standard or quick-20 (default: choose in the app)")
    parser.add_argument("--minutes", type=positive_minutes, metavar="N", help="time allowed in minutes (default: the paper's)")
    parser.add_argument("--seed", type=int, metavar="N", help="which draw of the paper: the same seed gives the same questions (default: random)")


def run(args: argparse.Namespace) -> int:
    """Check the paper id against the bank, then run the app straight into the exam; exit 1 on a bad bank or paper."""
    from revise.commands import paper_problem
    from revise.commands.app import run_app
    from revise.tui.app import ExamRequest

    request = ExamRequest(paper_id=args.paper, minutes=args.minutes, seed=args.seed)
    return run_app(args, check_bank=lambda bank: paper_problem(bank, args.paper), exam=request)
