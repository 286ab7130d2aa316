"""How students write a short answer, reduced to the answer itself.

One place for the forms a teacher reads past, shared by fill blanks, judge
corrections and key points:

* lead-ins: 是…, 应该是…, 我认为是…, 答：…, 第一空：…;
* a restatement of the blank: ``b是感知值`` where the prompt names b;
* a gloss after the key: ``移情性（设身处地为客户着想）``, ``2，即…``;
* the prompt's own words around the blank typed into it: ``渠道要素`` for ``____要素``;
* a justification after the answer: ``不进货，因为库存足够``;
* arrows and 依次为 as list separators: ``考察期→形成期``;
* numbers in words: 百分之二十, 二成, 八十, 四分之三, 3/4.

Every function returns *candidates*: the caller still matches each one
against the key with all its checks, so stripping can only reveal an answer,
never make a wrong one right.
"""

from __future__ import annotations

import math
import re

from revise.bank.model import BLANK_RE
from revise.grading import textnorm as tn

_OPENERS = r"[\s\"'“‘「『【\[(]*"
# Lead-ins, longest first; applied repeatedly (答：我认为是…).
_LEAD_IN_RE = re.compile(
    r"^\s*(?:"
    r"(?:答案|答|回答|解|填)\s*[:：]?"
    r"|第\s*[一二三四五六七八九十\d]{1,2}\s*(?:空|题|个)\s*[:：]?"
    r"|[(（]?\s*[一二三四五六七八九十\d]{1,2}\s*[)）]"
    r"|(?:我|个人)?(?:认为|觉得|想)(?:应该|应当)?(?:是|为)?"
    r"|(?:应该|应当|应)(?:是|为|填)"
    r"|(?:正确答案|答案)(?:应该|应当|应)?(?:是|为)"
    r"|(?:这|此|该)(?:是|叫|叫做|称为)"
    r"|叫做|称为|即为|就是|是|为"
    r")\s*[:：,，]?\s*"
)
_JUSTIFICATION_RE = re.compile(r"\s*[,，;；.。:：]?\s*(?:因为|由于|原因是|理由是|所以说|这是因为|因此|所以|since|because)")
_GLOSS_BRACKETS_RE = re.compile(r"^(.+?)\s*[(（\[【][^()（）]*[)）\]】]\s*[。.]?$")
_GLOSS_TAIL_RE = re.compile(r"^(.+?)\s*[,，;；]?\s*(?:即|也就是|也即|也称|又称|指的是|是指)[:：]?\s*\S")
# 考察期→形成期, 产品 -> 价格, A ⇒ B, 考察期＞形成期 (NFKC folds ＞ to >).
ARROWS_RE = re.compile(r"\s*(?:->|=>|→|⇒|⟶|➝|➔|➜|⟹|>|＞|—>|-->)\s*")
LIST_LEAD_RE = re.compile(r"^\s*(?:依次为|依次是|分别为|分别是|依次|分别|顺序为|顺序是)\s*[:：]?\s*")

MAX_AFFIX_CHARS = 4


def _folded(text: str) -> str:
    """Simplified script, NFKC and no control characters: the form the patterns here are written in."""
    return tn.to_simplified(tn.nfkc(tn.strip_control(text)))


def strip_lead_in(text: str) -> str:
    """The text without leading 是/应该是/我认为是/答：/第一空：…; the text itself when nothing would be left."""
    current = _folded(text).strip()
    for _ in range(4):
        stripped = _LEAD_IN_RE.sub("", current, count=1).strip()
        if not stripped or tn.is_blank(stripped) or stripped == current:
            break
        current = stripped
    return current


def strip_justification(text: str) -> str:
    """The text before 因为/由于/所以…: ``不进货，因为库存足够`` -> ``不进货``."""
    text = _folded(text)
    match = _JUSTIFICATION_RE.search(text)
    if match is None or match.start() == 0:
        return text
    head = text[: match.start()].strip()
    return head if head and not tn.is_blank(head) else text


def strip_gloss(text: str) -> str:
    """The key without an explanation after it: ``移情性（设身处地）`` or ``2，即…`` -> the key."""
    text = _folded(text)
    match = _GLOSS_BRACKETS_RE.match(text)
    if match:
        return match.group(1).strip()
    match = _GLOSS_TAIL_RE.match(text)
    if match:
        return match.group(1).strip()
    return text


def strip_restatement(text: str, prompt: str) -> str:
    """``b是感知值`` -> ``感知值`` when the prompt names what is restated (b)."""
    text = _folded(text)
    match = re.match(r"^\s*([^\s是为=:：,，]{1,4}?)\s*(?:是|为|=|:|：|就是|指)\s*(\S.*)$", text)
    if not match:
        return text
    named = tn.compact(match.group(1))
    if named and named in tn.compact(prompt):
        return match.group(2).strip()
    return text


