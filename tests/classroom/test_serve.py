"""`revise serve` for real: sessions in process groups, idle and disconnect, no orphans, the page template, the TLS warning."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from revise.classroom.roster import Roster
from tests.classroom.serving import free_port, served, session_processes, wait_for, write_smoke_bank

pytestmark = pytest.mark.slow


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(roster, data root, bank) for a served class of one student."""
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("id,name,role\ns001,张三,student\n", encoding="utf-8")
    Roster.open(roster_path).set_password("s001", "secret-1")
    data_root = tmp_path / "data"
    return roster_path, data_root, write_smoke_bank(tmp_path / "bank")


async def _open_sessions(url: str, count: int, hold: float) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        sockets = [await client.ws_connect(url.replace("http", "ws") + "ws?width=100&height=30") for _ in range(count)]

        async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:  # read output, answer pings
            async for _message in ws:
                pass

        readers = [asyncio.create_task(drain(ws)) for ws in sockets]
        await asyncio.sleep(hold)
        for reader in readers:
            reader.cancel()
        for ws in sockets:
            await ws.close()


def _sessions_of(server: subprocess.Popen) -> list[int]:
    return [pid for pid in session_processes() if _ppid(pid) == server.pid]


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _hold_sessions(url: str, count: int) -> subprocess.Popen:
    """Browser-like websocket clients in another process, holding `count` sessions open until killed."""
    code = f"import asyncio, sys; sys.path.insert(0, {str(Path.cwd())!r}); from tests.classroom.test_serve import _open_sessions; asyncio.run(_open_sessions({url!r}, {count}, 600))"
    return subprocess.Popen([sys.executable, "-c", code])


def test_the_page_loads_no_outside_fonts(setup: tuple[Path, Path, Path]) -> None:
    with served(*setup) as (_server, url):
        page = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
    assert "googleapis" not in page and "http" not in page.replace(url.rstrip("/"), "").replace("http://www.w3.org", "")
    assert "WenQuanYi Micro Hei" in page and "Noto Sans CJK SC" in page


def test_stopping_the_server_leaves_no_session_behind(setup: tuple[Path, Path, Path]) -> None:
    with served(*setup) as (server, url):
        holder = _hold_sessions(url, 3)
        try:
            pids = wait_for(lambda: len(_sessions_of(server)) == 3 and _sessions_of(server))
            groups = {os.getpgid(pid) for pid in pids}
            assert groups == set(pids)  # each session leads its own process group
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        finally:
            holder.kill()
            holder.wait()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() and _ppid(pid) != 0 and pid in session_processes() for pid in pids), timeout=10)


def test_a_killed_server_takes_its_sessions_with_it(setup: tuple[Path, Path, Path]) -> None:
    with served(*setup) as (server, url):
        holder = _hold_sessions(url, 2)
        try:
            pids = wait_for(lambda: len(_sessions_of(server)) == 2 and _sessions_of(server))
            server.kill()  # SIGKILL: no shutdown code runs
            server.wait(timeout=10)
            wait_for(lambda: not [pid for pid in pids if pid in session_processes()], timeout=15)
        finally:
            holder.kill()
            holder.wait()


def test_a_session_ends_when_its_browser_disconnects(setup: tuple[Path, Path, Path]) -> None:
    with served(*setup) as (server, url):
        asyncio.run(_open_sessions(url, 2, 2.0))
        wait_for(lambda: not _sessions_of(server), timeout=15)


def test_an_idle_session_is_ended(setup: tuple[Path, Path, Path]) -> None:
    with served(*setup, idle_minutes=0.03) as (server, url):
        holder = _hold_sessions(url, 1)
        try:
            wait_for(lambda: _sessions_of(server))
            started = time.monotonic()
            wait_for(lambda: not _sessions_of(server), timeout=20)
            assert time.monotonic() - started < 15
        finally:
            holder.kill()
            holder.wait()


def test_binding_beyond_loopback_warns_about_tls(setup: tuple[Path, Path, Path]) -> None:
    roster, data_root, bank = setup
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "revise",
            "--bank",
            str(bank),
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
            "--roster",
            str(roster),
            "--data-root",
            str(data_root),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "TLS" in line and "反向代理" in line
    from revise.classroom.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_serve_refuses_a_missing_roster(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "revise", "serve", "--roster", str(tmp_path / "none.csv"), "--data-root", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "找不到名单文件" in done.stderr
