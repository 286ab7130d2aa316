"""What lies ahead and what the student's practice looks like: the statistics a student looks at, and the exam date.

Pure functions over the store's data, each with a thin reader that takes the
:class:`~revise.progress.store.Store`:

- reviews due on each of the next days (today includes everything overdue:
  the one definition of "due today", :func:`revise.progress.due.due_cutoff`);
- a calendar heatmap of practice days: answers per local day, in week columns;
- mastery by question type (mastery by chapter is :mod:`revise.progress.mastery`'s);
- the questions that cost the most time (the log records each answer's duration);
- the mock-exam score trend, one line per paper, never mixed across papers;
- how often the student said 判我对 (appeals), in practice and in exam reviews;
- the days left until the exam, and the 考前冲刺 selection: the questions whose
  predicted recall at the exam is lowest, weakest first, spread over the days left.

Days are the student's local days in `tz` (default: the machine's zone at `now`, :mod:`revise.clock`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from revise.bank.model import TYPE_LABELS, NumericQuestion, Question
from revise.clock import local_zone, utc
from revise.progress.due import due_cutoff
from revise.progress.scheduling import DEFAULT_DESIRED_RETENTION, CardState, retrievability_of

if TYPE_CHECKING:
    from revise.progress.store import Store

DUE_DAYS = 7
# Twelve week columns fit an 80-column terminal beside the weekday labels.
HEATMAP_WEEKS = 12
TOP_SLOW = 10
# An answer left open over lunch says nothing about the question: time beyond this is not counted.
MAX_COUNTED_MS = 10 * 60 * 1000
# A question counts as mastered at this retrievability (as in mastery.py).
MASTERED = 0.9
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _zone(now: datetime, tz: tzinfo | None) -> tzinfo:
    return tz if tz is not None else local_zone(now)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time(0), tzinfo=tz)


# -- reviews due ahead ---------------------------------------------------------------------------------


def due_per_day(due_times: Iterable[datetime | None], now: datetime, tz: tzinfo | None = None, days: int = DUE_DAYS) -> list[tuple[date, int]]:
    """(local date, cards due that day) for today and the following days; today's count includes every overdue card.

    A card counts on the local day its due time falls in; cards due after the
    last day shown, or never scheduled (None), are not counted.
    """
    zone = _zone(now, tz)
    today = now.astimezone(zone).date()
    dates = [today + timedelta(days=offset) for offset in range(days)]
    # Day i ends at the local midnight after it; today's end is the one due-today cutoff.
    ends = [due_cutoff(now, zone), *(local_midnight(day + timedelta(days=1), zone) for day in dates[1:])]
    counts = [0] * days
    for due in due_times:
        if due is None:
            continue
        for index, end in enumerate(ends):
            if due < end:
                counts[index] += 1
                break
    return list(zip(dates, counts))


def due_ahead(store: Store, now: datetime, tz: tzinfo | None = None, days: int = DUE_DAYS, only: Container[str] | None = None) -> list[tuple[date, int]]:
    """:func:`due_per_day` over the store's cards; `only` (e.g. the questions still in the bank) limits which count."""
    due = [card.due for qid, card in store.card_states().items() if only is None or qid in only]
    return due_per_day(due, now, tz, days)


# -- the practice calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heatmap:
    """Answers per local day in week columns, Monday to Sunday; days after today are None."""

    weeks: list[list[tuple[date, int] | None]]
    today: date

    @property
    def days(self) -> list[tuple[date, int]]:
        """Every day shown up to today, oldest first."""
        return [cell for week in self.weeks for cell in week if cell is not None]

    @property
    def total(self) -> int:
        """Answers over the days shown."""
        return sum(count for _, count in self.days)

    @property
    def active_days(self) -> int:
        """Days shown with at least one answer."""
        return sum(1 for _, count in self.days if count)

    @property
    def busiest(self) -> int:
        """The most answers on one day shown (0 when none)."""
        return max((count for _, count in self.days), default=0)


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday of the first week column: `weeks` columns ending with today's week."""
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


