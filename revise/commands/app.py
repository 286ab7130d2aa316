"""`revise` with no subcommand: the student's app."""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.progress.store import Store

CACHE_DIR_NAME = "cache"
# Earlier versions kept a pickled bank here. Pickle can run code, so it is never read again;
# the files (ours, never the student's own data) are removed when the app starts.
STALE_CACHE_PATTERNS = ("bank-*.pickle",)


def remove_stale_cache(data_dir: Path) -> None:
    """Delete the pickled bank caches earlier versions left, and temporary files an interrupted cache write left."""
    from revise.bank.cache import remove_stale_temporary_files

    cache_dir = data_dir / CACHE_DIR_NAME
    for pattern in STALE_CACHE_PATTERNS:
        for path in cache_dir.glob(pattern):
            path.unlink(missing_ok=True)
    remove_stale_temporary_files(cache_dir)


def load_bank_for_app(args: argparse.Namespace, data_dir: Path) -> Bank | None:
    """The bank of --bank/$REVISE_BANK, through the JSON cache in the data dir; None (errors printed) when unusable."""
    from revise.bank.cache import load_bank_cached
    from revise.paths import resolve_bank

    result = load_bank_cached([resolve_bank(getattr(args, "bank", None))], data_dir / CACHE_DIR_NAME)
    if result.errors:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        print(f"revise：题库有 {len(result.errors)} 处错误；运行 `revise validate` 查看详情", file=sys.stderr)
        return None
    return result.bank


def remember_script(store: Store, script: str | None) -> None:
    """--script: keep the choice as the display setting (the help promises it is remembered); failing to save is not fatal."""
    from revise.progress.store import StoreError

    if not script:
        return
    # Not saved: the app still shows this run in the script asked for.
    with contextlib.suppress(StoreError, ValueError):
        store.set_setting("display_script", script)


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
        print(f"revise：{error}", file=sys.stderr)
        return 1
    with store:
        remove_stale_cache(data_dir)
        bank = load_bank_for_app(args, data_dir)
        if bank is None:
            return 1
        if not bank.questions:
            print("revise：题库里没有题目；请检查 --bank 或 $REVISE_BANK", file=sys.stderr)
            return 1
        problem = check_bank(bank) if check_bank is not None else None
        if problem:
            print(f"revise：{problem}", file=sys.stderr)
            return 1
        script = getattr(args, "script", None)
        remember_script(store, script)

        # The bank lives as long as the app: move it out of the garbage collector's way, so
        # collections during start-up (and the session) do not walk its thousands of objects.
        gc.freeze()

        from revise.tui.app import build_app

        app = build_app(bank, store, notices=[str(notice) for notice in store.notices], script=script, **app_options)
        app.run()
    return app.return_code or 0
