"""`revise paper`: write a printable mock paper, its answer sheet and its key (Markdown, HTML or Word)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "打印试卷：Markdown、HTML 或 Word（按 --out 的扩展名），附答题卡和答案"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise paper`."""
    parser.add_argument("--paper", default="final-standard", metavar="ID", help="试卷蓝图 id（默认 final-standard）")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="同一个种子总是抽出同一份试卷（默认 1）")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.md、FILE.html 或 FILE.docx；答案写到 FILE.key.扩展名")
    parser.add_argument("--versions", type=int, default=1, metavar="N", help="出 N 套（A/B 卷…）：同样的题目，换一个顺序（默认 1，最多 4）")
    parser.add_argument("--save", type=Path, metavar="PAPER.yaml", help="把抽出的试卷（题目、顺序、数值、选项顺序）固定保存，重印和阅卷都用它")
    parser.add_argument("--load", type=Path, metavar="PAPER.yaml", help="打印用 --save 保存的试卷，不再重新抽题")


def run(args: argparse.Namespace) -> int:
    """Draw (or load) the paper and write it with its key; exit 1 on a bad bank, paper id, saved paper or path."""
    from revise.bank.papers import arrange, draw_paper
    from revise.commands import load_bank_or_report, paper_problem
    from revise.formats.paper_export import write_paper
    from revise.formats.saved_paper import SavedPaperError, load_saved_paper, save_paper

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    if not 1 <= args.versions <= 4:
        print("revise: --versions 只能是 1 到 4", file=sys.stderr)
        return 1
    if args.load:
        try:
            base = load_saved_paper(args.load, bank)
        except SavedPaperError as error:
            print(f"revise: {error}", file=sys.stderr)
            return 1
    else:
        problem = paper_problem(bank, args.paper)
        if problem:
            print(f"revise: {problem}", file=sys.stderr)
            return 1
        base = draw_paper(bank.papers[args.paper], bank, args.seed)
    papers = [base] + [arrange(base, version) for version in range(1, args.versions)]
    try:
        for drawn in papers:
            out = args.out if args.versions == 1 else args.out.with_name(f"{args.out.stem}-{chr(65 + drawn.version)}{args.out.suffix}")
            paper_path, key_path = write_paper(drawn, bank, out)
            blueprint = drawn.paper
            print(f"已写出 {paper_path}（{len(drawn.questions)} 题，{blueprint.total_points:g} 分，{blueprint.minutes} 分钟，试卷编号 {drawn.label}）")
            print(f"已写出 {key_path}（答案与解析）")
            if args.save:
                saved = args.save if args.versions == 1 else args.save.with_name(f"{args.save.stem}-{chr(65 + drawn.version)}{args.save.suffix}")
                save_paper(drawn, saved)
                print(f"已保存 {saved}")
    except ValueError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"revise: 无法写入 {args.out}：{error.strerror or error}", file=sys.stderr)
        return 1
    return 0
