"""`revise class …`: create a class store, manage the roster, hand out sync addresses, and the class report."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

NAME = "class"
HELP = "the whole class: create the class store, manage the roster, and the class report (teachers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands of `revise class`."""
    actions = parser.add_subparsers(dest="class_action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="create (or update) the class in a PostgreSQL database: schema, a role per roster member, the bank's questions")
    create.add_argument("--store", metavar="URL", help="the class database as its owner, postgresql://… (default: $REVISE_CLASS_STORE)")
    create.add_argument("--roster", metavar="CSV", required=True, help="the roster CSV (id,name,role or 学号,姓名,角色)")

    roster = actions.add_parser("roster", help="add members, list them, reset a password")
    roster_actions = roster.add_subparsers(dest="roster_action", metavar="ACTION", required=True)
    add = roster_actions.add_parser("add", help="add members: ID NAME [--role], or --from a CSV")
    add.add_argument("--roster", metavar="CSV", required=True, help="the roster CSV to add to (created if missing)")
    add.add_argument("id", nargs="?", help="the member's id (学号)")
    add.add_argument("name", nargs="?", help="the member's name (姓名)")
    add.add_argument("--role", choices=("student", "teacher"), default="student", help="student (default) or teacher")
    add.add_argument("--from", dest="from_csv", metavar="CSV", help="add every row of this CSV (id,name,role or 学号,姓名,角色)")
    listing = roster_actions.add_parser("list", help="list the roster and who has set a password")
    listing.add_argument("--roster", metavar="CSV", required=True)
    reset = roster_actions.add_parser("reset-password", help="set a member's password (asked for, or read from stdin), or clear it to be set at next login")
    reset.add_argument("--roster", metavar="CSV", required=True)
    reset.add_argument("id", help="the member's id (学号)")
    how = reset.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the new password from the first line of stdin")
    how.add_argument("--clear", action="store_true", help="clear the password: the member sets a new one at the next login")

    credentials = actions.add_parser("credentials", help="print the address a student syncs with from their own computer (revise sync --to …)")
    credentials.add_argument("--store", metavar="URL", help="the class database (default: $REVISE_CLASS_STORE)")
    credentials.add_argument("--roster", metavar="CSV", required=True)
    credentials.add_argument("id", help="the member's id (学号)")

    report = actions.add_parser("report", help="the class report: per student, question, chapter and paper, trends and mastery (teachers only)")
    report.add_argument("--store", metavar="URL", help="the class database as a teacher, postgresql://… (default: $REVISE_CLASS_STORE)")
    report.add_argument("--paper", metavar="ID", help="only this paper's exam answers")
    report.add_argument("--out", metavar="FILE", help="write report.html or report.xlsx instead of printing tables")


def _store_url(option: str | None) -> str | None:
    from revise.classroom.classstore import resolve_store_url

    url = resolve_store_url(option)
    if url is None:
        print("revise: 没有指定班级数据库：用 --store postgresql://… 或设置 $REVISE_CLASS_STORE", file=sys.stderr)
    return url


def run(args: argparse.Namespace) -> int:
    """Run one `revise class` action; exit 1 with a message in Chinese on any problem."""
    from revise.classroom.classstore import ClassStoreError
    from revise.classroom.roster import RosterError

    try:
        action = {"create": _create, "roster": _roster, "credentials": _credentials, "report": _report}[args.class_action]
        return action(args)
    except (ClassStoreError, RosterError, OSError) as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1


def _create(args: argparse.Namespace) -> int:
    from revise.classroom.classstore import create_class, redact
    from revise.classroom.roster import Roster
    from revise.commands import load_bank_or_report
    from revise.paths import resolve_banks

    url = _store_url(args.store)
    if url is None:
        return 1
    roster = Roster.open(args.roster)
    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    created = create_class(url, roster, bank, resolve_banks(getattr(args, "bank", None)))
    applied = f"结构升级到版本 {created.applied[-1]}" if created.applied else "结构已是最新"
    print(f"班级数据库 {redact(url)}：{applied}；{len(created.roles)} 个成员账号；题库版本 {created.bank_version}（新增 {created.questions} 道题）")
    return 0


def _roster(args: argparse.Namespace) -> int:
    from revise.classroom.roster import Member, Roster, RosterError, parse_roster

    if args.roster_action == "add":
        roster = Roster.open(args.roster, create=True)
        if args.from_csv:
            from revise.marking.encoding import read_small_text
            from revise.marking.errors import InputError

            try:  # what zh-CN Excel saves (GBK), WPS (UTF-8 with a BOM) or "Unicode text" (UTF-16): the marking's one rule
                text = read_small_text(args.from_csv)
            except InputError as error:
                raise RosterError(str(error)) from None
            members = parse_roster(text, args.from_csv)
        elif args.id and args.name:
            members = [Member(args.id, args.name, args.role)]
        else:
            print("revise: 请给出 学号 和 姓名，或用 --from 名单.csv", file=sys.stderr)
            return 2
        changed = roster.add(members)
        print(f"名单 {roster.path}：新增或更新 {len(changed)} 人，共 {len(roster.members)} 人")
        return 0
    roster = Roster.open(args.roster)
    if args.roster_action == "list":
        for member in roster.members:
            role = "教师" if member.is_teacher else "学生"
            state = "已设密码" if roster.has_password(member.id) else "首次登录时设密码"
            print(f"{member.id}\t{member.name}\t{role}\t{state}")
        return 0
    if args.clear:
        roster.set_password(args.id, None)
        print(f"已清除 {args.id} 的密码：下次登录时设置新密码")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次：") != password:
            print("revise: 两次输入的密码不一致", file=sys.stderr)
            return 1
    roster.set_password(args.id, password)
    print(f"已设置 {args.id} 的密码")
    return 0


def _credentials(args: argparse.Namespace) -> int:
    from revise.classroom.classstore import member_url
    from revise.classroom.roster import Roster, RosterError

    url = _store_url(args.store)
    if url is None:
        return 1
    roster = Roster.open(args.roster)
    if roster.get(args.id) is None:
        raise RosterError(f"名单中没有学号 {args.id}")
    print(member_url(url, roster, args.id))
    return 0


def _report(args: argparse.Namespace) -> int:
    from revise.classroom.classstore import connect
    from revise.classroom.report import build_report, render_text, write_html, write_xlsx

    url = _store_url(args.store)
    if url is None:
        return 1
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".html", ".htm", ".xlsx"):
        print("revise: --out 只支持 .html 或 .xlsx", file=sys.stderr)
        return 2
    with connect(url) as connection:
        report = build_report(connection, paper=args.paper)
    if out is None:
        sys.stdout.write(render_text(report))
        return 0
    (write_xlsx if out.suffix.lower() == ".xlsx" else write_html)(report, out)
    print(f"已写入 {out}")
    return 0
