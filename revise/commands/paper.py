"""`revise paper`: write a printable mock paper and its answer key for a classroom."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "paper"
HELP = "write a printable paper (Markdown or HTML, by the extension of --out) and its answer key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise paper`."""
    parser.add_argument("--paper", default="final-standard", metavar="ID", help="blueprint id (default: final-standard)")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="the same seed always gives the same paper (default: 1)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.md or FILE.html; the key goes to FILE.key.md or FILE.key.html")


def run(args: argparse.Namespace) -> int:
    """Draw the paper and write it with its key; exit 1 on a bad bank, paper id or path."""
    from revise.bank.papers import draw_paper
    from revise.commands import load_bank_or_report, paper_problem
    from revise.formats.paper_export import write_paper

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    problem = paper_problem(bank, args.paper)
    if problem:
        print(f"revise: {problem}", file=sys.stderr)
        return 1
    paper = bank.papers[args.paper]
    drawn = draw_paper(paper, bank, args.seed)
    try:
        paper_path, key_path = write_paper(drawn, bank, args.out)
    except ValueError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"revise: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {paper_path} ({len(drawn.questions)} questions, {paper.total_points:g} points, {paper.minutes} minutes)")
    print(f"wrote {key_path} (answer key with explanations)")
    return 0
