"""`revise stats`: mastery, due counts, activity and accuracy, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revise.progress.mastery import GroupMastery, Stats

NAME = "stats"
HELP = "show mastery per chapter, what is due, activity, accuracy and the questions most often wrong"
SPARK = "▁▂▃▄▅▆▇█"
SPARK_DAYS = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise stats`."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of tables")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="how many of the most often wrong questions to list (default 10)")
    parser.add_argument("--no-drills", action="store_true", help="leave the generated concept drills out of mastery and counts")


def run(args: argparse.Namespace) -> int:
    """Print the statistics; exit 1 when the bank or the data dir is unusable."""
    from revise.commands import load_bank_or_report, open_store_or_report
    from revise.progress.mastery import collect_stats, stats_to_json
    from revise.progress.store import StoreError

    if args.top < 0:
        print("revise: --top must be 0 or more", file=sys.stderr)
        return 2
    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    store = open_store_or_report(args)
    if store is None:
        return 1
    try:
        with store:
            stats = collect_stats(bank, store, top=args.top, include_drills=not args.no_drills)
    except StoreError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stats_to_json(stats), ensure_ascii=False, indent=2))
    else:
        print(render_text(stats))
    return 0


def width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """The text cut to at most `columns` columns (with … when cut)."""
    if width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > columns - 1:
            break
        out += ch
    return out + "…"


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """The text padded with spaces to `columns` columns (left-aligned unless `right`)."""
    text = fit(text, columns)
    gap = " " * (columns - width(text))
    return gap + text if right else text + gap


def percent(value: float) -> str:
    """0.4234 -> '42%'."""
    return f"{value * 100:.0f}%"


def sparkline(counts: list[int]) -> str:
    """One character per day: · for none, a taller block for more answers."""
    top = max(counts, default=0)
    if top == 0:
        return "·" * len(counts)
    return "".join("·" if count == 0 else SPARK[min(len(SPARK) - 1, (count * len(SPARK) - 1) // top)] for count in counts)


def _group_row(name: str, group: GroupMastery, name_width: int) -> str:
    cells = [
        pad(name, name_width),
        pad(str(group.questions), 5, right=True),
        pad(percent(group.mastery), 8, right=True),
        pad(str(group.new), 6, right=True),
        pad(str(group.learning), 9, right=True),
        pad(str(group.due_today), 10, right=True),
        pad(str(group.mastered), 9, right=True),
    ]
    return " ".join(cells)


def render_text(stats: Stats) -> str:
    """The statistics as tables for people."""
    report = stats.mastery
    lines: list[str] = []
    name_width = max([width("章节 Chapter"), *(min(30, width(g.name)) for g in report.chapters)])
    header = " ".join(
        [
            pad("章节 Chapter", name_width),
            pad("Qs", 5, right=True),
            pad("Mastery", 8, right=True),
            pad("New", 6, right=True),
            pad("Learning", 9, right=True),
            pad("Due today", 10, right=True),
            pad("Mastered", 9, right=True),
        ]
    )
    lines.append(header)
    lines.append("-" * width(header))
    for group in report.chapters:
        lines.append(_group_row(group.name, group, name_width))
    lines.append("-" * width(header))
    lines.append(_group_row("全部 All", report.bank, name_width))
    lines.append("")

    days = stats.answers_per_day
    total = sum(count for _, count in days)
    active = sum(1 for _, count in days if count)
    recent = [count for _, count in days[-SPARK_DAYS:]]
    lines.append(f"Streak: {stats.streak} day{'s' * (stats.streak != 1)} · last {len(days)} days: {total} answer{'s' * (total != 1)} on {active} day{'s' * (active != 1)}")
    if days:
        lines.append(f"Last {len(recent)} days: {sparkline(recent)}  (today: {days[-1][1]})")
    lines.append("")

    overall = stats.accuracy
    lines.append(
        f"Accuracy: {percent(overall.accuracy)} of {overall.answered} answers "
        f"({overall.correct} correct, {overall.partial} partial, {overall.incorrect} incorrect)"
    )
    for item in stats.accuracy_by_type.values():
        label = f"{item.label} {item.key}"
        lines.append(f"  {pad(label, 24)} {pad(percent(item.accuracy), 5, right=True)} of {item.answered}")
    if stats.most_wrong:
        lines.append("")
        lines.append("Most often wrong:")
        for entry in stats.most_wrong:
            prompt = " ".join(entry.prompt.split())
            lines.append(f"  {entry.incorrect:>3}× {pad(entry.question_id, 22)} {fit(prompt, 40)}  ({entry.chapter})")
    return "\n".join(lines)
