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

# Each subcommand's name and the module in revise.commands that implements it (its NAME).
COMMANDS = {
    "validate": "validate",
    "grade": "grade",
    "stats": "stats",
    "paper": "paper",
    "exam": "exam",
    "sync": "sync",
    "class": "classroom",
    "serve": "serve",
    "import": "import_cmd",
    "export": "export_cmd",
    "show": "show",
    "list": "list_cmd",
    "appeals": "appeals",
}
HELP_FLAGS = ("-h", "--help")


def add_common_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--bank, --data-dir and --script, accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--bank", metavar="PATH", action="append", default=default, help="题库文件夹或文件；可写多次，合并使用（默认：$REVISE_BANK，或随程序附带的题库）"
    )
    parser.add_argument("--data-dir", metavar="DIR", default=default, help="学习进度保存在哪里（默认：$REVISE_DATA_DIR，或系统的用户数据目录）")
    parser.add_argument(
        "--script", choices=("simplified", "traditional"), default=default, help="界面和题目用简体（simplified）还是繁体（traditional）显示，并记住这个选择"
    )


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; every subcommand is registered, and complete for those `argv` may name.

    Without `argv` (or when it asks for help) every subcommand is complete.
    Otherwise only the subcommands whose names appear in `argv` import their
    modules: starting the app (no subcommand) imports none of them.
    """
    parser = argparse.ArgumentParser(prog="revise", description="客户关系管理复习与刷题：不带子命令时打开复习程序。")
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    complete_all = argv is None or any(flag in argv for flag in HELP_FLAGS)
    named = set() if argv is None else set(argv)
    for name, module_name in COMMANDS.items():
        if not (complete_all or name in named):
            subparsers.add_parser(name)  # never chosen: its name is not in argv
            continue
        module = importlib.import_module(f"revise.commands.{module_name}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        add_common_options(sub, suppress=True)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a subcommand (or the app); returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
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
        print(f"revise：内部错误：{type(error).__name__}: {error}（设置环境变量 REVISE_DEBUG=1 可看详细信息）", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
