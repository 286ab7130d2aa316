"""Subcommands of the `revise` command, one module each, and what they share."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # imported lazily: the app's start-up should not pay for the loader twice
    from revise.bank.model import Bank
    from revise.progress.store import Store

T = TypeVar("T")


def load_bank_or_report(args: argparse.Namespace, *, strict: bool = False) -> Bank | None:
    """Load the bank chosen by --bank/$REVISE_BANK; print its errors and return None when unusable.

    Formulas are not evaluated over their whole parameter space here (that is
    `revise validate`'s job); a draw that cannot be evaluated is drawn again.
    """
    from revise.bank.loader import load_bank
    from revise.paths import resolve_banks

    result = load_bank(resolve_banks(getattr(args, "bank", None)), thorough=False)
    if result.errors or (strict and result.warnings):
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(f"revise：题库有 {len(result.errors)} 处错误；运行 `revise validate` 查看详情", file=sys.stderr)
        return None
    return result.bank


def open_store_or_report(args: argparse.Namespace) -> Store | None:
    """Open the progress store of --data-dir/$REVISE_DATA_DIR; print why not and return None when it cannot be.

    Notices (e.g. a corrupt database moved aside) are printed to stderr.
    """
    from revise.paths import resolve_data_dir
    from revise.progress.store import Store, StoreError

    try:
        store = Store.open(resolve_data_dir(getattr(args, "data_dir", None)))
    except StoreError as error:
        print(f"revise：{error}", file=sys.stderr)
        return None
    for notice in store.notices:
        print(f"revise：{notice}", file=sys.stderr)
    return store


def read_progress_or_report(args: argparse.Namespace, read: Callable[[Bank, Store], T]) -> tuple[Bank, T] | None:
    """Load the bank, open the store and `read(bank, store)` from it; print why not and return None when any step fails."""
    from revise.progress.store import StoreError

    bank = load_bank_or_report(args)
    if bank is None:
        return None
    store = open_store_or_report(args)
    if store is None:
        return None
    try:
        with store:
            return bank, read(bank, store)
    except StoreError as error:
        print(f"revise：{error}", file=sys.stderr)
        return None


def paper_problem(bank: Bank, paper_id: str | None) -> str | None:
    """Why `revise exam` or `revise paper` cannot use this bank (no papers, or an unknown paper id), or None."""
    from revise.bank.loader import suggest

    if not bank.papers:
        return "这个题库没有试卷（试卷蓝图放在题库的 papers/ 文件夹里）；见 docs/bank-format.md"
    if paper_id is not None and paper_id not in bank.papers:
        known = "、".join(sorted(bank.papers))
        return f"没有试卷“{paper_id}”{suggest(paper_id, bank.papers)}；这个题库的试卷有：{known}"
    return None
