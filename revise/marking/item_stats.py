"""Item statistics for a marked class: pure functions over plain rows.

Everything here works on :class:`Mark` rows (one student's points on one
question) or on plain lists of numbers, never on files, the bank or a
database, so that `revise grade --report` and the class store compute the
same figures.

Conventions, chosen to match what a teacher's spreadsheet would show:

* A question a student has no row for counts as 0 points (not answered), so
  every student is measured over the same questions. Practice data, where
  students meet different questions (the class store), asks instead for
  ``skip_unanswered``: a student is then measured by their score rate over
  the questions they did, and each question over the students who did it;
  Cronbach's alpha uses only the students who did every question.
* Ranks are competition ranks: 1, 2, 2, 4.
* The spread is the sample standard deviation (Excel's STDEV.S); one student
  has a spread of 0.
* Facility is the mean points on a question over its full marks (0..1).
* Discrimination is (mean of the upper 27%) minus (mean of the lower 27%) by
  total (by score rate with ``skip_unanswered``), over the question's full
  marks (-1..1); the groups hold
  ``round(0.27 * N)`` students (at least 1), ties broken by student key.
* Cronbach's alpha is k/(k-1) * (1 - sum of item variances / variance of
  totals), sample variances throughout; undefined (None) for fewer than two
  questions or students, or totals that do not vary.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

GROUP_FRACTION = 0.27
HISTOGRAM_BINS = 10
TOP_WRONG = 3
# How many distinct wrong answers are counted per question; later new ones only count as "others".
# Bounds memory on a huge file while keeping every frequent answer (a frequent one appears early).
DISTINCT_WRONG_CAP = 2_000
# Wrong answers are grouped on their first characters; a 100,000-character answer is not a key.
WRONG_KEY_CHARS = 80
BLANK_ANSWER = "（未作答）"


@dataclass(frozen=True)
class Mark:
    """One student's points on one question: the plain row every statistic is computed from."""

    student: str
    question: str
    points: float
    full_marks: float
    section: str = ""
    answer: str = ""
    correct: bool | None = None  # None: correct when points reach full marks


@dataclass(frozen=True)
class StudentStat:
    """A student's total, rank and points per section."""

    student: str
    total: float
    full_marks: float  # of the questions the student is measured on (all, or those done with skip_unanswered)
    rank: int
    sections: dict[str, float]
    answered: int

    @property
    def rate(self) -> float | None:
        """Total over full marks (0..1); None without full marks."""
        return self.total / self.full_marks if self.full_marks > 0 else None


@dataclass(frozen=True)
class QuestionStat:
    """How a class did on one question."""

    question: str
    section: str
    full_marks: float
    students: int
    mean: float
    facility: float | None
    discrimination: float | None
    correct: int
    blank: int
    wrong_answers: tuple[tuple[str, int], ...]  # most common first


@dataclass(frozen=True)
class Bin:
    """One bar of the histogram of totals: `low <= total < high` (the last bin includes its top)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class PaperStat:
    """The paper as a whole."""

    students: int
    questions: int
    full_marks: float  # 1.0 when the figures are score rates (skip_unanswered)
    mean: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None
    alpha: float | None
    histogram: tuple[Bin, ...]


@dataclass(frozen=True)
class ClassStats:
    """Every table of a class report."""

    students: tuple[StudentStat, ...]  # by rank
    questions: tuple[QuestionStat, ...]  # in the order first seen
    paper: PaperStat
    sections: tuple[str, ...]
    duplicates: int = 0  # rows for a (student, question) already seen; the last one counts
    by_rate: bool = False  # skip_unanswered: students measured by score rate, the paper's figures are rates (0..1)


# -- the small pure functions -----------------------------------------------------------------


def mean_sd(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation; (None, None) for no values, sd 0 for one."""
    n = len(values)
    if n == 0:
        return None, None
    mean = math.fsum(values) / n
    if n == 1:
        return mean, 0.0
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def sample_variance(values: Sequence[float]) -> float:
    """Sample variance (n - 1); 0 for fewer than two values."""
    _, sd = mean_sd(values)
    return 0.0 if sd is None else sd * sd


