"""Messages screens post upwards: where to go next, and problems to report.

Screens never import each other or the app. They post one of these; it
bubbles to :class:`revise.tui.app.ReviseApp`, which opens the screen asked for
and reports problems in one place (one message, never a stack of toasts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from revise.sessions.engine import Filters
    from revise.sessions.exam import ExamReport, ExamSession, TimeRule


@dataclass(frozen=True)
class ExamRequest:
    """A mock exam to open (``revise exam``, home, palette): a paper id (None: let the student pick), time limit, seed.

    `rule`: what happens when the time runs out (None: hand in).
    """

    paper_id: str | None = None
    minutes: int | None = None
    seed: int | None = None
    rule: TimeRule | None = None


class StartPractice(Message):
    """Open a practice session on some scope (everything due and new, a chapter, the 错题本, a list of ids)."""

    def __init__(
        self,
        *,
        title: str,
        filters: Filters | None = None,
        notebook_only: bool = False,
        queue: list[str] | None = None,
        everything_when_idle: bool = False,
    ) -> None:
        super().__init__()
        self.title = title
        self.filters = filters
        self.notebook_only = notebook_only
        self.queue = queue
        self.everything_when_idle = everything_when_idle


class OpenExam(Message):
    """Start, resume or pick a mock exam."""

    def __init__(self, request: ExamRequest) -> None:
        super().__init__()
        self.request = request


class ExamHandedIn(Message):
    """An attempt was submitted: show its report in place of the exam."""

    def __init__(self, report: ExamReport, session: ExamSession, *, auto: bool) -> None:
        super().__init__()
        self.report = report
        self.session = session
        self.auto = auto


class OpenExamReport(Message):
    """Show the report of an earlier attempt (from the statistics' history)."""

    def __init__(self, attempt_id: int) -> None:
        super().__init__()
        self.attempt_id = attempt_id


class ProblemReported(Message):
    """Something the student must know went wrong (usually the store could not save).

    `key` groups repeats: the same problem reported again while its message is
    still on screen is not shown twice.
    """

    def __init__(self, title: str, message: str, *, key: str | None = None, timeout: float = 10.0) -> None:
        super().__init__()
        self.title = title
        self.message = message
        self.key = key or title
        self.timeout = timeout


def report_problem(node: MessagePump, title: str, problem: str | BaseException, *, key: str | None = None, timeout: float = 10.0) -> None:
    """The one way a screen reports a problem: post it up to the app, which shows it once."""
    node.post_message(ProblemReported(title, str(problem), key=key, timeout=timeout))


class ScriptChosen(Message):
    """The student chose a display script in 设置: save it and switch the whole interface."""

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script


class StartQueue(Message):
    """A practice mode's questions, in order (随机、专项、自定义组卷、考前冲刺、顺序练习).

    `start` is where 顺序练习 resumes; with `resume_key` (a chapter title) each
    answer is remembered as where it stopped. `notice` is said as it opens.
    """

    def __init__(self, *, title: str, queue: list[str], start: int = 0, resume_key: str | None = None, notice: str | None = None) -> None:
        super().__init__()
        self.title = title
        self.queue = queue
        self.start = start
        self.resume_key = resume_key
        self.notice = notice
