"""`revise serve`: students practise in a browser; each logs in and gets their own store (textual-serve).

The server (:class:`revise.classroom.serve.ClassServer`) starts one process
per browser connection: ``python -m revise.commands.serve --roster … --data-root …``
(:func:`session_main`). It runs in two steps in the same process:

1. the login app (:class:`revise.tui.screens.login.LoginApp`) checks the
   student against the roster;
2. the process then *execs* itself with ``--student <id>`` and runs the real
   app (:func:`revise.commands.app.run_app`) on ``<data root>/<id>/`` (the id
   checked against the roster again, the dir 0700), syncing to the class
   store, when there is one, at the start, every few minutes and at the end.

Exec'ing leaves nothing of the login in the app's process.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SESSION_MODULE = "revise.commands.serve"

HELP = "在浏览器里给全班提供复习程序：每次会话先登录，每个学生有自己的进度，可选同步到班级数据库"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="监听的地址（默认 127.0.0.1；对外提供时请在前面放一个 TLS 反向代理）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--roster", metavar="CSV", required=True, help="名单 CSV（id,name,role 或 学号,姓名,角色）")
    parser.add_argument("--data-root", metavar="DIR", required=True, help="学生的进度保存在 DIR/<学号>/（权限 0700）")
    parser.add_argument(
        "--class-store",
        metavar="URL",
        help="把每个学生同步到这个班级数据库，postgresql://…（默认：$REVISE_CLASS_STORE；不设则数据不离开这台服务器）",
    )
    parser.add_argument("--idle-minutes", type=float, default=30.0, metavar="N", help="N 分钟没有输入的会话自动结束（默认 30）")
    parser.add_argument("--public-url", metavar="URL", help="在反向代理之后时，浏览器访问的地址（例如 https://revise.example.edu.cn）")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C or SIGTERM; every session's processes are stopped with it."""
    import os

    from revise.classroom.classstore import ClassStoreError, resolve_store_url
    from revise.classroom.roster import Roster, RosterError

    try:
        roster = Roster.open(args.roster)
        class_store = resolve_store_url(args.class_store)
    except (RosterError, ClassStoreError) as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    if not roster.members:
        print(f"revise: 名单 {args.roster} 是空的；先用 `revise class roster add` 添加学生", file=sys.stderr)
        return 1
    if not 0 < args.port < 65536 or args.idle_minutes <= 0:
        print("revise: --port 应在 1-65535 之间，--idle-minutes 应大于 0", file=sys.stderr)
        return 2
    data_root = Path(args.data_root).expanduser().resolve()
    data_root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(data_root, 0o700)

    from revise.classroom.serve import TLS_WARNING, ClassServer, is_loopback, session_argv

    if not is_loopback(args.host):
        print(TLS_WARNING.format(host=args.host), file=sys.stderr)
    banks = getattr(args, "bank", None)
    if isinstance(banks, str):
        banks = [banks]
    server = ClassServer(
        session_argv(Path(args.roster).resolve(), data_root, class_store, [str(Path(bank).resolve()) for bank in banks] if banks else None),
        host=args.host,
        port=args.port,
        idle_seconds=args.idle_minutes * 60,
    )
    if args.public_url:
        server.public_url = args.public_url.rstrip("/")
    server.serve()
    return 0


# -- one browser session ---------------------------------------------------------------------


def session_parser() -> argparse.ArgumentParser:
    """The session's options (given by the server, never by the browser)."""
    parser = argparse.ArgumentParser(prog="python -m revise.commands.serve")
    parser.add_argument("--roster", required=True)
    parser.add_argument("--data-root", required=True)
    parser.add_argument("--class-store")
    parser.add_argument("--bank", action="append")
    parser.add_argument("--student", help="(after login) the roster id whose app to run")
    return parser


def _argv(args: argparse.Namespace, student: str) -> list[str]:
    argv = [sys.executable, "-m", SESSION_MODULE, "--roster", args.roster, "--data-root", args.data_root, "--student", student]
    if args.class_store:
        argv += ["--class-store", args.class_store]
    for bank in args.bank or []:  # --bank may be given several times
        argv += ["--bank", bank]
    return argv


def login(args: argparse.Namespace) -> int:
    """Run the login app; on success exec the app for the member who logged in."""
    from revise.classroom.roster import Roster
    from revise.tui.screens.login import LoginApp, LoginWebDriver

    roster = Roster.open(args.roster)
    from revise.classroom.session import CONTINUED_DRIVER, WEB_DRIVER

    web = os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER
    app = LoginApp(roster, class_store=args.class_store, driver_class=LoginWebDriver if web else None)
    outcome = app.run()
    if outcome is None or outcome.action != "practise":
        return 0
    if web:
        os.environ["TEXTUAL_DRIVER"] = CONTINUED_DRIVER
    sys.stdout.flush()
    os.execv(sys.executable, _argv(args, outcome.member.id))
    return 0  # not reached


def practise(args: argparse.Namespace) -> int:
    """Run the app on the student's own data dir, syncing to the class store when there is one."""
    from revise.classroom.roster import Roster, RosterError, student_dir
    from revise.commands.app import run_app

    roster = Roster.open(args.roster)
    try:
        data_dir = student_dir(Path(args.data_root), roster, args.student)
    except RosterError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    from revise.classroom.session import Syncer

    syncer = Syncer(data_dir, roster, args) if args.class_store else None
    if syncer is not None:
        syncer.start()
    try:
        return run_app(argparse.Namespace(data_dir=str(data_dir), bank=args.bank))
    finally:
        if syncer is not None:
            syncer.stop()


def session_main(argv: list[str] | None = None) -> int:
    """One browser session: log in, or (after login, exec'd with --student) run that student's app."""
    args = session_parser().parse_args(argv)
    if args.student:
        return practise(args)
    return login(args)


if __name__ == "__main__":
    raise SystemExit(session_main())
