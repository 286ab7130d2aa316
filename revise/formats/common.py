"""What every importer shares: the imported chapter, the problems found, and the value conventions of 刷题 apps.

Importers build questions as plain dicts in the bank's own YAML shape (the
keys of docs/bank-format.md), so that :mod:`revise.formats.yaml_writer` can
write them and ``revise validate`` checks the result like any chapter a
teacher wrote. Whatever cannot be converted becomes an :class:`ImportIssue`
naming ``file:line`` or ``sheet!cell``, and the import goes on.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from revise.bank.model import TYPE_LABELS, KeyPoint

# Bounds shared by every reader: a hostile file fails quickly instead of filling memory.
MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_QUESTIONS = 20_000
MAX_ISSUES = 500
MAX_OPTIONS = 8

QUESTION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


class FormatError(ValueError):
    """A file that cannot be read at all; the message is `where: reason` in Chinese."""


@dataclass(frozen=True)
class ImportIssue:
    """Something in the input that was not converted, or converted with a loss."""

    where: str
    message: str
    severity: str = "error"  # "error": left out; "warning": kept, with something lost
    limit: bool = False  # a cap was reached: always kept and always shown

    def __str__(self) -> str:
        label = "未导入" if self.severity == "error" else "注意"
        return f"{self.where}: {label}：{self.message}"


@dataclass
class ImportedChapter:
    """One chapter's worth of imported questions (a category, a sheet's 章节, or the whole file)."""

    title: str
    questions: list[dict] = field(default_factory=list)


@dataclass
class ImportResult:
    """Everything an importer read: chapters of questions, and what it could not convert."""

    chapters: list[ImportedChapter] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    seen: int = 0  # questions found in the input, converted or not

    def chapter(self, title: str) -> ImportedChapter:
        """The chapter with this title, created on first use."""
        for chapter in self.chapters:
            if chapter.title == title:
                return chapter
        chapter = ImportedChapter(title)
        self.chapters.append(chapter)
        return chapter

    def problem(self, where: str, message: str, severity: str = "error", *, limit: bool = False) -> None:
        """Record an issue (the list is bounded: a hostile file cannot flood the report; a reached cap is always kept)."""
        if limit:
            self.issues.append(ImportIssue(where, message, severity, limit=True))
        elif len(self.issues) < MAX_ISSUES:
            self.issues.append(ImportIssue(where, message, severity))
        elif len(self.issues) == MAX_ISSUES:
            self.issues.append(ImportIssue(where, "问题太多，后面的不再一一列出"))

    @property
    def questions(self) -> list[dict]:
        """Every imported question, chapter by chapter."""
        return [question for chapter in self.chapters for question in chapter.questions]

    def question_count(self) -> int:
        """How many questions were imported so far (cheap: the caps are checked on every row)."""
        return sum(len(chapter.questions) for chapter in self.chapters)

    def counts(self) -> Counter[str]:
        """How many questions came in, by type."""
        return Counter(question["type"] for question in self.questions)

    def summary(self) -> str:
        """One line for the teacher: counts by type, and how many were left out."""
        counts = self.counts()
        parts = [f"{TYPE_LABELS.get(qtype, qtype)} {count}" for qtype, count in sorted(counts.items(), key=lambda item: -item[1])]
        left_out = sum(1 for issue in self.issues if issue.severity == "error")
        text = f"导入 {sum(counts.values())} 题（{'，'.join(parts) or '无'}）"
        if left_out:
            text += f"，{left_out} 处未能导入"
        warnings = len(self.issues) - left_out
        if warnings:
            text += f"，{warnings} 处需要检查"
        return text


# -- value conventions ---------------------------------------------------------------------

TRUE_WORDS = {"对", "正确", "是", "√", "✓", "✔", "T", "TRUE", "Y", "YES", "1", "A", "对的", "V"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "✘", "X", "F", "FALSE", "N", "NO", "0", "B", "错的"}


def fold_width(text: str) -> str:
    """Full-width ASCII (`Ａ１．`) and the ideographic space folded to half width; other text kept."""
    out = []
    for char in text:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def clean(value: object) -> str:
    """A cell or line as text: stripped, with NFC normalisation and no control characters."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_truth(text: str) -> bool | None:
    """A judgment in any app's convention (对/错/√/×/T/F/正确/错误/A/B, full width too), or None."""
    word = fold_width(clean(text)).strip(" .。、）)（(").upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


LETTERS_RE = re.compile(r"[A-Za-z](?:[\s,，、;；]*[A-Za-z])*\Z")


