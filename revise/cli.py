"""The `revise` command: the TUI by default, and subcommands for teachers and scripts.

Each subcommand lives in :mod:`revise.commands` as a module with ``NAME``,
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``. Modules import
their heavy dependencies inside ``run`` so that ``revise --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = ("validate", "grade", "stats", "paper", "exam")


def add_common_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--bank and --data-dir, accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--bank", metavar="PATH", default=default, help="question bank directory or file (default: $REVISE_BANK or the shipped bank)")
    parser.add_argument("--data-dir", metavar="DIR", default=default, help="where progress is stored (default: $REVISE_DATA_DIR or the platform's user data dir)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="revise", description="客户关系管理 exam revision in the terminal.")
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(f"revise.commands.{module_name}")
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        add_common_options(sub, suppress=True)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a subcommand (or the app); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        from revise.commands.app import run_app

        run = run_app
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; nothing more to say.
        sys.stderr.close()
        return 0
    except Exception as error:  # never a traceback at the user
        if os.environ.get("REVISE_DEBUG"):
            raise
        print(f"revise: internal error: {type(error).__name__}: {error} (set REVISE_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
