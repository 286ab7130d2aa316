"""Normalisation of typed Chinese answers, applied alike to the key and to the answer.

The steps follow the measured facts in the project notes:

* NFKC folds full-width letters, digits and punctuation (ＣＲＭ -> CRM, ① -> 1);
* OpenCC ``t2s`` turns Traditional script into Simplified without rewriting
  phrases (``tw2sp`` would turn 呼叫中心 into 调用中心, so it is never used);
* case folding;
* numerals that count things are written as digits: 第四代 -> 第4代;
* punctuation and whitespace are dropped when comparing terms;
* the filler characters 的 之 和 与 及 can be dropped to compare "skeletons".

Homophone checks read pypinyin's per-character table lazily, without importing
pypinyin itself (whose phrase dictionary costs ~300 ms), and cache each
character's readings. Nothing here imports Textual, and every function is
deterministic and total: any string in, no exception out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

FILLER_CHARS = frozenset("的之和与及")
# Words in which a filler character carries meaning and must stay.
PROTECTED_FILLER_WORDS = ("及时", "之间", "之前", "之后", "之一", "总和", "目的", "的确", "和谐", "参与", "给与", "与其", "以及")
# Characters whose change always changes the meaning: numerals and negations.
CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    # The "financial" forms, as in 第贰代.
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "拾": 10, "佰": 100, "仟": 1000}
NUMERAL_CHARS = frozenset(CHINESE_DIGITS) | frozenset(CHINESE_UNITS) | frozenset("0123456789./%‰")
NEGATION_CHARS = frozenset("不非无未没莫勿否")
# A run of Latin letters this short is an acronym (CRM, CTI, 4P's P): never a typo.
ACRONYM_MAX_LETTERS = 4

# 、 is left alone by NFKC; the others are already folded to ASCII by then.
HARD_SEPARATORS_RE = re.compile(r"\s*[、,;/|\n\r]+\s*")
# 和/与/及 between two items, but not at an edge nor in 及时, 以及时, 总和, 和谐, 参与, 给与, 与其.
SOFT_SEPARATORS_RE = re.compile(r"\s+(?:and|&)\s+|\s*&\s*|\s+|(?<=\S)(?:以及(?!时)|(?<!总)和(?!谐)|(?<![参给])与(?!其)|(?<!以)及(?!时))(?=\S)")
LABEL_RE = re.compile(r"^\s*[^\s:,、;/]{1,12}?\s*:\s*(?=\S)")
ENUMERATOR_RE = re.compile(r"^\s*(?:\d{1,2}[.)、](?!\d)|[一二三四五六七八九十]{1,2}、)\s*")
BARE_ENUMERATOR_RE = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.)、]?\s*$")
BRACKETED_NUMBER_RE = re.compile(r"\(\d{1,2}\)")
# A known item may contain separators (计算机、电话、网络的集成): merge up to this many pieces.
MAX_MERGED_PIECES = 8
# Beyond this many pieces a typed list is not matched item by item.
MAX_TOKENS = 200
CIRCLED_NUMBERS_RE = re.compile("[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u24f5-\u24fe\u2776-\u2793]")

_CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+"
# 第四代 -> 第4代, 四个 -> 4个, 四p -> 4p (after case folding).
NUMERAL_CONTEXT_RE = re.compile(rf"(?<=第)({_CHINESE_NUMERAL})|({_CHINESE_NUMERAL})(?=[个种类代层级项步条阶a-z])")
PROTECTED_RE = re.compile("|".join(map(re.escape, PROTECTED_FILLER_WORDS)))

# Short strings (keys, options, typed terms) are normalised again and again.
_CACHE_MAX_CHARS = 200


# -- character classes -------------------------------------------------------


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph (the basic block and the common extensions)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F or 0xF900 <= code <= 0xFAFF


def is_latin(char: str) -> bool:
    """True for an ASCII letter."""
    return char.isascii() and char.isalpha()


def is_blank(text: str) -> bool:
    """True when the text has nothing but whitespace, punctuation and control characters.

    Symbols such as √ and × count as an answer; so does an emoji.
    """
    for char in text:
        category = unicodedata.category(char)
        if category[0] not in "PZC":
            return False
    return True


# -- the steps ----------------------------------------------------------------


def strip_control(text: str) -> str:
    """Control and format characters (NUL, ESC, zero-width joiners...) become spaces."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(char)[0] == "C" and char not in "\n\t" else char for char in text)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width letters and digits to ASCII, ① to 1, ： to :."""
    return unicodedata.normalize("NFKC", text)


