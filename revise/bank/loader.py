"""Load a YAML question bank into the model, collecting precise problems.

The work is shared out: :mod:`revise.bank.yaml_source` reads files safely,
:mod:`revise.bank.chapters` parses chapters, :mod:`revise.bank.checks` checks
across files and :mod:`revise.bank.papers` reads exam blueprints. The loader
never raises on bad input: everything wrong becomes a :class:`Problem`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from revise.bank.chapters import parse_chapter_file
from revise.bank.checks import check_bank, check_formulas
from revise.bank.files import LoadResult, Problem, discover_files
from revise.bank.model import Bank, Chapter
from revise.bank.papers import load_papers
from revise.bank.settings import load_settings
from revise.bank.yaml_source import suggest

__all__ = ["LoadResult", "Problem", "load_bank", "parse_chapter_file", "suggest"]

# Below this many bytes of YAML, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024


def _parse_all(files: list[Path]) -> list[tuple[Chapter | None, list[Problem]]]:
    """Parse chapter files, on every core when the bank is big enough to gain from it."""
    workers = min(len(files), os.cpu_count() or 1)
    sizes = {path: _size(path) for path in files}
    if workers < 2 or sum(sizes.values()) < PARALLEL_MIN_BYTES or not hasattr(os, "fork"):
        return [parse_chapter_file(path) for path in files]
    # Imported here: they cost ~25 ms that small banks need not pay.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Deal files out largest first so that every process gets a similar share;
    # this process parses the first share itself while the others run.
    shares: list[list[Path]] = [[] for _ in range(workers)]
    for index, path in enumerate(sorted(files, key=sizes.__getitem__, reverse=True)):
        shares[index % workers].append(path)
    # fork starts workers in milliseconds; spawn would cost more than it saves.
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_parse_share, share) for share in shares[1:]]
        results = dict(zip(shares[0], _parse_share(shares[0])))
        for share, future in zip(shares[1:], futures):
            results.update(zip(share, future.result()))
    return [results[path] for path in files]


def _parse_share(files: list[Path]) -> list[tuple[Chapter | None, list[Problem]]]:
    return [parse_chapter_file(path) for path in files]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Parsing creates hundreds of thousands of YAML nodes and model objects; the
    collector's repeated passes over them cost a third of the load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_bank(paths: Iterable[Path | str], *, thorough: bool = True) -> LoadResult:
    """Load every chapter under the given files and directories, with all problems found.

    `thorough` also evaluates every formula over its whole parameter space, which
    `revise validate` needs and the app's start-up does not: at run time a draw
    that cannot be evaluated is drawn again.
    """
    with _without_cyclic_gc():
        return _load_bank(paths, thorough)


def _load_bank(paths: Iterable[Path | str], thorough: bool) -> LoadResult:
    files = discover_files(Path(p) for p in paths)
    problems = files.problems
    bank = Bank()
    bank.paper_files = files.papers
    bank.files.extend(files.chapters)
    bank.settings_files = files.settings
    load_settings(files.settings, bank, problems)
    for chapter, file_problems in _parse_all(files.chapters):
        problems.extend(file_problems)
        if chapter is not None:
            bank.add_chapter(chapter)
    bank.sort()
    check_bank(bank, problems)
    if thorough:
        check_formulas(bank, problems)
    if files.papers:
        bank.papers = load_papers(files.papers, bank, problems)
    problems.sort(key=lambda p: (str(p.path), p.line, p.severity, p.message))
    return LoadResult(bank, problems)
