"""Timed mock exams: attempts that survive crashes, grading on submit, and the scored report.

An attempt is a drawn paper (blueprint id + seed) with a wall-clock deadline.
Every answer and flag is written to the store as it changes, so a killed app
loses nothing: the next start finds the unfinished attempt and resumes it with
the time really left, or submits it when the deadline has passed.

Submitting grades every question with the same grader as practice, logs each
answer (mode ``exam``) so it feeds the scheduler and the 错题本, and stores the
report. All of that happens in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from revise.bank.model import Bank
from revise.bank.papers import DrawnPaper, DrawnQuestion, Paper, draw_paper
from revise.clock import utc_now
from revise.grading import Result, expected_text, grade
from revise.progress.store import Store, db_time, parse_db_time

Clock = Callable[[], datetime]
UNANSWERED_FEEDBACK = "未作答"
WARNINGS_AT = (timedelta(minutes=5), timedelta(minutes=1))


class ExamError(Exception):
    """An attempt that cannot be started or resumed, with a message for the student."""


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

    @property
    def adjustable(self) -> bool:
        """Short and essay answers may have their points adjusted by the student."""
        return bool(self.found or self.missed)


@dataclass
class Subtotal:
    """Score and full marks of a section or a chapter."""

    title: str
    points: float
    max_points: float


@dataclass
class ExamReport:
    """The scored paper."""

    attempt_id: int
    paper_id: str
    paper_title: str
    seed: int
    submitted_at: datetime
    auto_submitted: bool
    items: list[ReportItem]
    section_titles: list[str]

    @property
    def total(self) -> float:
        """Points earned."""
        return round(sum(item.points for item in self.items), 2)

    @property
    def max_total(self) -> float:
        """Full marks."""
        return round(sum(item.max_points for item in self.items), 2)

    def by_section(self) -> list[Subtotal]:
        """Points per section, in paper order."""
        return [
            Subtotal(title, round(sum(i.points for i in self.items if i.section == index), 2), round(sum(i.max_points for i in self.items if i.section == index), 2))
            for index, title in enumerate(self.section_titles)
        ]

    def by_chapter(self) -> list[Subtotal]:
        """Points per chapter, in the order chapters first appear on the paper."""
        chapters = list(dict.fromkeys(item.chapter for item in self.items))
        return [
            Subtotal(name, round(sum(i.points for i in self.items if i.chapter == name), 2), round(sum(i.max_points for i in self.items if i.chapter == name), 2))
            for name in chapters
        ]

    def to_json(self) -> str:
        """The report as JSON, for the store."""
        data = asdict(self)
        data["submitted_at"] = db_time(self.submitted_at)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ExamReport:
        """A report stored with :meth:`to_json`."""
        data = json.loads(text)
        data["submitted_at"] = parse_db_time(data["submitted_at"])
        data["items"] = [ReportItem(**item) for item in data["items"]]
        return cls(**data)


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


def score_item(drawn: DrawnQuestion, response: str, bank: Bank, *, flagged: bool = False) -> tuple[ReportItem, Result | None]:
    """Grade one paper question; an empty response scores 0 as 未作答."""
    question = drawn.question
    if response.strip():
        result: Result | None = grade(question, response, bank, params=drawn.params or None)
    else:
        result = None
    verdict = result.verdict if result else "incorrect"
    score = result.score if result else 0.0
    expected = result.expected if result else expected_text(question, drawn.params or None)
    keypoints = getattr(question, "keypoints", ())
    missed = list(result.missed) if result else [point.label for point in keypoints]
    item = ReportItem(
        number=drawn.number,
        section=drawn.section,
        question_id=question.id,
        chapter=question.chapter,
        prompt=drawn.prompt,
        response=response,
        expected=expected,
        verdict=verdict,
        points=round(score * drawn.points, 2),
        max_points=drawn.points,
        feedback=result.feedback if result else UNANSWERED_FEEDBACK,
        explanation=question.explanation or "",
        found=list(result.found) if result else [],
        missed=missed,
        flagged=flagged,
    )
    return item, result


class ExamSession:
    """One attempt at a paper, driven by the exam screen (or a test) and saved as it goes."""

    def __init__(self, bank: Bank, store: Store, drawn: DrawnPaper, attempt_id: int, deadline: datetime, *, clock: Clock = utc_now) -> None:
        self.bank = bank
        self.store = store
        self.drawn = drawn
        self.attempt_id = attempt_id
        self.deadline = deadline
        self.clock = clock
        self.responses: dict[int, str] = {}
        self.flags: set[int] = set()
        self.report: ExamReport | None = None

    # -- starting and resuming --------------------------------------------------

    @classmethod
    def start(cls, bank: Bank, store: Store, paper: Paper, *, seed: int, minutes: int | None = None, clock: Clock = utc_now) -> ExamSession:
        """Draw the paper and record a new attempt with its deadline."""
        minutes = minutes or paper.minutes
        if minutes <= 0:
            raise ExamError("考试时长必须大于0分钟")
        drawn = draw_paper(paper, bank, seed)
        started = clock()
        deadline = started + timedelta(minutes=minutes)
        attempt_id = store.start_exam_attempt(paper.id, seed, minutes, started, deadline, [(q.number, q.question.id) for q in drawn.questions])
        return cls(bank, store, drawn, attempt_id, deadline, clock=clock)

    @classmethod
    def resume(cls, bank: Bank, store: Store, attempt_id: int, *, clock: Clock = utc_now) -> ExamSession:
        """Reopen an unfinished attempt with its saved answers, flags and deadline."""
        record = store.exam_attempt(attempt_id)
        if record is None:
            raise ExamError(f"没有编号为 {attempt_id} 的考试记录")
        paper = bank.papers.get(record["paper_id"])
        if paper is None:
            raise ExamError(f"试卷“{record['paper_id']}”已不在题库中，无法继续这次考试")
        drawn = draw_paper(paper, bank, record["seed"])
        if [q.question.id for q in drawn.questions] != [qid for _, qid in record["questions"]]:
            raise ExamError("题库已经改动，这份试卷无法按原样恢复")
        session = cls(bank, store, drawn, attempt_id, record["deadline"], clock=clock)
        for number, response, flagged in record["answers"]:
            if response:
                session.responses[number] = response
            if flagged:
                session.flags.add(number)
        if record["report"]:
            session.report = ExamReport.from_json(record["report"])
        return session

    # -- during the exam ----------------------------------------------------------

    def question(self, number: int) -> DrawnQuestion:
        """The question with this number (1-based)."""
        return self.drawn.questions[number - 1]

    @property
    def numbers(self) -> list[int]:
        """Every question number, in order."""
        return [q.number for q in self.drawn.questions]

    def set_answer(self, number: int, response: str) -> None:
        """Save the answer to one question now (the screen debounces typing)."""
        self._check_open()
        self.question(number)  # IndexError for a number not on the paper
        if self.responses.get(number, "") == response:
            return
        self.responses[number] = response
        self.store.save_exam_answer(self.attempt_id, number, response, number in self.flags, self.clock())

    def toggle_flag(self, number: int) -> bool:
        """Flag or unflag a question for review; returns whether it is now flagged."""
        self._check_open()
        flagged = number not in self.flags
        (self.flags.add if flagged else self.flags.discard)(number)
        self.store.save_exam_answer(self.attempt_id, number, self.responses.get(number, ""), flagged, self.clock())
        return flagged

    def state(self, number: int) -> str:
        """"flagged", "answered" or "unanswered"."""
        if number in self.flags:
            return "flagged"
        return "answered" if self.responses.get(number, "").strip() else "unanswered"

    def unanswered(self) -> list[int]:
        """Numbers of the questions without an answer."""
        return [n for n in self.numbers if not self.responses.get(n, "").strip()]

    def remaining(self) -> timedelta:
        """Time left before the deadline (never negative)."""
        return max(self.deadline - self.clock(), timedelta(0))

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.clock() >= self.deadline

    @property
    def submitted(self) -> bool:
        """Whether the paper has been handed in."""
        return self.report is not None

    def _check_open(self) -> None:
        if self.report is not None:
            raise ExamError("这份试卷已经交卷")

    # -- submitting -----------------------------------------------------------------

    def submit(self, *, auto: bool = False) -> ExamReport:
        """Grade the paper, log every answer (mode exam), store the report; returns it.

        Submitting twice returns the first report.
        """
        if self.report is not None:
            return self.report
        now = self.clock()
        items: list[ReportItem] = []
        answers: list[dict] = []
        for drawn in self.drawn.questions:
            response = self.responses.get(drawn.number, "")
            item, result = score_item(drawn, response, self.bank, flagged=drawn.number in self.flags)
            items.append(item)
            if result is not None:
                answers.append(dict(
                    question_id=drawn.question.id, question_type=drawn.question.type, response=response,
                    verdict=result.verdict, score=result.score, at=now, mode="exam", params=drawn.params or None,
                ))
        report = ExamReport(
            attempt_id=self.attempt_id,
            paper_id=self.drawn.paper.id,
            paper_title=self.drawn.paper.title,
            seed=self.drawn.seed,
            submitted_at=now,
            auto_submitted=auto,
            items=items,
            section_titles=[section.title for section in self.drawn.paper.sections],
        )
        self.store.submit_exam_attempt(self.attempt_id, now, auto, report.total, report.max_total, report.to_json(), answers)
        self.report = report
        return report

    def adjust_points(self, number: int, points: float) -> ExamReport:
        """Change the points of a short or essay answer after marking; the change is recorded."""
        if self.report is None:
            raise ExamError("交卷后才能调整分数")
        item = self.report.items[number - 1]
        if not item.adjustable:
            raise ExamError("只有简答题和论述题可以调整分数")
        if not 0 <= points <= item.max_points:
            raise ExamError(f"分数必须在0到{item.max_points:g}之间")
        previous = item.points
        item.points = round(points, 2)
        item.adjusted = True
        self.store.adjust_exam_points(self.attempt_id, number, previous, item.points, self.report.total, self.report.to_json(), self.clock())
        return self.report


def unfinished_attempt(store: Store) -> int | None:
    """The id of the newest attempt that was started but never submitted."""
    return store.unfinished_exam_attempt()


def resume_or_abandon(bank: Bank, store: Store, *, clock: Clock = utc_now) -> tuple[ExamSession | None, str | None]:
    """The newest unfinished attempt, reopened; or (None, why) after setting aside one that cannot be reopened.

    An attempt whose paper left the bank, or whose questions changed, can never
    be resumed: it is marked abandoned (its answers stay in the store) so that
    the student is told once, not at every start.
    """
    attempt_id = store.unfinished_exam_attempt()
    if attempt_id is None:
        return None, None
    try:
        return ExamSession.resume(bank, store, attempt_id, clock=clock), None
    except ExamError as error:
        store.abandon_exam_attempt(attempt_id, str(error), clock())
        return None, str(error)


def attempt_history(store: Store, bank: Bank) -> list[AttemptSummary]:
    """Every attempt, newest first, with its score when submitted."""
    summaries = []
    for row in store.exam_attempts():
        paper = bank.papers.get(row["paper_id"])
        summaries.append(AttemptSummary(
            attempt_id=row["id"],
            paper_id=row["paper_id"],
            paper_title=paper.title if paper else row["paper_id"],
            started_at=row["started_at"],
            submitted_at=row["submitted_at"],
            score=row["score"],
            max_score=row["max_score"],
        ))
    return summaries
