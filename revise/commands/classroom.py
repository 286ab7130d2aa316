"""`revise class …`: create a class store, manage the roster, hand out sync addresses, and the class report."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

HELP = "全班：建立班级数据库、管理名单、查看班级报告（教师用）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Subcommands of `revise class`."""
    actions = parser.add_subparsers(dest="class_action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="在 PostgreSQL 数据库里建立（或更新）班级：表结构、每位成员一个数据库角色、题库的题目")
    create.add_argument("--store", metavar="URL", help="班级数据库（以所有者身份），postgresql://…（默认：$REVISE_CLASS_STORE）")
    create.add_argument("--roster", metavar="CSV", required=True, help="名单 CSV（id,name,role 或 学号,姓名,角色）")

    roster = actions.add_parser("roster", help="添加成员、列出名单、重设密码")
    roster_actions = roster.add_subparsers(dest="roster_action", metavar="ACTION", required=True)
    add = roster_actions.add_parser("add", help="添加成员：学号 姓名 [--role]，或用 --from 从 CSV 添加")
    add.add_argument("--roster", metavar="CSV", required=True, help="要添加到的名单 CSV（不存在就新建）")
    add.add_argument("id", nargs="?", help="成员的学号")
    add.add_argument("name", nargs="?", help="成员的姓名")
    add.add_argument("--role", choices=("student", "teacher"), default="student", help="student（学生，默认）或 teacher（教师）")
    add.add_argument("--from", dest="from_csv", metavar="CSV", help="添加这个 CSV 的每一行（id,name,role 或 学号,姓名,角色）")
    listing = roster_actions.add_parser("list", help="列出名单，以及谁已经设了密码")
    listing.add_argument("--roster", metavar="CSV", required=True)
    reset = roster_actions.add_parser("reset-password", help="设置成员的密码（交互输入或从标准输入读），或清除密码、下次登录时再设")
    reset.add_argument("--roster", metavar="CSV", required=True)
    reset.add_argument("id", help="成员的学号")
    how = reset.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="从标准输入的第一行读新密码")
    how.add_argument("--clear", action="store_true", help="清除密码：成员下次登录时设新密码")

    credentials = actions.add_parser("credentials", help="打印学生在自己电脑上同步用的地址（revise sync --to …）")
    credentials.add_argument("--store", metavar="URL", help="班级数据库（默认：$REVISE_CLASS_STORE）")
    credentials.add_argument("--roster", metavar="CSV", required=True)
    credentials.add_argument("id", help="成员的学号")

    report = actions.add_parser("report", help="班级报告：按学生、题目、章节和试卷，含走势和掌握度（仅教师）")
    report.add_argument("--store", metavar="URL", help="班级数据库（以教师身份），postgresql://…（默认：$REVISE_CLASS_STORE）")
    report.add_argument("--paper", metavar="ID", help="只看这份试卷的考试作答")
    report.add_argument("--out", metavar="FILE", help="写入 report.html 或 report.xlsx，而不是打印表格")


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
