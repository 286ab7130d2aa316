"""The bank's known terms: every answer that is right somewhere and so can be wrong elsewhere."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from revise.bank.model import Bank, ChoiceQuestion, FillQuestion, JudgeQuestion, MultiQuestion, ShortQuestion
from revise.grading import textnorm as tn

KIND_PRIORITY = {"member": 0, "name": 1, "answer": 2, "correction": 3, "option": 4, "keypoint": 5, "reject": 6}


@dataclass(frozen=True)
class Known:
    """A term of the bank that can be a wrong answer elsewhere."""

    text: str
    skeleton: str
    kind: str  # see KIND_PRIORITY
    concept: str | None = None  # for members and concept names


class DistractorIndex:
    """Every term of a bank, by skeleton, with a q-gram index for near neighbours.

    `near` finds the terms within k plain edits by the pigeonhole principle: of
    k+1 disjoint bigrams (or characters) of the query, one survives k edits, so
    only terms of a near length sharing one of them need an exact check.
    Postings are kept per (gram, term length) so that the length filter costs
    nothing.
    """

    def __init__(self, terms: Iterable[Known]) -> None:
        by_skeleton: dict[str, list[Known]] = defaultdict(list)
        for term in terms:
            if term.skeleton:
                by_skeleton[term.skeleton].append(term)
        for entries in by_skeleton.values():
            entries.sort(key=lambda k: KIND_PRIORITY.get(k.kind, 9))
        self.by_skeleton: dict[str, list[Known]] = dict(by_skeleton)
        self.skeletons = list(self.by_skeleton)
        grams: dict[tuple[str, int], list[int]] = defaultdict(list)
        by_length: dict[int, list[int]] = defaultdict(list)
        for number, skeleton in enumerate(self.skeletons):
            length = len(skeleton)
            by_length[length].append(number)
            for gram in set(skeleton).union(skeleton[i : i + 2] for i in range(length - 1)):
                grams[gram, length].append(number)
        self.grams = dict(grams)
        self.by_length = dict(by_length)

    def __len__(self) -> int:
        return len(self.skeletons)

    def exact(self, skeleton: str) -> list[Known]:
        """The terms with this skeleton."""
        return self.by_skeleton.get(skeleton, [])

    def near(self, skeleton: str, max_edits: int) -> list[str]:
        """Skeletons of terms within `max_edits` plain edits of `skeleton` (itself included if known)."""
        if max_edits <= 0:
            return [skeleton] if skeleton in self.by_skeleton else []
        numbers = self._candidates(skeleton, max_edits)
        if not numbers:
            return []
        choices = [self.skeletons[number] for number in numbers]
        found = process.extract(skeleton, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None)
        return sorted(choice for choice, _distance, _index in found)

    def _postings(self, gram: str, lengths: range) -> list[list[int]]:
        return [postings for length in lengths if (postings := self.grams.get((gram, length)))]

    def _candidates(self, skeleton: str, max_edits: int) -> set[int] | list[int]:
        pieces = max_edits + 1
        length = len(skeleton)
        lengths = range(max(1, length - max_edits), length + max_edits + 1)

        def size(gram: str) -> int:
            return sum(len(postings) for postings in self._postings(gram, lengths))

        options: list[tuple[int, list[str]]] = []
        if length >= 2 * pieces:
            # The rarest disjoint bigrams, greedily.
            ranked = sorted(range(length - 1), key=lambda i: (size(skeleton[i : i + 2]), i))
            chosen: list[int] = []
            for start in ranked:
                if all(abs(start - other) >= 2 for other in chosen):
                    chosen.append(start)
                    if len(chosen) == pieces:
                        grams = [skeleton[i : i + 2] for i in chosen]
                        options.append((sum(size(g) for g in grams), grams))
                        break
        if length >= pieces:
            ranked = sorted(range(length), key=lambda i: (size(skeleton[i]), i))[:pieces]
            grams = [skeleton[i] for i in ranked]
            options.append((sum(size(g) for g in grams), grams))
        if not options:
            # A query shorter than the edits allowed: any term short enough qualifies.
            return [n for size_, numbers in self.by_length.items() if size_ <= length + max_edits for n in numbers]
        _total, grams = min(options, key=lambda option: option[0])
        candidates: set[int] = set()
        for gram in grams:
            for postings in self._postings(gram, lengths):
                candidates.update(postings)
        return candidates


def bank_terms(bank: Bank) -> Iterator[Known]:
    """Every term a student could type for some question of the bank."""
    for concept in bank.concepts.values():
        yield known_term(concept.name, "name", concept.id)
        for member in concept.members:
            for form in member.forms:
                yield known_term(form, "member", concept.id)
    for question in bank.questions.values():
        if isinstance(question, FillQuestion):
            for blank in question.blanks:
                for form in blank:
                    yield known_term(form, "answer")
        elif isinstance(question, (ChoiceQuestion, MultiQuestion)):
            for option in question.options:
                yield known_term(option, "option")
        elif isinstance(question, JudgeQuestion):
            for form in question.corrections:
                yield known_term(form, "correction")
        elif isinstance(question, ShortQuestion):
            for keypoint in (point.forms for point in question.keypoints):
                for form in keypoint:
                    yield known_term(form, "keypoint")
        for form in question.reject:
            yield known_term(form, "reject")


def known_term(text: str, kind: str, concept: str | None = None) -> Known:
    return Known(text, tn.prepare(text).skeleton, kind, concept)


# The index of each bank, built once: keyed by id() with a weak reference, since
# Bank (a mutable dataclass) is not hashable. A changed bank size rebuilds it.
_INDEX_CACHE: dict[int, tuple[weakref.ref[Bank], tuple[int, int], DistractorIndex]] = {}


def distractor_index(bank: Bank) -> DistractorIndex:
    """The known-term index of a bank, built on first use and cached while the bank lives."""
    key = id(bank)
    signature = (len(bank.questions), len(bank.concepts))
    cached = _INDEX_CACHE.get(key)
    if cached is not None and cached[0]() is bank and cached[1] == signature:
        return cached[2]
    index = DistractorIndex(bank_terms(bank))

    def forget(_reference: weakref.ref[Bank], key: int = key) -> None:
        _INDEX_CACHE.pop(key, None)

    reference = weakref.ref(bank, forget)
    _INDEX_CACHE[key] = (reference, signature, index)
    return index
