"""`revise` with no subcommand: the student's app.

Start-up matters here (the student opens the app every evening), so the
loaded bank is cached in the data dir: parsing and validating the shipped
bank's YAML takes ~80 ms, unpickling the result ~10 ms. The cache is keyed by
every bank file's path, size and modification time and by the code that
builds a bank, and only a bank without errors is cached; any problem with the
cache (missing, stale, unreadable) just means the bank is loaded afresh.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revise.commands import load_bank_or_report

if TYPE_CHECKING:
    from revise.model import Bank

CACHE_DIR_NAME = "cache"
CACHE_PREFIX = "bank-"
# The modules whose code decides what a loaded bank looks like.
BANK_CODE = ("loader.py", "model.py", "formula.py", "papers.py")


def bank_files(bank_path: Path) -> list[Path]:
    """The YAML files that make up the bank at `bank_path` (a file or a folder searched recursively)."""
    if bank_path.is_file():
        return [bank_path]
    if not bank_path.is_dir():
        return []
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in bank_path.rglob(pattern) if path.is_file())


def bank_fingerprint(bank_path: Path) -> str | None:
    """A digest of the bank's files (path, size, mtime) and of the code that loads them; None if there are no files."""
    files = bank_files(bank_path)
    if not files:
        return None
    code_dir = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{sys.version_info[:2]}|{bank_path.resolve()}".encode())
    for path in [*(code_dir / name for name in BANK_CODE), *files]:
        try:
            stat = path.stat()
        except OSError:
            return None
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def load_cached_bank(bank_path: Path, cache_dir: Path) -> Bank | None:
    """The cached bank for `bank_path` if the cache is current, else None."""
    fingerprint = bank_fingerprint(bank_path)
    if fingerprint is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # unpickling allocates thousands of objects at once; collecting midway only slows it
    try:
        with (cache_dir / f"{CACHE_PREFIX}{fingerprint}.pickle").open("rb") as handle:
            bank = pickle.load(handle)  # our own file in the student's data dir
    except Exception:  # missing, truncated or from another version: load afresh
        return None
    finally:
        if collecting:
            gc.enable()
    from revise.model import Bank

    return bank if isinstance(bank, Bank) else None


def save_cached_bank(bank: Bank, bank_path: Path, cache_dir: Path) -> None:
    """Cache a bank loaded without errors; older caches are removed. Failing to cache is not an error."""
    fingerprint = bank_fingerprint(bank_path)
    if fingerprint is None:
        return
    target = cache_dir / f"{CACHE_PREFIX}{fingerprint}.pickle"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".bank-", suffix=".tmp", delete=False) as handle:
            pickle.dump(bank, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
        for old in cache_dir.glob(f"{CACHE_PREFIX}*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        return


def load_bank_for_app(args: argparse.Namespace, data_dir: Path) -> Bank | None:
    """The bank chosen by --bank/$REVISE_BANK, from the cache when current; None (errors printed) when unusable."""
    from revise.paths import resolve_bank

    bank_path = resolve_bank(getattr(args, "bank", None))
    cache_dir = data_dir / CACHE_DIR_NAME
    bank = load_cached_bank(bank_path, cache_dir)
    if bank is not None:
        return bank
    bank = load_bank_or_report(args)
    if bank is not None:
        save_cached_bank(bank, bank_path, cache_dir)
    return bank


def run_app(args: argparse.Namespace, *, check_bank: Callable[[Bank], str | None] | None = None, **app_options: Any) -> int:
    """Open the progress store in the data dir, load the bank and run the app until the student quits.

    Shared by the commands that open the app: `check_bank` may refuse the
    loaded bank with a message (exit 1, before the app starts), and
    `app_options` go to :func:`revise.tui.app.build_app` (e.g. ``exam=`` for
    ``revise exam``).
    """
    from revise.paths import resolve_data_dir
    from revise.store import Store, StoreError

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    try:
        store = Store.open(data_dir)
    except StoreError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    with store:
        bank = load_bank_for_app(args, data_dir)
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
