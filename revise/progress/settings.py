"""The student's settings: their defaults and what values each accepts."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from revise.progress.scheduling import DEFAULT_DESIRED_RETENTION

SETTINGS_DEFAULTS: dict[str, Any] = {
    "desired_retention": DEFAULT_DESIRED_RETENTION,
    "daily_new_limit": 20,
    "display_script": "simplified",
    "skip_feedback_on_correct": False,
    # None: the app's default theme. A name the app no longer knows falls back to that default there.
    "theme": None,
    # The exam the student aims at, as an ISO date ("2026-06-20"); None until set.
    "exam_date": None,
    # FSRS parameters fitted from the student's own log; None: py-fsrs's defaults.
    "fsrs_parameters": None,
    # 顺序练习: per chapter title, the id of the last question answered in order; None: none yet.
    "sequential_positions": None,
    # The first-run welcome has been shown (once, on a fresh data dir).
    "welcome_shown": False,
    # 背题模式 hides each answer until Space reveals it.
    "study_hide_answers": False,
}
DISPLAY_SCRIPTS = ("simplified", "traditional")
MAX_THEME_CHARS = 64
# py-fsrs 6 takes 21 parameters; 19 came from FSRS-5 and 17 from FSRS-4.5.
FSRS_PARAMETER_COUNTS = (17, 19, 21)
# Bounds on the 顺序练习 positions: a chapter title and a question id are short; a bank has tens of chapters.
MAX_POSITION_ENTRIES = 500
MAX_POSITION_CHARS = 200


def validate_setting(key: str, value: Any) -> Any:
    """The setting's value in its proper type; ValueError naming the problem when it is not acceptable."""
    if key not in SETTINGS_DEFAULTS:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(SETTINGS_DEFAULTS)}")
    if key == "desired_retention":
        number = _number(key, value)
        if not 0.7 <= number <= 0.99:
            raise ValueError("desired_retention must be between 0.7 and 0.99")
        return number
    if key == "daily_new_limit":
        number = _number(key, value)
        if not number.is_integer() or not 0 <= number <= 10_000:
            raise ValueError("daily_new_limit must be a whole number from 0 to 10000")
        return int(number)
    if key == "display_script":
        if value not in DISPLAY_SCRIPTS:
            raise ValueError(f"display_script must be one of {', '.join(DISPLAY_SCRIPTS)}")
        return value
    if key == "theme":
        return _theme(value)
    if key == "exam_date":
        return _exam_date(value)
    if key == "fsrs_parameters":
        return _fsrs_parameters(value)
    if key == "sequential_positions":
        return _positions(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    if isinstance(value, bool):
        return value
    raise ValueError(f"{key} must be true or false")


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, not {value!r}") from None


def _theme(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_THEME_CHARS or not value.isprintable() or not value.strip():
        raise ValueError(f"theme must be a theme name of at most {MAX_THEME_CHARS} characters")
    return value.strip()


def _exam_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError(f"exam_date must be a date like 2026-06-20, not {value!r}") from None


def _fsrs_parameters(value: Any) -> list[float] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError("fsrs_parameters must be a list of numbers")
    numbers = [_number("fsrs_parameters", item) for item in value]
    if len(numbers) not in FSRS_PARAMETER_COUNTS or not all(math.isfinite(number) for number in numbers):
        raise ValueError(f"fsrs_parameters must be {' or '.join(map(str, FSRS_PARAMETER_COUNTS))} finite numbers")
    return numbers


def _positions(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > MAX_POSITION_ENTRIES:
        raise ValueError(f"sequential_positions must map at most {MAX_POSITION_ENTRIES} chapter titles to question ids")
    for chapter, question_id in value.items():
        if not all(isinstance(text, str) and 0 < len(text) <= MAX_POSITION_CHARS for text in (chapter, question_id)):
            raise ValueError(f"sequential_positions must map chapter titles to question ids of at most {MAX_POSITION_CHARS} characters")
    return dict(value)
