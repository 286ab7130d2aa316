"""Timed mock exams: attempts that survive crashes, grading on submit, and the scored report.

An attempt is a drawn paper (blueprint id + seed) with a wall-clock deadline.
Every answer and flag is written to the store as it changes, so a killed app
loses nothing: the next start finds the unfinished attempt and resumes it with
the time really left, or submits it when the deadline has passed.

Submitting grades every question with the same grader as practice, logs each
answer (mode ``exam``) so it feeds the scheduler and the 错题本, and stores the
report. All of that happens in one transaction, and it marks the answers the
*store* holds, not this window's copy. A question that cannot be marked (a
formula that fails on its drawn values, a grader error) scores 0 with a note;
handing in never fails because of one question.

One attempt is open in one window at a time: the session holds it with an
owner token, and another window resuming it is told (:class:`AttemptInUseError`)
and may take it over, after which this one is refused (:class:`AttemptTakenError`).

The deadline is the stored wall-clock deadline, but within a session the time
left is also counted on the monotonic clock, and never more than the paper's
minutes: setting the computer's clock back does not add time.

What happens when the time runs out is the student's choice, made at the start
and kept with the attempt (:class:`TimeRule`): hand in; a grace period in which
answers changed are marked late; or hand in without counting it in the score
trend. An attempt can also be abandoned: never marked, never in the trend.

A save the disk refused raises :class:`StoreWriteError`; the answer is kept
here as *pending* (not saved) until :meth:`ExamSession.retry_pending` or the
hand-in saves it, and :meth:`ExamSession.is_saved` says what is committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from revise.bank.model import Bank
from revise.bank.papers import DrawnPaper, DrawnQuestion, Paper, draw_paper, is_mark, mark_total
from revise.clock import utc_now
from revise.progress.store import AnswerReceipt, AttemptInUseError, AttemptTakenError, Marking, Store, StoreWriteError, new_owner_token
from revise.sessions.exam_report import (
    GRACE,
    NOCOUNT,
    SUBMIT,
    UNANSWERED_FEEDBACK,
    UNMARKABLE_FEEDBACK,
    AttemptSummary,
    ExamReport,
    ReportItem,
    Subtotal,
    TimeRule,
    attempt_history,
    attempt_rows,
    score_item,
)

__all__ = [
    "GRACE",
    "NOCOUNT",
    "SUBMIT",
    "UNANSWERED_FEEDBACK",
    "UNMARKABLE_FEEDBACK",
    "AttemptInUseError",
    "AttemptSummary",
    "AttemptTakenError",
    "ExamError",
    "ExamReport",
    "ExamSession",
    "ExamSettingError",
    "ReportItem",
    "StoreWriteError",
    "Subtotal",
    "TimeRule",
    "attempt_history",
    "attempt_rows",
    "check_exam_settings",
    "resume_or_abandon",
    "score_item",
    "unfinished_attempt",
]

Clock = Callable[[], datetime]
Monotonic = Callable[[], float]
ABANDONED_REASON = "学生放弃了这次考试（不评分，不计入成绩走势）"
# The longest paper a student can sit, and the seeds a paper can be drawn with (SQLite integers).
MAX_MINUTES = 24 * 60
MAX_SEED = 2**63 - 1
WARNINGS_AT = (timedelta(minutes=5), timedelta(minutes=1))


class ExamError(Exception):
    """An attempt that cannot be started or resumed, with a message for the student."""


class ExamSettingError(ExamError, ValueError):
    """A time limit or seed out of range (from the command line or a paper); the message says which and why."""


def check_exam_settings(minutes: object, seed: object) -> tuple[int, int]:
    """(minutes, seed) as whole numbers within range; ExamSettingError (a ValueError) naming the problem otherwise."""
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes != minutes:
        raise ExamSettingError(f"考试时长必须是整数分钟，不能是 {minutes!r}")
    if not 1 <= minutes <= MAX_MINUTES or int(minutes) != minutes:
        raise ExamSettingError(f"考试时长必须是 1 到 {MAX_MINUTES} 之间的整数分钟，不能是 {minutes:g}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ExamSettingError(f"随机种子必须是整数，不能是 {seed!r}")
    if not 0 <= seed <= MAX_SEED:
        raise ExamSettingError(f"随机种子必须在 0 到 {MAX_SEED} 之间，不能是 {seed}")
    return int(minutes), seed


class ExamSession:
    """One attempt at a paper, driven by the exam screen (or a test) and saved as it goes."""

    def __init__(
        self,
        bank: Bank,
        store: Store,
        drawn: DrawnPaper,
        attempt_id: int,
        deadline: datetime,
        *,
        clock: Clock = utc_now,
        minutes: int | None = None,
        owner: str | None = None,
        monotonic: Monotonic | None = None,
        seen_at: datetime | None = None,
        rule: TimeRule | None = None,
    ) -> None:
        self.bank = bank
        self.store = store
        self.drawn = drawn
        self.attempt_id = attempt_id
        self.deadline = deadline
        self.clock = clock
        self.minutes = minutes if minutes is not None else drawn.paper.minutes
        self.owner = owner
        self.rule = rule or TimeRule()
        self.responses: dict[int, str] = {}
        self.flags: set[int] = set()
        # Questions whose answer changed after the deadline (in a grace period).
        self.late: set[int] = set()
        # Answers changed here whose save the disk refused: number -> (response, flagged, late) still to save.
        self.pending: dict[int, tuple[str, bool, bool]] = {}
        self.report: ExamReport | None = None
        self.abandoned = False
        # The real monotonic clock goes with the real wall clock; a test's clock is its own world unless given one.
        self._monotonic = monotonic if monotonic is not None else (time.monotonic if clock is utc_now else None)
        self._monotonic_start = self._monotonic() if self._monotonic else 0.0
        started = clock()
        # The latest wall-clock time seen: a clock set back below it is not believed.
        self._latest_seen = max(started, seen_at) if seen_at is not None else started
        self._wall_start = self._latest_seen

    # -- starting and resuming --------------------------------------------------

    @classmethod
    def start(
        cls,
        bank: Bank,
        store: Store,
        paper: Paper,
        *,
        seed: int,
        minutes: int | float | None = None,
        clock: Clock = utc_now,
        monotonic: Monotonic | None = None,
        rule: TimeRule | None = None,
    ) -> ExamSession:
        """Draw the paper and record a new attempt with its deadline and time rule, held by this session.

        ExamSettingError (a ValueError) for minutes or a seed out of range,
        ExamError for a paper that cannot be drawn.
        """
        minutes, seed = check_exam_settings(minutes if minutes is not None else paper.minutes, seed)
        try:
            drawn = draw_paper(paper, bank, seed)
        except ExamError:
            raise
        except Exception as error:  # a bank problem must reach the student as a message
            raise ExamError(f"试卷“{paper.id}”无法抽题：{error}") from None
        started = clock()
        deadline = started + timedelta(minutes=minutes)
        owner = new_owner_token()
        rule = rule or TimeRule()
        attempt_id = store.start_exam_attempt(
            paper.id,
            seed,
            minutes,
            started,
            deadline,
            [(q.number, q.question.id) for q in drawn.questions],
            owner=owner,
            time_rule=rule.kind,
            grace_minutes=rule.grace_minutes,
        )
        return cls(bank, store, drawn, attempt_id, deadline, clock=clock, minutes=minutes, owner=owner, monotonic=monotonic, rule=rule)

    @classmethod
    def resume(
        cls, bank: Bank, store: Store, attempt_id: int, *, clock: Clock = utc_now, take_over: bool = False, monotonic: Monotonic | None = None
    ) -> ExamSession:
        """Reopen an unfinished attempt with its saved answers, flags and deadline, and hold it in this window.

        AttemptInUseError when another window holds it: ask the student, then
        call again with `take_over=True` to continue here.
        """
        record = store.exam_attempt(attempt_id)
        if record is None:
            raise ExamError(f"没有编号为 {attempt_id} 的考试记录")
        paper = bank.papers.get(record["paper_id"])
        if paper is None:
            raise ExamError(f"试卷“{record['paper_id']}”已不在题库中，无法继续这次考试")
        try:
            drawn = draw_paper(paper, bank, record["seed"])
        except Exception as error:
            raise ExamError(f"试卷“{paper.id}”无法按原样重新抽题：{error}") from None
        if [q.question.id for q in drawn.questions] != [qid for _, qid in record["questions"]]:
            raise ExamError("题库已经改动，这份试卷无法按原样恢复")
        owner = None
        if record["submitted_at"] is None:
            owner = new_owner_token()
            store.claim_exam_attempt(attempt_id, owner, clock(), take_over=take_over)
        session = cls(
            bank,
            store,
            drawn,
            attempt_id,
            record["deadline"],
            clock=clock,
            minutes=record["minutes"],
            owner=owner,
            monotonic=monotonic,
            seen_at=record.get("last_saved_at"),
            rule=TimeRule.of(record.get("time_rule"), record.get("grace_minutes")),
        )
        session._load(record["answers"], record.get("late", ()))
        if record["report"]:
            session.report = ExamReport.from_json(record["report"])
        return session

    def _load(self, answers: list[tuple[int, str, bool]], late: object = ()) -> None:
        self.responses = {number: response for number, response, _ in answers if response}
        self.flags = {number for number, _, flagged in answers if flagged}
        self.late = set(late)  # type: ignore[call-overload]

    # -- during the exam ----------------------------------------------------------

    def question(self, number: int) -> DrawnQuestion:
        """The question with this number (1-based)."""
        return self.drawn.questions[number - 1]

    @property
    def numbers(self) -> list[int]:
        """Every question number, in order."""
        return [q.number for q in self.drawn.questions]

    def _now(self) -> datetime:
        """The wall-clock time, never earlier than the latest seen (a clock set back is not believed)."""
        self._latest_seen = max(self._latest_seen, self.clock())
        return self._latest_seen

    def _save(self, number: int, *, late: bool = False) -> None:
        """Save one question's answer and flag now; on failure it stays pending and the error is raised."""
        previous = self.pending.get(number)
        entry = (self.responses.get(number, ""), number in self.flags, late or (previous is not None and previous[2]))
        self.pending[number] = entry
        self.store.save_exam_answer(self.attempt_id, number, entry[0], entry[1], self._now(), owner=self.owner, late=entry[2])
        if entry[2] and entry[0]:
            self.late.add(number)
        if self.pending.get(number) == entry:
            del self.pending[number]

    def set_answer(self, number: int, response: str) -> None:
        """Save the answer to one question now (the screen debounces typing).

        StoreWriteError when the disk refused it: the answer is kept here as
        pending (not saved) for :meth:`retry_pending`; AttemptTakenError when
        another window has taken the attempt over.
        """
        self._check_open()
        self.question(number)  # IndexError for a number not on the paper
        if self.responses.get(number, "") == response and number not in self.pending:
            return
        self.responses[number] = response
        self._save(number, late=self.overdue)

    def toggle_flag(self, number: int) -> bool:
        """Flag or unflag a question for review; returns whether it is now flagged (saved as answers are)."""
        self._check_open()
        flagged = number not in self.flags
        (self.flags.add if flagged else self.flags.discard)(number)
        self._save(number)
        return flagged

    def retry_pending(self) -> list[int]:
        """Try again to save every pending answer; the numbers still not saved (StoreWriteError is not raised)."""
        for number in sorted(self.pending):
            try:
                self._save(number)
            except StoreWriteError:
                continue
        return sorted(self.pending)

    def is_saved(self, number: int) -> bool:
        """True when the store holds exactly this window's answer and flag for the question: only then show it as saved."""
        if number in self.pending:
            return False
        saved = self.store.saved_exam_answer(self.attempt_id, number)
        mine: tuple[str, bool] = (self.responses.get(number, ""), number in self.flags)
        return saved == mine or (saved is None and mine == ("", False))

    def take_over(self) -> None:
        """Continue this attempt here after another window held it (that window is refused from now on)."""
        self.owner = self.owner or new_owner_token()
        self.store.claim_exam_attempt(self.attempt_id, self.owner, self._now(), take_over=True)
        record = self.store.exam_attempt(self.attempt_id)
        if record is not None:
            self._load(record["answers"], record.get("late", ()))

    def state(self, number: int) -> str:
        """ "flagged", "answered" or "unanswered"."""
        if number in self.flags:
            return "flagged"
        return "answered" if self.responses.get(number, "").strip() else "unanswered"

    def unanswered(self) -> list[int]:
        """Numbers of the questions without an answer."""
        return [n for n in self.numbers if not self.responses.get(n, "").strip()]

    def _left(self, until: datetime, limit: timedelta) -> timedelta:
        left = min(until - self._now(), limit)
        if self._monotonic is not None:
            left = min(left, until - (self._wall_start + timedelta(seconds=self._monotonic() - self._monotonic_start)))
        return max(left, timedelta(0))

    def remaining(self) -> timedelta:
        """Time left before the deadline (never negative, never more than the paper's minutes).

        The least of: the stored deadline less the latest wall-clock time seen,
        the same counted on the monotonic clock since this session began, and
        the time limit itself.
        """
        return self._left(self.deadline, timedelta(minutes=self.minutes))

    def grace_remaining(self) -> timedelta:
        """Time left before the exam ends: the deadline plus the grace period (the deadline itself under other rules)."""
        return self._left(self.deadline + self.rule.grace, timedelta(minutes=self.minutes) + self.rule.grace)

    @property
    def overdue(self) -> bool:
        """Whether the deadline has passed (answers changed from now on are late)."""
        return self.remaining() <= timedelta(0)

    @property
    def in_grace(self) -> bool:
        """Past the deadline but within the grace period: answers may still be changed (and are marked late)."""
        return self.overdue and not self.expired

    @property
    def expired(self) -> bool:
        """Whether the exam is over: the deadline has passed, and the grace period too when there is one."""
        return self.grace_remaining() <= timedelta(0)

    @property
    def submitted(self) -> bool:
        """Whether the paper has been handed in."""
        return self.report is not None

    def _check_open(self) -> None:
        if self.abandoned:
            raise ExamError("这次考试已经放弃")
        if self.report is not None:
            raise ExamError("这份试卷已经交卷")

    def abandon(self) -> None:
        """Give this attempt up: it is never marked, logged or counted (its saved answers stay in the store)."""
        self._check_open()
        self.store.abandon_exam_attempt(self.attempt_id, ABANDONED_REASON, self._now())
        self.abandoned = True
        self.pending.clear()

    # -- submitting -----------------------------------------------------------------

    def submit(self, *, auto: bool = False) -> ExamReport:
        """Grade the answers the store holds, log every one (mode exam), store the report; returns it.

        Pending answers are saved first (StoreWriteError, and nothing handed in,
        when the disk still refuses them). Submitting twice, or after another
        window handed the attempt in, returns the stored report.

        Under the "nocount" rule a paper handed in after the deadline is marked
        but not counted in the score trend; under "grace" the answers changed
        after the deadline are marked late.
        """
        if self.report is not None:
            return self.report
        if self.abandoned:
            raise ExamError("这次考试已经放弃，不能交卷")
        self.retry_pending()
        if self.pending:
            numbers = "、".join(str(number) for number in sorted(self.pending))
            raise StoreWriteError(f"第 {numbers} 题的答案还没能保存，所以没有交卷。请腾出磁盘空间后再交。", "pending")
        now = self._now()
        counted = not (self.rule.kind == NOCOUNT and self.overdue)
        rounding = self.drawn.paper.rounding

        def mark(saved: dict[int, tuple[str, bool]]) -> Marking:
            items: list[ReportItem] = []
            answers: list[dict] = []
            numbers: list[int] = []
            late: set[int] = getattr(saved, "late", set())
            for drawn in self.drawn.questions:
                response, flagged = saved.get(drawn.number, ("", False))
                item, result = score_item(drawn, response, self.bank, flagged=flagged, rounding=rounding)
                item.late = drawn.number in late and bool(response.strip())
                items.append(item)
                if result is not None:
                    numbers.append(drawn.number)
                    answers.append(
                        dict(
                            question_id=drawn.question.id,
                            question_type=drawn.question.type,
                            response=response,
                            verdict=result.verdict,
                            score=result.score,
                            at=now,
                            mode="exam",
                            params=drawn.params or None,
                        )
                    )
            report = ExamReport(
                attempt_id=self.attempt_id,
                paper_id=self.drawn.paper.id,
                paper_title=self.drawn.paper.title,
                seed=self.drawn.seed,
                submitted_at=now,
                auto_submitted=auto,
                items=items,
                section_titles=[section.title for section in self.drawn.paper.sections],
                rounding=rounding,
                time_rule=self.rule.kind,
                grace_minutes=self.rule.grace_minutes,
                counted=counted,
            )

            def write_report(receipts: list[AnswerReceipt]) -> str:
                for number, receipt in zip(numbers, receipts):
                    report.items[number - 1].review_id = receipt.review_id
                return report.to_json()

            return Marking(answers, report.total, report.max_total, write_report, {"report": report, "saved": saved})

        handed_in = self.store.hand_in_exam_attempt(self.attempt_id, now, auto, mark, owner=self.owner, counted=counted)
        if handed_in is None:
            record = self.store.exam_attempt(self.attempt_id)
            if record is None or not record["report"]:
                raise ExamError("这份试卷已经交卷，但找不到成绩报告")
            self._load(record["answers"], record.get("late", ()))
            self.report = ExamReport.from_json(record["report"])
            return self.report
        marking, _receipts = handed_in
        saved = marking.extra["saved"]
        self._load([(number, response, flagged) for number, (response, flagged) in saved.items()], getattr(saved, "late", ()))
        self.report = marking.extra["report"]
        return self.report

    def adjust_points(self, number: int, points: float) -> ExamReport:
        """Change the points of a short or essay answer after marking; the change is recorded."""
        if self.report is None:
            raise ExamError("交卷后才能调整分数")
        item = self.report.items[number - 1]
        if not item.adjustable:
            raise ExamError("只有简答题和论述题可以调整分数")
        if not 0 <= points <= item.max_points:
            raise ExamError(f"分数必须在0到{item.max_points:g}之间")
        step = self.report.rounding
        if not is_mark(points, step):
            raise ExamError(f"这份试卷按 {step:g} 分计分：得分要是 {step:g} 的整数倍（例如 {mark_total([step] * 3):g}），不能是 {points:g}")
        self._set_points(item, points, adjusted=True)
        return self.report

    def _set_points(self, item: ReportItem, points: float, *, adjusted: bool = False, appealed: bool = False) -> None:
        """Record new points for one item and store the report; on a refused write the item is as it was."""
        assert self.report is not None
        before = (item.points, item.adjusted, item.appealed)
        item.points, item.adjusted, item.appealed = float(points), item.adjusted or adjusted, item.appealed or appealed
        try:
            self.store.adjust_exam_points(self.attempt_id, item.number, before[0], item.points, self.report.total, self.report.to_json(), self._now())
        except BaseException:
            item.points, item.adjusted, item.appealed = before
            raise

    def appeal(self, number: int) -> ExamReport:
        """判我对 on one reviewed question: the same rule as practice (:meth:`Store.record_appeal`), and full marks here.

        The appeal is logged with the original verdict and response, the
        answer's rating becomes Good and it leaves the 错题本; the report then
        gives the question full marks (recorded as an adjustment, so the score
        trend follows) and says it was appealed.
        """
        if self.report is None:
            raise ExamError("交卷后才能判我对")
        item = self.report.items[number - 1]
        if item.appealed:
            return self.report
        if not item.appealable or item.review_id is None:
            raise ExamError("只有作答过、没判为正确的题可以判我对")
        self.store.record_appeal(item.question_id, item.review_id, item.verdict, item.response, self._now())
        try:
            self._set_points(item, item.max_points, appealed=True)
        except StoreWriteError as error:
            item.appealed = True  # the appeal itself is recorded: it is not offered twice
            raise StoreWriteError(f"判我对已记录，但得分没能保存：{error}", "appeal-points") from None
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
    except ExamError as error:  # AttemptInUseError (another window) is a StoreError: raised for the UI to offer take-over
        store.abandon_exam_attempt(attempt_id, str(error), clock())
        return None, str(error)