def competition_ranks(totals: Sequence[float]) -> list[int]:
    """Rank of each total, highest first, equal totals sharing a rank (1, 2, 2, 4)."""
    order = sorted(range(len(totals)), key=lambda i: -totals[i])
    ranks = [0] * len(totals)
    for position, index in enumerate(order):
        if position and math.isclose(totals[index], totals[order[position - 1]], abs_tol=1e-9):
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def group_size(students: int, fraction: float = GROUP_FRACTION) -> int:
    """Students in each of the upper and lower groups: round(fraction * N), at least 1, at most N // 2."""
    if students < 2:
        return 0
    return max(1, min(students // 2, round(fraction * students)))


def facility(item: Sequence[float], full_marks: float) -> float | None:
    """Mean points over full marks; None without students or full marks."""
    if not item or full_marks <= 0:
        return None
    return math.fsum(item) / len(item) / full_marks


def discrimination(
    item: Sequence[float], totals: Sequence[float], full_marks: float, *, keys: Sequence[str] | None = None, fraction: float = GROUP_FRACTION
) -> float | None:
    """Upper-minus-lower group mean on one question, over its full marks.

    `item[i]` and `totals[i]` belong to the same student; `keys` (student ids)
    break ties in the totals so the groups do not depend on input order.
    """
    n = group_size(len(totals), fraction)
    if n == 0 or full_marks <= 0 or len(item) != len(totals):
        return None
    names = keys if keys is not None else [""] * len(totals)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], names[i]))
    upper = math.fsum(item[i] for i in order[:n]) / n
    lower = math.fsum(item[i] for i in order[-n:]) / n
    return (upper - lower) / full_marks


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a students x questions matrix of points; None when undefined."""
    if not matrix or any(len(row) != len(matrix[0]) for row in matrix):
        return None
    return cronbach_alpha_columns([[row[j] for row in matrix] for j in range(len(matrix[0]))])


def cronbach_alpha_columns(columns: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha from one column of points per question (every column one value per student)."""
    k = len(columns)
    if k < 2 or len(columns[0]) < 2 or any(len(column) != len(columns[0]) for column in columns):
        return None
    totals = [math.fsum(points) for points in zip(*columns)]
    total_variance = sample_variance(totals)
    if total_variance <= 0:
        return None
    item_variance = math.fsum(sample_variance(column) for column in columns)
    return k / (k - 1) * (1 - item_variance / total_variance)


def histogram(totals: Sequence[float], full_marks: float, bins: int = HISTOGRAM_BINS) -> tuple[Bin, ...]:
    """Counts of totals in `bins` equal bins over 0..full_marks; totals outside are clamped in."""
    if bins <= 0 or full_marks <= 0:
        return ()
    width = full_marks / bins
    counts = [0] * bins
    for total in totals:
        index = int(total * bins / full_marks + 1e-9) if total > 0 else 0  # 1.2 of 4 in 10 bins is bin 3, not 2.999
        counts[min(max(index, 0), bins - 1)] += 1
    return tuple(Bin(round(i * width, 6), round((i + 1) * width, 6), counts[i]) for i in range(bins))


def answer_key(answer: str) -> str:
    """How wrong answers are grouped: whitespace folded, Latin letters upper-cased, bounded length."""
    text = " ".join(answer.split())
    if text.isascii():
        text = text.upper()
    return text[:WRONG_KEY_CHARS] or BLANK_ANSWER


def common_wrong(answers: Iterable[str], top: int = TOP_WRONG) -> tuple[tuple[str, int], ...]:
    """The `top` most common wrong answers with counts, ties in first-seen order."""
    counts = Counter(answer_key(answer) for answer in answers)
    return tuple(counts.most_common(top))


# -- a whole class --------------------------------------------------------------------------------


@dataclass
class _Item:
    section: str
    full_marks: float
    correct: int = 0
    blank: int = 0
    wrong: Counter[str] = field(default_factory=Counter)
    other_wrong: int = 0
    # Points by student number (8 bytes each) and whether that student has a mark; shorter than the class = 0.
    scores: array[float] = field(default_factory=lambda: array("d"))
    seen: bytearray = field(default_factory=bytearray)


