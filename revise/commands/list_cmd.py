"""`revise list`: the bank's questions, filtered by chapter, type and tag."""

from __future__ import annotations

import argparse
import sys

HELP = "列出题目（可按章节、题型、标签筛选）"
PROMPT_WIDTH = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise list`."""
    parser.add_argument("--chapter", action="append", default=[], metavar="CHAPTER", help="章节标题或文件名（可重复）")
    parser.add_argument("--type", action="append", default=[], metavar="TYPE", help="题型：fill、choice、multi … 或中文名，如 填空题（可重复）")
    parser.add_argument("--tag", action="append", default=[], metavar="TAG", help="标签（可重复；有其中任一个即可）")


def run(args: argparse.Namespace) -> int:
    """Print one line per matching question and a count; exit 1 for an unknown type or chapter."""
    from revise.bank.model import QUESTION_TYPES, TYPE_LABELS
    from revise.commands import load_bank_or_report
    from revise.safetext import one_line

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    by_label = {label: qtype for qtype, label in TYPE_LABELS.items()} | {label.removesuffix("题"): qtype for qtype, label in TYPE_LABELS.items()}
    types = set()
    for name in args.type:
        qtype = name if name in QUESTION_TYPES else by_label.get(name)
        if qtype is None:
            print(f"revise: 没有“{one_line(name)}”这种题型；可用：{'、'.join(QUESTION_TYPES)}", file=sys.stderr)
            return 1
        types.add(qtype)
    chapters = bank.chapters
    if args.chapter:
        wanted = set(args.chapter)
        chapters = [c for c in bank.chapters if wanted & {c.title, c.path.stem, c.path.name}]
        if not chapters:
            print(f"revise: 没有这些章节：{'、'.join(sorted(wanted))}；可选：{'、'.join(c.title for c in bank.chapters)}", file=sys.stderr)
            return 1
    count = 0
    for chapter in chapters:
        for question in chapter.questions:
            if bank.questions.get(question.id) is not question:
                continue
            if types and question.type not in types:
                continue
            if args.tag and not set(args.tag) & set(question.tags):
                continue
            prompt = one_line(question.prompt)
            if len(prompt) > PROMPT_WIDTH:
                prompt = prompt[: PROMPT_WIDTH - 1] + "…"
            tags = f"  [{', '.join(question.tags)}]" if question.tags else ""
            print(f"{one_line(question.id)}\t{question.type_label}\t{one_line(chapter.title)}\t{prompt}{one_line(tags)}")
            count += 1
    print(f"共 {count} 题")
    return 0
