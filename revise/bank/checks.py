"""Checks across the whole bank: duplicate ids, references, and the teacher's warnings."""

from __future__ import annotations

from revise.bank.model import Bank, Location
from revise.bank.yaml_source import Problem, Suggester


def check_bank(bank: Bank, problems: list[Problem]) -> None:
    """Cross-file checks: duplicate ids, references, and the teacher's warnings."""
    seen_questions: dict[str, Location] = {}
    seen_concepts: dict[str, Location] = {}
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            first = seen_concepts.setdefault(concept.id, concept.location)
            if first is not concept.location:
                problems.append(
                    Problem(concept.location.path, concept.location.line, "error", f'duplicate concept id "{concept.id}" (first defined at {first})')
                )
        for question in chapter.questions:
            first = seen_questions.setdefault(question.id, question.location)
            if first is not question.location:
                problems.append(
                    Problem(question.location.path, question.location.line, "error", f'duplicate question id "{question.id}" (first defined at {first})')
                )
    targeted = {q.concept for q in bank.questions.values()}
    concept_hint = Suggester(bank.concepts)
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            at = concept.location
            for other in concept.confusable:
                if other not in bank.concepts:
                    problems.append(
                        Problem(at.path, at.line, "error", f'concept "{concept.id}" lists unknown confusable concept "{other}"{concept_hint(other)}')
                    )
                elif other == concept.id:
                    problems.append(Problem(at.path, at.line, "error", f'concept "{concept.id}" lists itself as confusable'))
            if concept.id not in targeted and bank.concepts.get(concept.id) is concept:
                problems.append(Problem(at.path, at.line, "warning", f'concept "{concept.id}" has no questions pointing at it'))
        for question in chapter.questions:
            at = question.location
            if question.concept and question.concept not in bank.concepts:
                problems.append(
                    Problem(
                        at.path,
                        at.line,
                        "error",
                        f'question "{question.id}" refers to unknown concept "{question.concept}"{concept_hint(question.concept)}',
                    )
                )
            if not question.explanation:
                problems.append(Problem(at.path, at.line, "warning", f'question "{question.id}" has no explanation'))
            if not question.source:
                problems.append(Problem(at.path, at.line, "warning", f'question "{question.id}" has no source, and its chapter gives none'))
            elif bank.sources and question.source not in bank.sources:
                problems.append(
                    Problem(at.path, at.line, "warning", f'question "{question.id}" cites source "{question.source}", which bank.yaml gives no title')
                )
