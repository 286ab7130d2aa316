"""The bank cache: plain JSON that can never run code, keyed by content, never stale."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from revise.bank.cache import TEMP_PREFIX, decode_result, encode_result, load_bank_cached
from revise.bank.loader import load_bank
from tests.conftest import FIXTURE_BANK


def copy_bank(target: Path) -> Path:
    bank = target / "bank"
    for source in FIXTURE_BANK.rglob("*"):
        if source.is_file():
            destination = bank / source.relative_to(FIXTURE_BANK)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read_bytes())
    return bank


def test_round_trip_gives_the_same_bank() -> None:
    loaded = load_bank([FIXTURE_BANK], thorough=False)
    decoded = decode_result(encode_result(loaded))
    assert decoded.bank.questions == loaded.bank.questions
    assert decoded.bank.concepts == loaded.bank.concepts
    assert decoded.bank.chapters == loaded.bank.chapters
    assert decoded.bank.papers == loaded.bank.papers
    assert decoded.problems == loaded.problems
    # Questions by id are the chapters' own objects, as after loading.
    chapter_question = decoded.bank.chapters[0].questions[0]
    assert decoded.bank.questions[chapter_question.id] is chapter_question


def test_second_load_comes_from_the_cache(tmp_path: Path) -> None:
    bank, cache = copy_bank(tmp_path), tmp_path / "cache"
    first = load_bank_cached([bank], cache)
    [cached] = list(cache.glob("bank-*.json"))
    assert first.bank.questions == load_bank_cached([bank], cache).bank.questions
    # Prove the second load read the cache: a marker planted in it comes back.
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["synonyms"] = {"$t": [{"$t": ["缓存", "快取"]}]}
    cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_bank_cached([bank], cache).bank.synonyms == (("缓存", "快取"),)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text.replace('"$":"ChoiceQuestion"', '"$":"system"', 1),
        lambda text: text.replace('"$":"Location"', '"$":"__import__"', 1),
        lambda text: text[: len(text) // 2],
        lambda text: "not json",
    ],
)
def test_a_damaged_or_tampered_cache_is_ignored(tmp_path: Path, tamper) -> None:
    bank, cache = copy_bank(tmp_path), tmp_path / "cache"
    expected = load_bank_cached([bank], cache).bank.questions
    [cached] = list(cache.glob("bank-*.json"))
    cached.write_text(tamper(cached.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_bank_cached([bank], cache).bank.questions == expected


def test_edits_to_any_bank_file_are_seen(tmp_path: Path) -> None:
    bank, cache = copy_bank(tmp_path), tmp_path / "cache"
    extra = bank / "EXTRA.YAML"  # upper-case suffix: loaded, so it must be part of the key
    extra.write_text("chapter: 附加\nsource: s\nquestions:\n  - {id: x1, type: truefalse, prompt: 甲, answer: true, explanation: 因为如此}\n", encoding="utf-8")
    assert "x1" in load_bank_cached([bank], cache).bank.questions
    # A same-size edit with the modification time put back is still seen.
    stat = extra.stat()
    extra.write_text(extra.read_text(encoding="utf-8").replace("x1", "y1"), encoding="utf-8")
    os.utime(extra, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    reloaded = load_bank_cached([bank], cache).bank.questions
    assert "y1" in reloaded and "x1" not in reloaded
    extra.unlink()
    assert "y1" not in load_bank_cached([bank], cache).bank.questions
    assert len(list(cache.glob("bank-*.json"))) == 1  # older caches are removed


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    bank, cache = copy_bank(tmp_path), tmp_path / "cache"
    cache.mkdir()
    stale, fresh = cache / f"{TEMP_PREFIX}old.tmp", cache / f"{TEMP_PREFIX}new.tmp"
    stale.write_text("x")
    fresh.write_text("x")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    load_bank_cached([bank], cache)
    assert not stale.exists() and fresh.exists()


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank, cache = copy_bank(tmp_path), tmp_path / "cache"

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    result = load_bank_cached([bank], cache)
    assert result.bank.questions  # the bank itself still loads
    assert list(cache.iterdir()) == []


def test_no_module_of_revise_uses_pickle_or_marshal() -> None:
    package = Path(__file__).resolve().parent.parent / "revise"
    offenders = [path.name for path in package.rglob("*.py") if any(word in path.read_text(encoding="utf-8") for word in ("import pickle", "import marshal"))]
    assert offenders == []


def test_a_start_from_the_cache_never_imports_yaml_or_the_parsers(tmp_path: Path) -> None:
    """The cache exists to spare start-up the parsers; a hit must not import them anyway."""
    import subprocess
    import sys

    bank = copy_bank(tmp_path)
    cache_dir = tmp_path / "cache"
    load_bank_cached([bank], cache_dir)  # writes the cache
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from revise.bank.cache import load_bank_cached\n"
        f"result = load_bank_cached([Path({str(bank)!r})], Path({str(cache_dir)!r}))\n"
        "heavy = [m for m in ('yaml', 'revise.bank.loader', 'revise.bank.chapters') if m in sys.modules]\n"
        "sys.exit(f'imported on a cache hit: {heavy}' if heavy or not result.bank.questions else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
