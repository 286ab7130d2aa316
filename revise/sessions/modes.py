"""The practice modes of a 刷题 app: which questions each one serves, and in what order.

Each mode turns the bank (and, for some, the store) into a list of question
ids that :class:`revise.sessions.engine.PracticeEngine` serves as a queue, so
grading, scheduling and the 错题本 work the same in every mode:

- 顺序练习: a chapter in bank order, resumed after the last question answered
  in order (kept per chapter in the ``sequential_positions`` setting);
- 随机练习: the bank or one chapter, shuffled, cut to a count;
- 专项练习: every question of one type, or with one tag, in bank order;
- 自定义组卷: so many questions of each type from the chosen chapters, drawn at
  random; practised as a queue, or sat timed as a paper blueprint;
- 考前冲刺: today's share of :func:`revise.progress.forecast.sprint_selection`,
  the questions whose recall at the exam is lowest.

Modes serve the bank's own questions; the generated concept drills are
practised in 开始练习 and the chapter list.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path

from revise.bank.model import QUESTION_TYPES, TYPE_LABELS, Bank, Location, Paper, Question, Section
from revise.clock import local_zone
from revise.progress.store import Store
from revise.sessions.engine import SEQUENTIAL_SETTING

# Points per question of a custom paper's section, when no paper of the bank has that type.
DEFAULT_POINTS = {"fill": 1, "choice": 1, "multi": 2, "truefalse": 1, "judge": 2, "short": 5, "essay": 10, "numeric": 8, "match": 2}
# A custom paper's time limit: whole minutes within a blueprint's bounds (revise.bank.papers.MAX_MINUTES).
MAX_CUSTOM_MINUTES = 600
# More than this in one custom set is a typo (a paper section allows 200).
MAX_CUSTOM_COUNT = 200
RANDOM_COUNTS = (20, 50, 100)


def bank_questions(bank: Bank, chapters: Iterable[str] = ()) -> dict[str, Question]:
    """The bank's own questions (no generated drills), in bank order; only those chapters when given."""
    wanted = set(chapters)
    return {qid: question for qid, question in bank.questions.items() if not wanted or question.chapter in wanted}


def chapter_titles(bank: Bank) -> list[str]:
    """Chapter titles in bank order, each once (two files may share a title)."""
    return list(dict.fromkeys(chapter.title for chapter in bank.chapters))


# -- 顺序练习 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SequentialPlan:
    """A chapter in bank order and where to start: after the last question answered in order."""

    chapter: str
    order: list[str]
    start: int
    # The chapter was finished last time, so this round starts again from the first question.
    restarted: bool = False

    @property
    def done(self) -> int:
        """Questions before the starting point (0 when starting afresh)."""
        return self.start

    @property
    def notice(self) -> str | None:
        """What to tell the student as the chapter opens: where it resumes, or that it starts over."""
        if self.restarted:
            return f"这一章上次已按顺序做完一遍，从第 1 题重新开始（共 {len(self.order)} 题）。"
        if self.start:
            return f"从第 {self.start + 1} 题接着做（共 {len(self.order)} 题）。"
        return None


def sequential_positions(store: Store) -> dict[str, str]:
    """Per chapter title, the id of the last question answered in 顺序练习."""
    return dict(store.get_setting(SEQUENTIAL_SETTING) or {})


def sequential_plan(bank: Bank, chapter: str, positions: Mapping[str, str]) -> SequentialPlan:
    """Where 顺序练习 of `chapter` resumes: after its last answered question (still in the bank), else the start."""
    order = list(bank_questions(bank, [chapter]))
    last = positions.get(chapter)
    start = order.index(last) + 1 if last in order else 0
    if order and start >= len(order):
        return SequentialPlan(chapter, order, 0, restarted=True)
    return SequentialPlan(chapter, order, start)


# -- 随机练习 and 专项练习 ----------------------------------------------------------------------------------


def random_queue(bank: Bank, rng: random.Random, *, chapter: str | None = None, count: int | None = None) -> list[str]:
    """The bank (or one chapter) shuffled, cut to `count` (None: all of it)."""
    ids = sorted(bank_questions(bank, [chapter] if chapter else ()))
    rng.shuffle(ids)
    return ids if count is None else ids[: max(0, count)]


def type_counts(bank: Bank, chapters: Iterable[str] = ()) -> dict[str, int]:
    """Questions of each type (in the chapters given), in the bank's type order; types with none left out."""
    counts = Counter(question.type for question in bank_questions(bank, chapters).values())
    return {qtype: counts[qtype] for qtype in QUESTION_TYPES if counts[qtype]}


def tag_counts(bank: Bank) -> dict[str, int]:
    """Questions with each tag, most used first (ties by name)."""
    counts = Counter(tag for question in bank.questions.values() for tag in question.tags)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def special_queue(bank: Bank, *, qtype: str | None = None, tag: str | None = None) -> list[str]:
    """专项练习: every question of the type, or carrying the tag, in bank order."""
    return [qid for qid, question in bank.questions.items() if (qtype is None or question.type == qtype) and (tag is None or tag in question.tags)]


