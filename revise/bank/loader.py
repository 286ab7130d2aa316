"""Load a YAML question bank into the model, collecting precise problems.

YAML is composed with libyaml's safe loader (``CSafeLoader``) where available,
and the node tree is walked by hand so that every problem can cite a line.
Nothing in a bank file is ever executed. The loader never raises on bad input:
everything wrong becomes a :class:`Problem`.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from revise.bank.formula import FormulaError, parse_formula
from revise.bank.model import (
    BLANK_RE,
    PLACEHOLDER_RE,
    QUESTION_CLASSES,
    QUESTION_TYPES,
    Bank,
    Chapter,
    Concept,
    KeyPoint,
    Location,
    Member,
    Param,
    Question,
    Tolerance,
    letter,
)

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class SafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with a shortcut for the common case of plain text scalars.

    A plain scalar whose first character starts no implicit type (bool, int,
    null...) is a string; most bank text starts with a Chinese character.
    """

    _typed_first_chars = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k)

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in self._typed_first_chars:
            return STR_TAG
        return super().resolve(kind, value, implicit)

MAX_FILE_BYTES = 5 * 1024 * 1024
# A document may expand through aliases to at most this many nodes beyond its
# own size; a "billion laughs" file blows past it at once.
MAX_ALIAS_EXPANSION = 100_000
YAML_SUFFIXES = (".yaml", ".yml")
# Below this many bytes of YAML, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024
PAPERS_DIR = "papers"

CONCEPT_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
QUESTION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
PARAM_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
PERCENT_RE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")

CHAPTER_KEYS = ("chapter", "order", "source", "concepts", "questions")
CONCEPT_KEYS = ("id", "name", "summary", "ordered", "members", "confusable", "source", "ref")
MEMBER_KEYS = ("term", "accept", "en", "note")
COMMON_KEYS = ("id", "type", "prompt", "concept", "explanation", "source", "ref", "tags", "reject")
TYPE_KEYS = {
    "fill": ("answer", "accept", "any_order"),
    "choice": ("options", "answer"),
    "multi": ("options", "answer", "partial"),
    "truefalse": ("answer",),
    "judge": ("answer", "correction"),
    "short": ("answer", "keypoints"),
    "essay": ("answer", "keypoints"),
    "numeric": ("answer", "formula", "params", "tolerance", "unit", "accept"),
}
MAX_OPTIONS = 8
# Converts single scalar nodes (bools, numbers) without re-parsing any YAML.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()



@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a bank, at a file and line (0 when the whole file is meant)."""

    path: Path
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class LoadResult:
    """A bank and everything found wrong with it."""

    bank: Bank
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the bank unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems a teacher should fix but that do not stop the app."""
        return [p for p in self.problems if p.severity == "warning"]


class _Abort(Exception):
    """Stop reading one file; the reason is already recorded."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean "x"?)` hint for a misspelt key, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def discover_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Chapter files, paper files and problems for the given files and directories.

    Directories are searched recursively for `*.yaml`/`*.yml`; files under a
    `papers/` directory are exam blueprints, not chapters.
    """
    chapters: list[Path] = []
    papers: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in YAML_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(path, 0, "warning", "no .yaml or .yml files in this directory"))
            for file in found:
                is_paper = PAPERS_DIR in file.relative_to(path).parts[:-1]
                (papers if is_paper else chapters).append(file)
        elif path.is_file():
            is_paper = path.parent.name == PAPERS_DIR
            (papers if is_paper else chapters).append(path)
        else:
            problems.append(Problem(path, 0, "error", "no such file or directory"))
    return chapters, papers, problems


