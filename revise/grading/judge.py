"""判断 and 判断并改错: the judgment token, then the correction."""

from __future__ import annotations

import re
from collections.abc import Sequence

from revise.bank.model import JudgeQuestion, TrueFalseQuestion
from revise.grading import freetext, phrasing
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
    # "应改为功能化，差异化是variation": the first clause is the correction, the rest explains it.
    clause = _first_clause_correction(candidate, corrections, context)
    if clause is not None:
        return clause
    # "便利应为沟通": what follows the last 应为/改为 is the correction.
    markers = list(_CORRECTION_MARKERS_RE.finditer(candidate))
    if markers:
        tail = _strip_correction_lead(candidate[markers[-1].end() :])
        if tail:
            return match_term(tail, corrections, context)
    text = tn.prepare(candidate)
    keys = frozenset(tn.prepare(form).skeleton for form in corrections)
    # 客户让渡价值 spreads out 客户价值, but it is another term of the course, not the key with a few words more.
    if _spread_out(text.skeleton, corrections) and not _names_other_terms(text, corrections, context) and not context.known_exact(text.skeleton, keys):
        return TermMatch(True, 0.5, 0, ("改正中多了几个字",))  # 企业一方付出较多 for 企业付出较多
    if match.known or (match.edits is not None and match.edits.blocker):
        return match  # exactly another term, or a changed numeral or negation
    # "应该是沟通才对": the correction inside a sentence, unless another term of
    # the concept is named too ("促销对应的是沟通" does not say which is meant).
    found, notes = find_in_text(text, corrections)
    if found and not _names_other_terms(text, corrections, context) and not _denied(candidate, corrections):
        return TermMatch(True, 0.5, 0, notes)
    return match


_CLAUSE_SPLIT_RE = re.compile(r"[,，;；。]")
# A clause after the correction that offers another answer rather than a reason.
_ALTERNATIVE_RE = re.compile(r"^(?:或者|或是|或|也可以|还可以|还是|也是)")


def _first_clause_correction(candidate: str, corrections: Sequence[str], context: Context) -> TermMatch | None:
    """The correction when it is the first clause and the clauses after it explain rather than answer again."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT_RE.split(tn.nfkc(candidate)) if c.strip()]
    if len(clauses) < 2:
        return None
    first = _strip_correction_lead(clauses[0])
    match = match_term(first, corrections, context)
    if not match.accepted:
        return None
    for rest in clauses[1:]:
        skeleton = tn.prepare(rest).skeleton
        if _CORRECTION_MARKERS_RE.search(rest) or _ALTERNATIVE_RE.match(rest) or context.known_exact(skeleton, frozenset()):
            return None  # another correction, an alternative, or a bare second term
    return TermMatch(True, match.cost, match.form, ("略去解释", *match.notes))


# Words a student puts between the words of a correction without changing it (企业一方付出较多).
MAX_SPREAD = 2


def _spread_out(skeleton: str, corrections: Sequence[str]) -> bool:
    """True when a correction's characters stand in order with a few words between them, none a negation or numeral."""
    for form in corrections:
        key = tn.prepare(form).skeleton
        if len(key) < 4 or any(char in tn.NEGATION_CHARS or char.isdigit() or char in _NUMERALS for char in key):
            continue
        start = skeleton.find(key[0])
        while start >= 0:
            position, inserted = start, list[str]()
            for char in key[1:]:
                found = skeleton.find(char, position + 1)
                if found < 0:
                    break
                inserted.extend(skeleton[position + 1 : found])
                position = found
            else:
                if 0 < len(inserted) <= MAX_SPREAD and not any(c in tn.NEGATION_CHARS or c.isdigit() for c in inserted):
                    return True
            start = skeleton.find(key[0], start + 1)
    return False


def _denied(candidate: str, corrections: Sequence[str]) -> bool:
    """True when the correction stands in a clause that denies it (服务补救不针对可能导致失误的环节)."""
    for clause in _CLAUSE_SPLIT_RE.split(tn.nfkc(candidate)):
        skeleton = tn.prepare(clause).skeleton
        for form in corrections:
            key = tn.prepare(form).skeleton
            position = skeleton.find(key) if key else -1
            if position > 0 and not freetext.is_negative(key) and freetext.is_negative(freetext.CONTRAST_RE.split(skeleton[:position])[-1]):
                return True
    return False


_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万")
# Joining words a list is made of (fillers 和与及 are already gone from a skeleton).
_CONJUNCTIONS = frozenset({"", "或", "或者", "还是", "以及"})


def _names_other_terms(text: tn.NormText, corrections: Sequence[str], context: Context) -> bool:
    """True when the text contains a member of the question's or a confusable concept, or a rejected term, other than the key.

    A term the question's own statement names (克服异议 in 「克服异议位于销售陈述之前」) may be
    restated around the correction, unless it is listed with it (功能化和差异化).
    """
    keys = {tn.prepare(form).skeleton for form in corrections}
    terms = [k.skeleton for k in context.local]
    concept = context.concept
    if concept is not None and context.bank is not None:
        related = [concept] + [context.bank.concepts[c] for c in concept.confusable if c in context.bank.concepts]
        terms += [tn.prepare(form).skeleton for c in related for member in c.members for form in member.forms]
    prompt = tn.prepare(context.question.prompt).skeleton
    for term in terms:
        if not term or term in keys or any(term in key for key in keys) or term not in text.skeleton:
            continue
        if term in prompt and not _listed_with_key(text.skeleton, term, keys):
            continue
        return True
    return False


def _listed_with_key(skeleton: str, term: str, keys: set[str]) -> bool:
    """True when the term stands next to a key in the text, joined only as a list is; or no key stands there word for word."""
    spots = [(m, m + len(key)) for key in keys if key for m in _positions(skeleton, key)]
    if not spots:
        return True
    for start in _positions(skeleton, term):
        end = start + len(term)
        for key_start, key_end in spots:
            between = skeleton[end:key_start] if end <= key_start else skeleton[key_end:start] if key_end <= start else None
            if between is not None and between in _CONJUNCTIONS:
                return True
    return False


def _positions(text: str, part: str) -> list[int]:
    found, position = [], text.find(part)
    while position >= 0:
        found.append(position)
        position = text.find(part, position + 1)
    return found


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
