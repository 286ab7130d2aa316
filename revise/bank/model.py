"""Typed model of a question bank: chapters, concepts and questions.

Everything here is plain data. Parsing lives in :mod:`revise.bank.loader`;
grading, scheduling and display build on these classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from revise.bank.formula import Formula

BLANK_RE = re.compile(r"_{2,}")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

QUESTION_TYPES = ("fill", "choice", "multi", "truefalse", "judge", "short", "essay", "numeric", "match")

TYPE_LABELS = {
    "fill": "填空题",
    "choice": "单项选择题",
    "multi": "多项选择题",
    "truefalse": "判断题",
    "judge": "判断并改错题",
    "short": "简答题",
    "essay": "论述题",
    "numeric": "计算题",
    "match": "配对题",
}

# Exam-section flavours of free-text questions (`kind:` on short and essay).
FREE_TEXT_KINDS = ("名词解释", "案例分析")


def letter(index: int) -> str:
    """The option letter for a zero-based option index: 0 -> "A"."""
    return chr(ord("A") + index)


@dataclass(frozen=True)
class Location:
    """Where an item was written: a file and a 1-based line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Member:
    """One member of a list concept, e.g. 价格 in 4P."""

    term: str
    accept: tuple[str, ...] = ()
    en: str | None = None
    note: str | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        """Every accepted way of writing this member, canonical first."""
        extra = (self.en,) if self.en else ()
        return (self.term, *self.accept, *extra)


@dataclass
class Concept:
    """A named idea of the course, and a list when it has members."""

    id: str
    name: str
    location: Location
    chapter: str = ""
    summary: str | None = None
    ordered: bool = False
    members: tuple[Member, ...] = ()
    confusable: tuple[str, ...] = ()
    source: str | None = None
    ref: str | None = None


@dataclass
class Question:
    """Fields shared by every question type."""

    type: ClassVar[str] = ""
    id: str
    prompt: str
    location: Location
    chapter: str = ""
    concept: str | None = None
    explanation: str | None = None
    source: str | None = None
    ref: str | None = None
    tags: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        """The Chinese name of this question's type, e.g. 填空题."""
        return TYPE_LABELS[self.type]


@dataclass
class FillQuestion(Question):
    """填空: one or more blanks, each with accepted alternatives."""

    type: ClassVar[str] = "fill"
    # One tuple of accepted forms per blank; the first form is canonical.
    blanks: tuple[tuple[str, ...], ...] = ()
    any_order: bool = False


@dataclass
class ChoiceQuestion(Question):
    """单项选择: one right option."""

    type: ClassVar[str] = "choice"
    options: tuple[str, ...] = ()
    answer: int = 0  # zero-based option index
    shuffle: bool = True  # False when the options' order means something (scales, 以上都对)


@dataclass
class MultiQuestion(Question):
    """多项选择: several right options; a correct subset may earn partial credit."""

    type: ClassVar[str] = "multi"
    options: tuple[str, ...] = ()
    answer: frozenset[int] = frozenset()
    partial: bool = True
    shuffle: bool = True


@dataclass
class TrueFalseQuestion(Question):
    """判断: a statement that is right or wrong."""

    type: ClassVar[str] = "truefalse"
    answer: bool = True


@dataclass
class JudgeQuestion(Question):
    """判断并改错: judge the statement and, when wrong, give the key correction."""

    type: ClassVar[str] = "judge"
    answer: bool = True
    corrections: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyPoint:
    """One point a good free-text answer makes.

    Either a plain phrase (`phrases`, any alternative counts), or content that
    belongs to a term: every `says` group must be expressed where one of the
    `term` forms stands (or, with no term, within one sentence).
    """

    phrases: tuple[str, ...] = ()
    term: tuple[str, ...] = ()
    says: tuple[tuple[str, ...], ...] = ()
    label_text: str | None = None

    @property
    def label(self) -> str:
        """What the student is shown for this point."""
        if self.label_text:
            return self.label_text
        if not self.says:
            return self.phrases[0] if self.phrases else ""
        content = "、".join(group[0] for group in self.says if group)
        return f"{self.term[0]}：{content}" if self.term else content

    @property
    def forms(self) -> tuple[str, ...]:
        """Every phrase that names this point (its plain phrases, else its term)."""
        return self.phrases or self.term


@dataclass
class ShortQuestion(Question):
    """简答: a model answer and the keypoints a good answer contains."""

    type: ClassVar[str] = "short"
    answer: str = ""
    keypoints: tuple[KeyPoint, ...] = ()
    kind: str | None = None  # 名词解释 or 案例分析: the exam section it belongs to


@dataclass
class EssayQuestion(ShortQuestion):
    """论述: graded like a short answer, over more keypoints."""

    type: ClassVar[str] = "essay"


@dataclass
class MatchQuestion(Question):
    """配对 (连线): pair each left item with its right item; credit per pair."""

    type: ClassVar[str] = "match"
    pairs: tuple[tuple[str, str], ...] = ()
    distractors: tuple[str, ...] = ()  # right-hand items that match nothing

    @property
    def lefts(self) -> tuple[str, ...]:
        """The items to be matched, in bank order."""
        return tuple(left for left, _ in self.pairs)

    @property
    def rights(self) -> tuple[str, ...]:
        """Every right-hand choice in bank order: the pairs' partners, then the distractors."""
        return (*(right for _, right in self.pairs), *self.distractors)


