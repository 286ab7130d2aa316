"""配对 (连线): each left item paired with a right item; credit per pair.

An answer form sends the pairs as indexes into ``question.rights`` (bank
order). Typed text works too: ``1-A；2-C`` (numbered) or ``A C B`` / ``ACB``
(letters in the order of the left items).
"""

from __future__ import annotations

import re

from revise.bank.model import MatchQuestion, letter
from revise.grading import textnorm as tn
from revise.grading.result import Result, correct, echo, scored, wrong

_NUMBERED_PAIR_RE = re.compile(r"(\d{1,2})\s*[-—–:=.、)>→]*\s*([a-z])(?![a-z])")


def expected_pairs(question: MatchQuestion) -> str:
    """The key as text: 左项—右项；…"""
    return "；".join(f"{left}—{right}" for left, right in question.pairs)


def parse_pairs(text: str, question: MatchQuestion) -> tuple[int | None, ...] | None:
    """Typed pairs as right-item indexes per left item, or None when the text is not a pairing."""
    folded = tn.normalize(text)
    lefts = len(question.pairs)
    numbered = _NUMBERED_PAIR_RE.findall(folded)
    if numbered:
        chosen: list[int | None] = [None] * lefts
        for number, right in numbered:
            position = int(number) - 1
            if 0 <= position < lefts:
                chosen[position] = ord(right) - ord("a")
        return tuple(chosen)
    letters = [char for char in folded if not tn.is_blank(char)]
    if letters and all("a" <= char <= "z" for char in letters) and len(letters) <= lefts:
        padded: list[int | None] = [ord(char) - ord("a") for char in letters]
        return tuple(padded + [None] * (lefts - len(letters)))
    return None


def grade_match(question: MatchQuestion, response: str, expected: str, pairs: tuple[int | None, ...] | None = None) -> Result:
    """Credit per left item paired with its own right item."""
    lefts = len(question.pairs)
    if lefts == 0:
        return wrong(expected)
    chosen = pairs if pairs is not None else parse_pairs(response, question)
    if chosen is None:
        return wrong(expected, f"无法识别「{echo(response)}」：请按“1-A；2-B”的格式作答")
    rights = question.rights
    right_count = 0
    problems: list[str] = []
    for position in range(lefts):
        choice = chosen[position] if position < len(chosen) else None
        left = question.pairs[position][0]
        if choice == position:
            right_count += 1
        elif choice is None:
            problems.append(f"「{left}」没有配对")
        elif 0 <= choice < len(rights):
            problems.append(f"「{left}」配了{letter(choice)}（{rights[choice]}），应为「{question.pairs[position][1]}」")
        else:
            problems.append(f"「{left}」配了{letter(choice)}，没有这一项")
    if right_count == lefts:
        return correct(expected)
    feedback = f"配对正确 {right_count}/{lefts}；" + "；".join(problems[:6])
    return scored(right_count / lefts, expected, feedback)
