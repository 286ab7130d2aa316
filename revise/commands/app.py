"""`revise` with no subcommand: the student's app."""

from __future__ import annotations

import argparse

from revise.commands import load_bank_or_report


def run_app(args: argparse.Namespace) -> int:
    """Start the app on the chosen bank."""
    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    total = len(bank.questions)
    print(f"revise: {total} questions in {len(bank.chapters)} chapters are ready.")
    print("The practice app is not built yet; try `revise validate`.")
    return 0
