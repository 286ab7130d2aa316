"""Mastery and statistics: how well the student knows each question, concept, chapter and the bank.

- A question's mastery is its FSRS retrievability now; a question never seen,
  or still in its (re)learning steps after a new or wrong answer, counts 0. A concept's, a chapter's and the bank's mastery is the mean over
  their questions (drills included unless asked otherwise).
- Counts per group: new (never answered), learning (in FSRS (re)learning
  steps), due today (due before the end of the local day) and mastered
  (graduated to review and retrievability ≥ 0.9; a card answered wrong a
  minute ago has high retrievability but is still learning, not mastered).
- Answers per day for the last 90 days, the current streak of days practised,
  accuracy overall and per question type, and the questions most often wrong.

Days are local days in `tz` (default: the machine's time zone at `now`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from revise.bank.drills import is_drill_id, practice_questions
from revise.bank.model import TYPE_LABELS, Bank, Question
from revise.clock import local_zone, utc
from revise.progress.due import due_cutoff
from revise.progress.scheduling import REVIEW, CardState, retrievability_of
from revise.progress.store import Store, db_time, parse_db_time

MASTERED_RETRIEVABILITY = 0.9
HISTORY_DAYS = 90
TOP_WRONG = 10


@dataclass(frozen=True)
class GroupMastery:
    """Mastery of a group of questions (a concept, a chapter or the bank) and its counts."""

    key: str
    name: str
    questions: int = 0
    mastery: float = 0.0
    new: int = 0
    learning: int = 0
    due_today: int = 0
    mastered: int = 0


@dataclass(frozen=True)
class MasteryReport:
    """Mastery of every question, concept and chapter (in bank order) and of the whole bank."""

    now: datetime
    questions: dict[str, float]
    concepts: dict[str, GroupMastery]
    chapters: list[GroupMastery]
    bank: GroupMastery


@dataclass(frozen=True)
class Accuracy:
    """Answers graded correct, partial and incorrect; `accuracy` is the share graded correct."""

    key: str
    label: str
    correct: int = 0
    partial: int = 0
    incorrect: int = 0

    @property
    def answered(self) -> int:
        """All answers counted."""
        return self.correct + self.partial + self.incorrect

    @property
    def accuracy(self) -> float:
        """Share of answers graded correct (0 when there are none)."""
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class WrongQuestion:
    """A question often answered wrong."""

    question_id: str
    prompt: str
    chapter: str
    incorrect: int
    answered: int


@dataclass(frozen=True)
class Stats:
    """Everything the statistics screen and `revise stats` show."""

    now: datetime
    mastery: MasteryReport
    answers_per_day: list[tuple[date, int]]
    streak: int
    accuracy: Accuracy
    accuracy_by_type: dict[str, Accuracy]
    most_wrong: list[WrongQuestion] = field(default_factory=list)


def _group(key: str, name: str, sums: list[float] | None) -> GroupMastery:
    if not sums or not sums[0]:
        return GroupMastery(key, name)
    count = int(sums[0])
    return GroupMastery(key, name, count, sums[1] / count, int(sums[2]), int(sums[3]), int(sums[4]), int(sums[5]))


def compute_mastery(
    bank: Bank,
    store: Store | Mapping[str, CardState],
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    include_drills: bool = True,
    questions: Mapping[str, Question] | None = None,
) -> MasteryReport:
    """Mastery per question, concept, chapter and bank at `now`, from the store's cards (or a mapping of them).

    `questions` (default: the bank's, plus drills) may be passed when already built.
    """
    now = now or datetime.now(timezone.utc)
    tz = tz or local_zone(now)
    end_of_today = due_cutoff(now, tz)  # the one definition of "due today"
    # (state, stability, last review, due before the day ends) per card; stored rows skip building CardStates.
    facts: dict[str, tuple[int, float | None, datetime | None, bool]]
    if isinstance(store, Store):
        end_text = db_time(end_of_today)
        facts = {qid: (state, stability, parse_db_time(last) if last else None, due < end_text) for qid, state, stability, last, due in store.mastery_rows()}
    else:
        facts = {qid: (card.state, card.stability, card.last_review, card.due is not None and card.due < end_of_today) for qid, card in store.items()}
    practised = questions if questions is not None else practice_questions(bank, include_drills=include_drills)
    now_utc = utc(now)

    # One pass, accumulating [questions, sum of mastery, new, learning, due today, mastered] per group.
    values: dict[str, float] = {}
    chapter_sums: dict[str, list[float]] = {}
    concept_sums: dict[str, list[float]] = {}
    for qid, question in practised.items():
        card = facts.get(qid)
        groups = [chapter_sums.get(question.chapter) or chapter_sums.setdefault(question.chapter, [0, 0.0, 0, 0, 0, 0])]
        if question.concept:
            groups.append(concept_sums.get(question.concept) or concept_sums.setdefault(question.concept, [0, 0.0, 0, 0, 0, 0]))
        if card is None:
            values[qid] = 0.0
            for sums in groups:
                sums[0] += 1
                sums[2] += 1
            continue
        state, stability, last_review, due = card
        learning = state != REVIEW
        # fsrs counts whole days, so a card failed a minute ago has R = 1; until it
        # graduates from the learning steps it is not known, so it counts 0.
        value = values[qid] = 0.0 if learning else retrievability_of(stability, last_review, now_utc)
        mastered = not learning and value >= MASTERED_RETRIEVABILITY
        for sums in groups:
            sums[0] += 1
            sums[1] += value
            sums[3] += learning
            sums[4] += due
            sums[5] += mastered

    chapters = [_group(ch.title, ch.title, chapter_sums.get(ch.title)) for ch in _unique_chapters(bank)]
    concepts = {cid: _group(cid, bank.concepts[cid].name if cid in bank.concepts else cid, sums) for cid, sums in concept_sums.items()}
    whole = _group("bank", "全部", [sum(column) for column in zip(*chapter_sums.values())] if chapter_sums else None)
    return MasteryReport(now, values, concepts, chapters, whole)


def _unique_chapters(bank: Bank) -> list:
    """Chapters in order, one per title (two files may share a title)."""
    seen: set[str] = set()
    unique = []
    for chapter in bank.chapters:
        if chapter.title not in seen:
            seen.add(chapter.title)
            unique.append(chapter)
    return unique


def answers_per_day(store: Store, now: datetime, tz: tzinfo, days: int = HISTORY_DAYS) -> list[tuple[date, int]]:
    """(local date, answers) for each of the last `days` days, ending today."""
    today = now.astimezone(tz).date()
    dates = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    boundaries = [datetime.combine(day, time(0), tzinfo=tz) for day in [*dates, today + timedelta(days=1)]]
    return list(zip(dates, store.answers_in_ranges(boundaries)))


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time(0), tzinfo=tz)


def current_streak(store: Store, now: datetime, tz: tzinfo, recent: list[tuple[date, int]] | None = None) -> int:
    """Consecutive local days with at least one answer, ending today (or yesterday, if today has none yet)."""
    recent = list(recent if recent is not None else answers_per_day(store, now, tz))
    if recent and recent[-1][1] == 0:
        recent.pop()  # today is not over: yesterday's streak still stands
    streak = 0
    for _, count in reversed(recent):
        if not count:
            return streak
        streak += 1
    # Every day of the window was practised: probe further back a day at a time (index seeks).
    day = recent[0][0] - timedelta(days=1) if recent else now.astimezone(tz).date() - timedelta(days=1)
    while store.answered_between(local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)):
        streak += 1
        day -= timedelta(days=1)
    return streak


def accuracy(store: Store) -> tuple[Accuracy, dict[str, Accuracy]]:
    """Accuracy overall and per question type, over every scheduled answer (questions since deleted included)."""
    per_type = store.verdict_totals_by_type()
    overall = Accuracy("all", "全部", *(sum(counts[i] for counts in per_type.values()) for i in range(3)))
    by_type = {qtype: Accuracy(qtype, TYPE_LABELS.get(qtype, qtype), *per_type[qtype]) for qtype in _type_order(per_type)}
    return overall, by_type


def _type_order(types: Mapping[str, object]) -> list[str]:
    known = [t for t in TYPE_LABELS if t in types]
    return known + sorted(t for t in types if t not in TYPE_LABELS)


def most_wrong(bank: Bank, store: Store, questions: Mapping[str, Question], top: int = TOP_WRONG) -> list[WrongQuestion]:
    """The `top` questions still practised that were answered incorrectly most often."""
    found: list[WrongQuestion] = []
    for qid, incorrect, answered in store.most_incorrect():
        if len(found) >= top:
            break
        question = questions.get(qid)
        if question is not None:
            found.append(WrongQuestion(qid, question.prompt, question.chapter, incorrect, answered))
    return found


def collect_stats(
    bank: Bank,
    store: Store,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    days: int = HISTORY_DAYS,
    top: int = TOP_WRONG,
    include_drills: bool = True,
) -> Stats:
    """Gather every statistic for the statistics screen and `revise stats`."""
    now = now or datetime.now(timezone.utc)
    tz = tz or local_zone(now)
    practised = practice_questions(bank, include_drills=include_drills)
    report = compute_mastery(bank, store, now=now, tz=tz, questions=practised)
    recent = answers_per_day(store, now, tz, days)
    overall, by_type = accuracy(store)
    return Stats(
        now=now,
        mastery=report,
        answers_per_day=recent,
        streak=current_streak(store, now, tz, recent),
        accuracy=overall,
        accuracy_by_type=by_type,
        most_wrong=most_wrong(bank, store, practised, top),
    )


def _group_json(group: GroupMastery) -> dict:
    data = asdict(group)
    data["mastery"] = round(group.mastery, 4)
    return data


def _accuracy_json(item: Accuracy) -> dict:
    return {
        "type": item.key,
        "label": item.label,
        "answered": item.answered,
        "correct": item.correct,
        "partial": item.partial,
        "incorrect": item.incorrect,
        "accuracy": round(item.accuracy, 4),
    }


def stats_to_json(stats: Stats) -> dict:
    """A JSON-ready dict of the statistics (mastery values rounded to 4 places)."""
    report = stats.mastery
    return {
        "generated_at": stats.now.astimezone(timezone.utc).isoformat(),
        "bank": _group_json(report.bank),
        "chapters": [_group_json(group) for group in report.chapters],
        "concepts": [_group_json(group) for group in report.concepts.values()],
        "questions": [{"id": qid, "mastery": round(value, 4), "drill": is_drill_id(qid)} for qid, value in report.questions.items()],
        "answers_per_day": [{"date": day.isoformat(), "answers": count} for day, count in stats.answers_per_day],
        "streak_days": stats.streak,
        "accuracy": _accuracy_json(stats.accuracy),
        "accuracy_by_type": [_accuracy_json(item) for item in stats.accuracy_by_type.values()],
        "most_wrong": [asdict(item) for item in stats.most_wrong],
    }
