"""The student's text as the free-text grader reads it.

A :class:`Reading` is the text compacted (no punctuation, no fillers, synonyms as
their heads, numerals as digits) with, for every character kept, where it came
from in the raw text and which sentence and clause it belongs to: matching works
on the compact form and reports spans of what the student actually wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from revise.grading import textnorm as tn
from revise.grading.lexicon import Lexicon, variant_spans

# Longer answers are read up to here: an essay is not a novel, and grading stays fast.
MAX_READ_CHARS = 6_000
SENTENCE_BREAKS = frozenset("。！？!?;；\n")
CLAUSE_BREAKS = frozenset("，,、:：")
_NUMERAL_RE = re.compile("[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+")


@dataclass
class Reading:
    """The student's text, compacted and canonicalised, with where each character came from."""

    raw: str
    text: str  # canonical skeleton: no punctuation, no fillers, synonyms as their heads
    origin: list[int]  # raw index of each character of `text`
    sentence: list[int]
    clause: list[int]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the raw text behind text[start:end]."""
        if start >= end or not self.origin:
            return 0, 0
        return self.origin[start], self.origin[end - 1] + 1

    def sentence_bounds(self, position: int) -> tuple[int, int]:
        number = self.sentence[position]
        start = position
        while start > 0 and self.sentence[start - 1] == number:
            start -= 1
        end = position
        while end < len(self.text) and self.sentence[end] == number:
            end += 1
        return start, end

    def clause_start(self, position: int) -> int:
        number = self.clause[position]
        start = position
        while start > 0 and self.clause[start - 1] == number:
            start -= 1
        return start


def read(raw: str, lexicon: Lexicon) -> Reading:
    """A :class:`Reading` of the student's text."""
    raw = raw[:MAX_READ_CHARS]
    cleaned = tn.strip_control(raw)
    simplified = tn.to_simplified(cleaned)
    if len(simplified) != len(cleaned):  # a rare phrase conversion changed the length: convert char by char
        simplified = "".join(tn.to_simplified(char)[:1] or char for char in cleaned)
    chars: list[str] = []
    origin: list[int] = []
    sentence: list[int] = []
    clause: list[int] = []
    sentence_number = clause_number = 0
    for index, char in enumerate(simplified):
        for folded in tn.nfkc(char).casefold():
            if folded in SENTENCE_BREAKS:
                sentence_number += 1
                clause_number += 1
                continue
            if folded in CLAUSE_BREAKS:
                clause_number += 1
                continue
            # Numbers keep their marks, as in the key phrases: 2.5, 3/4 and 20% are not 25, 34 and 20.
            after_digit = chars[-1:] != [] and chars[-1].isdigit()
            before_digit = simplified[index + 1 : index + 2].isdigit()
            numeric_mark = after_digit and (folded == "%" or (folded in "./" and before_digit))
            if folded in "-−" and chars and _is_han(chars[-1]) and _is_han(simplified[index + 1 : index + 2]):
                folded = "减"  # 总价值-总成本: a minus between words is 减
            if tn.is_blank(folded) and not numeric_mark:
                continue
            chars.append(folded)
            origin.append(index)
            sentence.append(sentence_number)
            clause.append(clause_number)
    text = "".join(chars)
    keep = _keep_mask(text)
    positions = [i for i, kept in enumerate(keep) if kept]
    reading = Reading(
        raw, "".join(text[i] for i in positions), [origin[i] for i in positions], [sentence[i] for i in positions], [clause[i] for i in positions]
    )
    return _canonicalise(reading, lexicon)


def _is_han(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def _keep_mask(text: str) -> list[bool]:
    """Which characters stay in the skeleton: fillers go, except inside words (及时, 之间)."""
    protected = [False] * len(text)
    for match in tn.PROTECTED_RE.finditer(text):
        for index in range(match.start(), match.end()):
            protected[index] = True
    return [protected[i] or char not in tn.FILLER_CHARS for i, char in enumerate(text)]


def _canonicalise(reading: Reading, lexicon: Lexicon) -> Reading:
    """Synonyms replaced by their heads, then 阶段 -> 期 and 型/类 dropped, keeping each character's origin."""
    # 第一代 -> 第1代, as in the key's skeleton.
    reading = _rewrite(reading, [(m.start(), m.end(), _as_digits(reading.text, m)) for m in _NUMERAL_RE.finditer(reading.text)])
    reading = _rewrite(reading, lexicon.spans(reading.text))
    return _rewrite(reading, variant_spans(reading.text))


def _as_digits(text: str, match: re.Match[str]) -> str:
    """A counting numeral as digits when its neighbours make it one (第四代, 四个), else as written."""
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return tn.canonical_numerals(before + match.group(0) + after)[1:-1] or match.group(0)


def _rewrite(reading: Reading, replacements: list[tuple[int, int, str]]) -> Reading:
    """The reading with text[start:end] replaced by each replacement; new characters come from the span's start."""
    if not replacements:
        return reading
    text = reading.text
    chars: list[str] = []
    origin: list[int] = []
    sentence: list[int] = []
    clause: list[int] = []
    position = 0

    def copy(start: int, end: int) -> None:
        chars.extend(text[start:end])
        origin.extend(reading.origin[start:end])
        sentence.extend(reading.sentence[start:end])
        clause.extend(reading.clause[start:end])

    for start, end, replacement in replacements:
        if start < position:
            continue
        copy(position, start)
        for offset, char in enumerate(replacement):
            source = min(start + offset, end - 1)
            chars.append(char)
            origin.append(reading.origin[source])
            sentence.append(reading.sentence[source])
            clause.append(reading.clause[source])
        position = end
    copy(position, len(text))
    return Reading(reading.raw, "".join(chars), origin, sentence, clause)
