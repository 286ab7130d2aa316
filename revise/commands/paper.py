"""`revise paper`: write a printable mock paper, its answer sheet and its key (Markdown, HTML or Word)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "paper"
HELP = "write a printable paper (Markdown, HTML or Word, by the extension of --out) with its answer sheet and key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise paper`."""
    parser.add_argument("--paper", default="final-standard", metavar="ID", help="blueprint id (default: final-standard)")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="the same seed always gives the same paper (default: 1)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.md, FILE.html or FILE.docx; the key goes to FILE.key.EXT")
    parser.add_argument("--versions", type=int, default=1, metavar="N", help="N versions (A/B…) with the same questions in another order (default: 1)")
    parser.add_argument(
        "--save", type=Path, metavar="PAPER.yaml", help="pin the drawn paper (questions, order, values, option orders) for re-printing and marking"
    )
    parser.add_argument("--load", type=Path, metavar="PAPER.yaml", help="print a paper saved with --save instead of drawing one")


def run(args: argparse.Namespace) -> int:
    """Draw (or load) the paper and write it with its key; exit 1 on a bad bank, paper id, saved paper or path."""
    from revise.bank.papers import arrange, draw_paper
    from revise.commands import load_bank_or_report, paper_problem
    from revise.formats.paper_export import write_paper
    from revise.formats.saved_paper import SavedPaperError, load_saved_paper, save_paper

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    if not 1 <= args.versions <= 4:
        print("revise: --versions 只能是 1 到 4", file=sys.stderr)
        return 1
    if args.load:
        try:
            base = load_saved_paper(args.load, bank)
        except SavedPaperError as error:
            print(f"revise: {error}", file=sys.stderr)
            return 1
    else:
        problem = paper_problem(bank, args.paper)
        if problem:
            print(f"revise: {problem}", file=sys.stderr)
            return 1
        base = draw_paper(bank.papers[args.paper], bank, args.seed)
    papers = [base] + [arrange(base, version) for version in range(1, args.versions)]
    try:
        for drawn in papers:
            out = args.out if args.versions == 1 else args.out.with_name(f"{args.out.stem}-{chr(65 + drawn.version)}{args.out.suffix}")
            paper_path, key_path = write_paper(drawn, bank, out)
            blueprint = drawn.paper
            print(
                f"wrote {paper_path} ({len(drawn.questions)} questions, {blueprint.total_points:g} points, {blueprint.minutes} minutes, 试卷编号 {drawn.label})"
            )
            print(f"wrote {key_path} (answer key with explanations)")
            if args.save:
                saved = args.save if args.versions == 1 else args.save.with_name(f"{args.save.stem}-{chr(65 + drawn.version)}{args.save.suffix}")
                save_paper(drawn, saved)
                print(f"saved {saved}")
    except ValueError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"revise: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0
