"""`revise import`: questions from Excel, CSV, text, Word, GIFT or Moodle XML into a chapter file that validates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "导入题目（考试宝/磨题帮/学习通 Excel 或 CSV、编号文本或 Word、GIFT、Moodle XML），写成能通过 validate 的章节文件"
FORMATS = ("auto", "xlsx", "csv", "txt", "docx", "gift", "moodle-xml")
SHOWN_ISSUES = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise import`."""
    parser.add_argument("file", type=Path, metavar="FILE", help="要导入的文件")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="文件格式（默认按扩展名判断）")
    parser.add_argument("--out", type=Path, required=True, metavar="CHAPTER.yaml", help="写出的章节文件；有多个分类时写成 CHAPTER-01.yaml …")
    parser.add_argument("--chapter", metavar="TITLE", help="章节标题（默认用分类名或文件名）")
    parser.add_argument("--source", metavar="SOURCE", help="写进章节的出处（source）")


def run(args: argparse.Namespace) -> int:
    """Import, write, validate the result; exit 1 when nothing could be imported or the file is unreadable."""
    from revise.bank.loader import load_bank
    from revise.formats.common import FormatError
    from revise.formats.importing import read_any, write_chapters
    from revise.safetext import show

    try:
        result = read_any(args.file, args.format, args.chapter)
    except FormatError as error:
        print(show(str(error)), file=sys.stderr)
        return 1
    for issue in result.issues[:SHOWN_ISSUES]:
        print(show(str(issue)), file=sys.stderr)
    if len(result.issues) > SHOWN_ISSUES:
        print(f"……还有 {len(result.issues) - SHOWN_ISSUES} 处没有列出", file=sys.stderr)
        for issue in result.issues[SHOWN_ISSUES:]:
            if issue.limit:  # a reached cap says what was not read at all: never hidden
                print(show(str(issue)), file=sys.stderr)
    if not result.questions:
        print(f"revise: {args.file}: 没有可以导入的题目（{result.summary()}）", file=sys.stderr)
        return 1
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        written = write_chapters(result.chapters, args.out, args.source)
    except OSError as error:
        print(f"revise: 无法写入 {args.out}：{error.strerror or error}", file=sys.stderr)
        return 1
    check = load_bank(written)
    for problem in check.errors:
        print(show(str(problem)), file=sys.stderr)
    for path in written:
        print(f"已写出 {path}")
    print(result.summary())
    if check.errors:
        print(f"revise: 写出的文件有 {len(check.errors)} 处错误，请修改后运行 revise validate", file=sys.stderr)
        return 1
    return 0
