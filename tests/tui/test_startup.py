"""Start-up: what the CLI does before the app runs, and what is (not) imported by the time home is ready."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tui_helpers import FIXTURE_BANK

from revise.cli import main

PROBE = r"""
import asyncio, json, sys
from revise.bank.loader import load_bank
from revise.progress.store import Store
from revise.tui.app import build_app

bank = load_bank([sys.argv[1]]).bank
store = Store.open(sys.argv[2])
if len(sys.argv) > 3:
    store.set_setting("display_script", sys.argv[3])
app = build_app(bank, store)

async def probe():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen", app.screen
        print(json.dumps({name: name in sys.modules for name in ("pypinyin", "opencc", "revise.grading")}))

asyncio.run(probe())
"""


def probe_modules(tmp_path: Path, *extra: str) -> dict[str, bool]:
    """Which heavy modules a fresh interpreter has loaded once the home screen is ready."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(FIXTURE_BANK), str(tmp_path / "data"), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_home_is_ready_without_pypinyin_opencc_or_the_grader(tmp_path: Path) -> None:
    loaded = probe_modules(tmp_path)
    assert loaded == {"pypinyin": False, "opencc": False, "revise.grading": False}


def test_traditional_display_loads_opencc(tmp_path: Path) -> None:
    """The probe can see a lazily imported module once it is needed."""
    loaded = probe_modules(tmp_path, "traditional")
    assert loaded["opencc"] is True
    assert loaded["pypinyin"] is False


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    code = main(["--bank", str(FIXTURE_BANK), "--data-dir", str(not_a_dir / "data")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("revise") and "data" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_broken_bank_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text("chapter: x\nquestions:\n  - {id: a, type: choice, prompt: p, options: [x], answer: Z}\n", encoding="utf-8")
    code = main(["--bank", str(bank), "--data-dir", str(tmp_path / "data")])
    assert code == 1
    err = capsys.readouterr().err
    assert "错误" in err and "revise validate" in err


def test_cli_opens_the_store_and_passes_notices_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from revise.tui.app import ReviseApp

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "progress.sqlite3").write_bytes(b"garbage, not a database" * 4)
    seen: dict[str, object] = {}

    def fake_run(self: ReviseApp, *args: object, **kwargs: object) -> None:
        seen["notices"] = self.notices
        seen["store_path"] = self.store.path
        seen["questions"] = len(self.bank.questions)

    monkeypatch.setattr(ReviseApp, "run", fake_run)
    assert main(["--bank", str(FIXTURE_BANK), "--data-dir", str(data_dir)]) == 0
    assert seen["store_path"] == data_dir / "progress.sqlite3"
    assert seen["questions"] == 11
    [notice] = seen["notices"]
    assert "moved to" in notice


def fake_app_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the app's run with one that records the bank size and returns."""
    from revise.tui.app import ReviseApp

    sizes: list[int] = []
    monkeypatch.setattr(ReviseApp, "run", lambda self, *a, **k: sizes.append(len(self.bank.questions)))
    return sizes


def test_bank_cache_is_used_and_invalidated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's start reads the bank from the JSON cache, reloads a stale or damaged one, and removes old pickles."""
    import shutil

    import revise.bank.loader as loader_module  # the cache imports the loader only on a miss

    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    data_dir = tmp_path / "data"
    cache_dir = data_dir / "cache"
    arguments = ["--bank", str(bank), "--data-dir", str(data_dir)]
    sizes = fake_app_run(monkeypatch)

    # A pickle an earlier version left (pickle can run code: never read, removed at start).
    cache_dir.mkdir(parents=True)
    (cache_dir / "bank-0123.pickle").write_bytes(b"old pickle")
    assert main(arguments) == 0
    assert not list(cache_dir.glob("bank-*.pickle"))
    [cache] = cache_dir.glob("bank-*.json")

    real_loader = loader_module.load_bank
    calls: list[object] = []

    def counting_loader(*args: object, **kwargs: object):
        calls.append(args)
        return real_loader(*args, **kwargs)

    monkeypatch.setattr(loader_module, "load_bank", counting_loader)
    assert main(arguments) == 0
    assert calls == []  # served from the cache

    # Editing a bank file makes the cache stale: loaded afresh, and the new cache replaces the old one.
    chapter = bank / "02-value.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("企业80%的销售业绩", "企业八成的销售业绩"), encoding="utf-8")
    assert main(arguments) == 0
    assert len(calls) == 1
    [new_cache] = cache_dir.glob("bank-*.json")
    assert new_cache != cache
    assert sizes == [11, 11, 11]

    # A damaged cache is ignored, never fatal.
    new_cache.write_text("{not json", encoding="utf-8")
    assert main(arguments) == 0
    assert len(calls) == 2
    assert sizes == [11, 11, 11, 11]


def test_stale_temporary_cache_files_are_removed_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    data_dir = tmp_path / "data"
    cache_dir = data_dir / "cache"
    cache_dir.mkdir(parents=True)
    stale = cache_dir / ".bank-left-over.tmp"
    stale.write_text("half a cache")
    hours_ago = time.time() - 3 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    fake_app_run(monkeypatch)
    assert main(["--bank", str(FIXTURE_BANK), "--data-dir", str(data_dir)]) == 0
    assert not stale.exists()


def test_script_option_reaches_the_app_and_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from revise.progress.store import Store
    from revise.tui.app import ReviseApp

    seen: list[bool] = []
    monkeypatch.setattr(ReviseApp, "run", lambda self, *a, **k: seen.append(self.services.show.traditional))
    data_dir = tmp_path / "data"
    assert main(["--bank", str(FIXTURE_BANK), "--data-dir", str(data_dir), "--script", "traditional"]) == 0
    assert seen == [True]
    with Store.open(data_dir) as store:
        assert store.get_setting("display_script") == "traditional"


def test_bank_with_errors_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text("chapter: x\nquestions:\n  - {id: a, type: choice, prompt: p, options: [x, y], answer: Z}\n", encoding="utf-8")
    fake_app_run(monkeypatch)
    assert main(["--bank", str(bank), "--data-dir", str(tmp_path / "data")]) == 1
    assert not list((tmp_path / "data").glob("cache/bank-*"))
    assert "错误" in capsys.readouterr().err
