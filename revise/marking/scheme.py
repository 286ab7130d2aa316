"""How many points each question is worth, and which section it counts in.

A :class:`MarkScheme` answers two questions about a bank question: its full
marks (None: not on this paper) and its section. Three kinds exist:

* :class:`EachOnePoint` - no paper: one point a question, sections by type;
* :class:`BlueprintScheme` - a paper blueprint of the bank: every question
  takes the points of the section of its type;
* :class:`TableScheme` - points and sections per question id, and the values
  and option orders a paper printed: a saved paper (``revise paper --save
  PAPER.yaml``) becomes one of these (:meth:`TableScheme.from_items`), so
  marking uses exactly that paper even after the bank grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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

    def absent(self, question: Question) -> str:
        """Why a question has no full marks here (when :meth:`full_marks` is None), in Chinese."""
        ...

    def params(self, question: Question) -> dict[str, float] | None:
        """The values the paper printed for a numeric question with params (None: take them from the file)."""
        ...

    def order(self, question: Question) -> tuple[int, ...]:
        """The bank indexes of the options (or right-hand match items) in the order printed; () for bank order."""
        ...


class _FromTheFile:
    """No pinned values or option orders: a file gives params, letters are the bank's."""

    def params(self, question: Question) -> dict[str, float] | None:
        return None

    def order(self, question: Question) -> tuple[int, ...]:
        return ()


@dataclass(frozen=True)
class EachOnePoint(_FromTheFile):
    """No paper: every question is worth one point, in the section of its type."""

    title: str = ""

    def full_marks(self, question: Question) -> float | None:
        return 1.0

    def absent(self, question: Question) -> str:
        return ""

    def section(self, question: Question) -> str:
        return question.type_label


@dataclass(frozen=True)
class BlueprintScheme(_FromTheFile):
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

    def absent(self, question: Question) -> str:
        return f"题目 {question.id} 是{question.type_label}，试卷“{self.title}”没有这种题型"


@dataclass(frozen=True)
class TableScheme:
    """Points and sections per question id, e.g. from a saved paper, with the values and option orders it printed."""

    title: str
    points: dict[str, float] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    orders: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def from_items(
        cls,
        title: str,
        items: Iterable[tuple[str, float, str]],
        *,
        values: Mapping[str, Mapping[str, float]] | None = None,
        orders: Mapping[str, Sequence[int]] | None = None,
    ) -> TableScheme:
        """A scheme from (question id, points, section title) triples, and the printed values and option orders by id."""
        points: dict[str, float] = {}
        sections: dict[str, str] = {}
        for question_id, value, section in items:
            points[question_id] = float(value)
            sections[question_id] = section
        pinned = {key: {name: float(v) for name, v in given.items()} for key, given in (values or {}).items() if given}
        shown = {key: tuple(int(i) for i in order) for key, order in (orders or {}).items() if order}
        return cls(title, points, sections, pinned, shown)

    def full_marks(self, question: Question) -> float | None:
        return self.points.get(question.id)

    def section(self, question: Question) -> str:
        return self.sections.get(question.id, question.type_label)

    def absent(self, question: Question) -> str:
        return f"题目 {question.id} 不在试卷“{self.title}”上"

    def params(self, question: Question) -> dict[str, float] | None:
        return self.values.get(question.id)

    def order(self, question: Question) -> tuple[int, ...]:
        return self.orders.get(question.id, ())
