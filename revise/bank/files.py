"""The files that make up a bank, and the problems found in them: light enough for the start-up path.

Finding a bank's files and reporting what is wrong with them need neither
YAML nor the parsers, so the bank cache (read on every start) can key and
decode without importing them; :mod:`revise.bank.yaml_source` and
:mod:`revise.bank.loader` build on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from revise.safetext import one_line

if TYPE_CHECKING:
    from revise.bank.model import Bank

YAML_SUFFIXES = (".yaml", ".yml")
PAPERS_DIR = "papers"
SETTINGS_STEM = "bank"
SEVERITY_LABELS = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a bank, at a file and line (0 when the whole file is meant)."""

    path: Path
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        # Messages quote bank text, which must never reach a terminal as control sequences.
        return one_line(f"{where}: {SEVERITY_LABELS.get(self.severity, self.severity)}: {self.message}")


@dataclass
class BankFiles:
    """The files that make up a bank: chapters, paper blueprints and the bank-wide settings file."""

    chapters: list[Path] = field(default_factory=list)
    papers: list[Path] = field(default_factory=list)
    settings: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_settings_file(path: Path) -> bool:
    """True for the bank-wide `bank.yaml` (sources and synonyms), which is not a chapter."""
    return path.stem.lower() == SETTINGS_STEM and path.suffix.lower() in YAML_SUFFIXES


def discover_files(paths: Iterable[Path]) -> BankFiles:
    """Chapter files, paper files, settings files and problems for the given files and directories.

    Directories are searched recursively for `*.yaml`/`*.yml` in any letter
    case; files under a `papers/` directory are exam blueprints, and a
    top-level `bank.yaml` holds bank-wide settings. Loading and anything keyed
    on the bank's files use this one function, so they always agree.
    """
    found = BankFiles()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in YAML_SUFFIXES and p.is_file())
            if not files:
                found.problems.append(Problem(path, 0, "warning", "这个文件夹里没有 .yaml 或 .yml 文件"))
            for file in files:
                parts = file.relative_to(path).parts
                if PAPERS_DIR in parts[:-1]:
                    found.papers.append(file)
                elif len(parts) == 1 and is_settings_file(file):
                    found.settings.append(file)
                else:
                    found.chapters.append(file)
        elif path.is_file():
            if path.parent.name == PAPERS_DIR:
                found.papers.append(path)
            elif is_settings_file(path):
                found.settings.append(path)
            else:
                found.chapters.append(path)
        else:
            found.problems.append(Problem(path, 0, "error", "找不到这个文件或文件夹"))
    return found


@dataclass
class LoadResult:
    """A bank and everything found wrong with it."""

    bank: Bank
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the bank unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems a teacher should fix but that do not stop the app."""
        return [p for p in self.problems if p.severity == "warning"]
