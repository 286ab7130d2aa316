"""Searching the bank in either script, and highlighting what matched.

A query is split into words; an item matches when every word is found in its
text. Text and query are folded alike, character by character (NFKC, case
folded, Traditional to Simplified), so a match can be shown where it is.

A word in Latin letters or digits matches whole words or acronyms only
(issue 14, bug 11): ``cti`` finds CTI and the CRM in eCRM-style words, never
the "cti" inside "reaction". Chinese words match anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.content import Content

from revise.tui.display import answer_text, plain

if TYPE_CHECKING:
    from revise.bank.model import Bank, Concept, Question

HIGHLIGHT = "reverse bold"
_LATIN_RE = re.compile(r"[a-z0-9]")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def fold(text: str) -> str:
    """`text` folded for comparison, one character for one (so positions carry over to the original)."""
    from revise.grading.textnorm import to_simplified

    folded = unicodedata.normalize("NFKC", text).casefold()
    if len(folded) != len(text):  # a character expanded or merged: fold one by one, keeping those that would
        folded = "".join(one if len(one := unicodedata.normalize("NFKC", char).casefold()) == 1 else char.lower() for char in text)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):  # a phrase converted to fewer or more characters: convert one by one
        simplified = "".join(one if len(one := to_simplified(char)) == 1 else char for char in folded)
    return simplified


def query_words(query: str) -> list[str]:
    """The folded words of a query."""
    return fold(query).split()


def _boundary(original: str, before: int, after: int) -> bool:
    """True when a Latin word may start or end between original[before] and original[after] (indexes may be out of range)."""
    left = original[before] if before >= 0 else ""
    right = original[after] if after < len(original) else ""
    if not (left and right and _is_latin(left) and _is_latin(right)):
        return True
    return left.islower() and right.isupper()  # an acronym inside a word: eCRM


def find_matches(original: str, folded: str, word: str) -> list[tuple[int, int]]:
    """(start, end) of every place `word` (folded) matches in `original` (whose folded form is `folded`)."""
    found: list[tuple[int, int]] = []
    latin_start, latin_end = bool(_LATIN_RE.match(word[:1])), bool(_LATIN_RE.match(word[-1:]))
    position = folded.find(word)
    while position >= 0:
        end = position + len(word)
        if (not latin_start or _boundary(original, position - 1, position)) and (not latin_end or _boundary(original, end - 1, end)):
            found.append((position, end))
        position = folded.find(word, position + 1)
    return found


def matches_all(original: str, folded: str, words: Iterable[str]) -> bool:
    """True when every word matches somewhere in the text."""
    return all(find_matches(original, folded, word) for word in words)


def highlighted(text: str, words: Iterable[str], style: str = "") -> Content:
    """`text` as literal content (controls made visible) with every match of `words` highlighted."""
    content = plain(text, style) if style else plain(text)
    shown = content.plain
    folded = fold(shown)
    for word in words:
        for start, end in find_matches(shown, folded, word):
            content = content.stylize(HIGHLIGHT, start, end)
    return content


def question_search_text(question: Question) -> str:
    """Everything of a question a student might search for: prompt, options, answer, explanation, tags."""
    options = getattr(question, "options", ())
    return "\n".join([question.id, question.prompt, *options, answer_text(question), question.explanation or "", *question.tags])


def concept_search_text(concept: Concept) -> str:
    """A concept's name, summary and members (with their other forms and notes)."""
    members = [" ".join([*member.forms, member.note or ""]) for member in concept.members]
    return "\n".join([concept.id, concept.name, concept.summary or "", *members])


class SearchIndex:
    """The text of every question and concept with its folded form, for searching in Simplified or Traditional script."""

    def __init__(self, bank: Bank) -> None:
        self.questions = {qid: _entry(question_search_text(question)) for qid, question in bank.questions.items()}
        self.concepts = {cid: _entry(concept_search_text(concept)) for cid, concept in bank.concepts.items()}

    def query(self, text: str) -> tuple[set[str], set[str]]:
        """Ids of the questions and the concepts whose text matches every word of the query."""
        words = query_words(text)
        if not words:
            return set(self.questions), set(self.concepts)
        questions = {qid for qid, (original, folded) in self.questions.items() if matches_all(original, folded, words)}
        concepts = {cid for cid, (original, folded) in self.concepts.items() if matches_all(original, folded, words)}
        return questions, concepts


def _entry(text: str) -> tuple[str, str]:
    return text, fold(text)