# -- 自定义组卷 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomSet:
    """A set the student composes: chapters (none: all) and how many questions of each type."""

    chapters: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many questions were asked for."""
        return sum(self.counts.values())


def check_custom_set(bank: Bank, spec: CustomSet) -> list[str]:
    """Problems with a custom set, in Chinese (empty when it can be drawn in full)."""
    problems = []
    unknown = [chapter for chapter in spec.chapters if chapter not in chapter_titles(bank)]
    if unknown:
        problems.append(f"题库里没有这些章：{'、'.join(unknown)}")
    available = type_counts(bank, spec.chapters)
    for qtype, count in spec.counts.items():
        if qtype not in TYPE_LABELS:
            problems.append(f"没有“{qtype}”这种题型")
        elif count < 0 or count > MAX_CUSTOM_COUNT:
            problems.append(f"{TYPE_LABELS[qtype]}的题数须在 0 到 {MAX_CUSTOM_COUNT} 之间")
        elif count > available.get(qtype, 0):
            problems.append(f"所选章节只有 {available.get(qtype, 0)} 道{TYPE_LABELS[qtype]}，不够 {count} 道")
    if not problems and spec.total == 0:
        problems.append("还没有选题：至少给一种题型填上题数")
    return problems


def draw_custom(bank: Bank, spec: CustomSet, rng: random.Random) -> list[str]:
    """The set's question ids: for each type (in the bank's type order) that many drawn at random from the chapters."""
    pool = bank_questions(bank, spec.chapters)
    drawn: list[str] = []
    for qtype in QUESTION_TYPES:
        count = spec.counts.get(qtype, 0)
        if count > 0:
            ids = sorted(qid for qid, question in pool.items() if question.type == qtype)
            drawn += rng.sample(ids, min(count, len(ids)))
    return drawn


def section_points(bank: Bank, qtype: str) -> float:
    """Points per question of `qtype` on the bank's own papers (the first section of that type), else a default."""
    for paper in bank.papers.values():
        for section in paper.sections:
            if section.type == qtype:
                return section.points
    return DEFAULT_POINTS.get(qtype, 1)


def custom_paper(bank: Bank, spec: CustomSet, minutes: int, rng: random.Random) -> Paper:
    """A mock-exam blueprint for the set: a section per type (and 名词解释/案例分析 kind), weighted to the chosen chapters.

    The counts per kind follow a random draw of the set, so every section can
    be filled from the chosen chapters alone. The id follows from the set and
    the time, so the same set is the same paper.
    """
    if isinstance(minutes, bool) or not 1 <= minutes <= MAX_CUSTOM_MINUTES:
        raise ValueError(f"考试时长须是 1 到 {MAX_CUSTOM_MINUTES} 分钟")
    questions = bank.questions
    kinds = Counter((questions[qid].type, getattr(questions[qid], "kind", None)) for qid in draw_custom(bank, spec, rng))
    sections = [
        Section(f"{TYPE_LABELS[qtype]}（{kind}）" if kind else TYPE_LABELS[qtype], qtype, count, section_points(bank, qtype), kind)
        for (qtype, kind), count in sorted(kinds.items(), key=lambda item: (QUESTION_TYPES.index(item[0][0]), item[0][1] or ""))
    ]
    chapters = spec.chapters or tuple(chapter_titles(bank))
    key = repr((sorted(spec.chapters), sorted(spec.counts.items()), minutes)).encode()
    return Paper(
        id=f"custom-{hashlib.sha1(key).hexdigest()[:8]}",
        title="自定义组卷",
        minutes=minutes,
        sections=tuple(sections),
        location=Location(Path("<自定义组卷>"), 1),
        chapter_weights=dict.fromkeys(chapters, 1.0),
        description="、".join(spec.chapters) if spec.chapters else "全部章节",
    )


# -- 考前冲刺 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintPlan:
    """考前冲刺 today: the days left, the weak questions in all, today's share (weakest first), and those never done."""

    exam_date: date
    days_left: int
    weak: int
    today: list[str]
    unseen: int


def sprint_plan(bank: Bank, store: Store, exam_date: date, now: datetime, tz: tzinfo | None = None) -> SprintPlan:
    """What 考前冲刺 practises today: the questions due on or before today in the sprint selection, as a queue."""
    from revise.progress.forecast import days_until, sprint_for, sprint_ids

    questions = bank_questions(bank)
    items = sprint_for(store, questions, exam_date, now, tz)
    today = now.astimezone(tz or local_zone(now)).date()
    seen = store.seen_ids()
    return SprintPlan(
        exam_date=exam_date,
        days_left=days_until(exam_date, now, tz),
        weak=len(items),
        today=sprint_ids([item for item in items if item.study_on <= today]),
        unseen=sum(1 for qid in questions if qid not in seen),
    )
