"""Core modules never import Textual: they must work for the CLI, exam and tests alone.

Checked in a fresh interpreter (as harlequin does), since this process has
Textual loaded by the UI tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import revise

PACKAGE_DIR = Path(revise.__file__).parent


def core_modules() -> list[str]:
    """Every module of the package outside revise.tui."""
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = relative.parts
        if "tui" in parts or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_core_module_list_is_not_empty() -> None:
    modules = core_modules()
    assert "revise.bank.loader" in modules and "revise.bank.model" in modules
    assert not any(name.startswith("revise.tui") for name in modules)


def test_core_modules_do_not_import_textual() -> None:
    modules = core_modules()
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "    if leaked:\n"
        "        sys.exit(f'{name} imported {leaked[0]}')\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr + completed.stdout


def test_the_hygiene_check_can_fail(tmp_path: Path) -> None:
    """The subprocess check above really notices a Textual import."""
    (tmp_path / "leaky.py").write_text("import textual.app\n")
    script = "import sys; import leaky; sys.exit(1 if 'textual' in sys.modules else 0)"
    completed = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, timeout=120)
    assert completed.returncode == 1


def test_command_line_parsing_stays_light() -> None:
    """Every command module defers its heavy imports to run(), so `revise --help` and start-up stay fast."""
    script = (
        "import sys\n"
        "from revise.cli import build_parser\n"
        "build_parser()\n"
        "heavy = [m for m in ('yaml', 'revise.bank.loader', 'revise.grading', 'revise.progress.store', 'textual', 'pypinyin', 'opencc') if m in sys.modules]\n"
        "sys.exit(f'imported at parse time: {heavy}' if heavy else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def test_starting_the_app_imports_no_subcommand_module() -> None:
    """`revise` alone parses with every subcommand registered but none of their modules imported."""
    script = (
        "import sys\n"
        "from revise.cli import build_parser\n"
        "args = build_parser(['--data-dir', 'x']).parse_args(['--data-dir', 'x'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('revise.commands.'))\n"
        "sys.exit(f'imported: {loaded}' if loaded or getattr(args, 'run', None) else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def test_a_subcommand_named_as_an_option_value_still_parses() -> None:
    """A folder called `list` passed to --bank does not stop the real subcommand after it from parsing."""
    from revise.cli import build_parser

    arguments = ["--bank", "list", "validate", "--strict"]
    args = build_parser(arguments).parse_args(arguments)
    assert args.command == "validate"
    assert args.bank == ["list"]
    assert args.strict is True
