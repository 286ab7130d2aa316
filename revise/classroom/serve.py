"""`revise serve`: the app in the browser through textual-serve, one process group per browser session.

textual-serve starts one process per websocket; it has no authentication (so
every session starts at the login, :func:`revise.commands.serve.session_main`), it links
Google Fonts (blocked in mainland China: our own template in ``templates/``
loads no outside resource and falls back to the browser's CJK fonts), and
processes it started can outlive it. Here each session is started in its own
process group (``start_new_session``) and with a parent-death signal, is
stopped (quit, then SIGTERM, then SIGKILL to the whole group) when its browser
disconnects or stays idle too long, and every group still alive is killed when
the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

TEMPLATES = Path(__file__).resolve().parent / "templates"
STOP_GRACE_SECONDS = 3.0
DEFAULT_IDLE_MINUTES = 30.0
log = logging.getLogger("revise.serve")

TLS_WARNING = (
    "警告：revise serve 正在监听非本机地址 {host}。它本身不加密（HTTP/WS），密码会明文传输；"
    "请只让它监听 127.0.0.1，并在前面放一个提供 TLS 的反向代理（见 docs/classroom.md）。"
)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _die_with_parent() -> None:
    """In the child before exec: get SIGKILL when the server dies (Linux), so no session outlives it."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class SessionService(AppService):
    """One browser session's process: its own process group, stopped for sure."""

    def __init__(self, argv: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), *args, **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The session's process id (also its process group id), once started."""
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit; kill its whole process group if it has not gone within a few seconds."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 1)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
        kill_group(process.pid)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None


def kill_group(pgid: int, grace: float = 1.0) -> None:
    """SIGTERM then SIGKILL to a session's process group (nothing when it is gone)."""
    import time

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)


class ClassServer(Server):
    """textual-serve's server with our template, sessions in process groups, an idle timeout and a clean shutdown."""

    def __init__(
        self, argv: list[str], *, host: str, port: int, idle_seconds: float = DEFAULT_IDLE_MINUTES * 60, title: str = "revise 客户关系管理 复习"
    ) -> None:
        super().__init__(" ".join(argv), host=host, port=port, title=title, templates_path=TEMPLATES)
        self.argv = argv
        self.idle_seconds = idle_seconds
        self.sessions: set[SessionService] = set()

    def initialize_logging(self) -> None:
        """Plain logging to stderr."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Say where it serves."""
        print(f"revise serve：在 {self.public_url} 提供服务（Ctrl+C 停止）", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every session and kill any process group still alive."""
        await asyncio.gather(*(service.stop() for service in list(self.sessions)), return_exceptions=True)
        for service in list(self.sessions):
            if service.pid is not None:
                kill_group(service.pid, grace=0.2)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: start its process, pass messages both ways, stop it on disconnect or when idle."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        service: SessionService | None = None
        try:
            await websocket.prepare(request)
            service = SessionService(
                self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close, download_manager=self.download_manager
            )
            self.sessions.add(service)
            await service.start(width, height)
            await self._relay(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if service is not None:
                await service.stop()
                self.sessions.discard(service)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: SessionService) -> None:
        """Browser → app messages until the browser goes, the app ends, or nobody typed for `idle_seconds`."""
        loop = asyncio.get_running_loop()
        last_input = loop.time()
        while not websocket.closed:
            timeout = self.idle_seconds - (loop.time() - last_input)
            if timeout <= 0:
                log.info("session %s idle for %.0f s: stopping it", service.pid, self.idle_seconds)
                await websocket.close()
                return
            try:
                message = await websocket.receive(timeout=min(timeout, 5.0))
            except asyncio.TimeoutError:
                if service._task is not None and service._task.done():
                    await websocket.close()  # the app ended
                    return
                continue
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError):
                continue
            if kind == "stdin" and isinstance(data, str):
                last_input = loop.time()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(_int(data.get("width"), 80), _int(data.get("height"), 24))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


def _int(value: Any, default: int) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return default


def session_argv(roster: Path, data_root: Path, class_store: str | None, banks: list[str] | None) -> list[str]:
    """The command each browser session runs."""
    argv = [sys.executable, "-m", "revise.commands.serve", "--roster", str(roster), "--data-root", str(data_root)]
    if class_store:
        argv += ["--class-store", class_store]
    for bank in banks or []:
        argv += ["--bank", bank]
    return argv
