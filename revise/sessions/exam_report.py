"""What a mock exam produces and the rules it is sat under: the scored report, the time rule, the history.

Every mark is rounded by the paper's rule (:func:`revise.bank.papers.round_mark`),
and totals are exact sums of those marks, so a report never shows 26.99/100 or
0.33/1. A report stored before marks were rounded is rounded when it is read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from revise.bank.papers import DEFAULT_ROUNDING, DrawnQuestion, mark_total, round_mark
from revise.progress.store import db_time, parse_db_time

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.grading import Result
    from revise.progress.store import Store

UNANSWERED_FEEDBACK = "未作答"
UNMARKABLE_FEEDBACK = "这道题无法自动评分（{error}），本题记0分；其余各题照常评分。"

# -- what happens when the time runs out ------------------------------------------------------------------

SUBMIT, GRACE, NOCOUNT = "submit", "grace", "nocount"
TIME_RULES = (SUBMIT, GRACE, NOCOUNT)
DEFAULT_GRACE_MINUTES = 5
MAX_GRACE_MINUTES = 60


@dataclass(frozen=True)
class TimeRule:
    """What happens when an exam's time runs out (as Moodle offers): hand in, a grace period, or not counted."""

    kind: str = SUBMIT
    grace_minutes: int = 0

    def __post_init__(self) -> None:
        if self.kind not in TIME_RULES:
            raise ValueError(f"时间规则只能是 {'、'.join(TIME_RULES)}，不能是 {self.kind!r}")
        if self.kind == GRACE and not 1 <= self.grace_minutes <= MAX_GRACE_MINUTES:
            raise ValueError(f"宽限时间必须是 1 到 {MAX_GRACE_MINUTES} 分钟，不能是 {self.grace_minutes}")

    @classmethod
    def of(cls, kind: str | None, grace_minutes: int | None = None) -> TimeRule:
        """The rule named `kind` ("submit", "grace", "nocount"; None: submit); a grace period defaults to DEFAULT_GRACE_MINUTES."""
        kind = kind or SUBMIT
        if kind == GRACE:
            return cls(GRACE, int(grace_minutes or DEFAULT_GRACE_MINUTES))
        return cls(kind)

    @property
    def grace(self) -> timedelta:
        """The time allowed after the deadline (0 unless a grace period)."""
        return timedelta(minutes=self.grace_minutes if self.kind == GRACE else 0)

    @property
    def short(self) -> str:
        """A few words for headers: 到时自动交卷, 到时宽限5分钟, 到时未交不计分."""
        if self.kind == GRACE:
            return f"到时宽限{self.grace_minutes}分钟"
        return "到时未交不计分" if self.kind == NOCOUNT else "到时自动交卷"

    @property
    def choice(self) -> str:
        """The rule as one of the choices offered before starting."""
        if self.kind == GRACE:
            return f"宽限 {self.grace_minutes} 分钟（仍可作答，期间改的题标为超时）"
        return "不计成绩（仍批改、进复习计划，但不计入成绩走势）" if self.kind == NOCOUNT else "自动交卷（按已保存的答案评分）"

    @property
    def description(self) -> str:
        """The rule in full, as shown before starting and in the report."""
        if self.kind == GRACE:
            return f"时间到后宽限{self.grace_minutes}分钟：仍可作答和交卷，宽限期内改过的题标为“超时作答”；宽限结束自动交卷。"
        if self.kind == NOCOUNT:
            return "时间到还没交卷，本次不计成绩：答案照样批改、进复习计划，但不计入成绩走势。"
        return "时间到自动交卷，按已保存的答案评分。"


# -- the report -----------------------------------------------------------------------------------------


@dataclass
class ReportItem:
    """One question of a scored paper."""

    number: int
    section: int
    question_id: str
    chapter: str
    prompt: str
    response: str
    expected: str
    verdict: str
    points: float
    max_points: float
    feedback: str
    explanation: str
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    flagged: bool = False
    adjusted: bool = False
    # The log row of this answer (for 判我对 from the exam review); None when unanswered or unmarkable.
    review_id: int | None = None
    unmarkable: bool = False
    question_type: str = ""
    # Changed after the deadline, in a grace period.
    late: bool = False
    # 判我对: the student says this answer is right (logged as an appeal with the original verdict).
    appealed: bool = False

    @property
    def adjustable(self) -> bool:
        """Short and essay answers may have their points adjusted by the student."""
        return bool(self.found or self.missed)

    @property
    def answered(self) -> bool:
        """Whether anything was written."""
        return bool(self.response.strip())

    @property
    def appealable(self) -> bool:
        """判我对 is possible: a logged answer not marked correct and not appealed yet (the rule practice follows too)."""
        return self.review_id is not None and self.verdict != "correct" and not self.appealed

    @property
    def wrong(self) -> bool:
        """For the wrong-answers filter: not marked correct (unanswered included) and not appealed."""
        return not self.appealed and (self.verdict != "correct" or not self.answered)


@dataclass
class Subtotal:
    """Score and full marks of a section or a chapter."""

    title: str
    points: float
    max_points: float


