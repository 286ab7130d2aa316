"""计算: the number a student arrives at, in digits, words, fractions or percent."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from revise.bank.model import NumericQuestion, format_number
from revise.grading import phrasing
from revise.grading import textnorm as tn
from revise.grading.result import Result, correct, echo, wrong
from revise.grading.terms import Context, find_in_text, match_term

_NUMBER_RE = re.compile(r"(?<![0-9.,])([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*/\s*(\d+(?:\.\d+)?))?\s*(%|‰|万|亿)?")
_CHINESE_NUMBER_RE = re.compile(r"(负)?(百分之)?([零〇一二两三四五六七八九十百千万亿]+)(?:点([零〇一二三四五六七八九]+))?")


@dataclass(frozen=True)
class Number:
    value: float
    percent: bool  # written with % (or 百分之)
    text: str
    scale: str = ""  # 万 or 亿 written after the digits


def parse_numbers(text: str) -> list[Number]:
    """The numbers written in an answer: 12, 1,200, -3.5, 6/5, 120%, 十二, 百分之二十."""
    folded = tn.to_simplified(tn.nfkc(tn.strip_control(text))).replace("−", "-").replace("，", ",")
    numbers: list[Number] = []
    for match in _NUMBER_RE.finditer(folded):
        sign, whole, decimals, denominator, percent = match.groups()
        try:
            value = float(whole.replace(",", "") + (decimals or ""))
            if denominator is not None:
                divisor = float(denominator)
                if divisor == 0:
                    continue
                value /= divisor
        except (ValueError, OverflowError):
            continue
        if not math.isfinite(value):
            continue
        if sign == "-":
            value = -value
        if percent == "‰":
            value /= 10
        elif percent in ("万", "亿"):
            value *= 10_000 if percent == "万" else 100_000_000
        numbers.append(Number(value, percent in ("%", "‰"), match.group(0).strip(), percent if percent in ("万", "亿") else ""))
    if numbers:
        return numbers
    for match in _CHINESE_NUMBER_RE.finditer(tn.to_simplified(folded)):
        negative, percent, whole, decimals = match.groups()
        scale = ""
        if whole[-1:] in ("万", "亿") and len(whole) > 1 and not decimals:
            scale = whole[-1]  # 三十五万元 when the unit is 万元: the 万 may belong to the unit
        integer = tn.chinese_number(whole)
        if integer is None:
            continue
        number = float(integer)
        if decimals:
            number = float(f"{integer}.{''.join(str(tn.CHINESE_DIGITS[c]) for c in decimals)}")
        numbers.append(Number(-number if negative else number, percent is not None, match.group(0), scale))
    return numbers


def numeric_expected(question: NumericQuestion, params: dict[str, float] | None) -> float:
    if question.params:
        if params is None:
            raise ValueError(f"numeric question {question.id!r} shows generated values: pass the params shown to the student")
        missing = [p.name for p in question.params if p.name not in params]
        if missing:
            raise ValueError(f"numeric question {question.id!r} needs params {', '.join(missing)}")
    return question.expected(params or {})


def numeric_display(value: float, unit: str | None) -> str:
    shown = format_number(round(value, 6))
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def number_gap(given: float, expected: float) -> str:
    """How a wrong number differs from the key, in numbers: "（比正确值大 22.5，是它的 10 倍）"."""
    if not (math.isfinite(given) and math.isfinite(expected)) or given == expected:
        return ""
    difference = given - expected
    text = f"（比正确值{'大' if difference > 0 else '小'} {format_number(round(abs(difference), 6))}"
    if expected and given:
        ratio = given / expected
        for power in (10, 100, 1000):
            if math.isclose(ratio, power, rel_tol=1e-6) or math.isclose(ratio, 1 / power, rel_tol=1e-6):
                text += f"，差了 {power} 倍：检查小数点"
                break
    return text + "）"


def grade_numeric(
    question: NumericQuestion, response: str, expected_display: str, params: dict[str, float] | None, context: Context, *, unit_shown: bool = False
) -> Result:
    expected = numeric_expected(question, params)
    tolerance = question.tolerance
    # "不进货，因为库存还有30箱": the answer is what comes before the reasoning.
    answer = phrasing.strip_justification(phrasing.strip_lead_in(response))
    if answer != response and not tn.is_blank(answer):
        response = answer
    text = tn.prepare(response)
    # Textual forms: {0: [不进货]} when the key is 0, and forms accepted whatever the value.
    forms = [form for value, texts in question.accept.items() if tolerance.allows(expected, value) for form in texts]
    forms += list(question.accept_always)
    if forms:
        match = match_term(response, forms, context, distractors=False)
        if match.accepted:
            return correct(expected_display, [note for note in match.notes if not note.startswith("标准说法")])
        found, found_notes = find_in_text(text, forms)
        if found and not parse_numbers(response):
            return correct(expected_display, found_notes)
    other_forms = [form for value, texts in question.accept.items() if not tolerance.allows(expected, value) for form in texts]
    if other_forms and not parse_numbers(response) and match_term(response, other_forms, distractors=False).accepted:
        return wrong(expected_display, f"「{echo(response)}」不对")
    # The final answer: after the last = or ≈, the last number.
    final = re.split(r"[=≈]|约为|约等于|等于", tn.nfkc(response))[-1]
    numbers = parse_numbers(final) or parse_numbers(response)
    if not numbers:
        return wrong(expected_display, f"没有找到数字：「{echo(response)}」")
    number = numbers[-1]
    if number.scale and question.unit and question.unit.startswith(number.scale):
        # "43万元" when the unit is 万元: the 万 belongs to the unit.
        number = Number(number.value / (10_000 if number.scale == "万" else 100_000_000), False, number.text)
    notes: list[str] = []
    candidates: list[tuple[float, str]] = []
    if number.percent:
        if question.unit == "%":
            candidates.append((number.value, ""))
        else:
            candidates.append((number.value / 100, f"{number.text} 即 {format_number(round(number.value / 100, 10))}"))
    else:
        candidates.append((number.value, ""))
        if question.unit == "%" and 0 < abs(number.value) <= 1:
            candidates.append((number.value * 100, f"{number.text} 即 {format_number(round(number.value * 100, 10))}%"))
    for value, note in candidates:
        if tolerance.allows(expected, value):
            if note:
                notes.append(note)
            if len({n.value for n in numbers}) > 1:
                notes.append(f"按最后的数 {number.text} 评分")
            if question.unit and question.unit != "%" and not unit_shown and question.unit not in tn.to_simplified(tn.nfkc(response)):
                notes.append(f"别忘了单位“{question.unit}”")
            return correct(expected_display, notes)
    hint = ""
    value = candidates[0][0]
    if expected and (tolerance.allows(expected, value / 100) or tolerance.allows(expected, value * 100)):
        hint = "；注意小数与百分数的换算"
    gap = number_gap(value, expected) if not hint else ""
    return wrong(expected_display, f"「{echo(number.text)}」不对：算得 {format_number(round(value, 6))}，应为 {format_number(round(expected, 6))}{gap}{hint}")
