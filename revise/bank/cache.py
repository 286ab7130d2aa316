"""A cache of the loaded bank in the data dir, as plain JSON: data that can never run code.

Loading and validating the shipped bank's YAML takes ~80 ms; reading this
cache a fraction of that, which the app's start-up feels. The cache is keyed
by a hash of every bank file's content (the files `discover_files` finds, so
loading and keying always agree), the package version and the code of
`revise.bank`; anything wrong with it (missing, stale, damaged, tampered)
only means the bank is loaded afresh. Only a bank without errors is cached.
Decoding builds nothing but the model's own dataclasses, named in a fixed table.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from revise import __version__
from revise.bank import model
from revise.bank.files import LoadResult, Problem, discover_files
from revise.bank.formula import Formula, parse_formula

CACHE_PREFIX = "bank-"
TEMP_PREFIX = ".bank-"
STALE_TEMP_SECONDS = 3600
CODE_DIR = Path(__file__).resolve().parent

# The only classes a cache file can produce.
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        *model.QUESTION_CLASSES.values(),
        model.Location,
        model.Member,
        model.Concept,
        model.KeyPoint,
        model.Param,
        model.Tolerance,
        model.Chapter,
        model.Section,
        model.Paper,
        model.Source,
        Problem,
    )
}


def _encode(value: Any) -> Any:
    if isinstance(value, Formula):
        return {"$formula": value.text}
    if is_dataclass(value) and not isinstance(value, type):
        encoded = {field.name: _encode(getattr(value, field.name)) for field in fields(value)}
        encoded["$"] = type(value).__name__
        return encoded
    if isinstance(value, tuple):
        return {"$t": [_encode(item) for item in value]}
    if isinstance(value, frozenset):
        return {"$f": sorted(_encode(item) for item in value)}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$kv": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, Path):
        return {"$p": str(value)}
    return value


def _decode_object(data: dict[str, Any], paths: dict[str, Path]) -> Any:
    if "$t" in data:
        return tuple(data["$t"])
    if "$f" in data:
        return frozenset(data["$f"])
    if "$kv" in data:
        return {key: item for key, item in data["$kv"]}
    if "$p" in data:
        # Every location of a file names the same path: one Path object each (thousands fewer to build).
        text = data["$p"]
        path = paths.get(text)
        if path is None:
            path = paths[text] = Path(text)
        return path
    if "$formula" in data:
        return parse_formula(data["$formula"])
    name = data.pop("$", None)
    if name is None:
        return data
    return CLASSES[name](**data)  # KeyError/TypeError on anything unexpected: the cache is ignored


def encode_result(result: LoadResult) -> str:
    """The bank and its problems as JSON (questions and concepts by id are rebuilt from the chapters)."""
    bank = result.bank
    data = {
        "chapters": _encode(bank.chapters),
        "files": _encode(bank.files),
        "paper_files": _encode(bank.paper_files),
        "settings_files": _encode(bank.settings_files),
        "papers": _encode(bank.papers),
        "sources": _encode(bank.sources),
        "synonyms": _encode(bank.synonyms),
        "problems": _encode(result.problems),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_result(text: str) -> LoadResult:
    """The LoadResult that :func:`encode_result` wrote; raises on anything else."""
    paths: dict[str, Path] = {}
    data = json.loads(text, object_hook=lambda obj: _decode_object(obj, paths))
    bank = model.Bank(
        files=data["files"],
        paper_files=data["paper_files"],
        settings_files=data["settings_files"],
        papers=data["papers"],
        sources=data["sources"],
        synonyms=data["synonyms"],
    )
    for chapter in data["chapters"]:
        if not isinstance(chapter, model.Chapter):
            raise TypeError("not a chapter")
        bank.add_chapter(chapter)
    problems = data["problems"]
    if not all(isinstance(problem, Problem) for problem in problems):
        raise TypeError("not a problem")
    return LoadResult(bank, problems)


def cache_key(paths: list[Path]) -> str | None:
    """A digest of every bank file's path and content, the package version and the bank code; None when there are no files."""
    found = discover_files(paths)
    files = [*found.chapters, *found.papers, *found.settings]
    if not files or found.problems:
        return None
    digest = hashlib.sha256(f"{__version__}|{[str(path.resolve()) for path in paths]}".encode())
    try:
        for code in sorted(CODE_DIR.glob("*.py")):
            digest.update(code.name.encode() + b"\0" + code.read_bytes())
        for path in files:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:32]


def remove_stale_temporary_files(cache_dir: Path) -> None:
    """Temporary files an interrupted write left behind (older than an hour, so never one being written)."""
    now = time.time()
    for path in cache_dir.glob(f"{TEMP_PREFIX}*.tmp"):
        try:
            if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                path.unlink()
        except OSError:
            continue


def load_bank_cached(paths: list[Path], cache_dir: Path) -> LoadResult:
    """The bank at `paths`, from the cache when it is current; otherwise loaded, and cached when error-free."""
    key = cache_key(paths)
    if key is not None:
        try:
            return decode_result((cache_dir / f"{CACHE_PREFIX}{key}.json").read_text(encoding="utf-8"))
        except Exception:  # missing, stale, damaged or tampered: load afresh
            pass
    # Imported only on a miss: the parsers and YAML cost ~30 ms that a start from the cache need not pay.
    from revise.bank.loader import load_bank

    if key is None:
        return load_bank(paths, thorough=False)
    target = cache_dir / f"{CACHE_PREFIX}{key}.json"
    result = load_bank(paths, thorough=False)
    if not result.errors:
        _write(cache_dir, target, encode_result(result))
    return result


def _write(cache_dir: Path, target: Path, text: str) -> None:
    """Write the cache atomically; on any failure leave no temporary file behind. Failing to cache is not an error."""
    temporary: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale_temporary_files(cache_dir)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache_dir, prefix=TEMP_PREFIX, suffix=".tmp", delete=False) as handle:
            temporary = handle.name
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
        temporary = None
        for old in cache_dir.glob(f"{CACHE_PREFIX}*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
