"""Key points of a short or essay answer on its feedback: what matched, in the student's own words, and ticking the rest.

A point the grader found is ticked next to the words of the answer that
matched it (issue 14, bug 8: never a tick on words the student did not
write), and those words are underlined in 你的答案. A missed point the
student made in other words can be ticked (自评); the screen logs it and the
score follows.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import SelectionList

from revise.safetext import show as safe_show
from revise.tui.display import SELF_ASSESSED_LABEL, plain

# A matched span longer than this is quoted by its two ends.
QUOTE_CHARS = 24


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The student's words on one line, cut in the middle when long: 「前面的话…后面的话」 without the brackets."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = limit * 2 // 3
    return flat[:head] + "…" + flat[-(limit - head - 1) :]


def matched_spans(result: object) -> dict[str, str]:
    """The student's words that earned each found key point, by point (only points the grader located)."""
    return {span.label: span.text for span in getattr(result, "keypoint_spans", ()) if span.found and span.text.strip()}


def found_text(result: object) -> Content:
    """Found points: ✓ next to the words the student wrote 「…」, with the point they count for when it reads otherwise."""
    spans = matched_spans(result)
    parts: list[Content | str | tuple[str, str]] = []
    for number, point in enumerate(getattr(result, "found", ())):
        if number:
            parts.append("、")
        words = spans.get(point)
        if words is None:
            parts.append(plain(f"（{point}）"))  # found, but not located: no tick on words not written
            continue
        parts += [("✓", "bold $text-success"), plain(f"「{quote(words)}」")]
        if " ".join(words.split()) != point:
            parts.append(Content.styled(safe_show(f"（{point}）"), "$text-muted"))
    return Content.assemble(*parts) if parts else Content("无")


def missed_text(result: object, ticked: tuple[str, ...] = ()) -> Content:
    """Missed points: ✗ each, or ☑ …（自评） for those the student ticked."""
    parts: list[Content | str | tuple[str, str]] = []
    for number, point in enumerate(getattr(result, "missed", ())):
        if number:
            parts.append("、")
        if point in ticked:
            parts += [("☑", "bold $text-accent"), plain(point), (f"（{SELF_ASSESSED_LABEL}）", "$text-accent")]
        else:
            parts += [("✗", "$text-error"), plain(point)]
    return Content.assemble(*parts)


def underline_matches(text: str, result: object) -> Content:
    """The student's answer with the words that earned key points underlined (as literal text)."""
    content = plain(text)
    if content.plain != text:
        return content  # control characters were made visible: the grader's offsets no longer line up
    for span in getattr(result, "keypoint_spans", ()):
        if span.found and 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
            content = content.stylize("underline $text-success", span.start, span.end)
    return content


class KeypointTicks(SelectionList[str]):
    """The missed key points, each with a box the student ticks when they made it in their own words (自评)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "勾选要点", id="feedback.tick", show=False, tooltip="Tick (or untick) this key point: I made it in my own words"),
    ]
    DEFAULT_CSS = """
    KeypointTicks {
        height: auto;
        max-height: 8;
        margin: 0 0 0 2;
        border: round $accent 40%;
        padding: 0;
    }
    KeypointTicks:focus {
        border: round $accent;
    }
    """

    def __init__(self, points: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(*[(plain(point), point) for point in points], id=id)
        self.border_title = "用自己的话答到了？按空格勾选（自评）"

    def ticked(self) -> tuple[str, ...]:
        """The points ticked, in the order shown."""
        chosen = set(self.selected)
        values = [getattr(option, "value", None) for option in self.options]
        return tuple(value for value in values if isinstance(value, str) and value in chosen)
