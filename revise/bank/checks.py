"""Checks across the whole bank: duplicate ids, references, and the teacher's warnings."""

from __future__ import annotations

from revise.bank.model import Bank, Location, NumericQuestion
from revise.bank.params import parameter_space_problem
from revise.bank.yaml_source import Problem, Suggester


def check_formulas(bank: Bank, problems: list[Problem]) -> None:
    """Every numeric formula evaluated over its whole parameter space (validation only: it takes time)."""
    for question in bank.questions.values():
        if isinstance(question, NumericQuestion) and question.formula is not None and question.params:
            problem = parameter_space_problem(question)
            if problem:
                problems.append(Problem(question.location.path, question.location.line, "error", problem))


def check_bank(bank: Bank, problems: list[Problem]) -> None:
    """Cross-file checks: duplicate ids, references, and the teacher's warnings."""
    seen_questions: dict[str, Location] = {}
    seen_concepts: dict[str, Location] = {}
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            first = seen_concepts.setdefault(concept.id, concept.location)
            if first is not concept.location:
                problems.append(Problem(concept.location.path, concept.location.line, "error", f"概念 id“{concept.id}”重复了（第一次出现在 {first}）"))
        for question_id, location in chapter.declared_ids:
            first = seen_questions.setdefault(question_id, location)
            if first is not location:
                problems.append(Problem(location.path, location.line, "error", f"题目 id“{question_id}”重复了（第一次出现在 {first}）"))
    targeted = {q.concept for q in bank.questions.values()}
    concept_hint = Suggester(bank.concepts)
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            at = concept.location
            for other in concept.confusable:
                if other not in bank.concepts:
                    problems.append(Problem(at.path, at.line, "error", f"概念“{concept.id}”的 confusable 里有不存在的概念“{other}”{concept_hint(other)}"))
                elif other == concept.id:
                    problems.append(Problem(at.path, at.line, "error", f"概念“{concept.id}”把自己列为易混概念"))
            if concept.id not in targeted and bank.concepts.get(concept.id) is concept:
                problems.append(Problem(at.path, at.line, "warning", f"概念“{concept.id}”还没有题目指向它"))
        for question in chapter.questions:
            at = question.location
            if question.concept and question.concept not in bank.concepts:
                problems.append(
                    Problem(
                        at.path,
                        at.line,
                        "error",
                        f"题目“{question.id}”指向不存在的概念“{question.concept}”{concept_hint(question.concept)}",
                    )
                )
            if not question.explanation:
                problems.append(Problem(at.path, at.line, "warning", f"题目“{question.id}”没有解析（explanation）"))
            if not question.source:
                problems.append(Problem(at.path, at.line, "warning", f"题目“{question.id}”没有出处（source），所在章节也没有给出"))
            elif bank.sources and question.source not in bank.sources:
                problems.append(Problem(at.path, at.line, "warning", f"题目“{question.id}”的出处“{question.source}”在 bank.yaml 里没有标题"))
