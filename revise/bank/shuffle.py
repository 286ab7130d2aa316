"""Option order as shown: shuffled per presentation, so position never gives an answer away.

The bank keeps its own letters (the key is written against them, and grading
works on them). What a student sees is a permutation: `order[i]` is the bank
index of the option shown in position i. Forms show options in that order
and turn the student's choice back into bank indexes; papers shuffle per
seed and print their key in the shown letters; the log keeps the order seen.
"""

from __future__ import annotations

import random

from revise.bank.model import ChoiceQuestion, MatchQuestion, MultiQuestion, Question, letter


def option_count(question: Question) -> int:
    """How many options (or right-hand match items) a question shows; 0 when it has none."""
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        return len(question.options)
    if isinstance(question, MatchQuestion):
        return len(question.rights)
    return 0


def option_order(question: Question, rng: random.Random) -> tuple[int, ...]:
    """The order to show the options in: shuffled, unless the question says `shuffle: false`."""
    count = option_count(question)
    order = list(range(count))
    if getattr(question, "shuffle", True) and count > 1:
        rng.shuffle(order)
    return tuple(order)


def shown_to_bank(order: tuple[int, ...], shown: frozenset[int] | set[int]) -> frozenset[int]:
    """Bank indexes of the options chosen at the shown positions."""
    return frozenset(order[position] for position in shown)


def bank_to_shown(order: tuple[int, ...], indexes: frozenset[int] | set[int]) -> frozenset[int]:
    """Shown positions of the given bank indexes."""
    position = {bank_index: shown for shown, bank_index in enumerate(order)}
    return frozenset(position[index] for index in indexes)


def shown_letters(order: tuple[int, ...], indexes: frozenset[int] | set[int]) -> str:
    """The letters a student saw for these bank indexes, e.g. the key of a shuffled paper."""
    return "".join(letter(position) for position in sorted(bank_to_shown(order, indexes)))
