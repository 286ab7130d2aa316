"""Small pieces the exam screens and the exam flow share: the countdown text, and reading back a saved answer."""

from __future__ import annotations

from datetime import timedelta
from math import ceil

from revise.bank.model import ChoiceQuestion, FillQuestion, JudgeQuestion, MultiQuestion, Question, TrueFalseQuestion
from revise.bank.response import EMPTY_BLANK, Response


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
