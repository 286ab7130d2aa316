"""Helpers of the serving tests: a tiny bank, `revise serve` as a real subprocess, and a real browser (Debian's chromium)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ANSWER = "客户关系管理"
SMOKE_BANK = """\
chapter: 客户关系管理概论
order: 1
questions:
  - id: smoke-crm
    type: fill
    prompt: ____（CRM）是以客户为中心的经营理念和技术。
    answer: [[客户关系管理, CRM]]
"""


def write_smoke_bank(directory: Path) -> Path:
    """A bank of one fill-in question whose answer is Chinese."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "01-crm.yaml").write_text(SMOKE_BANK, encoding="utf-8")
    return directory


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(roster: Path, data_root: Path, bank: Path, *, class_store: str | None = None, idle_minutes: float = 30.0) -> Iterator[tuple[subprocess.Popen, str]]:
    """`revise serve` on a free loopback port, stopped with SIGTERM afterwards; (process, URL)."""
    port = free_port()
    argv = [sys.executable, "-m", "revise", "--bank", str(bank), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--roster", str(roster), "--data-root", str(data_root), "--idle-minutes", str(idle_minutes)]
    if class_store:
        argv += ["--class-store", class_store]
    log = open(data_root.parent / f"serve-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((data_root.parent / f"serve-{port}.log").read_text()) from None
                time.sleep(0.1)
        yield process, f"http://127.0.0.1:{port}/"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def session_processes(server_pid: int | None = None) -> list[int]:
    """Pids of running `revise.commands.serve` processes (of any server, or only those that were children of `server_pid`)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if b"revise.commands.serve" not in cmdline:
            continue
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            continue
        pids.append(int(entry.name))
    return pids


def open_page(browser: Any, url: str) -> Any:
    """A page on `url` with outside hosts blocked, once the app's first output has arrived, clicked into."""
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(url.rstrip("/")) or route.request.url.startswith(url.replace("http", "ws").rstrip("/"))
            else route.abort()
        ),
    )
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=30_000)
    page.wait_for_timeout(2500)  # the login app's first frame
    page.click("#terminal", position={"x": 5, "y": 5})  # a corner: a click in the middle would focus a field
    page.wait_for_timeout(300)
    return page


def type_text(page: Any, text: str, *, enter: bool = True, pause_ms: int = 300) -> None:
    """Type as an IME commits text, then Enter."""
    page.keyboard.insert_text(text)
    page.wait_for_timeout(pause_ms)
    if enter:
        page.keyboard.press("Enter")
        page.wait_for_timeout(pause_ms)


def log_in(page: Any, member_id: str, password: str) -> None:
    """Fill in the login screen and submit it."""
    type_text(page, member_id)
    type_text(page, password)


def wait_for(predicate: Any, timeout: float = 20.0, interval: float = 0.2) -> Any:
    """Poll `predicate` until it returns something truthy (returned) or the timeout passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        time.sleep(interval)
