"""Generate synthetic question banks of any size for benchmarks.

The banks use every question type and realistic Chinese text, spread over
files of at most `per_file` questions, and pass `revise validate` cleanly.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TERMS = [
    "客户关系管理",
    "客户忠诚",
    "客户满意",
    "服务补救",
    "呼叫中心",
    "客户价值",
    "关系营销",
    "数据挖掘",
    "客户保持",
    "客户关怀",
    "潜在忠诚",
    "惰性忠诚",
    "考察期",
    "形成期",
    "稳定期",
    "退化期",
    "运营型CRM",
    "协作型CRM",
    "分析型CRM",
    "销售自动化",
    "营销自动化",
    "客户细分",
    "客户生命周期",
    "让渡价值",
]


def _concept(index: int, rng: random.Random, concepts: range) -> str:
    members = rng.sample(TERMS, 4)
    partner = index ^ 1  # pairs (0, 1), (2, 3)... are confusable when both are in this file
    confusable = f"    confusable: [c{partner}]\n" if partner in concepts else ""
    return f"  - id: c{index}\n    name: 概念{index}\n    members: [{', '.join(f'{m}{index}' for m in members)}]\n" + confusable


def _question(index: int, concept: int, rng: random.Random) -> str:
    kind = index % 8
    term = f"{rng.choice(TERMS)}{concept}"
    head = f"  - id: q{index}\n    concept: c{concept}\n    explanation: 合成题目{index}的解析，说明{term}的含义。\n"
    if kind == 0:
        return head + f"    type: fill\n    prompt: 第{index}题：____是本题的答案。\n    answer: [[{term}, {term}的]]\n"
    if kind == 1:
        options = ", ".join(f"{t}{concept}" for t in rng.sample(TERMS, 4))
        return head + f"    type: choice\n    prompt: 第{index}题选哪一项？\n    options: [{options}]\n    answer: B\n"
    if kind == 2:
        options = ", ".join(f"{t}{concept}" for t in rng.sample(TERMS, 5))
        return head + f"    type: multi\n    prompt: 第{index}题选哪些？\n    options: [{options}]\n    answer: ACE\n"
    if kind == 3:
        return head + f"    type: truefalse\n    prompt: 第{index}题：{term}是正确的说法。\n    answer: true\n"
    if kind == 4:
        return head + f"    type: judge\n    prompt: 第{index}题：{term}是错误的说法。\n    answer: false\n    correction: [{term}改]\n"
    if kind == 5:
        return head + f"    type: short\n    prompt: 简述{term}。\n    answer: {term}是重要概念。\n    keypoints: [[{term}, 术语{index}], 重要概念]\n"
    if kind == 6:
        return head + f"    type: essay\n    prompt: 论述{term}。\n    answer: {term}很重要。\n    keypoints: [{term}, 很重要, [意义, 作用]]\n"
    return (
        head
        + f"    type: numeric\n    prompt: 收入{{revenue}}元，成本{{cost}}元，求第{index}题的客户价值。\n"
        + "    params: {revenue: [100, 500], cost: [10, 90]}\n    formula: revenue - cost\n    unit: 元\n"
    )


def write_synthetic_bank(directory: Path, questions: int, *, per_file: int = 500, seed: int = 1) -> Path:
    """Write a bank of `questions` questions into `directory` and return it."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    index = 0
    file_number = 0
    while index < questions:
        count = min(per_file, questions - index)
        first_concept = index // 10
        concepts = range(first_concept, first_concept + (count + 9) // 10)
        parts = [f"chapter: 合成章节{file_number}\norder: {file_number}\nsource: synthetic.txt\nconcepts:\n"]
        parts += [_concept(c, rng, concepts) for c in concepts]
        parts.append("questions:\n")
        for offset in range(count):
            parts.append(_question(index + offset, first_concept + offset // 10, rng))
        (directory / f"chapter-{file_number:04d}.yaml").write_text("".join(parts), encoding="utf-8")
        index += count
        file_number += 1
    return directory


def main() -> None:
    """Command line: write a synthetic bank of N questions into DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("questions", type=int)
    parser.add_argument("--per-file", type=int, default=500)
    args = parser.parse_args()
    write_synthetic_bank(args.directory, args.questions, per_file=args.per_file)


if __name__ == "__main__":
    main()
