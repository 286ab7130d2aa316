"""单选 and 多选: letters, option texts, or both."""

from __future__ import annotations

import re
from collections.abc import Sequence

from revise.bank.model import ChoiceQuestion, MultiQuestion, letter
from revise.grading import textnorm as tn
from revise.grading.fill import MAX_LIST_ITEMS
from revise.grading.result import Result, correct, echo, scored, wrong
from revise.grading.terms import Context, Recognizer, exact_match, match_term

_LETTER_ANSWER_RE = re.compile(r"^(?:答案|答|选择|选)?\s*:?\s*[(\[【]?\s*([a-z])\s*[)\]】]?(?![a-z])\s*[.、:,]?\s*(.*)$", re.S)
_LETTERS_LABEL_RE = re.compile(r"^(?:答案|答|选择|选)\s*:?\s*")


def option_letters(text: str) -> list[int] | None:
    """Option indexes of a letters-only answer ("A,C", "ca", "ａ ｃ"), in range or not; None otherwise."""
    folded = _LETTERS_LABEL_RE.sub("", tn.normalize(text))
    letters = [char for char in folded if not tn.is_blank(char)]
    if not letters or not all("a" <= char <= "z" for char in letters):
        return None
    return sorted({ord(char) - ord("a") for char in letters})


def parse_choice_letters(text: str, n_options: int) -> frozenset[int] | None:
    """The option indexes of a letters-only answer ("A", "c", "Ｃ", "A,C", "CA"), or None.

    None when the text is not letters only, or names a letter beyond the options.
    """
    indexes = option_letters(text)
    if not indexes or any(index >= n_options for index in indexes):
        return None
    return frozenset(indexes)


def _option_label(question: ChoiceQuestion | MultiQuestion, index: int) -> str:
    return f"{letter(index)}（{question.options[index]}）" if 0 <= index < len(question.options) else letter(index)


def _match_option(text: str, question: ChoiceQuestion | MultiQuestion, context: Context) -> tuple[int | None, tuple[str, ...]]:
    """The option whose text this is, forgivingly; the other options are the near-misses."""
    for index, option in enumerate(question.options):
        exact = exact_match(text, context.expand((option,)))
        if exact is not None:
            return index, exact.notes
    for index, option in enumerate(question.options):
        others = {tn.prepare(o).skeleton for i, o in enumerate(question.options) if i != index}
        match = match_term(text, context.expand((option,)), context)
        if match.accepted and tn.prepare(text).skeleton not in others:
            return index, match.notes
    return None, ()


def grade_choice(question: ChoiceQuestion, response: str, expected: str, context: Context) -> Result:
    folded = tn.normalize(response)
    chosen: int | None = None
    notes: list[str] = []
    letters = option_letters(response)
    if letters is not None and len(letters) > 1:
        index, option_notes = _match_option(response, question, context)  # an English option text?
        if index is None:
            return wrong(expected, "单选题只能选一个选项")
        chosen, notes = index, [*option_notes, "按选项内容判断"]
    elif letters is not None:
        chosen = letters[0]
    else:
        match = _LETTER_ANSWER_RE.match(folded)
        if match:
            chosen = ord(match.group(1)) - ord("a")
            rest = match.group(2).strip()
            if rest and 0 <= chosen < len(question.options):
                named, _ = _match_option(rest, question, context)
                if named is not None and named != chosen:
                    return wrong(expected, f"选项字母{letter(chosen)}与内容「{echo(rest)}」（{letter(named)}）不一致")
        else:
            index, option_notes = _match_option(response, question, context)
            if index is None:
                return wrong(expected, f"「{echo(response)}」不是任何一个选项")
            chosen, notes = index, [*option_notes, "按选项内容判断"]
    if not 0 <= chosen < len(question.options):
        return wrong(expected, f"没有选项{letter(chosen)}")
    if chosen == question.answer:
        return correct(expected, notes)
    return wrong(expected, f"选了{_option_label(question, chosen)}")


# -- multi -------------------------------------------------------------------------------------


def _cover_options(text: str, options: Sequence[str]) -> set[int] | None:
    """The options whose texts, typed out in full, make up the whole answer (they may contain commas)."""
    remaining = tn.prepare(text).skeleton
    chosen: set[int] = set()
    ordered = sorted(range(len(options)), key=lambda i: -len(tn.prepare(options[i]).skeleton))
    for index in ordered:
        skeleton = tn.prepare(options[index]).skeleton
        if skeleton and skeleton in remaining:
            chosen.add(index)
            remaining = remaining.replace(skeleton, "\0", 1)
    return chosen if chosen and not remaining.replace("\0", "") else None


def grade_multi(question: MultiQuestion, response: str, expected: str, context: Context) -> Result:
    notes: list[str] = []
    chosen: set[int] = set()
    letters = option_letters(response)
    if letters is not None and all(index < len(question.options) for index in letters):
        chosen = set(letters)
    else:
        index, option_notes = _match_option(response, question, context) if letters is not None else (None, ())
        if index is not None:
            chosen, notes = {index}, list(option_notes)
        elif (covered := _cover_options(response, question.options)) is not None:
            chosen = covered
            notes.append("按选项内容判断")
        else:
            recognise_option = Recognizer([(option,) for option in question.options])
            items = tn.split_items(response, lambda text: recognise_option(text) or option_letters(text) is not None)
            for item in items[:MAX_LIST_ITEMS]:
                item_letters = option_letters(item)
                if item_letters is not None and len(tn.prepare(item).skeleton) <= 1:
                    index = item_letters[0]
                else:
                    index, option_notes = _match_option(item, question, context)
                    if index is None and item_letters is not None:
                        index = item_letters[0] if len(item_letters) == 1 else None
                        if index is None:
                            chosen.update(item_letters)
                            continue
                    notes += list(option_notes)
                if index is None:
                    return wrong(expected, f"「{echo(item)}」不是任何一个选项")
                chosen.add(index)
            if chosen:
                notes.append("按选项内容判断")
    out_of_range = sorted(index for index in chosen if index >= len(question.options))
    if out_of_range:
        return wrong(expected, "没有选项" + "、".join(letter(index) for index in out_of_range))
    if not chosen:
        return wrong(expected, f"「{echo(response)}」不是任何一个选项")
    wrongly_chosen = sorted(chosen - question.answer)
    missing = sorted(question.answer - chosen)
    if wrongly_chosen:
        return wrong(expected, "多选了" + "、".join(_option_label(question, index) for index in wrongly_chosen) + "，有错选不得分")
    if not missing:
        return correct(expected, notes)
    missed_text = "少选了" + "、".join(_option_label(question, index) for index in missing)
    if not question.partial:
        return wrong(expected, missed_text + "，本题少选不得分")
    return scored(len(chosen) / len(question.answer), expected, missed_text)
