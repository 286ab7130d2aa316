"""`revise validate`: check a bank and say exactly what is wrong and where."""

from __future__ import annotations

import argparse

HELP = "检查题库文件，逐条报告问题（文件:行: 说明）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise validate`."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="要检查的文件或文件夹（默认：当前题库）")
    parser.add_argument("--strict", action="store_true", help="有警告也算不通过")
    parser.add_argument("--lint", action="store_true", help="再检查歧义：别的概念的答案会不会被判对、accept 里的写法会不会被拒、参考答案能否得到每个要点")


def run(args: argparse.Namespace) -> int:
    """Print one line per problem and a summary; exit 1 on errors (or warnings with --strict)."""
    from revise.bank.loader import load_bank
    from revise.paths import resolve_banks

    paths = args.paths or resolve_banks(args.bank)
    result = load_bank(paths)
    if args.lint and not result.errors:
        from revise.grading.lint import lint_bank

        result.problems.extend(lint_bank(result.bank))
    for problem in result.problems:
        print(problem)
    bank = result.bank
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(bank.files) + len(bank.paper_files)
    print(f"{files} 个文件，{len(bank.questions)} 道题，{len(bank.concepts)} 个概念：{errors} 个错误，{warnings} 个警告")
    return 1 if errors or (args.strict and warnings) else 0
