"""`revise validate`: check a bank and say exactly what is wrong and where."""

from __future__ import annotations

import argparse

NAME = "validate"
HELP = "check question bank files and report problems as path:line: message"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise validate`."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: the bank)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def run(args: argparse.Namespace) -> int:
    """Print one line per problem and a summary; exit 1 on errors (or warnings with --strict)."""
    from revise.bank.loader import load_bank
    from revise.paths import resolve_bank

    paths = args.paths or [resolve_bank(args.bank)]
    result = load_bank(paths)
    for problem in result.problems:
        print(problem)
    bank = result.bank
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(bank.files) + len(bank.paper_files)
    print(
        f"{files} file{'s' * (files != 1)}, {len(bank.questions)} questions, "
        f"{len(bank.concepts)} concepts, {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    return 1 if errors or (args.strict and warnings) else 0