def blank_context(prompt: str, blank: int) -> tuple[str, str]:
    """The prompt's text just before and just after a blank (a few characters each)."""
    parts = BLANK_RE.split(prompt)
    if blank + 1 >= len(parts):
        return "", ""
    before = tn.compact(parts[blank])[-MAX_AFFIX_CHARS:]
    after = tn.compact(parts[blank + 1])[:MAX_AFFIX_CHARS]
    return before, after


def strip_prompt_affix(text: str, before: str, after: str) -> list[str]:
    """The text without the prompt's own words typed around the blank: ``渠道要素`` for ``____要素``."""
    typed = tn.compact(text)
    found: list[str] = []
    for size in range(min(len(after), len(typed) - 1), 0, -1):
        if typed.endswith(after[:size]):
            found.append(typed[:-size])
    for size in range(min(len(before), len(typed) - 1), 0, -1):
        if typed.startswith(before[-size:]):
            found.append(typed[size:])
    return found


def variants(text: str, prompt: str = "", blank: int = 0) -> list[tuple[str, str]]:
    """Readings of a typed term, each with what was read past; the text as typed is not among them."""
    found: list[tuple[str, str]] = []
    seen = {text.strip()}

    def add(candidate: str, note: str) -> None:
        candidate = candidate.strip().rstrip("。.;；,，")
        if candidate and candidate not in seen and not tn.is_blank(candidate):
            seen.add(candidate)
            found.append((candidate, note))

    bare = strip_lead_in(text)
    add(bare, "略去引导语")
    if prompt:
        add(strip_restatement(bare, prompt), "略去复述")
    for candidate in [item for item, _ in list(found)] or [text]:
        add(strip_justification(candidate), "略去理由")
    for candidate in [item for item, _ in list(found)] + [text]:
        add(strip_gloss(strip_justification(candidate)), "略去解释")
    if prompt:
        before, after = blank_context(prompt, blank)
        if before or after:
            for candidate in [item for item, _ in list(found)] + [text]:
                for stripped in strip_prompt_affix(candidate, before, after):
                    add(stripped, "略去题干中已有的字")
    return found


def split_arrows(text: str) -> str:
    """A list written with arrows or after 依次为, as a list separated by 、."""
    text = LIST_LEAD_RE.sub("", _folded(text), count=1)
    return ARROWS_RE.sub("、", text)


# -- numbers in words --------------------------------------------------------------------

_DIGITS = r"\d+(?:\.\d+)?"
_HAN_NUMBER = "[零〇一二两三四五六七八九十百千万点]+"
_NUMBER_FORMS = (
    (re.compile(rf"^百分之({_DIGITS}|{_HAN_NUMBER})$"), "percent"),
    (re.compile(rf"^千分之({_DIGITS}|{_HAN_NUMBER})$"), "permille"),
    (re.compile(rf"^({_DIGITS}|{_HAN_NUMBER})\s*成$"), "tenths"),
    (re.compile(rf"^({_DIGITS}|{_HAN_NUMBER})\s*分之\s*({_DIGITS}|{_HAN_NUMBER})$"), "fraction_words"),
    (re.compile(rf"^({_DIGITS})\s*/\s*({_DIGITS})$"), "fraction"),
    (re.compile(rf"^({_DIGITS})\s*%$"), "percent"),
    (re.compile(rf"^({_DIGITS})\s*‰$"), "permille"),
    (re.compile(rf"^[-+]?{_DIGITS}$"), "plain"),
    (re.compile(rf"^{_HAN_NUMBER}$"), "plain"),
)


def _value(text: str) -> float | None:
    """A number in digits (12, 0.85) or Chinese (八十, 三点五)."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    whole, _, decimals = text.partition("点")
    integer = tn.chinese_number(whole) if whole else None
    if integer is None:
        return None
    if not decimals:
        return float(integer)
    if any(char not in tn.CHINESE_DIGITS for char in decimals):
        return None
    return float(f"{integer}.{''.join(str(tn.CHINESE_DIGITS[char]) for char in decimals)}")


def number_value(text: str) -> float | None:
    """The value of an answer that is one number, in any written form; percent as a fraction (二成 = 0.2)."""
    folded = tn.to_simplified(tn.nfkc(tn.strip_control(text))).strip().rstrip("。.").replace(",", "")
    if not folded or len(folded) > 24:
        return None
    for pattern, kind in _NUMBER_FORMS:
        match = pattern.match(folded)
        if not match:
            continue
        if kind == "plain":
            value = _value(folded)
        elif kind == "fraction_words":
            denominator, numerator = _value(match.group(1)), _value(match.group(2))
            value = numerator / denominator if numerator is not None and denominator else None
        elif kind == "fraction":
            numerator, denominator = _value(match.group(1)), _value(match.group(2))
            value = numerator / denominator if numerator is not None and denominator else None
        else:
            base = _value(match.group(1))
            scale = {"percent": 100, "permille": 1000, "tenths": 10}[kind]
            value = base / scale if base is not None else None
        if value is not None and math.isfinite(value):
            return value
        return None
    return None


def same_number(first: float, second: float) -> bool:
    """Equal as written numbers (0.1 + 0.2 == 0.3)."""
    return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-12)