def heatmap(day_counts: Mapping[date, int], today: date, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    """The calendar of the last `weeks` weeks (this week last) from answers per local day; missing days count 0."""
    start = heatmap_start(today, weeks)
    columns: list[list[tuple[date, int] | None]] = []
    for week in range(weeks):
        column: list[tuple[date, int] | None] = []
        for weekday in range(7):
            day = start + timedelta(days=week * 7 + weekday)
            column.append((day, int(day_counts.get(day, 0))) if day <= today else None)
        columns.append(column)
    return Heatmap(columns, today)


def practice_heatmap(store: Store, now: datetime, tz: tzinfo | None = None, weeks: int = HEATMAP_WEEKS) -> Heatmap:
    """:func:`heatmap` of the store's answers (undone ones not counted), one index range count per day."""
    zone = _zone(now, tz)
    today = now.astimezone(zone).date()
    start = heatmap_start(today, weeks)
    dates = [start + timedelta(days=offset) for offset in range((today - start).days + 1)]
    boundaries = [local_midnight(day, zone) for day in [*dates, today + timedelta(days=1)]]
    return heatmap(dict(zip(dates, store.answers_in_ranges(boundaries))), today, weeks)


def heat_level(count: int, busiest: int, levels: int = 4) -> int:
    """0 for no answers, else 1..`levels` by the share of the busiest day (any practice shows at least 1)."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(levels, math.ceil(count * levels / busiest)))


# -- mastery by question type ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeMastery:
    """Mastery of one question type: its questions, their mean mastery and how many are mastered."""

    type: str
    label: str
    questions: int
    mastery: float
    mastered: int


def mastery_by_type(values: Mapping[str, float], questions: Mapping[str, Question]) -> list[TypeMastery]:
    """Mean mastery per question type, in the bank's type order, from each question's mastery (e.g. ``MasteryReport.questions``).

    Questions without a value count 0, like a question never answered.
    """
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for qid, question in questions.items():
        value = values.get(qid, 0.0)
        entry = sums[question.type]
        entry[0] += 1
        entry[1] += value
        entry[2] += value >= MASTERED
    order = [t for t in TYPE_LABELS if t in sums] + sorted(t for t in sums if t not in TYPE_LABELS)
    return [TypeMastery(t, TYPE_LABELS.get(t, t), int(sums[t][0]), sums[t][1] / sums[t][0], int(sums[t][2])) for t in order]


# -- time spent -------------------------------------------------------------------------------------------


class TimedRow(Protocol):
    """What :func:`time_costs` reads of a review-log row (:class:`revise.progress.store.ReviewRecord`)."""

    @property
    def id(self) -> int: ...
    @property
    def question_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def duration_ms(self) -> int | None: ...
    @property
    def params(self) -> dict[str, float] | None: ...
    @property
    def undone(self) -> bool: ...


@dataclass(frozen=True)
class TimeCost:
    """The time a question has taken over its timed answers; `prompt` shows the values last drawn."""

    question_id: str
    prompt: str
    chapter: str
    type: str
    answers: int
    total_ms: int

    @property
    def mean_ms(self) -> float:
        """Mean time per timed answer."""
        return self.total_ms / self.answers if self.answers else 0.0


def shown_prompt(question: Question, params: Mapping[str, float] | None) -> str:
    """The prompt as the student saw it: a calculation's placeholders filled with the values drawn."""
    if isinstance(question, NumericQuestion) and params:
        return question.render_prompt(dict(params))
    return question.prompt


def last_params(rows: Iterable[TimedRow]) -> dict[str, dict[str, float]]:
    """Per question, the values drawn for its latest answer that had any (undone answers and overrides skipped)."""
    found: dict[str, dict[str, float]] = {}
    for row in rows:
        if row.kind == "answer" and not row.undone and row.params:
            found[row.question_id] = row.params
    return found


def time_costs(rows: Iterable[TimedRow], questions: Mapping[str, Question], top: int = TOP_SLOW) -> list[TimeCost]:
    """The `top` questions still in the bank that took the most time in total, most first.

    Only answers with a recorded duration count (exam answers have none); each
    is capped at :data:`MAX_COUNTED_MS`; undone answers and overrides do not count.
    """
    totals: dict[str, list[int]] = {}
    last_params: dict[str, dict[str, float] | None] = {}
    for row in rows:
        if row.kind != "answer" or row.undone or row.duration_ms is None or row.duration_ms <= 0 or row.question_id not in questions:
            continue
        entry = totals.setdefault(row.question_id, [0, 0])
        entry[0] += 1
        entry[1] += min(int(row.duration_ms), MAX_COUNTED_MS)
        last_params[row.question_id] = row.params
    ranked = sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))[: max(0, top)]
    found = []
    for qid, (answers, total) in ranked:
        question = questions[qid]
        found.append(TimeCost(qid, shown_prompt(question, last_params.get(qid)), question.chapter, question.type, answers, total))
    return found


