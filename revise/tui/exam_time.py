"""Small pieces the exam screens and the exam flow share: the countdown text, the answer forms as an exam uses
them, and reading back a saved answer."""

from __future__ import annotations

from datetime import timedelta
from math import ceil
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import Button, Input, Label, TextArea

from revise.bank.model import ChoiceQuestion, FillQuestion, JudgeQuestion, MultiQuestion, Question, TrueFalseQuestion
from revise.bank.response import EMPTY_BLANK, Response
from revise.tui.display import plain
from revise.tui.widgets.answers import FORMS, AnswerForm, TrueFalseAnswer

if TYPE_CHECKING:
    from revise.sessions.exam import ExamSession


def countdown_text(remaining: timedelta) -> str:
    """Time left as "mm:ss" (or "h:mm:ss"), rounded up so that 00:00 means the time is up."""
    seconds = max(0, ceil(remaining.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def response_from_text(question: Question, text: str) -> Response:
    """A saved answer's display text (:meth:`Response.display`) read back, for an attempt resumed after a restart.

    Only needed while the exam session stores display text rather than the
    Response itself; a running exam never goes through here.
    """
    if not text:
        return Response()
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        return Response(choices=frozenset(ord(character) - ord("A") for character in text.upper() if "A" <= character <= "Z"))
    if isinstance(question, (TrueFalseQuestion, JudgeQuestion)):
        mark, _, correction = text.partition("，")
        return Response(judgment=mark.strip() == "对", correction=correction)
    if isinstance(question, FillQuestion) and len(question.blanks) > 1:
        parts = text.split("、")
        count = len(question.blanks)
        if len(parts) > count:  # an answer that itself contained the separator
            parts = [*parts[: count - 1], "、".join(parts[count - 1 :])]
        return Response(blanks=tuple("" if part == EMPTY_BLANK else part for part in parts))
    if isinstance(question, FillQuestion):
        return Response(blanks=(text,))
    return Response(text=text)


# -- the answer forms, exam edition -------------------------------------------------------


def _exam_form_class(base: type[AnswerForm]) -> type[AnswerForm]:
    """The practice form with "submit" meaning "keep this answer, next question" (and not in the footer)."""
    return type(
        f"Exam{base.__name__}",
        (base,),
        {
            "__module__": __name__,
            "__doc__": f"{base.__doc__} (In an exam: Enter or ctrl+s keeps the answer and goes to the next question.)",
            "BINDINGS": [
                Binding("ctrl+s", "submit", "下一题", id="exam-answer.next", show=False, tooltip="Keep this answer and go to the next question"),
            ],
        },
    )


EXAM_FORMS: dict[str, type[AnswerForm]] = {qtype: _exam_form_class(form) for qtype, form in FORMS.items()}


def exam_wording(form: AnswerForm) -> None:
    """Say "next question" where the practice form says "submit": nothing is marked until the paper is handed in."""
    for label in form.query(".hint").results(Label):
        text = str(label.content)
        if "提交" in text:
            label.update(plain(text.replace("提交", "下一题")))
    for button in form.query("#submit").results(Button):
        button.label = "下一题 (ctrl+s)"
    for area in form.query(TextArea):
        area.placeholder = "在此作答，写出要点；ctrl+s 下一题"
    for field in form.query("#correction").results(Input):
        field.placeholder = "把说法改对的关键词，Enter 下一题"


def mark_judgment(form: AnswerForm) -> None:
    """Show which of 对/错 is chosen (the practice form moves on at once and never needs to)."""
    if isinstance(form, TrueFalseAnswer):
        form.show_judgment()


def current_response(form: AnswerForm) -> Response:
    """The form's response; an empty Response while nothing is entered (an unjudged 对/错 or all blanks empty)."""
    response = form.response()
    return response if response.has_answer() else Response()


def saved_response(session: ExamSession, number: int) -> Response:
    """What is saved for question `number`, as a Response.

    The session keeps the display text; the structured answer of this run is
    kept by the screen, so this is read only when an attempt is resumed.
    """
    structured = getattr(session, "response_of", None)
    if structured is not None:  # a session that keeps Responses itself
        return structured(number) or Response()
    return response_from_text(session.question(number).question, session.responses.get(number, ""))
