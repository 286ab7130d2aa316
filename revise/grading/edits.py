"""Weighing the edits between a key and a typed term: which are slips, which change the meaning."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from revise.grading import textnorm as tn

HOMOPHONE_COST = 0.3
TYPO_COST = 1.0


@dataclass(frozen=True)
class Edits:
    """The edits that turn a key skeleton into a typed skeleton, weighed one by one."""

    count: int
    typos: tuple[tuple[str, str], ...] = ()  # (key part, typed part); "" for an inserted or dropped char
    homophones: tuple[tuple[str, str], ...] = ()  # (key char, typed char)
    blocker: str | None = None  # "numeral" | "negation" | "acronym": never a slip
    blocker_chars: tuple[str, str] = ("", "")

    @property
    def cost(self) -> float:
        """Homophones are cheap, other typos cost 1, a blocked edit is infinitely far."""
        if self.blocker:
            return math.inf
        return len(self.typos) * TYPO_COST + len(self.homophones) * HOMOPHONE_COST


NO_EDITS = Edits(0)


def _acronym_positions(text: str) -> set[int]:
    """Positions of letters in Latin runs short enough to be acronyms (crm, 4p's p)."""
    positions: set[int] = set()
    for match in re.finditer(r"[a-z]+", text):
        if match.end() - match.start() <= tn.ACRONYM_MAX_LETTERS:
            positions.update(range(match.start(), match.end()))
    return positions


def analyse(key: str, typed: str) -> Edits:
    """Weigh each edit from `key` to `typed` (both skeletons)."""
    if key == typed:
        return NO_EDITS
    ops = Levenshtein.editops(key, typed)
    key_acronyms = _acronym_positions(key) if any(tn.is_latin(c) for c in key) else set()
    typed_acronyms = _acronym_positions(typed) if any(tn.is_latin(c) for c in typed) else set()
    typos: list[tuple[str, str]] = []
    homophones: list[tuple[str, str]] = []
    blocker: str | None = None
    blocker_chars = ("", "")
    for op in ops:
        key_char = key[op.src_pos] if op.tag in ("replace", "delete") else ""
        typed_char = typed[op.dest_pos] if op.tag in ("replace", "insert") else ""
        kind = None
        if key_char in tn.NUMERAL_CHARS or typed_char in tn.NUMERAL_CHARS:
            kind = "numeral"
        elif key_char in tn.NEGATION_CHARS or typed_char in tn.NEGATION_CHARS:
            kind = "negation"
        elif (key_char and op.src_pos in key_acronyms) or (typed_char and op.dest_pos in typed_acronyms):
            kind = "acronym"
        if kind is not None:
            if blocker is None:
                blocker, blocker_chars = kind, (key_char, typed_char)
            continue
        if op.tag == "replace" and tn.is_cjk(key_char) and tn.is_cjk(typed_char) and tn.are_homophones(key_char, typed_char):
            homophones.append((key_char, typed_char))
        else:
            typos.append((key_char, typed_char))
    return Edits(len(ops), tuple(typos), tuple(homophones), blocker, blocker_chars)


def allowance(weight: int) -> tuple[int, int, int]:
    """How many (typos, homophones, edits in all) a key of this weight can absorb.

    A pinyin homophone is forgiven from 2 characters on (one per three
    characters); any other typo only from 8, where one wrong character can no
    longer make a different term of the course (客户关系处理 is not a slip for
    客户关系管理, but 建立服务补救管理信息系充 is one for ...系统).
    """
    typos = 0 if weight < 8 else 1 if weight < 14 else 2 if weight < 24 else weight // 12
    homophones = 0 if weight < 2 else max(1, weight // 3)
    return typos, homophones, max(1, weight // 3)


def forgivable(edits: Edits, weight: int) -> bool:
    """True when every edit is a slip the key's length can absorb."""
    if edits.blocker:
        return False
    typos, homophones, total = allowance(weight)
    return len(edits.typos) <= typos and len(edits.homophones) <= homophones and edits.count <= total
