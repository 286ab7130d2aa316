"""An ambiguity lint for a bank: where the grader and the bank disagree.

For each question it reports:

* another concept's answer that the grader accepts (a sibling member, a
  confusable concept's member, or another question's canonical answer);
* an ``accept`` form (an alternative of a blank or a correction, a member's
  accept form) that the grader refuses;
* a key point the question's own model answer does not make.

``revise validate --lint`` prints these as warnings at ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from revise.bank.model import Bank, FillQuestion, JudgeQuestion, Question, ShortQuestion
from revise.bank.yaml_source import Problem
from revise.grading import textnorm as tn

# Other questions' answers tried against each question: enough to catch a clash, cheap for a big bank.
MAX_OTHER_ANSWERS = 400


def _warning(path: Path, line: int, message: str) -> Problem:
    return Problem(path, line, "warning", message)


def lint_bank(bank: Bank) -> list[Problem]:
    """Every ambiguity the grader finds in the bank, in file and line order."""
    from revise.grading import grade  # the package imports this module's siblings, not this module

    problems: list[Problem] = []
    answers = _canonical_answers(bank)
    for question in bank.questions.values():
        here = question.location
        if isinstance(question, FillQuestion) and len(question.blanks) == 1:
            own = {tn.prepare(form).skeleton for form in question.blanks[0]}
            for form in question.blanks[0][1:]:
                if grade(question, form, bank).verdict != "correct":
                    problems.append(_warning(here.path, here.line, f"题目“{question.id}”：accept 里的写法“{form}”会被判错"))
            for text, owner in _others(question, bank, answers):
                if tn.prepare(text).skeleton in own:
                    continue
                if grade(question, text, bank).verdict == "correct":
                    problems.append(_warning(here.path, here.line, f"题目“{question.id}”：{owner}的答案“{text}”在这里会被判对"))
        elif isinstance(question, JudgeQuestion) and not question.answer and question.corrections:
            own = {tn.prepare(form).skeleton for form in question.corrections}
            for form in question.corrections[1:]:
                if grade(question, f"错，应为{form}", bank).verdict != "correct":
                    problems.append(_warning(here.path, here.line, f"题目“{question.id}”：改正写法“{form}”会被判错"))
            for text, owner in _others(question, bank, answers):
                if tn.prepare(text).skeleton not in own and grade(question, f"错，应为{text}", bank).verdict == "correct":
                    problems.append(_warning(here.path, here.line, f"题目“{question.id}”：把{owner}的答案“{text}”当作改正会被判对"))
        elif isinstance(question, ShortQuestion) and question.answer.strip():
            result = grade(question, question.answer, bank)
            for label in result.missed:
                problems.append(_warning(here.path, here.line, f"题目“{question.id}”：参考答案没有得到要点“{label}”"))
    for concept in bank.concepts.values():
        for member in concept.members:
            for form in member.accept:
                question = FillQuestion(id=f"{concept.id}:{member.term}", prompt="____", location=concept.location, concept=concept.id, blanks=(member.forms,))
                if grade(question, form, bank).verdict != "correct":
                    problems.append(_warning(concept.location.path, concept.location.line, f"概念“{concept.id}”：“{member.term}”的写法“{form}”会被判错"))
    return sorted(problems, key=lambda problem: (str(problem.path), problem.line, problem.message))


def _canonical_answers(bank: Bank) -> list[tuple[str, str, str | None]]:
    """(answer, whose, concept) for every single-term answer of the bank."""
    found: list[tuple[str, str, str | None]] = []
    for question in bank.questions.values():
        if isinstance(question, FillQuestion) and len(question.blanks) == 1 and question.blanks[0]:
            found.append((question.blanks[0][0], f"题目“{question.id}”", question.concept))
        elif isinstance(question, JudgeQuestion) and question.corrections:
            found.append((question.corrections[0], f"题目“{question.id}”", question.concept))
    for concept in bank.concepts.values():
        found.extend((member.term, f"概念“{concept.name}”", concept.id) for member in concept.members)
    return found


def _others(question: Question, bank: Bank, answers: list[tuple[str, str, str | None]]) -> Iterator[tuple[str, str]]:
    """Other concepts' answers to try: siblings and confusables first, then the rest of the bank."""
    concept = bank.concepts.get(question.concept) if question.concept else None
    near = {question.concept, *(concept.confusable if concept else ())} - {None}
    own_members = {tn.prepare(form).skeleton for member in (concept.members if concept else ()) for form in member.forms}
    seen: set[str] = set()
    ranked = sorted(answers, key=lambda item: 0 if item[2] in near else 1)
    for count, (text, owner, owner_concept) in enumerate(ranked):
        if count >= MAX_OTHER_ANSWERS:
            break
        if owner == f"题目“{question.id}”":
            continue
        skeleton = tn.prepare(text).skeleton
        if skeleton in seen:
            continue
        seen.add(skeleton)
        # A sibling that is the same member as the key is not another concept's answer.
        if owner_concept == question.concept and skeleton in own_members and question.concept is not None and _same_member(question, bank, skeleton):
            continue
        yield text, owner


def _same_member(question: Question, bank: Bank, skeleton: str) -> bool:
    if not isinstance(question, FillQuestion) or not question.concept:
        return False
    concept = bank.concepts.get(question.concept)
    keys = {tn.prepare(form).skeleton for blank in question.blanks for form in blank}
    for member in concept.members if concept else ():
        forms = {tn.prepare(form).skeleton for form in member.forms}
        if skeleton in forms and forms & keys:
            return True
    return False
