"""Where the bank and the user's data live.

Both can be overridden (``--bank``/``REVISE_BANK``, ``--data-dir``/``REVISE_DATA_DIR``)
so that tests never touch a real user's directories.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

BANK_ENV = "REVISE_BANK"
DATA_DIR_ENV = "REVISE_DATA_DIR"
_CHECKOUT_BANK = Path(__file__).resolve().parent.parent / "question_bank"


def installed_bank_candidates() -> list[Path]:
    """Where `pip install` puts the shipped bank (see data-files in pyproject.toml)."""
    roots = [Path(sysconfig.get_path("data")), Path(sys.prefix), Path(sys.base_prefix)]
    return [root / "share" / "revise" / "question_bank" for root in dict.fromkeys(roots)]


def shipped_bank(candidates: list[Path] | None = None) -> Path:
    """The bank shipped with revise: the checkout's when run from one, else the installed copy."""
    for candidate in candidates or [_CHECKOUT_BANK, *installed_bank_candidates()]:
        if candidate.is_dir():
            return candidate
    return _CHECKOUT_BANK


def resolve_banks(options: str | Sequence[str] | None = None) -> list[Path]:
    """The banks to use, merged in this order: every --bank given, else $REVISE_BANK
    (several joined with the path separator), else the shipped bank."""
    if isinstance(options, str):
        options = [options]
    chosen = list(options or []) or [part for part in os.environ.get(BANK_ENV, "").split(os.pathsep) if part]
    return [Path(path).expanduser() for path in chosen] or [shipped_bank()]


def resolve_bank(option: str | Sequence[str] | None = None) -> Path:
    """The first bank :func:`resolve_banks` gives: where a single folder is wanted."""
    return resolve_banks(option)[0]


def resolve_data_dir(option: str | None = None) -> Path:
    """The data dir: the --data-dir option, then $REVISE_DATA_DIR, then the platform's user data dir."""
    chosen = option or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("revise", appauthor=False))
