"""Words that stand for one another: the bank's synonym groups and regular variants.

A student writes 方便 for 便利, 考察阶段 for 考察期, 价格型忠诚 for 价格忠诚. The
grader compares such texts in a *canonical* form: every variant of a synonym
group becomes the group's first form, 阶段/时期 after a word become 期, and a
型/类 suffix inside a term is dropped. Both the key and the answer are
canonicalised, so a group can never make two different course terms equal
unless the bank says they are.

The course's groups are bank data (``synonyms:`` in ``bank.yaml``); only a few
groups of plain Chinese, not of the course, live here.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence

from revise.bank.model import Bank
from revise.grading import textnorm as tn

# Plain-language equivalents (not course terms): hedges and "need not".
LANGUAGE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("不一定", "未必", "不见得", "并不一定"),
    ("不需要", "无需", "无须", "不必", "没必要", "不用"),
    ("没有", "没"),
)

# 阶段/时期 after a word is 期 (考察阶段 = 考察期); 型/类 after a word, before another, is dropped.
_STAGE_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:阶段|时期)")
_KIND_SUFFIX_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![类分种人归同])[型类](?![型别])")


class Lexicon:
    """Canonical forms of texts, by synonym groups (the first form of each group is the head)."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        head_of: dict[str, str] = {}
        for group in groups:
            forms = [skeleton for form in group if (skeleton := tn.prepare(form).skeleton)]
            if len(forms) < 2:
                continue
            head = forms[0]
            for form in forms:
                head_of.setdefault(form, head)
        self.head_of = head_of
        # Longest first, so 不一定会 wins over 不一定 and 竞争对手 stays whole rather than 竞争 + 对手.
        variants = sorted(head_of, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, variants))) if variants else None

    def canonical(self, skeleton: str) -> str:
        """A skeleton with every variant replaced by its group's head, and stage/kind variants folded."""
        text = skeleton
        if self._pattern is not None:
            text = self._pattern.sub(lambda match: self.head_of[match.group(0)], text)
        return fold_variants(text)

    def spans(self, skeleton: str) -> list[tuple[int, int, str]]:
        """(start, end, head) of each group form found in a skeleton."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self.head_of[m.group(0)]) for m in self._pattern.finditer(skeleton)]


def variant_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of each stage or kind variant in a text, in order."""
    spans = [(m.start(), m.end(), "期") for m in _STAGE_RE.finditer(text)] if "阶段" in text or "时期" in text else []
    if "型" in text or "类" in text:
        spans += [(m.start(), m.end(), "") for m in _KIND_SUFFIX_RE.finditer(text)]
    return sorted(spans)


def fold_variants(text: str) -> str:
    """考察阶段 -> 考察期, 价格型忠诚 -> 价格忠诚 (applied to key and answer alike)."""
    if "阶段" in text or "时期" in text:
        text = _STAGE_RE.sub("期", text)
    if "型" in text or "类" in text:
        text = _KIND_SUFFIX_RE.sub("", text)
    return text


PLAIN = Lexicon(LANGUAGE_GROUPS)

_CACHE: dict[int, tuple[weakref.ref[Bank], tuple[tuple[str, ...], ...], Lexicon]] = {}


def lexicon_of(bank: Bank | None) -> Lexicon:
    """The lexicon of a bank (its synonym groups and the plain-language ones), cached while the bank lives."""
    if bank is None or not bank.synonyms:
        return PLAIN
    key = id(bank)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is bank and cached[1] == bank.synonyms:
        return cached[2]
    lexicon = Lexicon((*bank.synonyms, *LANGUAGE_GROUPS))

    def forget(_reference: weakref.ref[Bank], key: int = key) -> None:
        _CACHE.pop(key, None)

    _CACHE[key] = (weakref.ref(bank, forget), bank.synonyms, lexicon)
    return lexicon


_MEMBERS_CACHE: dict[int, tuple[weakref.ref[Bank], tuple[int, int], dict[str, tuple[str, ...]]]] = {}


def member_forms(bank: Bank) -> dict[str, tuple[str, ...]]:
    """Every accepted form of each concept member and each concept name, by skeleton.

    A skeleton that names members of two concepts with different forms maps to
    itself only: its forms would not be the same thing in both.
    """
    key = id(bank)
    signature = (len(bank.concepts), sum(len(concept.members) for concept in bank.concepts.values()))
    cached = _MEMBERS_CACHE.get(key)
    if cached is not None and cached[0]() is bank and cached[1] == signature:
        return cached[2]
    forms_of: dict[str, tuple[str, ...]] = {}
    ambiguous: set[str] = set()
    for concept in bank.concepts.values():
        name = tn.prepare(concept.name).skeleton
        if name:
            forms_of.setdefault(name, (concept.name,))
        for member in concept.members:
            for form in member.forms:
                skeleton = tn.prepare(form).skeleton
                if not skeleton:
                    continue
                if skeleton in forms_of and set(forms_of[skeleton]) != set(member.forms) and forms_of[skeleton] != (form,):
                    ambiguous.add(skeleton)
                forms_of[skeleton] = member.forms
    for skeleton in ambiguous:
        forms_of[skeleton] = ()

    def forget(_reference: weakref.ref[Bank], key: int = key) -> None:
        _MEMBERS_CACHE.pop(key, None)

    _MEMBERS_CACHE[key] = (weakref.ref(bank, forget), signature, forms_of)
    return forms_of
