"""`revise sync --to postgresql://…`: push this student's new answers, exams and appeals to the class store."""

from __future__ import annotations

import argparse
import sys

HELP = "把新的作答、模拟考试和申诉推送到班级数据库（PostgreSQL）；不给 --to 就什么都不离开本机"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise sync`."""
    parser.add_argument("--to", metavar="URL", help="班级数据库，postgresql://…，按老师给的地址填（默认：$REVISE_CLASS_STORE）")
    parser.add_argument("--batch", type=int, default=2000, metavar="N", help="每个事务写多少行（默认 2000）")


def run(args: argparse.Namespace) -> int:
    """Sync once; exit 1 (with a message in Chinese) when there is no class store or it cannot be reached."""
    from revise.classroom.classstore import ClassStoreError, bank_version, resolve_store_url
    from revise.classroom.sync import sync_to
    from revise.paths import resolve_banks, resolve_data_dir

    try:
        url = resolve_store_url(args.to)
    except ClassStoreError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    if url is None:
        print("revise: 没有指定班级数据库：用 --to postgresql://… 或设置 $REVISE_CLASS_STORE（不指定时任何数据都不会离开本机）", file=sys.stderr)
        return 1
    if args.batch < 1:
        print("revise: --batch 必须至少为 1", file=sys.stderr)
        return 2
    try:
        result = sync_to(
            resolve_data_dir(getattr(args, "data_dir", None)), url, bank_version(resolve_banks(getattr(args, "bank", None))), batch_size=args.batch
        )
    except (ClassStoreError, OSError) as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0
