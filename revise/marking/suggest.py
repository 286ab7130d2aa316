"""'Did you mean' for unknown question ids, at a bounded cost per row.

The old batch compared every unknown id with every id of the bank
(difflib over 10,000 ids: 3.9 ms a row). Here the ids are indexed once by
their character trigrams; an unknown id is compared only with the few ids
that share the most trigrams with it, and the answer is remembered, so a
class that mistyped the same id 40 times pays once.
"""

from __future__ import annotations

import difflib
from collections import Counter, OrderedDict
from collections.abc import Iterable

CANDIDATES = 12
# A trigram shared by more ids than this (e.g. "crm") says little and would cost a lot.
COMMON_TRIGRAM = 400
MEMO_SIZE = 4096
MAX_QUERY_CHARS = 200


def _trigrams(text: str) -> set[str]:
    padded = f"^{text.lower()}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class SuggestionIndex:
    """Index of known ids; :meth:`suggest` gives the closest one or None."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._ids = list(ids)
        self._postings: dict[str, list[int]] = {}
        for number, item in enumerate(self._ids):
            for gram in _trigrams(item):
                self._postings.setdefault(gram, []).append(number)
        self._memo: OrderedDict[str, str | None] = OrderedDict()

    def suggest(self, word: str) -> str | None:
        """The known id that `word` most likely means, or None."""
        if not word or len(word) > MAX_QUERY_CHARS:
            return None
        if word in self._memo:
            self._memo.move_to_end(word)
            return self._memo[word]
        votes: Counter[int] = Counter()
        for gram in _trigrams(word):
            posting = self._postings.get(gram, ())
            if len(posting) <= COMMON_TRIGRAM:
                votes.update(posting)
        candidates = [self._ids[number] for number, _ in votes.most_common(CANDIDATES)]
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        answer = close[0] if close else None
        self._memo[word] = answer
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return answer
