"""Grade a typed answer the way a careful teacher would.

A teacher forgives slips of the hand and of the input method, and refuses an
answer that names a different concept however similar it looks. So matching
is not a similarity threshold (the project notes show why none works on
Chinese) but an account of each edit between the answer and the key:

* normalisation first (:mod:`revise.grading.textnorm`): full width, Traditional
  script, case, punctuation, 第四代 = 第4代, and the filler characters 的之和与及;
* then each remaining edit is weighed: a pinyin homophone (心/芯) is a cheap
  slip, any other change is a typo that only a long enough answer can absorb,
  and a change to a numeral, a negation (不/无/非...) or a short Latin acronym
  (4P/4C, CRM/CTI) is never a slip at all;
* finally the known wrong terms - other members of the concept, members of
  confusable concepts, the question's ``reject`` list and every other answer in
  the bank - veto a forgiven answer that is at least as close to one of them.

The bank's terms are indexed once per bank (see :func:`distractor_index`).
This module is Textual-free and deterministic.
"""

from __future__ import annotations

from revise.bank.model import (
    Bank,
    ChoiceQuestion,
    EssayQuestion,
    FillQuestion,
    JudgeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
    letter,
)
from revise.bank.response import Response
from revise.grading import textnorm as tn
from revise.grading.choice import grade_choice, grade_multi, parse_choice_letters
from revise.grading.distractors import DistractorIndex, Known, bank_terms, distractor_index
from revise.grading.edits import Edits, allowance, analyse, forgivable
from revise.grading.fill import grade_fill
from revise.grading.freetext import grade_free_text
from revise.grading.judge import grade_judge, grade_truefalse, parse_judgment
from revise.grading.match import expected_pairs, grade_match, parse_pairs
from revise.grading.numeric import grade_numeric, numeric_display, numeric_expected, parse_numbers
from revise.grading.result import VERDICTS, KeypointSpan, Result, wrong
from revise.grading.terms import Context, TermMatch, exact_match, find_in_text, match_term

# Term-like answers (fill, choice, judge, numeric) longer than this are not answers.
MAX_TERM_ANSWER_CHARS = 4_000

# -- the grader -----------------------------------------------------------------------------


def expected_text(question: Question, params: dict[str, float] | None = None) -> str:
    """The canonical answer as display text: "C. 促销", "A、C、E", "对", "错，应为：沟通", "12 箱"."""
    if isinstance(question, FillQuestion):
        return "、".join(blank[0] for blank in question.blanks if blank)
    if isinstance(question, ChoiceQuestion):
        return f"{letter(question.answer)}. {question.options[question.answer]}" if 0 <= question.answer < len(question.options) else letter(question.answer)
    if isinstance(question, MultiQuestion):
        return "、".join(letter(index) for index in sorted(question.answer))
    if isinstance(question, TrueFalseQuestion):
        return "对" if question.answer else "错"
    if isinstance(question, JudgeQuestion):
        if question.answer or not question.corrections:
            return "对" if question.answer else "错"
        return f"错，应为：{question.corrections[0]}"
    if isinstance(question, ShortQuestion):
        return question.answer.strip()
    if isinstance(question, NumericQuestion):
        return numeric_display(numeric_expected(question, params), question.unit)
    if isinstance(question, MatchQuestion):
        return expected_pairs(question)
    return ""


def grade(
    question: Question, response: Response | str, bank: Bank | None = None, *, params: dict[str, float] | None = None, unit_shown: bool = False
) -> Result:
    """Grade one response to a question: typed text, or the structured answer of a form.

    `bank` supplies the known wrong terms (its index is built once per bank)
    and its synonyms. `params` are the values shown to the student of a
    numeric question with params; leaving them out for such a question raises
    ValueError. `unit_shown`: the unit is printed beside the answer box, so a
    number typed without it is not reminded of it.
    """
    expected = expected_text(question, params)
    if isinstance(response, Response):
        structured = response
        text = response.display() if response.text == "" else response.text
    else:
        structured = None
        text = "" if response is None else str(response)
    if not (structured.has_answer() if structured is not None else not tn.is_blank(text)) or tn.is_blank(text):
        return Result("incorrect", 0.0, expected, "未作答", automatic=isinstance(question, ShortQuestion))
    context = Context(question, bank)
    if isinstance(question, (ShortQuestion, EssayQuestion)):
        return grade_free_text(question, text, expected, context)
    if structured is not None:
        by_form = _grade_structured(question, structured, text, expected, context)
        if by_form is not None:
            return by_form
    stripped = text.strip()
    if len(stripped) > MAX_TERM_ANSWER_CHARS:
        return wrong(expected, f"答案过长（{len(stripped):,} 字），不像是本题的答案")
    if isinstance(question, FillQuestion):
        return grade_fill(question, stripped, expected, context)
    if isinstance(question, ChoiceQuestion):
        return grade_choice(question, stripped, expected, context)
    if isinstance(question, MultiQuestion):
        return grade_multi(question, stripped, expected, context)
    if isinstance(question, TrueFalseQuestion):
        return grade_truefalse(question, stripped, expected)
    if isinstance(question, JudgeQuestion):
        return grade_judge(question, stripped, expected, context)
    if isinstance(question, NumericQuestion):
        return grade_numeric(question, stripped, expected, params, context, unit_shown=unit_shown)
    if isinstance(question, MatchQuestion):
        return grade_match(question, stripped, expected)
    raise TypeError(f"cannot grade a question of type {type(question).__name__}")


def _grade_structured(question: Question, response: Response, text: str, expected: str, context: Context) -> Result | None:
    """Grade the parts a form gave (blanks, choices, judgment, pairs); None to read the text instead."""
    if isinstance(question, FillQuestion) and response.blanks is not None:
        blanks = tuple(blank[:MAX_TERM_ANSWER_CHARS] for blank in response.blanks)
        return grade_fill(question, text, expected, context, given_blanks=blanks)
    if isinstance(question, (ChoiceQuestion, MultiQuestion)) and response.choices is not None:
        letters = "".join(letter(index) for index in sorted(response.choices) if index >= 0)
        if isinstance(question, ChoiceQuestion):
            return grade_choice(question, letters, expected, context)
        return grade_multi(question, letters, expected, context)
    if isinstance(question, TrueFalseQuestion) and response.judgment is not None:
        return grade_truefalse(question, text, expected, given=response.judgment)
    if isinstance(question, JudgeQuestion) and response.judgment is not None:
        return grade_judge(question, text, expected, context, given=(response.judgment, response.correction[:MAX_TERM_ANSWER_CHARS]))
    if isinstance(question, MatchQuestion) and response.pairs is not None:
        return grade_match(question, text, expected, pairs=response.pairs)
    return None


__all__ = [
    "VERDICTS",
    "DistractorIndex",
    "Edits",
    "KeypointSpan",
    "Known",
    "Response",
    "Result",
    "TermMatch",
    "allowance",
    "analyse",
    "bank_terms",
    "distractor_index",
    "exact_match",
    "expected_text",
    "find_in_text",
    "forgivable",
    "grade",
    "match_term",
    "parse_choice_letters",
    "parse_judgment",
    "parse_numbers",
    "parse_pairs",
]
