"""Shared fixtures: every test runs with its data dir and bank under tmp_path or the fixtures.

Tests under tests/tui are marked `tui` here, so `make test-fast` (`-m "not tui and not slow"`)
leaves them out without each module having to say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"
REPO_ROOT = Path(__file__).resolve().parent.parent


TUI_DIR = Path(__file__).parent / "tui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/tui as `tui`."""
    for item in items:
        if TUI_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.tui)


@pytest.fixture
def store(tmp_path: Path):
    """A fresh progress store under tmp_path, closed after the test."""
    from revise.progress.store import Store

    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data dir at a fresh temporary directory so no test touches real user data."""
    data_dir = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("REVISE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("REVISE_BANK", raising=False)
    return data_dir


@pytest.fixture
def fixture_bank_path() -> Path:
    """The small fixture bank covering every question type."""
    return FIXTURE_BANK


@pytest.fixture
def fixture_bank(fixture_bank_path: Path):
    """The fixture bank, loaded; fails the test if it has any problem."""
    from revise.bank.loader import load_bank

    result = load_bank([fixture_bank_path])
    assert result.problems == [], [str(p) for p in result.problems]
    return result.bank
