"""What a student answered, as structured as the form that took it.

A form builds a :class:`Response`; the grader reads it; the store logs its JSON
beside a display text. Nothing downstream parses a joined string back into
blanks or letters. Typed text from the command line or a CSV comes in through
:meth:`Response.of_text`, and the grader splits such text itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

EMPTY_BLANK = "（空）"  # how an empty blank among filled ones is displayed


@dataclass(frozen=True)
class Response:
    """One answer: free text, or blanks, or chosen options, or a judgment, or pairs.

    - `text`: free text (a single blank, short/essay, numeric, or typed text of any type);
    - `blanks`: a fill question's blanks in order, `""` for an empty one;
    - `choices`: chosen option indexes in bank order (choice and multi);
    - `judgment` and `correction`: 判断 and 判断并改错;
    - `pairs`: for each left item of a match question, the index of the chosen right item.
    """

    text: str = ""
    blanks: tuple[str, ...] | None = None
    choices: frozenset[int] | None = None
    judgment: bool | None = None
    correction: str = ""
    pairs: tuple[int | None, ...] | None = None

    @classmethod
    def of_text(cls, text: str) -> Response:
        """A typed answer, as from the command line or a class's CSV."""
        return cls(text=text)

    def has_answer(self) -> bool:
        """True when the student gave anything at all."""
        if self.blanks is not None:
            return any(blank.strip() for blank in self.blanks)
        if self.choices is not None:
            return bool(self.choices)
        if self.judgment is not None:
            return True
        if self.pairs is not None:
            return any(choice is not None for choice in self.pairs)
        return bool(self.text.strip())

    def display(self) -> str:
        """The answer as one line of text, for logs, summaries and CSVs."""
        if self.blanks is not None:
            return "、".join(blank.strip() or EMPTY_BLANK for blank in self.blanks)
        if self.choices is not None:
            return "".join(chr(ord("A") + index) for index in sorted(self.choices))
        if self.judgment is not None:
            mark = "对" if self.judgment else "错"
            return f"{mark}，{self.correction.strip()}" if self.correction.strip() else mark
        if self.pairs is not None:
            return "；".join(f"{number}-{chr(ord('A') + choice) if choice is not None else EMPTY_BLANK}" for number, choice in enumerate(self.pairs, 1))
        return self.text

    def to_json(self) -> str:
        """A compact JSON form for the store (only the fields in use)."""
        data: dict[str, Any] = {}
        if self.text:
            data["text"] = self.text
        if self.blanks is not None:
            data["blanks"] = list(self.blanks)
        if self.choices is not None:
            data["choices"] = sorted(self.choices)
        if self.judgment is not None:
            data["judgment"] = self.judgment
        if self.correction:
            data["correction"] = self.correction
        if self.pairs is not None:
            data["pairs"] = list(self.pairs)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> Response | None:
        """The response stored by :meth:`to_json`; None when absent or unreadable."""
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                text=str(data.get("text", "")),
                blanks=tuple(str(blank) for blank in data["blanks"]) if "blanks" in data else None,
                choices=frozenset(int(index) for index in data["choices"]) if "choices" in data else None,
                judgment=bool(data["judgment"]) if "judgment" in data else None,
                correction=str(data.get("correction", "")),
                pairs=tuple(None if choice is None else int(choice) for choice in data["pairs"]) if "pairs" in data else None,
            )
        except (TypeError, ValueError):
            return None