_converter = None


def to_simplified(text: str) -> str:
    """Traditional to Simplified script with OpenCC ``t2s`` (loaded on first use)."""
    global _converter
    if text.isascii():
        return text
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def chinese_number(text: str) -> int | None:
    """The value of a Chinese integer numeral (四, 十二, 一百零五, 两千, 一万二千), or None."""
    if not text or any(char not in CHINESE_DIGITS and char not in CHINESE_UNITS for char in text):
        return None
    if all(char in CHINESE_DIGITS for char in text) and len(text) > 1:
        # 二〇二四 or 一二三: digits read one by one.
        return int("".join(str(CHINESE_DIGITS[char]) for char in text))
    above_yi = above_wan = section = 0
    number: int | None = None
    for char in text:
        if char in CHINESE_DIGITS:
            number = CHINESE_DIGITS[char]
        elif char == "万":
            above_wan = (section + (number or 0)) * 10_000
            section, number = 0, None
        elif char == "亿":
            above_yi = (above_wan + section + (number or 0)) * 100_000_000
            above_wan = section = 0
            number = None
        else:
            section += (1 if number is None else number) * CHINESE_UNITS[char]
            number = None
    return above_yi + above_wan + section + (number or 0)


def canonical_numerals(text: str) -> str:
    """Counting numerals as digits, so that 第四代 and 第4代 compare equal."""

    def replace(match: re.Match[str]) -> str:
        numeral = match.group(0)
        value = chinese_number(numeral)
        return match.group(0) if value is None else str(value)

    return NUMERAL_CONTEXT_RE.sub(replace, text) if any(char in NUMERAL_CHARS for char in text) else text


def normalize(text: str) -> str:
    """NFKC, control characters removed, Simplified script, case folded and counting numerals as digits.

    Punctuation and spacing are kept (runs of whitespace become one space), so
    the result can still be split into items.
    """
    text = to_simplified(nfkc(strip_control(text))).casefold()
    text = canonical_numerals(text)
    return " ".join(text.split())


def compact(text: str) -> str:
    """The normalised text without whitespace and punctuation: the form terms are compared in."""
    return _drop_punctuation(normalize(text))


# A decimal point or fraction bar between digits is part of the number: 2.5 is not 25, 3/4 is not 34.
# ...and so is a percent sign after digits: 2.5% is not 2.5.
_NUMBER_MARK_RE = re.compile(r"(?<=\d)[./](?=\d)|(?<=\d)[%‰]")
# Control characters never survive strip_control, so they can stand in for the marks while punctuation goes.
_MARK_CODES = {".": "\x01", "/": "\x02", "%": "\x03", "‰": "\x04"}
_CODE_MARKS = {code: mark for mark, code in _MARK_CODES.items()}


def _drop_punctuation(text: str) -> str:
    if "." in text or "/" in text or "%" in text or "‰" in text:
        text = _NUMBER_MARK_RE.sub(lambda match: _MARK_CODES[match.group(0)], text)
        kept = "".join(char for char in text if char in _CODE_MARKS or unicodedata.category(char)[0] not in "PZC")
        return "".join(_CODE_MARKS.get(char, char) for char in kept)
    return "".join(char for char in text if unicodedata.category(char)[0] not in "PZC")


def drop_fillers(text: str) -> str:
    """The text without the filler characters 的 之 和 与 及, except inside words like 及时."""
    if not any(char in FILLER_CHARS for char in text):
        return text
    protected = [False] * len(text)
    for match in PROTECTED_RE.finditer(text):
        for index in range(match.start(), match.end()):
            protected[index] = True
    return "".join(char for index, char in enumerate(text) if protected[index] or char not in FILLER_CHARS)


