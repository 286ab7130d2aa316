"""Subcommands of the `revise` command, one module each."""

from __future__ import annotations

import argparse
import sys

from revise.loader import LoadResult, load_bank
from revise.model import Bank
from revise.paths import resolve_bank


def load_bank_or_report(args: argparse.Namespace, *, strict: bool = False) -> Bank | None:
    """Load the bank chosen by --bank/$REVISE_BANK; print its errors and return None when unusable."""
    result: LoadResult = load_bank([resolve_bank(getattr(args, "bank", None))])
    if result.errors or (strict and result.warnings):
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(f"revise: the question bank has {len(result.errors)} error(s); run `revise validate` for details", file=sys.stderr)
        return None
    return result.bank