def parse_letters(text: str, option_count: int) -> list[int] | None:
    """Answer letters (`ACD`, `A,C,D`, `Ａ、Ｃ`) as option indexes; None when not letters or out of range."""
    folded = fold_width(clean(text)).upper().strip(" .。")
    if not LETTERS_RE.match(folded):
        return None
    indexes: list[int] = []
    for char in folded:
        if char.isalpha():
            index = ord(char) - ord("A")
            if not 0 <= index < option_count:
                return None
            if index not in indexes:
                indexes.append(index)
    return indexes or None


OPTION_PREFIX_RE = re.compile(r"^\s*[A-Ha-hＡ-Ｈａ-ｈ]\s*[.．、:：)）]\s*")


def strip_option_prefix(text: str) -> str:
    """An option without its own `A.` / `B、` / `C：` prefix."""
    return OPTION_PREFIX_RE.sub("", text, count=1).strip()


def split_points(answer: str, limit: int = 8) -> list[str]:
    """Key points guessed from a model answer: its clauses, at most `limit`, each short enough to find in a reply."""
    parts = [part.strip(" 　0123456789.、（）()①②③④⑤⑥⑦⑧⑨⑩") for part in re.split(r"[。；;！!？?\n]+", answer)]
    points = [part[:30] for part in parts if len(part) >= 2]
    return list(dict.fromkeys(points))[:limit]


def free_text_question(qtype: str, answer: str) -> dict | None:
    """The `answer` and `keypoints` of a short or essay question built from a model answer; None when there is none."""
    answer = answer.strip()
    points = split_points(answer)
    if not answer or not points:
        return None
    return {"type": qtype, "answer": answer, "keypoints": points}


def blank_prompt(prompt: str, blanks: int = 1) -> str:
    """A fill prompt with `blanks` blanks: the app's `（ ）` or `___` marks become ____, or blanks are added at the end."""
    prompt = re.sub(r"_{2,}", "____", prompt)
    prompt = re.sub(r"[（(]\s*[)）]", "____", prompt)
    have = prompt.count("____")
    if have < blanks:
        prompt = prompt.rstrip() + "（" + "，".join(["____"] * (blanks - have)) + "）"
    return prompt


class IdMaker:
    """Stable, readable ids: `<prefix>-<type>-<n>`, or a name from the file when it is already a valid id.

    The same file imported twice gives the same ids, because they depend only on
    the file's stem and the questions' order.
    """

    def __init__(self, prefix: str, taken: set[str] | None = None) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", fold_width(prefix).lower()).strip("-")
        self.prefix = slug or "imported"
        self.taken = set(taken or ())
        self.counters: Counter[str] = Counter()

    def make(self, qtype: str, name: str | None = None) -> str:
        """The next id for a question of this type (its own name when usable and free)."""
        if name:
            candidate = fold_width(name).strip().replace(" ", "-")
            if QUESTION_ID_RE.match(candidate) and len(candidate) <= 80 and candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        while True:
            self.counters[qtype] += 1
            candidate = f"{self.prefix}-{qtype}-{self.counters[qtype]:03d}"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate


def choice_question(options: list[str], correct: list[int]) -> dict:
    """The type-specific fields of a choice (one right option) or multi question."""
    letters = "".join(chr(ord("A") + index) for index in sorted(correct))
    if len(correct) == 1:
        return {"type": "choice", "options": options, "answer": letters}
    return {"type": "multi", "options": options, "answer": letters}


def options_problem(options: list[str]) -> str | None:
    """Why these options cannot make a choice question (count, duplicates, empties), or None."""
    if any(not option for option in options):
        return "有空的选项"
    if not 2 <= len(options) <= MAX_OPTIONS:
        return f"选择题要有 2 到 {MAX_OPTIONS} 个选项，这里有 {len(options)} 个"
    if len(set(options)) != len(options):
        return "有重复的选项"
    return None


def keypoint_yaml(point: KeyPoint) -> object:
    """A key point in the bank's YAML shape: a phrase, a list of alternatives, or term/says/label."""
    if not point.says:
        return list(point.phrases) if len(point.phrases) > 1 else (point.phrases[0] if point.phrases else "")
    shaped: dict = {}
    if point.term:
        shaped["term"] = list(point.term)
    shaped["says"] = [list(group) for group in point.says]
    if point.label_text:
        shaped["label"] = point.label_text
    return shaped


SOURCE_LINE_RE = re.compile(r"\n?出处[：:]\s*(.+?)\s*$")


def split_source(question: dict) -> dict:
    """Move an exported `出处：…` line out of the explanation into `ref`, so a round trip keeps the explanation as it was."""
    explanation = question.get("explanation")
    if isinstance(explanation, str):
        match = SOURCE_LINE_RE.search(explanation)
        if match:
            rest = explanation[: match.start()].strip()
            question["ref"] = match.group(1)
            if rest:
                question["explanation"] = rest
            else:
                del question["explanation"]
    return question