def filler_difference(key: str, typed: str) -> tuple[str, str]:
    """The filler characters the typed text adds and drops, compared with the key."""
    added = dropped = ""
    for filler in sorted(FILLER_CHARS):
        difference = typed.count(filler) - key.count(filler)
        if difference > 0:
            added += filler
        elif difference < 0:
            dropped += filler
    return added, dropped


@dataclass(frozen=True)
class NormText:
    """A text prepared for comparison, with what normalisation had to forgive."""

    raw: str
    compact: str  # normalised, without whitespace and punctuation
    skeleton: str  # compact, without filler characters
    traditional: bool  # the Traditional-to-Simplified step changed something
    full_width: bool  # NFKC changed a letter or digit
    weight: int = 0  # text_weight(skeleton): how many slips the text can absorb


def text_weight(skeleton: str) -> int:
    """The length that decides how many typos a term can absorb.

    Ideographs and digits count 1 each, a Latin acronym (up to 4 letters) 1, a longer word its letters.
    """
    weight = 0
    run = 0
    for char in skeleton + "\0":
        if is_latin(char):
            run += 1
            continue
        if run:
            weight += run if run > ACRONYM_MAX_LETTERS else 1
            run = 0
        if char != "\0":
            weight += 1
    return weight


def prepare(text: str) -> NormText:
    """A :class:`NormText` for any text; short texts are cached."""
    if len(text) <= _CACHE_MAX_CHARS:
        return _prepare_cached(text)
    return _prepare(text)


@lru_cache(maxsize=65_536)
def _prepare_cached(text: str) -> NormText:
    return _prepare(text)


def _prepare(text: str) -> NormText:
    cleaned = nfkc(strip_control(text))
    simplified = to_simplified(cleaned)
    traditional = simplified != cleaned
    # Full-width letters and digits (ＣＲＭ, １２); full-width punctuation is normal Chinese.
    full_width = any(0xFF10 <= ord(char) <= 0xFF19 or 0xFF21 <= ord(char) <= 0xFF3A or 0xFF41 <= ord(char) <= 0xFF5A for char in text)
    compact_text = _drop_punctuation(canonical_numerals(simplified.casefold()))
    skeleton = drop_fillers(compact_text)
    return NormText(text, compact_text, skeleton, traditional, full_width, text_weight(skeleton))


# -- splitting answers into items ----------------------------------------------


def strip_label(text: str) -> str:
    """The text without a leading label such as ``4C：`` or ``答案：`` (NFKC-folded colons)."""
    folded = nfkc(text)
    match = LABEL_RE.match(folded)
    return folded[match.end() :] if match else folded


def split_hard(text: str) -> list[str]:
    """Pieces separated by 、，, ; ；/ | or line breaks; circled and bracketed numbers ① (2) also separate."""
    return [folded[start:end].strip() for start, end, folded in _hard_spans(text)]


def _prefold(text: str) -> str:
    """Enumerators that cannot be part of a term become separators, then NFKC."""
    text = CIRCLED_NUMBERS_RE.sub("、", text)  # before NFKC turns ① into a bare 1
    text = nfkc(strip_control(text))
    return BRACKETED_NUMBER_RE.sub("、", text)