class ClassAccumulator:
    """Takes marks one at a time and keeps only what the statistics need.

    Memory grows with students x questions (9 bytes each: a double and a
    seen flag) and with the capped wrong-answer counters, never with the
    answers' text or the number of rows, so a file can be streamed through it.
    """

    def __init__(self) -> None:
        self._students: dict[str, int] = {}  # student -> number, in order of first mark
        self._answered: list[int] = []
        self._items: dict[str, _Item] = {}
        self._sections: dict[str, None] = {}
        self.duplicates = 0

    def add(self, mark: Mark) -> None:
        """Count one mark; a second mark for the same student and question replaces the first."""
        item = self._items.get(mark.question)
        if item is None:
            item = self._items[mark.question] = _Item(mark.section, mark.full_marks)
            self._sections.setdefault(mark.section, None)
        number = self._students.setdefault(mark.student, len(self._students))
        if number == len(self._answered):
            self._answered.append(0)
        if len(item.scores) <= number:
            missing = number + 1 - len(item.scores)
            item.scores.extend(repeat(0.0, missing))
            item.seen.extend(bytes(missing))
        if item.seen[number]:
            self.duplicates += 1  # the earlier mark's answer stays in the counts: cheap and rare
        else:
            item.seen[number] = 1
            self._answered[number] += 1
        item.scores[number] = mark.points
        correct = mark.correct if mark.correct is not None else mark.points >= mark.full_marks > 0
        if correct:
            item.correct += 1
            return
        if not mark.answer.strip():
            item.blank += 1
            return
        key = answer_key(mark.answer)
        if key in item.wrong or len(item.wrong) < DISTINCT_WRONG_CAP:
            item.wrong[key] += 1
        else:
            item.other_wrong += 1

    def result(self, *, top_wrong: int = TOP_WRONG, bins: int = HISTOGRAM_BINS, skip_unanswered: bool = False) -> ClassStats:
        """The statistics of everything added so far (see the module's conventions for `skip_unanswered`)."""
        questions = list(self._items)
        students = sorted(self._students)
        order = [self._students[s] for s in students]
        columns: list[list[float]] = []
        done: list[list[bool]] = []  # done[j][i]: student i has a mark for question j
        for question in questions:
            item = self._items[question]
            columns.append([item.scores[n] if n < len(item.scores) else 0.0 for n in order])
            if skip_unanswered:  # only then: a big file marked as a paper keeps to its 9 bytes a cell
                done.append([n < len(item.seen) and bool(item.seen[n]) for n in order])
        fulls = [self._items[q].full_marks for q in questions]
        totals = [math.fsum(points) for points in zip(*columns)] if columns else [0.0] * len(students)
        full = math.fsum(fulls)
        if skip_unanswered:
            student_full = [math.fsum(fulls[j] for j in range(len(questions)) if done[j][i]) for i in range(len(students))]
            measure = [t / f if f > 0 else 0.0 for t, f in zip(totals, student_full)]
        else:
            student_full = [full] * len(students)
            measure = totals
        ranks = competition_ranks(measure)
        student_stats = []
        for index, student in enumerate(students):
            per_section = dict.fromkeys(self._sections, 0.0)
            for j, question in enumerate(questions):
                per_section[self._items[question].section] += columns[j][index]
            student_stats.append(StudentStat(student, totals[index], student_full[index], ranks[index], per_section, self._answered[order[index]]))
        student_stats.sort(key=lambda s: (s.rank, s.student))
        question_stats = []
        for j, question in enumerate(questions):
            item = self._items[question]
            who = [i for i in range(len(students)) if done[j][i]] if skip_unanswered else range(len(students))
            column = [columns[j][i] for i in who]
            wrong = tuple(item.wrong.most_common(top_wrong))
            mean, _ = mean_sd(column)
            question_stats.append(
                QuestionStat(
                    question=question,
                    section=item.section,
                    full_marks=item.full_marks,
                    students=len(column),
                    mean=mean if mean is not None else 0.0,
                    facility=facility(column, item.full_marks),
                    discrimination=discrimination(column, [measure[i] for i in who], item.full_marks, keys=[students[i] for i in who]),
                    correct=item.correct,
                    blank=item.blank,
                    wrong_answers=wrong,
                )
            )
        if skip_unanswered:
            complete = [i for i in range(len(students)) if all(flags[i] for flags in done)]
            alpha = cronbach_alpha_columns([[column[i] for i in complete] for column in columns])
            scale = 1.0
        else:
            alpha = cronbach_alpha_columns(columns)
            scale = full
        mean, sd = mean_sd(measure)
        paper = PaperStat(
            students=len(students),
            questions=len(questions),
            full_marks=scale,
            mean=mean,
            sd=sd,
            minimum=min(measure) if measure else None,
            maximum=max(measure) if measure else None,
            alpha=alpha,
            histogram=histogram(measure, scale, bins),
        )
        return ClassStats(tuple(student_stats), tuple(question_stats), paper, tuple(self._sections), self.duplicates, skip_unanswered)


def class_stats(marks: Iterable[Mark], *, top_wrong: int = TOP_WRONG, bins: int = HISTOGRAM_BINS, skip_unanswered: bool = False) -> ClassStats:
    """Every statistic of a class from its marks (streamed: the iterable is read once)."""
    accumulator = ClassAccumulator()
    for mark in marks:
        accumulator.add(mark)
    return accumulator.result(top_wrong=top_wrong, bins=bins, skip_unanswered=skip_unanswered)


def section_full_marks(stats: ClassStats) -> Mapping[str, float]:
    """Full marks of each section, from the questions seen."""
    totals: dict[str, float] = dict.fromkeys(stats.sections, 0.0)
    for question in stats.questions:
        totals[question.section] += question.full_marks
    return totals
