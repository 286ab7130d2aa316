"""The verdict a grader returns, and the few ways of building one.

Every question family builds its :class:`Result` through :func:`correct`,
:func:`scored` and :func:`wrong`, so the verdict vocabulary and the wording of
the feedback stay the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from revise.grading import textnorm as tn

VERDICTS = ("correct", "partial", "incorrect")
# How much of the student's text is echoed back in feedback.
ECHO_CHARS = 24


@dataclass(frozen=True)
class KeypointSpan:
    """One key point of a free-text answer: found or missed, and the student's words that made it."""

    label: str
    found: bool
    start: int = 0  # span of the student's raw text; 0, 0 when missed
    end: int = 0
    text: str = ""  # the student's words in that span


@dataclass(frozen=True)
class Result:
    """A verdict with its score, the expected answer and a short Chinese explanation."""

    verdict: str  # "correct" | "partial" | "incorrect"
    score: float  # 0.0 .. 1.0
    expected: str  # canonical answer as display text
    feedback: str  # what was forgiven or what was wrong; "未作答" for an empty answer
    found: tuple[str, ...] = ()  # short/essay: canonical keypoints found
    missed: tuple[str, ...] = ()  # short/essay: canonical keypoints missed
    keypoint_spans: tuple[KeypointSpan, ...] = ()  # short/essay: each key point, found or missed, with its span
    automatic: bool = False  # a free-text verdict by key points (自动评分): the student may tick or appeal


# -- results ----------------------------------------------------------------------------


def notes_text(notes: Iterable[str]) -> str:
    """What was forgiven, each note once, in order."""
    unique = list(dict.fromkeys(note for note in notes if note))
    return "；".join(unique)


def correct(expected: str, notes: Iterable[str] = ()) -> Result:
    """Full marks, saying what was forgiven."""
    detail = notes_text(notes)
    return Result("correct", 1.0, expected, f"正确（{detail}）" if detail else "正确")


def scored(score: float, expected: str, feedback: str) -> Result:
    """A score from 0 to 1; the verdict follows from it."""
    score = max(0.0, min(1.0, round(score, 4)))
    verdict = "correct" if score >= 1.0 else "incorrect" if score <= 0.0 else "partial"
    return Result(verdict, score, expected, feedback)


def wrong(expected: str, reason: str = "", *, show_expected: bool = True) -> Result:
    """No marks, saying why and (usually) what was expected."""
    parts = [reason] if reason else []
    if show_expected:
        parts.append(f"应为：{expected}")
    return Result("incorrect", 0.0, expected, "；".join(parts) or "不正确")


def echo(text: str) -> str:
    """A short, single-line quote of what the student typed."""
    flat = " ".join(tn.strip_control(text).split())
    return flat if len(flat) <= ECHO_CHARS else flat[: ECHO_CHARS - 1] + "…"
