"""`revise show ID`: a question as students see it, with its key, accepted forms and the drills of its concept."""

from __future__ import annotations

import argparse
import sys

HELP = "预览一道题：学生看到的样子、答案、接受的写法和生成的练习"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise show`."""
    parser.add_argument("question_id", metavar="ID", help="题目 id（也可以是 drill:概念:类型）")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="计算题抽数用的种子（默认 1）")


def run(args: argparse.Namespace) -> int:
    """Print the preview; exit 1 for an unknown id."""
    import random

    from revise.bank.drills import concept_drills, practice_questions
    from revise.bank.loader import suggest
    from revise.bank.params import UndrawableError, draw_params
    from revise.commands import load_bank_or_report
    from revise.formats.preview import describe
    from revise.safetext import show

    bank = load_bank_or_report(args)
    if bank is None:
        return 1
    questions = practice_questions(bank)
    question = questions.get(args.question_id)
    if question is None:
        print(f"revise: 没有题目“{show(args.question_id)}”{suggest(args.question_id, bank.questions)}", file=sys.stderr)
        return 1
    try:
        params = draw_params(question, random.Random(args.seed))
    except UndrawableError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    print(show(describe(question, bank, params)))
    concept = bank.concepts.get(question.concept or "")
    if concept is not None:
        drills = [drill for drill in concept_drills(concept, bank) if drill.id != question.id]
        if drills:
            print(f"\n由概念“{show(concept.name)}”生成的练习：")
            for drill in drills:
                print("\n" + show(describe(drill, bank, {}, indent="  ")))
    return 0
