"""`revise` with no subcommand: the student's app."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revise.commands import load_bank_or_report

if TYPE_CHECKING:
    from revise.bank.model import Bank

CACHE_DIR_NAME = "cache"
# Earlier versions kept a pickled bank here. Pickle can run code, so it is never read again;
# the files (ours, never the student's own data) are removed when the app starts.
STALE_CACHE_PATTERNS = ("bank-*.pickle", ".bank-*.tmp")


def remove_stale_cache(data_dir: Path) -> None:
    """Delete the bank caches and temporary files earlier versions left in the data dir."""
    cache_dir = data_dir / CACHE_DIR_NAME
    for pattern in STALE_CACHE_PATTERNS:
        for path in cache_dir.glob(pattern):
            path.unlink(missing_ok=True)


def run_app(args: argparse.Namespace, *, check_bank: Callable[[Bank], str | None] | None = None, **app_options: Any) -> int:
    """Open the progress store in the data dir, load the bank and run the app until the student quits.

    Shared by the commands that open the app: `check_bank` may refuse the
    loaded bank with a message (exit 1, before the app starts), and
    `app_options` go to :func:`revise.tui.app.build_app` (e.g. ``exam=`` for
    ``revise exam``).
    """
    from revise.paths import resolve_data_dir
    from revise.progress.store import Store, StoreError

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    try:
        store = Store.open(data_dir)
    except StoreError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    with store:
        remove_stale_cache(data_dir)
        bank = load_bank_or_report(args)
        if bank is None:
            return 1
        if not bank.questions:
            print("revise: the question bank has no questions; check --bank or $REVISE_BANK", file=sys.stderr)
            return 1
        problem = check_bank(bank) if check_bank is not None else None
        if problem:
            print(f"revise: {problem}", file=sys.stderr)
            return 1

        # The bank lives as long as the app: move it out of the garbage collector's way, so
        # collections during start-up (and the session) do not walk its thousands of objects.
        gc.freeze()

        from revise.tui.app import build_app

        app = build_app(bank, store, notices=store.notices, **app_options)
        app.run()
    return app.return_code or 0