def _hard_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded text) of each non-blank piece between hard separators."""
    folded = _prefold(text)
    spans = []
    position = 0
    for match in HARD_SEPARATORS_RE.finditer(folded):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(folded)))
    return [(start, end, folded) for start, end in spans if not is_blank(folded[start:end])]


def split_soft(piece: str) -> list[str]:
    """Tokens of a piece separated by whitespace, 和/与/及/以及 or "and"."""
    return [token for token in SOFT_SEPARATORS_RE.split(piece) if token and not is_blank(token)]


def strip_enumerator(item: str) -> str:
    """An item without a leading "1." "2)" "3、" or "一、"; the item itself when nothing would be left."""
    stripped = ENUMERATOR_RE.sub("", item, count=1).strip()
    return stripped or item


def split_items(text: str, is_item: Callable[[str], bool] | None = None) -> list[str]:
    """The items of a typed list.

    Every separator - hard (、，, ; ；/ | line breaks) or soft (whitespace,
    和/与/及/以及, "and") - is a possible split, but a run of pieces that
    `is_item` accepts as one item stays whole: ``计算机、电话、网络的集成`` and
    ``追踪和反馈补救结果`` are single items when known, ``价格和促销`` is two.
    Unknown pieces between soft separators stay together (one wrong item, not
    three). Enumerators (1. 2、 ① (3)) and a leading label (``4C：``) are
    dropped. Without `is_item` every separator splits.
    """
    folded = strip_label(_prefold(text))
    if is_item is None:
        return [strip_enumerator(token) for piece in split_hard(folded) for token in split_soft(piece) if not _is_bare_enumerator(token)]
    tokens = _tokens(folded)
    items: list[tuple[str, bool, int]] = []  # (text, known, start in folded)
    index = 0
    while index < len(tokens):
        if index >= MAX_TOKENS:  # a runaway answer: count the rest, do not match it
            items.extend((folded[start:end], False, start) for start, end, _hard in tokens[index:])
            break
        found = None
        for last in range(min(len(tokens), index + MAX_MERGED_PIECES) - 1, index - 1, -1):
            candidate = folded[tokens[index][0] : tokens[last][1]].strip()
            if is_item(candidate):
                found = (candidate, last)
                break
            if last == index:
                stripped = strip_enumerator(candidate)
                if stripped != candidate and is_item(stripped):
                    found = (stripped, last)
        if found is not None:
            items.append((found[0], True, tokens[index][0]))
            index = found[1] + 1
            continue
        start, end, hard_before = tokens[index]
        if items and not items[-1][1] and not hard_before:
            # Unknown tokens of one hard piece stay together: one wrong item, not several.
            start = items.pop()[2]
        items.append((folded[start:end].strip(), False, start))
        index += 1
    result = []
    for item, known, _start in items:
        if known:
            result.append(item)
        elif not _is_bare_enumerator(item):
            result.append(strip_enumerator(item))
    return result


def _tokens(folded: str) -> list[tuple[int, int, bool]]:
    """(start, end, follows a hard separator) of every piece between separators of any kind."""
    tokens: list[tuple[int, int, bool]] = []
    for start, end, _text in _hard_spans(folded):
        position = start
        first = True
        for match in SOFT_SEPARATORS_RE.finditer(folded, start, end):
            if not is_blank(folded[position : match.start()]):
                tokens.append((position, match.start(), first))
                first = False
            position = match.end()
        if not is_blank(folded[position:end]):
            tokens.append((position, end, first))
    return tokens


def _is_bare_enumerator(item: str) -> bool:
    return bool(BARE_ENUMERATOR_RE.match(item))


# -- pinyin homophones --------------------------------------------------------------

_pinyin_table: dict[int, str] | None = None


def _load_pinyin_table() -> dict[int, str]:
    """pypinyin's per-character readings, read without importing the package (~50 ms, not ~300 ms)."""
    global _pinyin_table
    if _pinyin_table is None:
        table: dict[int, str] = {}
        try:
            import importlib.util
            from pathlib import Path

            spec = importlib.util.find_spec("pypinyin")
            if spec is not None and spec.origin:
                module_path = Path(spec.origin).parent / "pinyin_dict.py"
                module_spec = importlib.util.spec_from_file_location("_revise_pinyin_dict", module_path)
                if module_spec is not None and module_spec.loader is not None:
                    module = importlib.util.module_from_spec(module_spec)
                    module_spec.loader.exec_module(module)
                    table = dict(module.pinyin_dict)
        except Exception:  # a different pypinyin layout: fall back to its public API below
            table = {}
        _pinyin_table = table
    return _pinyin_table


@cache
def readings(char: str) -> frozenset[str]:
    """The toneless pinyin readings of one character (empty for non-Chinese characters)."""
    if len(char) != 1 or not is_cjk(char):
        return frozenset()
    table = _load_pinyin_table()
    if table:
        raw = table.get(ord(char))
        if raw is None:
            return frozenset()
        return frozenset(_toneless(reading) for reading in raw.split(","))
    from pypinyin import Style, pinyin  # the public API, if the table could not be read

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(found[0]) if found else frozenset()


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading.strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("v", "u")


def are_homophones(first: str, second: str) -> bool:
    """True when two different Chinese characters share a reading, tones ignored (心/芯, 度/渡)."""
    if first == second:
        return False
    return bool(readings(first) & readings(second))
