"""Writing imported questions as a chapter file that passes ``revise validate``.

Keys come out in the order docs/bank-format.md shows them, text is written
as readable Unicode (not ``\\u`` escapes), and long model answers as block
scalars, so the file reads like one a teacher wrote.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from revise.formats.common import ImportedChapter

KEY_ORDER = (
    "id", "type", "kind", "concept", "prompt", "options", "pairs", "distractors", "answer", "formula", "params",
    "tolerance", "unit", "accept", "any_order", "partial", "shuffle", "correction", "keypoints", "reject",
    "explanation", "source", "ref", "tags",
)  # fmt: skip


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper that writes multi-line text as `|` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", value.strip() + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def ordered(question: dict) -> dict:
    """The question's keys in the documented order (unknown keys last)."""
    rank = {key: index for index, key in enumerate(KEY_ORDER)}
    return {key: question[key] for key in sorted(question, key=lambda k: rank.get(k, len(rank)))}


def chapter_yaml(chapter: ImportedChapter, *, source: str | None = None, order: float | None = None) -> str:
    """The YAML text of one chapter file."""
    document: dict = {"chapter": chapter.title}
    if order is not None:
        document["order"] = order
    if source:
        document["source"] = source
    document["questions"] = [ordered(question) for question in chapter.questions]
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
    return "# 由 revise import 生成；改动后请运行 revise validate\n" + text


def write_chapter(chapter: ImportedChapter, path: Path, *, source: str | None = None) -> Path:
    """Write one chapter file (UTF-8) and return its path."""
    path.write_text(chapter_yaml(chapter, source=source), encoding="utf-8")
    return path