@dataclass(frozen=True)
class Param:
    """A numeric question's parameter: an inclusive integer range or a list of values."""

    name: str
    low: int | None = None
    high: int | None = None
    values: tuple[float, ...] = ()

    def choices(self) -> tuple[float, ...] | range:
        """The values this parameter can take."""
        if self.values:
            return self.values
        assert self.low is not None and self.high is not None
        return range(self.low, self.high + 1)


@dataclass(frozen=True)
class Tolerance:
    """How far a numeric answer may be from the key: absolute or relative."""

    amount: float = 1e-9
    relative: bool = False

    def allows(self, expected: float, given: float) -> bool:
        """True when `given` is close enough to `expected`."""
        limit = abs(expected) * self.amount if self.relative else self.amount
        return abs(given - expected) <= limit + 1e-9

    def __str__(self) -> str:
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g}"


@dataclass
class NumericQuestion(Question):
    """计算: a number, fixed or computed by a formula from generated params."""

    type: ClassVar[str] = "numeric"
    answer: float | None = None
    formula: Formula | None = None
    params: tuple[Param, ...] = ()
    tolerance: Tolerance = field(default_factory=Tolerance)
    unit: str | None = None
    # Text forms accepted when the expected value equals the key, e.g. {0: ("不进货",)}.
    accept: dict[float, tuple[str, ...]] = field(default_factory=dict)
    # Text forms accepted whatever the value (fixed-answer questions).
    accept_always: tuple[str, ...] = ()

    def render_prompt(self, values: dict[str, float]) -> str:
        """The prompt with `{name}` replaced by the values shown to the student."""
        return PLACEHOLDER_RE.sub(
            lambda m: format_number(values[m.group(1)]) if m.group(1) in values else m.group(0),
            self.prompt,
        )

    def expected(self, values: dict[str, float] | None = None) -> float:
        """The key for the given parameter values."""
        if self.formula is not None:
            return self.formula.evaluate(values or {})
        assert self.answer is not None
        return self.answer


def format_number(value: float) -> str:
    """A number as a student would write it: 12 not 12.0, 0.25 not 0.250000."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"


QUESTION_CLASSES: dict[str, type[Question]] = {
    cls.type: cls
    for cls in (
        FillQuestion,
        ChoiceQuestion,
        MultiQuestion,
        TrueFalseQuestion,
        JudgeQuestion,
        ShortQuestion,
        EssayQuestion,
        NumericQuestion,
        MatchQuestion,
    )
}


@dataclass
class Chapter:
    """One chapter file of the bank."""

    title: str
    path: Path
    order: float | None = None
    source: str | None = None
    concepts: list[Concept] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    # Every question id written in the file, usable or not, for the duplicate check.
    declared_ids: list[tuple[str, Location]] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[float, str]:
        """Chapters sort by `order`, then by file name."""
        return (self.order if self.order is not None else float("inf"), self.path.name)


@dataclass(frozen=True)
class Section:
    """One section of a mock-exam paper: `count` questions of one type, `points` each."""

    title: str
    type: str
    count: int
    points: float
    kind: str | None = None  # 名词解释 or 案例分析: draws only questions of that kind (none: only those without)

    @property
    def total(self) -> float:
        """The section's full marks."""
        return self.count * self.points


@dataclass
class Paper:
    """A blueprint for a mock exam."""

    id: str
    title: str
    minutes: int
    sections: tuple[Section, ...]
    location: Location
    chapter_weights: dict[str, float] = field(default_factory=dict)
    description: str | None = None
    exclude_tags: tuple[str, ...] = ()  # questions with any of these tags are never drawn
    rounding: float = 0.5  # every mark is rounded to a multiple of this (bank/papers.py: round_mark)

    @property
    def total_points(self) -> float:
        """The paper's full marks."""
        return sum(section.total for section in self.sections)

    @property
    def question_count(self) -> int:
        """How many questions the paper has."""
        return sum(section.count for section in self.sections)


@dataclass(frozen=True)
class Source:
    """A course document the bank cites, by the title students know it by."""

    id: str
    title: str

    def cite(self, ref: str | None = None) -> str:
        """How a citation reads to a student, e.g. 《客户关系管理复习重点》第三章."""
        return f"{self.title}{ref}" if ref else self.title


@dataclass
class Bank:
    """A whole question bank: chapters in order, with questions and concepts by id."""

    chapters: list[Chapter] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    paper_files: list[Path] = field(default_factory=list)
    settings_files: list[Path] = field(default_factory=list)
    papers: dict[str, Paper] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    # Course synonym groups from bank.yaml, e.g. (顾客, 客户): any form stands for the others.
    synonyms: tuple[tuple[str, ...], ...] = ()

    def add_chapter(self, chapter: Chapter) -> None:
        """Register a chapter; ids already taken keep their first owner."""
        self.chapters.append(chapter)
        for concept in chapter.concepts:
            self.concepts.setdefault(concept.id, concept)
        for question in chapter.questions:
            self.questions.setdefault(question.id, question)

    def sort(self) -> None:
        """Put chapters in display order."""
        self.chapters.sort(key=lambda chapter: chapter.sort_key)

    def citation(self, item: Question | Concept) -> str:
        """Where a question or concept comes from, as a student reads it: 《复习重点》第三章.

        A document without a title in bank.yaml is cited by its section alone: a file
        name never reaches a student.
        """
        source = self.sources.get(item.source or "")
        if source is not None:
            return source.cite(item.ref)
        return item.ref or ""

    def questions_of_concept(self, concept_id: str) -> list[Question]:
        """The questions that point at a concept."""
        return [q for q in self.questions.values() if q.concept == concept_id]