def read_yaml_file(path: Path, problems: list[Problem]) -> yaml.Node | None:
    """The composed YAML node of a file, or None after recording why it is unusable."""

    def fail(line: int, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, line, severity, message))

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            fail(0, f"file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB")
            return None
        data = path.read_bytes()
    except OSError as error:
        fail(0, f"cannot read file: {error.strerror or error}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        fail(line, f"file is not UTF-8 (byte 0x{data[error.start]:02x} cannot be decoded); save it as UTF-8")
        return None
    if "\x00" in text:
        fail(text.count("\n", 0, text.index("\x00")) + 1, "file contains a NUL character; is it a binary file?")
        return None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is None:
            fail(0, f"YAML syntax error: {problem}")
        else:
            fail(mark.line + 1, f"YAML syntax error at column {mark.column + 1}: {problem}")
        return None
    except yaml.YAMLError as error:
        fail(0, f"YAML error: {error}")
        return None
    except RecursionError:
        fail(0, "YAML is nested too deeply")
        return None
    finally:
        loader.dispose()
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
        fail(0, "empty file", "warning")
        return None
    if "&" not in text:  # no anchors, so no aliases to expand
        return node
    try:
        expanded, unique = _expanded_size(node)
    except RecursionError:
        fail(node.start_mark.line + 1, "YAML is nested too deeply, or an alias refers to itself")
        return None
    if expanded - unique > MAX_ALIAS_EXPANSION:
        fail(
            node.start_mark.line + 1,
            f"excessive use of YAML aliases: the document would expand to {expanded:,} values; refusing to load it",
        )
        return None
    return node


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """How many nodes the document has once aliases are expanded, and how many it really has."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:  # an alias inside its own anchor
            raise RecursionError
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        in_progress.discard(key)
        sizes[key] = total
        return total

    return size(root), len(sizes)


class ChapterParser:
    """Turns the node tree of one chapter file into model objects."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    # -- reporting ---------------------------------------------------------

    def error(self, node: yaml.Node | None, message: str) -> None:
        """Record an error at a node's line."""
        self.problems.append(Problem(self.path, _line(node), "error", message))

    def warning(self, node: yaml.Node | None, message: str) -> None:
        """Record a warning at a node's line."""
        self.problems.append(Problem(self.path, _line(node), "warning", message))

    def location(self, node: yaml.Node) -> Location:
        """The file and line of a node."""
        return Location(self.path, _line(node))

    # -- typed accessors ---------------------------------------------------

    def fields(self, node: yaml.Node, what: str, allowed: Iterable[str], other_types: dict[str, tuple[str, ...]] | None = None) -> dict[str, yaml.Node] | None:
        """A mapping's values by key, reporting unknown and duplicate keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of fields, not {_kind(node)}")
            return None
        allowed = tuple(allowed)
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what} has a key that is not a plain name")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f'duplicate key "{key}" in {what}')
                continue
            if key not in allowed:
                owners = [t for t, keys in (other_types or {}).items() if key in keys]
                if owners:
                    self.error(key_node, f'unknown key "{key}" for {what}: it belongs to {"/".join(owners)} questions')
                else:
                    self.error(key_node, f'unknown key "{key}" in {what}{suggest(key, allowed)}')
                continue
            result[key] = value_node
        return result

    def require(self, fields: dict[str, yaml.Node], key: str, owner: yaml.Node, what: str) -> yaml.Node | None:
        """A required field's node, or None after reporting that it is missing."""
        if key not in fields:
            self.error(owner, f'{what} is missing required field "{key}"')
            return None
        return fields[key]

    def text(self, node: yaml.Node | None, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar as the text the teacher wrote (numbers and yes/no stay as typed)."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
            self.error(node, f"{what} must be text, not {_kind(node)}")
            return None
        value = node.value.strip()
        if not value and not allow_empty:
            self.error(node, f"{what} is empty")
            return None
        return value

    def texts(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        """A list of texts; a single text counts as a list of one."""
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
            single = self.text(node, what)
            return (single,) if single else ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list of texts, not {_kind(node)}")
            return ()
        items = (self.text(child, f"an entry of {what}") for child in node.value)
        return tuple(item for item in items if item)

    def boolean(self, node: yaml.Node | None, what: str, default: bool) -> bool:
        """A YAML true/false."""
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(_CONSTRUCTOR.construct_yaml_bool(node))
        self.error(node, f"{what} must be true or false, not {_describe_value(node)}")
        return default

    def number(self, node: yaml.Node | None, what: str) -> float | None:
        """A YAML int or float."""
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG):
            construct = _CONSTRUCTOR.construct_yaml_int if node.tag == INT_TAG else _CONSTRUCTOR.construct_yaml_float
            value = float(construct(node))
            if value == value and abs(value) != float("inf"):
                return value
        self.error(node, f"{what} must be a number, not {_describe_value(node)}")
        return None

    def alternatives(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """One text, or a list of alternative texts (the first canonical)."""
        if isinstance(node, yaml.SequenceNode):
            forms = self.texts(node, what)
            if not forms:
                self.error(node, f"{what} has no alternatives")
            return forms
        single = self.text(node, what)
        return (single,) if single else ()

    # -- the chapter -------------------------------------------------------

    def parse(self, root: yaml.Node) -> Chapter | None:
        """The chapter in a file, or None when it is unusable."""
        fields = self.fields(root, "a chapter file", CHAPTER_KEYS)
        if fields is None:
            return None
        title = self.text(self.require(fields, "chapter", root, "a chapter file"), '"chapter"')
        if title is None:
            return None
        chapter = Chapter(title=title, path=self.path)
        chapter.order = self.number(fields.get("order"), '"order"')
        chapter.source = self.text(fields.get("source"), '"source"')
        for item in self.sequence(fields.get("concepts"), '"concepts"'):
            concept = self.concept(item, chapter)
            if concept is not None:
                chapter.concepts.append(concept)
        for item in self.sequence(fields.get("questions"), '"questions"'):
            question = self.question(item, chapter)
            if question is not None:
                chapter.questions.append(question)
        return chapter

    def sequence(self, node: yaml.Node | None, what: str) -> Iterator[yaml.Node]:
        """The items of a list field; nothing (after an error) when it is not a list."""
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return iter(())
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {_kind(node)}")
            return iter(())
        return iter(node.value)

    def concept(self, node: yaml.Node, chapter: Chapter) -> Concept | None:
        """One concept entry."""
        fields = self.fields(node, "a concept", CONCEPT_KEYS)
        if fields is None:
            return None
        concept_id = self.identifier(self.require(fields, "id", node, "a concept"), CONCEPT_ID_RE, "concept id")
        name = self.text(self.require(fields, "name", node, "a concept"), '"name"')
        if concept_id is None or name is None:
            return None
        members = tuple(
            member for item in self.sequence(fields.get("members"), '"members"') if (member := self.member(item))
        )
        return Concept(
            id=concept_id,
            name=name,
            location=self.location(node),
            chapter=chapter.title,
            summary=self.text(fields.get("summary"), '"summary"'),
            ordered=self.boolean(fields.get("ordered"), '"ordered"', False),
            members=members,
            confusable=self.texts(fields.get("confusable"), '"confusable"'),
            source=self.text(fields.get("source"), '"source"') or chapter.source,
            ref=self.text(fields.get("ref"), '"ref"'),
        )

    def member(self, node: yaml.Node) -> Member | None:
        """One member of a concept: a text, or a mapping with `term`."""
        if isinstance(node, yaml.ScalarNode):
            term = self.text(node, "a member")
            return Member(term) if term else None
        fields = self.fields(node, "a member", MEMBER_KEYS)
        if fields is None:
            return None
        term = self.text(self.require(fields, "term", node, "a member"), '"term"')
        if term is None:
            return None
        return Member(
            term=term,
            accept=self.texts(fields.get("accept"), '"accept"'),
            en=self.text(fields.get("en"), '"en"'),
            note=self.text(fields.get("note"), '"note"'),
        )

    def identifier(self, node: yaml.Node | None, pattern: re.Pattern[str], what: str) -> str | None:
        """An id checked against its pattern."""
        value = self.text(node, what)
        if value is None:
            return None
        if not pattern.match(value):
            rule = "[a-z0-9][a-z0-9-]*" if pattern is CONCEPT_ID_RE else "letters, digits, '-', '_' and '.'"
            self.error(node, f'{what} "{value}" is not valid: use {rule}')
            return None
        return value

    # -- questions ---------------------------------------------------------

    def question(self, node: yaml.Node, chapter: Chapter) -> Question | None:
        """One question of any type."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"a question must be a mapping of fields, not {_kind(node)}")
            return None
        type_node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"), None)
        if type_node is None:
            self.error(node, 'question is missing required field "type"')
            return None
        qtype = self.text(type_node, '"type"')
        if qtype is None:
            return None
        if qtype not in QUESTION_TYPES:
            hint = suggest(qtype, QUESTION_TYPES) or f" (expected one of {', '.join(QUESTION_TYPES)})"
            self.error(type_node, f'unknown question type "{qtype}"{hint}')
            return None
        others = {t: keys for t, keys in TYPE_KEYS.items() if t != qtype}
        fields = self.fields(node, f"a {qtype} question", COMMON_KEYS + TYPE_KEYS[qtype], others)
        if fields is None:
            return None
        what = f"a {qtype} question"
        question_id = self.identifier(self.require(fields, "id", node, what), QUESTION_ID_RE, "question id")
        prompt = self.text(self.require(fields, "prompt", node, what), '"prompt"')
        if question_id is None or prompt is None:
            return None
        common = dict(
            id=question_id,
            prompt=prompt,
            location=self.location(node),
            chapter=chapter.title,
            concept=self.text(fields.get("concept"), '"concept"'),
            explanation=self.text(fields.get("explanation"), '"explanation"'),
            source=self.text(fields.get("source"), '"source"') or chapter.source,
            ref=self.text(fields.get("ref"), '"ref"'),
            tags=self.texts(fields.get("tags"), '"tags"'),
            reject=self.texts(fields.get("reject"), '"reject"'),
        )
        specific = getattr(self, f"_{qtype}")(fields, node, prompt)
        if specific is None:
            return None
        return QUESTION_CLASSES[qtype](**common, **specific)

    def _fill(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "a fill question")
        if answer is None:
            return None
        if isinstance(answer, yaml.SequenceNode):
            blanks = tuple(self.alternatives(item, "an answer entry") for item in answer.value)
        else:
            blanks = (self.alternatives(answer, '"answer"'),)
        if not blanks or not all(blanks):
            if not blanks:
                self.error(answer, '"answer" is an empty list')
            return None
        accept = self.texts(fields.get("accept"), '"accept"')
        if accept:
            if len(blanks) > 1:
                self.error(fields["accept"], '"accept" is for single-blank questions; list alternatives inside each answer entry')
            else:
                blanks = (blanks[0] + accept,)
        count = len(BLANK_RE.findall(prompt))
        if count == 0:
            self.error(fields["prompt"], "fill prompt has no blank; write each blank as ____")
            return None
        if count != len(blanks):
            self.error(answer, f"prompt has {count} blank{'s' * (count != 1)} but there {'are' if len(blanks) != 1 else 'is'} {len(blanks)} answer{'s' * (len(blanks) != 1)}")
            return None
        return dict(blanks=blanks, any_order=self.boolean(fields.get("any_order"), '"any_order"', False))

    def options(self, fields: dict[str, yaml.Node], node: yaml.Node, what: str) -> tuple[str, ...] | None:
        """A choice question's options, checked for count and duplicates."""
        options_node = self.require(fields, "options", node, what)
        if options_node is None:
            return None
        if not isinstance(options_node, yaml.SequenceNode):
            self.error(options_node, f'"options" must be a list, not {_kind(options_node)}')
            return None
        options = [self.text(item, f"option {letter(i)}") for i, item in enumerate(options_node.value)]
        if None in options:
            return None
        if not 2 <= len(options) <= MAX_OPTIONS:
            self.error(options_node, f"a question needs 2 to {MAX_OPTIONS} options, not {len(options)}")
            return None
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            if option in seen:
                self.error(options_node.value[index], f'option {letter(index)} "{option}" duplicates option {letter(seen[option])}')
                return None
            seen[option] = index
        return tuple(options)  # type: ignore[arg-type]

    def letters(self, node: yaml.Node | None, options: tuple[str, ...]) -> list[int] | None:
        """Answer letters as option indexes, each checked to be in range."""
        raw = self.text(node, '"answer"')
        if raw is None:
            return None
        letters = [ch for ch in raw.upper() if ch not in " ,、，"]
        indexes: list[int] = []
        last = letter(len(options) - 1)
        for ch in letters:
            index = ord(ch) - ord("A")
            if not ch.isascii() or not 0 <= index < len(options):
                self.error(node, f'answer "{ch}" is out of range: there are {len(options)} options (A-{last})')
                return None
            if index in indexes:
                self.error(node, f'answer letter "{ch}" is given twice')
                return None
            indexes.append(index)
        if not indexes:
            self.error(node, '"answer" has no option letter')
            return None
        return indexes

    def _choice(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "a choice question")
        answer_node = self.require(fields, "answer", node, "a choice question")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        if len(indexes) > 1:
            self.error(answer_node, 'a choice question has one answer letter; use type "multi" for several')
            return None
        return dict(options=options, answer=indexes[0])

    def _multi(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "a multi question")
        answer_node = self.require(fields, "answer", node, "a multi question")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        return dict(options=options, answer=frozenset(indexes), partial=self.boolean(fields.get("partial"), '"partial"', True))

    def _truefalse(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "a truefalse question")
        if answer is None:
            return None
        return dict(answer=self.boolean(answer, '"answer"', True))

    def _judge(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer_node = self.require(fields, "answer", node, "a judge question")
        if answer_node is None:
            return None
        answer = self.boolean(answer_node, '"answer"', True)
        corrections = self.texts(fields.get("correction"), '"correction"')
        if not answer and not corrections:
            self.error(answer_node, 'judge answer is false but there is no "correction"')
            return None
        return dict(answer=answer, corrections=corrections)

    def _short(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        what = f"a {self._type_of(node)} question"
        answer = self.text(self.require(fields, "answer", node, what), '"answer"')
        keypoints_node = self.require(fields, "keypoints", node, what)
        if answer is None or keypoints_node is None:
            return None
        if not isinstance(keypoints_node, yaml.SequenceNode) or not keypoints_node.value:
            self.error(keypoints_node, '"keypoints" must be a non-empty list')
            return None
        keypoints = tuple(KeyPoint(phrases=self.alternatives(item, "a keypoint")) for item in keypoints_node.value)
        if not all(point.phrases for point in keypoints):
            return None
        return dict(answer=answer, keypoints=keypoints)

    _essay = _short

    @staticmethod
    def _type_of(node: yaml.MappingNode) -> str:
        return next((v.value for k, v in node.value if k.value == "type"), "")

    def _numeric(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        has_answer, has_formula = "answer" in fields, "formula" in fields
        if has_answer == has_formula:
            self.error(node, 'a numeric question needs exactly one of "answer" and "formula"')
            return None
        params = self.params(fields.get("params"))
        if params is None:
            return None
        names = {p.name for p in params}
        result: dict = dict(params=params)
        if has_answer:
            result["answer"] = self.number(fields["answer"], '"answer"')
            if result["answer"] is None:
                return None
        else:
            formula_text = self.text(fields["formula"], '"formula"')
            if formula_text is None:
                return None
            try:
                formula = parse_formula(formula_text)
            except FormulaError as error:
                self.error(fields["formula"], str(error))
                return None
            undeclared = sorted(formula.names - names)
            if undeclared:
                self.error(fields["formula"], f'formula uses undeclared param "{undeclared[0]}"{suggest(undeclared[0], names)}')
                return None
            try:
                formula.evaluate({p.name: p.choices()[0] for p in params})
            except FormulaError as error:
                self.error(fields["formula"], f"formula fails for the smallest params: {error}")
                return None
            result["formula"] = formula
        used = set(PLACEHOLDER_RE.findall(prompt))
        for name in sorted(used - names):
            self.error(fields["prompt"], f'prompt shows {{{name}}} but there is no param "{name}"')
        for param in params:
            if param.name not in used:
                self.error(fields["params"], f'param "{param.name}" is never shown in the prompt; write {{{param.name}}} there')
        if used - names or names - used:
            return None
        tolerance = self.tolerance(fields.get("tolerance"))
        if tolerance is None:
            return None
        result["tolerance"] = tolerance
        result["unit"] = self.text(fields.get("unit"), '"unit"')
        accept_node = fields.get("accept")
        if isinstance(accept_node, yaml.MappingNode):
            accept: dict[float, tuple[str, ...]] = {}
            for key_node, value_node in accept_node.value:
                value = self.number(key_node, "a key of \"accept\"")
                forms = self.texts(value_node, '"accept"')
                if value is not None and forms:
                    accept[value] = forms
            result["accept"] = accept
        else:
            result["accept_always"] = self.texts(accept_node, '"accept"')
        return result

    def params(self, node: yaml.Node | None) -> tuple[Param, ...] | None:
        """A numeric question's params: each a [min, max] integer range or a list of values."""
        if node is None:
            return ()
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f'"params" must be a mapping of names to ranges, not {_kind(node)}')
            return None
        params: list[Param] = []
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not PARAM_NAME_RE.match(name):
                self.error(key_node, f'param name "{name}" is not valid: use letters, digits and _')
                return None
            if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
                self.error(value_node, f'param "{name}" must be a [min, max] range or a list of values')
                return None
            values = [self.number(item, f'a value of param "{name}"') for item in value_node.value]
            if None in values:
                return None
            if len(values) == 2 and all(v.is_integer() for v in values):  # type: ignore[union-attr]
                low, high = int(values[0]), int(values[1])  # type: ignore[arg-type]
                if low > high:
                    self.error(value_node, f'param "{name}" has min {low} greater than max {high}')
                    return None
                params.append(Param(name, low=low, high=high))
            else:
                params.append(Param(name, values=tuple(values)))  # type: ignore[arg-type]
        return tuple(params)

    def tolerance(self, node: yaml.Node | None) -> Tolerance | None:
        """An absolute number or a relative "N%" tolerance."""
        if node is None:
            return Tolerance()
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            match = PERCENT_RE.match(node.value)
            if match:
                return Tolerance(float(match.group(1)) / 100, relative=True)
            self.error(node, f'tolerance "{node.value}" must be a number or a percentage like "1%"')
            return None
        value = self.number(node, '"tolerance"')
        if value is None:
            return None
        if value < 0:
            self.error(node, "tolerance cannot be negative")
            return None
        return Tolerance(value)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _kind(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == NULL_TAG:
        return "empty"
    return f'"{node.value}"' if node.tag == STR_TAG else f"{node.value}"


def _describe_value(node: yaml.Node) -> str:
    return _kind(node)


def check_bank(bank: Bank, problems: list[Problem]) -> None:
    """Cross-file checks: duplicate ids, references, and the teacher's warnings."""
    seen_questions: dict[str, Location] = {}
    seen_concepts: dict[str, Location] = {}
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            first = seen_concepts.setdefault(concept.id, concept.location)
            if first is not concept.location:
                problems.append(Problem(concept.location.path, concept.location.line, "error", f'duplicate concept id "{concept.id}" (first defined at {first})'))
        for question in chapter.questions:
            first = seen_questions.setdefault(question.id, question.location)
            if first is not question.location:
                problems.append(Problem(question.location.path, question.location.line, "error", f'duplicate question id "{question.id}" (first defined at {first})'))
    targeted = {q.concept for q in bank.questions.values()}
    for chapter in bank.chapters:
        for concept in chapter.concepts:
            at = concept.location
            for other in concept.confusable:
                if other not in bank.concepts:
                    problems.append(Problem(at.path, at.line, "error", f'concept "{concept.id}" lists unknown confusable concept "{other}"{suggest(other, bank.concepts)}'))
                elif other == concept.id:
                    problems.append(Problem(at.path, at.line, "error", f'concept "{concept.id}" lists itself as confusable'))
            if concept.id not in targeted and bank.concepts.get(concept.id) is concept:
                problems.append(Problem(at.path, at.line, "warning", f'concept "{concept.id}" has no questions pointing at it'))
        for question in chapter.questions:
            at = question.location
            if question.concept and question.concept not in bank.concepts:
                problems.append(Problem(at.path, at.line, "error", f'question "{question.id}" refers to unknown concept "{question.concept}"{suggest(question.concept, bank.concepts)}'))
            if not question.explanation:
                problems.append(Problem(at.path, at.line, "warning", f'question "{question.id}" has no explanation'))
            if not question.source:
                problems.append(Problem(at.path, at.line, "warning", f'question "{question.id}" has no source, and its chapter gives none'))


def parse_chapter_file(path: Path) -> tuple[Chapter | None, list[Problem]]:
    """One chapter file, parsed, with the problems found in it alone."""
    problems: list[Problem] = []
    root = read_yaml_file(path, problems)
    if root is None:
        return None, problems
    try:
        return ChapterParser(path, problems).parse(root), problems
    except RecursionError:
        problems.append(Problem(path, 0, "error", "YAML is nested too deeply"))
        return None, problems


def _parse_all(files: list[Path]) -> list[tuple[Chapter | None, list[Problem]]]:
    """Parse chapter files, on every core when the bank is big enough to gain from it."""
    workers = min(len(files), os.cpu_count() or 1)
    sizes = {path: _size(path) for path in files}
    if workers < 2 or sum(sizes.values()) < PARALLEL_MIN_BYTES or not hasattr(os, "fork"):
        return [parse_chapter_file(path) for path in files]
    # Imported here: they cost ~25 ms that small banks need not pay.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Deal files out largest first so that every process gets a similar share;
    # this process parses the first share itself while the others run.
    shares: list[list[Path]] = [[] for _ in range(workers)]
    for index, path in enumerate(sorted(files, key=sizes.__getitem__, reverse=True)):
        shares[index % workers].append(path)
    # fork starts workers in milliseconds; spawn would cost more than it saves.
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_parse_share, share) for share in shares[1:]]
        results = dict(zip(shares[0], _parse_share(shares[0])))
        for share, future in zip(shares[1:], futures):
            results.update(zip(share, future.result()))
    return [results[path] for path in files]


def _parse_share(files: list[Path]) -> list[tuple[Chapter | None, list[Problem]]]:
    return [parse_chapter_file(path) for path in files]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Parsing creates hundreds of thousands of YAML nodes and model objects; the
    collector's repeated passes over them cost a third of the load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_bank(paths: Iterable[Path | str]) -> LoadResult:
    """Load every chapter under the given files and directories, with all problems found."""
    with _without_cyclic_gc():
        return _load_bank(paths)


def _load_bank(paths: Iterable[Path | str]) -> LoadResult:
    chapter_files, paper_files, problems = discover_files(Path(p) for p in paths)
    bank = Bank()
    bank.paper_files = paper_files
    bank.files.extend(chapter_files)
    for chapter, file_problems in _parse_all(chapter_files):
        problems.extend(file_problems)
        if chapter is not None:
            bank.add_chapter(chapter)
    bank.sort()
    check_bank(bank, problems)
    if paper_files:
        from revise.bank.papers import load_papers  # papers build on this module's parser

        bank.papers = load_papers(paper_files, bank, problems)
    problems.sort(key=lambda p: (str(p.path), p.line, p.severity, p.message))
    return LoadResult(bank, problems)