# -- mock-exam trend ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamPoint:
    """One handed-in attempt of a paper."""

    attempt_id: int
    submitted_at: datetime
    score: float
    max_score: float

    @property
    def percent(self) -> float:
        """The score as a share of full marks (0 for a paper without marks)."""
        return self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class PaperTrend:
    """The attempts of one paper, oldest first."""

    paper_id: str
    title: str
    points: list[ExamPoint] = field(default_factory=list)

    @property
    def latest(self) -> ExamPoint:
        """The newest attempt."""
        return self.points[-1]

    @property
    def best(self) -> ExamPoint:
        """The attempt with the highest share of full marks (the earliest of equals)."""
        return max(self.points, key=lambda point: (point.percent, -point.attempt_id))

    @property
    def change(self) -> float | None:
        """Latest minus previous share of full marks; None with one attempt."""
        return self.points[-1].percent - self.points[-2].percent if len(self.points) > 1 else None


def exam_trends(attempts: Iterable[Mapping[str, Any]], titles: Mapping[str, str] | None = None) -> list[PaperTrend]:
    """Handed-in attempts grouped by paper, each paper's oldest first: one trend per paper, never mixed.

    `attempts` are :meth:`Store.exam_attempts` dicts (abandoned ones are
    already left out); unfinished ones, and those handed in but not counted
    (time ran out under the "nocount" rule), are skipped. Papers come in
    `titles` order (the bank's), then papers no longer in the bank by id.
    """
    titles = titles or {}
    grouped: dict[str, list[ExamPoint]] = defaultdict(list)
    for attempt in attempts:
        if attempt.get("submitted_at") is None or attempt.get("score") is None or not attempt.get("counted", True):
            continue
        grouped[attempt["paper_id"]].append(
            ExamPoint(int(attempt["id"]), attempt["submitted_at"], float(attempt["score"]), float(attempt.get("max_score") or 0.0))
        )
    order = [pid for pid in titles if pid in grouped] + sorted(pid for pid in grouped if pid not in titles)
    return [PaperTrend(pid, titles.get(pid, pid), sorted(grouped[pid], key=lambda p: (p.submitted_at, p.attempt_id))) for pid in order]


# -- appeals (判我对) --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealCount:
    """How often the student said 判我对: in all, and from mock-exam reviews."""

    total: int = 0
    in_exams: int = 0


class LoggedRow(Protocol):
    """What :func:`count_appeals` reads of a review-log row."""

    @property
    def id(self) -> int: ...
    @property
    def mode(self) -> str: ...


def count_appeals(appeals: Iterable[Mapping[str, Any]], rows: Iterable[LoggedRow]) -> AppealCount:
    """Appeals (:meth:`Store.appeals` dicts) counted, and those of answers given in a mock exam (mode ``exam``)."""
    exam_rows = {row.id for row in rows if row.mode == "exam"}
    listed = list(appeals)
    return AppealCount(len(listed), sum(1 for appeal in listed if appeal.get("review_id") in exam_rows))


