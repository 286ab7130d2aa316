"""判断 and 判断并改错: the judgment token, then the correction."""

from __future__ import annotations

import re
from collections.abc import Sequence

from revise.bank.model import JudgeQuestion, TrueFalseQuestion
from revise.grading import phrasing
from revise.grading import textnorm as tn
from revise.grading.result import Result, correct, echo, scored, wrong
from revise.grading.terms import Context, TermMatch, find_in_text, match_term

TRUE_TOKENS = ("正确", "对的", "对", "是的", "是", "√", "✓", "✔", "☑", "true", "yes", "t", "y", "v")
FALSE_TOKENS = ("不正确", "不对", "不是", "错误", "错的", "错", "否", "×", "✗", "✘", "☒", "╳", "x", "false", "no", "f", "n")
_TOKENS = sorted([(token, True) for token in TRUE_TOKENS] + [(token, False) for token in FALSE_TOKENS], key=lambda item: -len(item[0]))
_JUDGMENT_PREFIX_RE = re.compile(r"^[\s(\[【\"'“‘「『]*(?:(?:答案|答|判断)\s*:?\s*)?[\s(\[【\"'“‘「『]*")
_CLOSERS = ")]】\"'”’」』"


def parse_judgment(text: str) -> tuple[bool | None, str]:
    """The judgment token at the start of an answer (对/错, √/×, T/F...) and the rest of the text."""
    # Not tn.normalize: the rest is echoed back, and 第四代 should stay as typed.
    folded = tn.to_simplified(tn.nfkc(tn.strip_control(text))).casefold().strip()
    folded = _JUDGMENT_PREFIX_RE.sub("", folded, count=1)
    for token, value in _TOKENS:
        if folded.startswith(token):
            rest = folded[len(token) :]
            if token.isascii() and token.isalpha() and rest[:1].isascii() and rest[:1].isalpha():
                continue  # "fine" does not start with F
            return value, rest.lstrip(_CLOSERS)
    return None, folded


def grade_truefalse(question: TrueFalseQuestion, response: str, expected: str, given: bool | None = None) -> Result:
    judgment = given if given is not None else parse_judgment(response)[0]
    if judgment is None:
        return wrong(expected, f"无法识别「{echo(response)}」：请答“对”或“错”")
    if judgment == question.answer:
        return correct(expected)
    return wrong(expected, "本题的说法" + ("是对的" if question.answer else "是错的"), show_expected=False)


_CORRECTION_LEADS = (
    "正确答案应为",
    "正确答案应是",
    "正确答案是",
    "正确的应该是",
    "正确的是",
    "应该改为",
    "应该改成",
    "应改为",
    "应改成",
    "应该为",
    "应该是",
    "应当为",
    "应当是",
    "改正为",
    "更正为",
    "改为",
    "改成",
    "应为",
    "应是",
    "而是",
    "应",
    "为",
    "是",
    "->",
    "→",
    "=>",
    "=",
)
_CORRECTION_MARKERS_RE = re.compile("|".join(re.escape(lead) for lead in _CORRECTION_LEADS if len(lead) >= 2 and lead not in ("->", "=>")) + "|->|→|=>")


def _strip_correction_lead(text: str) -> str:
    for _ in range(4):
        before = text
        text = text.strip().lstrip(",.:;、!?~ 。").strip()
        for lead in _CORRECTION_LEADS:
            if text.startswith(lead) and len(text) > len(lead):
                text = text[len(lead) :]
                break
        if text == before:
            break
    return text.strip().rstrip(",.;、!?~ 。")


def _grade_correction(corrections: tuple[str, ...], rest: str, context: Context) -> TermMatch:
    """Whether the text after a 错 judgment gives the right correction."""
    stated = _strip_correction_lead(rest)
    if not stated or tn.is_blank(stated):
        return TermMatch(False, reason="")
    # "应改为第二代，因为第一代只有人工坐席": the justification is not the correction.
    candidate = _strip_correction_lead(phrasing.strip_justification(stated)) or stated
    match = match_term(candidate, corrections, context)
    if match.accepted:
        return match
    for reading, note in phrasing.variants(candidate):
        reading_match = match_term(reading, corrections, context)
        if reading_match.accepted and not _names_other_terms(tn.prepare(candidate), corrections, context):
            return TermMatch(True, reading_match.cost, reading_match.form, (note, *reading_match.notes))
    # "便利应为沟通": what follows the last 应为/改为 is the correction.
    markers = list(_CORRECTION_MARKERS_RE.finditer(candidate))
    if markers:
        tail = _strip_correction_lead(candidate[markers[-1].end() :])
        if tail:
            return match_term(tail, corrections, context)
    if match.known or (match.edits is not None and match.edits.blocker):
        return match  # exactly another term, or a changed numeral or negation
    # "应该是沟通才对": the correction inside a sentence, unless another term of
    # the concept is named too ("促销对应的是沟通" does not say which is meant).
    text = tn.prepare(candidate)
    found, notes = find_in_text(text, corrections)
    if found and not _names_other_terms(text, corrections, context):
        return TermMatch(True, 0.5, 0, notes)
    return match


def _names_other_terms(text: tn.NormText, corrections: Sequence[str], context: Context) -> bool:
    """True when the text contains a member of the question's or a confusable concept, or a rejected term, other than the key."""
    keys = {tn.prepare(form).skeleton for form in corrections}
    terms = [k.skeleton for k in context.local]
    concept = context.concept
    if concept is not None and context.bank is not None:
        related = [concept] + [context.bank.concepts[c] for c in concept.confusable if c in context.bank.concepts]
        terms += [tn.prepare(form).skeleton for c in related for member in c.members for form in member.forms]
    return any(term and term not in keys and not any(term in key for key in keys) and term in text.skeleton for term in terms)


def grade_judge(question: JudgeQuestion, response: str, expected: str, context: Context, given: tuple[bool, str] | None = None) -> Result:
    """Grade typed text, or a form's judgment and correction (`given`)."""
    judgment, rest = given if given is not None else parse_judgment(response)
    corrections = context.expand_everywhere(question.corrections) if question.corrections else ()
    if judgment is None:
        if not question.answer and corrections:
            correction = _grade_correction(corrections, rest, context)
            if correction.accepted:
                return scored(0.5, expected, "改正正确，但没有写判断（对/错）")
        return wrong(expected, f"无法识别「{echo(response)}」：请先答“对”或“错”")
    if judgment != question.answer:
        if question.answer or not question.corrections:
            return wrong(expected, "本题的说法" + ("是对的" if question.answer else "是错的"), show_expected=False)
        return wrong(expected, f"本题的说法是错的，应改为「{question.corrections[0]}」", show_expected=False)
    if question.answer or not corrections:
        return correct(expected)
    correction = _grade_correction(corrections, rest, context)
    if correction.accepted:
        return correct(expected, correction.notes)
    if not _strip_correction_lead(rest) or tn.is_blank(_strip_correction_lead(rest)):
        return scored(0.5, expected, f"判断正确，但没有改正；应为：{question.corrections[0]}")
    reason = correction.reason or f"改正「{echo(_strip_correction_lead(rest))}」不对"
    return scored(0.5, expected, f"判断正确，但改正不对：{reason}；应为：{question.corrections[0]}")
