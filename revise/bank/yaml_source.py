"""Reading YAML bank files safely, and the typed node reader every bank parser builds on.

YAML is composed with libyaml's safe loader (``CSafeLoader``) where available,
and the node tree is walked by hand so that every problem can cite a line.
Nothing in a bank file is ever executed, and nothing here raises on bad input:
everything wrong becomes a :class:`Problem`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from revise.bank.model import Location
from revise.safetext import one_line

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
# A chapter of 1,000 questions has about 20,000 nodes; far beyond that, a file is an attack or
# a mistake, and composing it would cost seconds and gigabytes.
MAX_NODES = 300_000
# A teacher fixes a file from the top; past this many problems in one file the rest are counted.
MAX_PROBLEMS_PER_FILE = 100
# Longest text in one field: a model essay answer fits, a pasted document does not.
MAX_TEXT_CHARS = 5_000
YAML_SUFFIXES = (".yaml", ".yml")
PAPERS_DIR = "papers"
SETTINGS_STEM = "bank"

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
        # Messages quote bank text, which must never reach a terminal as control sequences.
        return one_line(f"{where}: {self.severity}: {self.message}")


class _Abort(Exception):
    """Stop reading one file; the reason is already recorded."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean "x"?)` hint for a misspelt key, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class Suggester:
    """"Did you mean" hints against a large set of names, built once.

    Comparing every unknown name with every known one is quadratic (a bank of
    2,000 concepts that each name an unknown one never finished); an index of
    character pairs narrows each look-up to the few names that share most of them.
    """

    CANDIDATES = 20

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.postings: dict[str, list[int]] = {}
        for index, name in enumerate(self.names):
            for gram in self._grams(name):
                self.postings.setdefault(gram, []).append(index)

    @staticmethod
    def _grams(name: str) -> set[str]:
        padded = f"^{name}$"
        return {padded[i : i + 2] for i in range(len(padded) - 1)}

    def __call__(self, word: str) -> str:
        """The hint for `word`, as :func:`suggest` gives it."""
        shared: dict[int, int] = {}
        for gram in self._grams(word):
            for index in self.postings.get(gram, ()):
                shared[index] = shared.get(index, 0) + 1
        best = sorted(shared, key=lambda index: -shared[index])[: self.CANDIDATES]
        return suggest(word, [self.names[index] for index in best])


@dataclass
class BankFiles:
    """The files that make up a bank: chapters, paper blueprints and the bank-wide settings file."""

    chapters: list[Path] = field(default_factory=list)
    papers: list[Path] = field(default_factory=list)
    settings: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_settings_file(path: Path) -> bool:
    """True for the bank-wide `bank.yaml` (sources and synonyms), which is not a chapter."""
    return path.stem.lower() == SETTINGS_STEM and path.suffix.lower() in YAML_SUFFIXES


def discover_files(paths: Iterable[Path]) -> BankFiles:
    """Chapter files, paper files, settings files and problems for the given files and directories.

    Directories are searched recursively for `*.yaml`/`*.yml` in any letter
    case; files under a `papers/` directory are exam blueprints, and a
    top-level `bank.yaml` holds bank-wide settings. Loading and anything keyed
    on the bank's files use this one function, so they always agree.
    """
    found = BankFiles()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in YAML_SUFFIXES and p.is_file())
            if not files:
                found.problems.append(Problem(path, 0, "warning", "no .yaml or .yml files in this directory"))
            for file in files:
                parts = file.relative_to(path).parts
                if PAPERS_DIR in parts[:-1]:
                    found.papers.append(file)
                elif len(parts) == 1 and is_settings_file(file):
                    found.settings.append(file)
                else:
                    found.chapters.append(file)
        elif path.is_file():
            if path.parent.name == PAPERS_DIR:
                found.papers.append(path)
            elif is_settings_file(path):
                found.settings.append(path)
            else:
                found.chapters.append(path)
        else:
            found.problems.append(Problem(path, 0, "error", "no such file or directory"))
    return found


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
    if _structure_estimate(text) > MAX_NODES and _node_count_exceeds(text, MAX_NODES):
        fail(0, f"file has more than {MAX_NODES:,} YAML values; split it into chapters or check it is a bank file")
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


def _structure_estimate(text: str) -> int:
    """An upper bound, cheap to take, on how many values a YAML text can have."""
    return text.count(",") + text.count("\n") + text.count("[") + text.count("{") + 1


def _node_count_exceeds(text: str, limit: int) -> bool:
    """True when parsing the text gives more than `limit` values; stops counting at the limit."""
    count = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)):
                count += 1
                if count > limit:
                    return True
    except yaml.YAMLError:
        return False  # the composer reports the syntax error with its line
    return False


def cap_problems(path: Path, problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS_PER_FILE problems, then one line that counts the rest."""
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    rest = len(problems) - MAX_PROBLEMS_PER_FILE
    return [*problems[:MAX_PROBLEMS_PER_FILE], Problem(path, 0, "error", f"{rest:,} more problems in this file are not listed; fix the ones above first")]


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


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def describe_node(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == NULL_TAG:
        return "empty"
    return f'"{node.value}"' if node.tag == STR_TAG else f"{node.value}"


class NodeReader:
    """Typed access to one file's YAML nodes, recording every problem at its line."""

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
            self.error(node, f"{what} must be a mapping of fields, not {describe_node(node)}")
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
            self.error(node, f"{what} must be text, not {describe_node(node)}")
            return None
        value = node.value.strip()
        if len(value) > MAX_TEXT_CHARS:
            self.error(node, f"{what} is {len(value):,} characters long; the limit is {MAX_TEXT_CHARS:,}")
            return None
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
            self.error(node, f"{what} must be a list of texts, not {describe_node(node)}")
            return ()
        items = (self.text(child, f"an entry of {what}") for child in node.value)
        return tuple(item for item in items if item)

    def boolean(self, node: yaml.Node | None, what: str, default: bool) -> bool:
        """A YAML true/false."""
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(_CONSTRUCTOR.construct_yaml_bool(node))
        self.error(node, f"{what} must be true or false, not {describe_node(node)}")
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
        self.error(node, f"{what} must be a number, not {describe_node(node)}")
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

    def sequence(self, node: yaml.Node | None, what: str) -> Iterator[yaml.Node]:
        """The items of a list field; nothing (after an error) when it is not a list."""
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return iter(())
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {describe_node(node)}")
            return iter(())
        return iter(node.value)

    def identifier(self, node: yaml.Node | None, pattern: re.Pattern[str], what: str) -> str | None:
        """An id checked against its pattern."""
        value = self.text(node, what)
        if value is None:
            return None
        if not pattern.match(value):
            rule = "[a-z0-9][a-z0-9-]*" if pattern.pattern.startswith("[a-z0-9]") else "letters, digits, '-', '_' and '.'"
            self.error(node, f'{what} "{value}" is not valid: use {rule}')
            return None
        return value
