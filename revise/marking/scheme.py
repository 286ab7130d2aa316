"""How many points each question is worth, and which section it counts in.

A :class:`MarkScheme` answers two questions about a bank question: its full
marks (None: not on this paper) and its section. Three kinds exist:

* :class:`EachOnePoint` - no paper: one point a question, sections by type;
* :class:`BlueprintScheme` - a paper blueprint of the bank: every question
  takes the points of the section of its type;
* :class:`TableScheme` - points and sections per question id. A saved paper
  (``revise paper --save PAPER.yaml``) becomes one of these once its reader
  exists: build it with :meth:`TableScheme.from_items`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from revise.bank.model import Paper, Question


class MarkScheme(Protocol):
    """Points and sections of the questions being marked."""

    @property
    def title(self) -> str:
        """The paper's title ("" without a paper)."""
        ...

    def full_marks(self, question: Question) -> float | None:
        """The question's full marks, or None when it is not on this paper."""
        ...

    def section(self, question: Question) -> str:
        """The section the question counts in."""
        ...


@dataclass(frozen=True)
class EachOnePoint:
    """No paper: every question is worth one point, in the section of its type."""

    title: str = ""

    def full_marks(self, question: Question) -> float | None:
        return 1.0

    def section(self, question: Question) -> str:
        return question.type_label


@dataclass(frozen=True)
class BlueprintScheme:
    """A paper blueprint: a question takes the points of the (first) section of its type."""

    paper: Paper

    @property
    def title(self) -> str:
        return self.paper.title

    def full_marks(self, question: Question) -> float | None:
        section = next((s for s in self.paper.sections if s.type == question.type), None)
        return None if section is None else float(section.points)

    def section(self, question: Question) -> str:
        found = next((s for s in self.paper.sections if s.type == question.type), None)
        return found.title if found is not None else question.type_label


@dataclass(frozen=True)
class TableScheme:
    """Points and sections per question id, e.g. from a saved paper."""

    title: str
    points: dict[str, float] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_items(cls, title: str, items: Iterable[tuple[str, float, str]]) -> TableScheme:
        """A scheme from (question id, points, section title) triples."""
        points: dict[str, float] = {}
        sections: dict[str, str] = {}
        for question_id, value, section in items:
            points[question_id] = float(value)
            sections[question_id] = section
        return cls(title, points, sections)

    def full_marks(self, question: Question) -> float | None:
        return self.points.get(question.id)

    def section(self, question: Question) -> str:
        return self.sections.get(question.id, question.type_label)