# -- the exam date and 考前冲刺 ------------------------------------------------------------------------------


def parse_exam_date(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError in Chinese otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"考试日期应写成 年-月-日，例如 2025-06-20，而不是 {text!r}") from None


def days_until(exam_date: date, now: datetime, tz: tzinfo | None = None) -> int:
    """Whole local days from today to the exam: 0 on the day, 1 the day before, negative once it is past."""
    return (exam_date - now.astimezone(_zone(now, tz)).date()).days


def exam_moment(exam_date: date, tz: tzinfo) -> datetime:
    """When recall is predicted for the exam: the start of its local day, the cautious end of the day before."""
    return utc(local_midnight(exam_date, tz))


@dataclass(frozen=True)
class SprintItem:
    """A question to study before the exam: its predicted recall at the exam, and the day to study it."""

    question_id: str
    chapter: str
    type: str
    recall_at_exam: float
    seen: bool
    study_on: date


def sprint_selection(
    cards: Mapping[str, CardState],
    questions: Mapping[str, Question],
    exam_date: date,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    target: float = DEFAULT_DESIRED_RETENTION,
    limit: int | None = None,
    include_unseen: bool = False,
) -> list[SprintItem]:
    """The 考前冲刺 list: questions whose predicted recall at the exam is below `target`, weakest first.

    A question's recall at the exam is FSRS retrievability at the start of the
    exam day if it is not reviewed again. Questions never answered (recall 0)
    are left out unless `include_unseen`: the sprint rescues what was learnt,
    and the caller says how many were never started. Ties go to questions
    already seen (quicker to bring back than new ones), then bank order. The list (cut to `limit`) is spread evenly over the days from today
    to the day before the exam, weakest first, so each gets a review and FSRS
    room for another before the exam; on the exam day itself everything is
    today's. Empty once the exam is past.
    """
    zone = _zone(now, tz)
    left = days_until(exam_date, now, zone)
    if left < 0:
        return []
    moment = exam_moment(exam_date, zone)
    weak: list[tuple[float, bool, int, str, Question]] = []
    for position, (qid, question) in enumerate(questions.items()):
        card = cards.get(qid)
        if card is None:
            if include_unseen:
                weak.append((0.0, False, position, qid, question))
            continue
        recall = retrievability_of(card.stability, card.last_review, moment)
        if recall < target:
            weak.append((recall, True, position, qid, question))
    weak.sort(key=lambda item: (item[0], not item[1], item[2]))
    if limit is not None:
        weak = weak[: max(0, limit)]
    today = now.astimezone(zone).date()
    study_days = plan_days(len(weak), today, max(1, left))
    return [SprintItem(qid, question.chapter, question.type, recall, seen, day) for (recall, seen, _, qid, question), day in zip(weak, study_days)]


def plan_days(count: int, first: date, days: int) -> list[date]:
    """The study day of each of `count` items in order, spread as evenly as possible over `days` days from `first`."""
    if count <= 0:
        return []
    per_day = math.ceil(count / max(1, days))
    return [first + timedelta(days=index // per_day) for index in range(count)]


def sprint_for(
    store: Store,
    questions: Mapping[str, Question],
    exam_date: date,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    target: float | None = None,
    limit: int | None = None,
    include_unseen: bool = False,
) -> list[SprintItem]:
    """:func:`sprint_selection` over the store's cards, aiming at the student's desired retention unless `target` is given."""
    aim = float(store.get_setting("desired_retention")) if target is None else target
    return sprint_selection(store.card_states(), questions, exam_date, now, tz, target=aim, limit=limit, include_unseen=include_unseen)


def sprint_ids(items: Sequence[SprintItem]) -> list[str]:
    """The ids of a sprint selection in study order: a practice queue."""
    return [item.question_id for item in items]