@dataclass
class ExamReport:
    """The scored paper, with the rules it was sat and marked under."""

    attempt_id: int
    paper_id: str
    paper_title: str
    seed: int
    submitted_at: datetime
    auto_submitted: bool
    items: list[ReportItem]
    section_titles: list[str]
    rounding: float = DEFAULT_ROUNDING
    time_rule: str = SUBMIT
    grace_minutes: int = 0
    # False: handed in after the time ran out under the "nocount" rule; not in the score trend.
    counted: bool = True

    @property
    def rule(self) -> TimeRule:
        """The time rule the paper was sat under."""
        return TimeRule.of(self.time_rule, self.grace_minutes)

    @property
    def total(self) -> float:
        """Points earned (an exact sum of rounded marks)."""
        return mark_total([item.points for item in self.items])

    @property
    def max_total(self) -> float:
        """Full marks."""
        return mark_total([item.max_points for item in self.items])

    @property
    def late_items(self) -> list[ReportItem]:
        """The questions changed after the deadline."""
        return [item for item in self.items if item.late]

    @property
    def on_time_total(self) -> float:
        """Points earned without the answers changed after the deadline."""
        return mark_total([item.points for item in self.items if not item.late])

    def _subtotal(self, title: str, items: list[ReportItem]) -> Subtotal:
        return Subtotal(title, mark_total([i.points for i in items]), mark_total([i.max_points for i in items]))

    def by_section(self) -> list[Subtotal]:
        """Points per section, in paper order."""
        return [self._subtotal(title, [i for i in self.items if i.section == index]) for index, title in enumerate(self.section_titles)]

    def by_chapter(self) -> list[Subtotal]:
        """Points per chapter, in the order chapters first appear on the paper."""
        chapters = list(dict.fromkeys(item.chapter for item in self.items))
        return [self._subtotal(name, [i for i in self.items if i.chapter == name]) for name in chapters]

    def to_json(self) -> str:
        """The report as JSON, for the store."""
        data = asdict(self)
        data["submitted_at"] = db_time(self.submitted_at)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ExamReport:
        """A report stored with :meth:`to_json`; one stored before marks were rounded is rounded now."""
        data = json.loads(text)
        data["submitted_at"] = parse_db_time(data["submitted_at"])
        known = set(ReportItem.__dataclass_fields__)
        data["items"] = [ReportItem(**{key: value for key, value in item.items() if key in known}) for item in data["items"]]
        legacy = "rounding" not in data
        fields_known = set(cls.__dataclass_fields__)
        report = cls(**{key: value for key, value in data.items() if key in fields_known})
        if legacy:
            for item in report.items:
                item.points = round_mark(item.points / item.max_points if item.max_points else 0.0, item.max_points, report.rounding)
        return report


def score_item(
    drawn: DrawnQuestion, response: str, bank: Bank, *, flagged: bool = False, rounding: float = DEFAULT_ROUNDING
) -> tuple[ReportItem, Result | None]:
    """Grade one paper question; an empty response scores 0 as 未作答, one that cannot be marked 0 with a note.

    The points are the grader's share of the question's points, rounded by the paper's rule.
    """
    from revise import grading  # only when marking: the history and the statistics do without the grader

    question = drawn.question
    params = drawn.params or None
    result: Result | None = None
    problem: str | None = None
    if response.strip():
        try:
            result = grading.grade(question, response, bank, params=params, unit_shown=True)  # the exam prints the unit beside the box
        except Exception as error:  # one question must never stop the hand-in
            problem = f"{type(error).__name__}: {error}"
    try:
        expected = result.expected if result else grading.expected_text(question, params)
    except Exception as error:
        expected, problem = "（参考答案无法生成）", problem or f"{type(error).__name__}: {error}"
    keypoints = getattr(question, "keypoints", ())
    missed = list(result.missed) if result else [getattr(point, "label", str(point)) for point in keypoints]
    if problem is not None:
        feedback = UNMARKABLE_FEEDBACK.format(error=problem)
    else:
        feedback = result.feedback if result else UNANSWERED_FEEDBACK
    item = ReportItem(
        number=drawn.number,
        section=drawn.section,
        question_id=question.id,
        chapter=question.chapter,
        prompt=drawn.prompt,
        response=response,
        expected=expected,
        verdict=result.verdict if result else "incorrect",
        points=round_mark(result.score if result else 0.0, drawn.points, rounding),
        max_points=drawn.points,
        feedback=feedback,
        explanation=question.explanation or "",
        found=list(result.found) if result else [],
        missed=missed,
        flagged=flagged,
        unmarkable=problem is not None,
        question_type=question.type,
    )
    return item, result


# -- the history ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptSummary:
    """One line of the attempt history."""

    attempt_id: int
    paper_id: str
    paper_title: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    max_score: float | None
    counted: bool = True
    time_rule: str = SUBMIT
    grace_minutes: int = 0

    @property
    def fraction(self) -> float | None:
        """The score as a share of full marks (None until handed in)."""
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score


def attempt_rows(store: Store) -> list[dict[str, Any]]:
    """:meth:`Store.exam_attempts` (newest first), with the scores of reports stored before marks were rounded rounded now."""
    rows = store.exam_attempts()
    for row in rows:
        report = row.get("report")
        if report and '"rounding"' not in report:
            try:
                row["score"] = ExamReport.from_json(report).total
            except (ValueError, KeyError, TypeError):
                continue  # a damaged report keeps its stored score
    return rows


def attempt_history(store: Store, bank: Bank) -> list[AttemptSummary]:
    """Every attempt not abandoned, newest first, with its score when submitted."""
    summaries = []
    for row in attempt_rows(store):
        paper = bank.papers.get(row["paper_id"])
        summaries.append(
            AttemptSummary(
                attempt_id=row["id"],
                paper_id=row["paper_id"],
                paper_title=paper.title if paper else row["paper_id"],
                started_at=row["started_at"],
                submitted_at=row["submitted_at"],
                score=row["score"],
                max_score=row["max_score"],
                counted=row.get("counted", True),
                time_rule=row.get("time_rule") or SUBMIT,
                grace_minutes=row.get("grace_minutes") or 0,
            )
        )
    return summaries
