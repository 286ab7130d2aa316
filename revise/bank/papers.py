"""Mock-exam paper blueprints: parsing, validation against the bank, and drawing a paper.

A blueprint (``question_bank/papers/*.yaml``) says how many questions of each
type a paper has, their points, the time allowed and optional weights per
chapter. Drawing is random but reproducible: the same paper and seed always
give the same questions and the same numbers in numeric questions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from revise.bank.model import QUESTION_TYPES, TYPE_LABELS, Bank, Paper, Question, Section
from revise.bank.params import UndrawableError, draw_params, render_prompt
from revise.bank.yaml_source import NodeReader, Problem, read_yaml_file, suggest

PAPER_KEYS = ("id", "title", "minutes", "sections", "chapters", "description", "exclude_tags")
SECTION_KEYS = ("title", "type", "count", "points")
PAPER_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


@dataclass(frozen=True)
class DrawnQuestion:
    """A question placed on a paper, with its number, section and the numbers shown in it."""

    number: int
    section: int
    question: Question
    points: float
    params: dict[str, float]
    prompt: str


@dataclass
class DrawnPaper:
    """A concrete paper: the blueprint, the seed, and the questions in order."""

    paper: Paper
    seed: int
    questions: list[DrawnQuestion]

    def section_questions(self, index: int) -> list[DrawnQuestion]:
        """The questions of one section, in order."""
        return [q for q in self.questions if q.section == index]


class PaperParser(NodeReader):
    """Reads a blueprint file with the same typed accessors and messages as chapters."""

    def parse_paper(self, root: yaml.Node) -> Paper | None:
        """The paper in a file, or None when it is unusable."""
        fields = self.fields(root, "a paper", PAPER_KEYS)
        if fields is None:
            return None
        paper_id = self.identifier(self.require(fields, "id", root, "a paper"), PAPER_ID_RE, "paper id")
        title = self.text(self.require(fields, "title", root, "a paper"), '"title"')
        minutes = self.number(self.require(fields, "minutes", root, "a paper"), '"minutes"')
        sections_node = self.require(fields, "sections", root, "a paper")
        if None in (paper_id, title, minutes, sections_node):
            return None
        if minutes <= 0 or not minutes.is_integer():  # type: ignore[union-attr]
            self.error(fields["minutes"], '"minutes" must be a whole number greater than 0')
            return None
        sections = [self.section(item) for item in self.sequence(sections_node, '"sections"')]
        if not sections:
            self.error(sections_node, "a paper needs at least one section")
            return None
        if None in sections:
            return None
        weights: dict[str, float] = {}
        chapters_node = fields.get("chapters")
        if chapters_node is not None:
            if not isinstance(chapters_node, yaml.MappingNode):
                self.error(chapters_node, '"chapters" must map chapter titles to weights')
                return None
            for key_node, value_node in chapters_node.value:
                name = self.text(key_node, "a chapter title")
                weight = self.number(value_node, f'the weight of "{name}"')
                if name is None or weight is None:
                    return None
                if weight < 0:
                    self.error(value_node, f'the weight of "{name}" cannot be negative')
                    return None
                weights[name] = weight
        return Paper(
            id=paper_id,  # type: ignore[arg-type]
            title=title,  # type: ignore[arg-type]
            minutes=int(minutes),  # type: ignore[arg-type]
            sections=tuple(sections),  # type: ignore[arg-type]
            location=self.location(root),
            chapter_weights=weights,
            description=self.text(fields.get("description"), '"description"'),
            exclude_tags=self.texts(fields.get("exclude_tags"), '"exclude_tags"'),
        )

    def section(self, node: yaml.Node) -> Section | None:
        """One section entry."""
        fields = self.fields(node, "a section", SECTION_KEYS)
        if fields is None:
            return None
        title = self.text(self.require(fields, "title", node, "a section"), '"title"')
        qtype = self.text(self.require(fields, "type", node, "a section"), '"type"')
        count = self.number(self.require(fields, "count", node, "a section"), '"count"')
        points = self.number(self.require(fields, "points", node, "a section"), '"points"')
        if None in (title, qtype, count, points):
            return None
        if qtype not in QUESTION_TYPES:
            self.error(fields["type"], f'unknown question type "{qtype}"{suggest(qtype, QUESTION_TYPES)}')
            return None
        if count < 1 or not count.is_integer():  # type: ignore[union-attr]
            self.error(fields["count"], '"count" must be a whole number of at least 1')
            return None
        if points <= 0:  # type: ignore[operator]
            self.error(fields["points"], '"points" must be greater than 0')
            return None
        return Section(title=title, type=qtype, count=int(count), points=points)  # type: ignore[arg-type]


def load_papers(files: list[Path], bank: Bank, problems: list[Problem]) -> dict[str, Paper]:
    """Parse blueprint files and check them against the bank; problems go to `problems`."""
    papers: dict[str, Paper] = {}
    for path in files:
        root = read_yaml_file(path, problems)
        if root is None:
            continue
        parser = PaperParser(path, problems)
        paper = parser.parse_paper(root)
        if paper is None:
            continue
        if paper.id in papers:
            first = papers[paper.id].location
            problems.append(Problem(path, paper.location.line, "error", f'duplicate paper id "{paper.id}" (first defined at {first})'))
            continue
        papers[paper.id] = paper
        check_paper(paper, bank, problems)
    return papers


def is_eligible(question: Question, paper: Paper) -> bool:
    """True when the paper may draw this question (it carries none of the paper's excluded tags)."""
    return not paper.exclude_tags or not set(question.tags) & set(paper.exclude_tags)


def available_by_type(bank: Bank, paper: Paper | None = None) -> dict[str, int]:
    """How many questions of each type the bank has (that `paper` may draw, when given)."""
    counts = dict.fromkeys(QUESTION_TYPES, 0)
    for question in bank.questions.values():
        if paper is None or is_eligible(question, paper):
            counts[question.type] += 1
    return counts


def check_paper(paper: Paper, bank: Bank, problems: list[Problem]) -> None:
    """Errors for a blueprint the bank cannot fill, and for unknown chapter titles."""
    at = paper.location
    wanted: dict[str, int] = {}
    for section in paper.sections:
        wanted[section.type] = wanted.get(section.type, 0) + section.count
    have = available_by_type(bank, paper)
    for qtype, count in wanted.items():
        if count > have[qtype]:
            problems.append(
                Problem(
                    at.path,
                    at.line,
                    "error",
                    (
                        f'paper "{paper.id}" asks for {count} {qtype} questions ({TYPE_LABELS[qtype]}) '
                        f"but the bank has {have[qtype]}: {count - have[qtype]} short"
                    ),
                )
            )
    titles = [chapter.title for chapter in bank.chapters]
    for name in paper.chapter_weights:
        if name not in titles:
            problems.append(Problem(at.path, at.line, "error", f'paper "{paper.id}" weights unknown chapter "{name}"{suggest(name, titles)}'))


def allocate(count: int, weights: dict[str, float], available: dict[str, int]) -> dict[str, int]:
    """Split `count` questions over chapters in proportion to their weights, within what each has.

    Largest remainders decide the rounding; what a chapter cannot supply goes to
    the others in proportion to their weights.
    """
    allocation = dict.fromkeys(weights, 0)
    remaining = count
    open_chapters = {name for name, weight in weights.items() if weight > 0 and available.get(name, 0) > 0}
    while remaining > 0 and open_chapters:
        total_weight = sum(weights[name] for name in open_chapters)
        shares = {name: remaining * weights[name] / total_weight for name in open_chapters}
        floors = {name: int(share) for name, share in shares.items()}
        leftover = remaining - sum(floors.values())
        for name in sorted(open_chapters, key=lambda n: (-(shares[n] - floors[n]), n))[:leftover]:
            floors[name] += 1
        for name, extra in floors.items():
            room = available.get(name, 0) - allocation[name]
            granted = min(extra, room)
            allocation[name] += granted
            remaining -= granted
            if allocation[name] >= available.get(name, 0):
                open_chapters.discard(name)
    return allocation


def draw_paper(paper: Paper, bank: Bank, seed: int) -> DrawnPaper:
    """The concrete paper for a seed: the same paper and seed always give the same questions.

    Questions are spread over chapters by the paper's weights (evenly when it
    gives none) and never repeat within a paper.
    """
    rng = random.Random(f"{paper.id}:{seed}")
    chapter_order = {chapter.title: index for index, chapter in enumerate(bank.chapters)}
    weights = paper.chapter_weights or {chapter.title: 1.0 for chapter in bank.chapters}
    used: set[str] = set()
    drawn: list[DrawnQuestion] = []
    for section_index, section in enumerate(paper.sections):
        by_chapter: dict[str, list[Question]] = {}
        for question in bank.questions.values():
            if question.type == section.type and question.id not in used and is_eligible(question, paper):
                by_chapter.setdefault(question.chapter, []).append(question)
        available = {name: len(items) for name, items in by_chapter.items()}
        allocation = allocate(section.count, {name: weights.get(name, 0.0) for name in by_chapter}, available)
        if sum(allocation.values()) < section.count:
            # Weighted chapters ran dry: fill from the rest of the bank evenly.
            allocation = allocate(section.count, dict.fromkeys(by_chapter, 1.0), available)
        for name in sorted(by_chapter, key=lambda n: chapter_order.get(n, len(chapter_order))):
            candidates = sorted(by_chapter[name], key=lambda q: q.id)
            rng.shuffle(candidates)
            wanted = allocation.get(name, 0)
            for question in candidates:
                if wanted == 0:
                    break
                try:
                    params = draw_params(question, rng)
                except UndrawableError:
                    continue  # validation rules this out; skipping keeps the paper whole
                used.add(question.id)
                drawn.append(DrawnQuestion(len(drawn) + 1, section_index, question, section.points, params, render_prompt(question, params)))
                wanted -= 1
    return DrawnPaper(paper, seed, drawn)
