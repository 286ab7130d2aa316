"""`revise export`: the bank (or some chapters) as an Anki deck, GIFT, Moodle XML or a 考试宝 workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "导出题库：Anki (.apkg)、Moodle GIFT、Moodle XML、刷题软件的 Excel/CSV、编号文本、Word"
FORMATS = ("apkg", "gift", "moodle-xml", "xlsx", "csv", "txt", "docx")
LAYOUTS = ("考试宝", "磨题帮", "学习通", "kaoshibao", "motibang", "xuexitong")
SUFFIXES = {".apkg": "apkg", ".gift": "gift", ".xml": "moodle-xml", ".xlsx": "xlsx", ".csv": "csv", ".txt": "txt", ".docx": "docx"}
SHOWN_WARNINGS = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise export`."""
    parser.add_argument("--format", choices=FORMATS, help="导出格式（默认按 --out 的扩展名）")
    parser.add_argument("--chapter", action="append", default=[], metavar="ID", help="只导出这一章（章节标题或文件名，可重复）")
    parser.add_argument("--layout", choices=LAYOUTS, default="考试宝", help="xlsx 和 csv 用哪个软件的模板（默认：考试宝）")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="输出文件")


def _format_of(args: argparse.Namespace) -> str | None:
    if args.format:
        return str(args.format)
    return SUFFIXES.get(args.out.suffix.lower())


def run(args: argparse.Namespace) -> int:
    """Export the chosen chapters; warnings name what the format loses; exit 1 on a bad bank, chapter or path."""
    from revise.commands import load_bank_or_report
    from revise.safetext import show

    fmt = _format_of(args)
    if fmt is None:
        print(f"revise: 看不出导出格式（{args.out.suffix or '没有扩展名'}）；请用 --format 指定：{'、'.join(FORMATS)}", file=sys.stderr)
        return 1
    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    chapters = bank.chapters
    if args.chapter:
        wanted = set(args.chapter)
        chapters = [c for c in bank.chapters if c.title in wanted or c.path.stem in wanted or c.path.name in wanted]
        missing = wanted - {c.title for c in chapters} - {c.path.stem for c in chapters} - {c.path.name for c in chapters}
        if missing:
            known = "、".join(c.path.stem for c in bank.chapters)
            print(f"revise: 没有这一章：{'、'.join(sorted(missing))}；可选：{known}", file=sys.stderr)
            return 1
    questions = [q for chapter in chapters for q in chapter.questions if bank.questions.get(q.id) is q]
    try:
        warnings = _export(fmt, bank, questions, args.out, args.layout)
    except OSError as error:
        print(f"revise: 无法写入 {args.out}：{error.strerror or error}", file=sys.stderr)
        return 1
    for warning in warnings[:SHOWN_WARNINGS]:
        print(show(f"注意：{warning}"), file=sys.stderr)
    if len(warnings) > SHOWN_WARNINGS:
        print(f"……还有 {len(warnings) - SHOWN_WARNINGS} 条注意事项", file=sys.stderr)
    print(f"已写出 {args.out}（{len(questions)} 题，{len(chapters)} 章{f'，{len(warnings)} 条注意' if warnings else ''}）")
    return 0


def _export(fmt: str, bank, questions, out: Path, layout: str) -> list[str]:
    if fmt == "apkg":
        from revise.formats.anki import export_apkg

        return export_apkg(bank, questions, out)
    if fmt in ("xlsx", "csv"):
        from revise.formats.xlsx_templates import export_csv, export_xlsx

        return (export_xlsx if fmt == "xlsx" else export_csv)(bank, questions, out, layout)
    if fmt in ("txt", "docx"):
        from revise.formats.text_export import export_docx, export_text

        return (export_text if fmt == "txt" else export_docx)(bank, questions, out)
    if fmt == "gift":
        from revise.formats.gift import export_gift

        text, warnings = export_gift(bank, questions)
    else:
        from revise.formats.moodle_xml import export_moodle_xml

        text, warnings = export_moodle_xml(bank, questions)
    out.write_text(text, encoding="utf-8")
    return warnings
