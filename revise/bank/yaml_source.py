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
from pathlib import Path
from typing import Any

import yaml

from revise.bank.files import Problem
from revise.bank.model import TYPE_LABELS, Location
from revise.bank.yaml_hints import typing_slips

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader unless PyYAML lacks libyaml


class SafeLoader(_BaseLoader):
    """The safe loader, with a shortcut for the common case of plain text scalars.

    A plain scalar whose first character starts no implicit type (bool, int,
    null...) is a string; most bank text starts with a Chinese character.
    """

    _typed_first_chars = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k)

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
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
GBK_ADVICE = "文件是 GBK（ANSI）编码，不是 UTF-8；请另存为 UTF-8：记事本选“另存为 → 编码：UTF-8”，VS Code 点右下角编码选“通过编码保存 → UTF-8”"

# Converts single scalar nodes (bools, numbers) without re-parsing any YAML.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Abort(Exception):
    """Stop reading one file; the reason is already recorded."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean "x"?)` hint for a misspelt key, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"（是不是“{close[0]}”？）" if close else ""


class Suggester:
    """ "Did you mean" hints against a large set of names, built once.

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


def read_yaml_file(path: Path, problems: list[Problem]) -> yaml.Node | None:
    """The composed YAML node of a file, or None after recording why it is unusable."""

    def fail(line: int, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, line, severity, message))

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            fail(0, f"文件有 {size / 1024 / 1024:.1f} MB，超过了 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限；请把它拆成几个章节文件")
            return None
        data = path.read_bytes()
    except OSError as error:
        fail(0, f"无法读取文件：{error.strerror or error}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if _is_gbk(data):
            fail(line, GBK_ADVICE)
        else:
            fail(line, f"文件不是 UTF-8 编码（第 {line} 行的字节 0x{data[error.start]:02x} 无法解码）；请另存为 UTF-8")
        return None
    if "\x00" in text:
        fail(text.count("\n", 0, text.index("\x00")) + 1, "文件里有 NUL 字符，它是不是二进制文件（比如 Word 或 Excel 文件）？题库要用纯文本的 YAML 文件")
        return None
    if _structure_estimate(text) > MAX_NODES and _node_count_exceeds(text, MAX_NODES):
        fail(0, f"文件里的 YAML 值超过 {MAX_NODES:,} 个；请拆成几个章节文件，或确认它是题库文件")
        return None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        error_line = mark.line + 1 if mark is not None else 0
        # A typing slip on or before the failing line is the likely cause: name it where it is.
        slips = [(line, message) for line, message in typing_slips(text) if not error_line or line <= error_line]
        for line, message in slips:
            fail(line, message)
        if not slips:
            if mark is None:
                fail(0, f"YAML 语法错误：{problem}")
            else:
                fail(error_line, f"YAML 语法错误（第 {mark.column + 1} 列）：{problem}")
        return None
    except yaml.YAMLError as error:
        fail(0, f"YAML 错误：{error}")
        return None
    except RecursionError:
        fail(0, "YAML 嵌套太深")
        return None
    finally:
        loader.dispose()
    for line, message in typing_slips(text, after_syntax_error=False):
        fail(line, message)
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
        fail(0, "文件是空的", "warning")
        return None
    if "&" not in text:  # no anchors, so no aliases to expand
        return node
    try:
        expanded, unique = _expanded_size(node)
    except RecursionError:
        fail(node.start_mark.line + 1, "YAML 嵌套太深，或者某个别名（*）引用了它自己")
        return None
    if expanded - unique > MAX_ALIAS_EXPANSION:
        fail(
            node.start_mark.line + 1,
            f"YAML 别名（&/*）用得太多：展开后会有 {expanded:,} 个值，拒绝载入",
        )
        return None
    return node


def _is_gbk(data: bytes) -> bool:
    """True when bytes that are not UTF-8 read cleanly as GB18030 (what zh-CN Windows saves)."""
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


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
    return [*problems[:MAX_PROBLEMS_PER_FILE], Problem(path, 0, "error", f"这个文件还有 {rest:,} 个问题没有列出；请先改正上面这些")]


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
        return "一组字段"
    if isinstance(node, yaml.SequenceNode):
        return "列表"
    if node is None or node.tag == NULL_TAG:
        return "空值"
    return f"“{node.value}”" if node.tag == STR_TAG else f"{node.value}"


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
            self.error(node, f"{what}应该是一组字段（键: 值），而不是{describe_node(node)}")
            return None
        allowed = tuple(allowed)
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what}里有一个键不是简单的名字")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f"{what}里的字段“{key}”重复了")
                continue
            if key not in allowed:
                owners = [t for t, keys in (other_types or {}).items() if key in keys]
                if owners:
                    self.error(key_node, f"“{key}”不是{what}的字段，它属于{'、'.join(TYPE_LABELS.get(owner, owner) for owner in owners)}")
                else:
                    self.error(key_node, f"{what}没有“{key}”这个字段{suggest(key, allowed)}")
                continue
            result[key] = value_node
        return result

    def require(self, fields: dict[str, yaml.Node], key: str, owner: yaml.Node, what: str) -> yaml.Node | None:
        """A required field's node, or None after reporting that it is missing."""
        if key not in fields:
            self.error(owner, f"{what}缺少必填字段“{key}”")
            return None
        return fields[key]

    def text(self, node: yaml.Node | None, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar as the text the teacher wrote (numbers and yes/no stay as typed)."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
            self.error(node, f"{what}应该是文字，而不是{describe_node(node)}")
            return None
        value = node.value.strip()
        if len(value) > MAX_TEXT_CHARS:
            self.error(node, f"{what}有 {len(value):,} 个字，超过了 {MAX_TEXT_CHARS:,} 字的上限")
            return None
        if not value and not allow_empty:
            self.error(node, f"{what}是空的")
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
            self.error(node, f"{what}应该是文字列表，而不是{describe_node(node)}")
            return ()
        items = (self.text(child, f"{what}的一项") for child in node.value)
        return tuple(item for item in items if item)

    def boolean(self, node: yaml.Node | None, what: str, default: bool) -> bool:
        """A YAML true/false."""
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(_CONSTRUCTOR.construct_yaml_bool(node))
        self.error(node, f"{what}应该是 true 或 false，而不是{describe_node(node)}")
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
        self.error(node, f"{what}应该是数字，而不是{describe_node(node)}")
        return None

    def alternatives(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """One text, or a list of alternative texts (the first canonical)."""
        if isinstance(node, yaml.SequenceNode):
            forms = self.texts(node, what)
            if not forms:
                self.error(node, f"{what}是空列表")
            return forms
        single = self.text(node, what)
        return (single,) if single else ()

    def sequence(self, node: yaml.Node | None, what: str) -> Iterator[yaml.Node]:
        """The items of a list field; nothing (after an error) when it is not a list."""
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            return iter(())
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what}应该是列表，而不是{describe_node(node)}")
            return iter(())
        return iter(node.value)

    def identifier(self, node: yaml.Node | None, pattern: re.Pattern[str], what: str) -> str | None:
        """An id checked against its pattern."""
        value = self.text(node, what)
        if value is None:
            return None
        if not pattern.match(value):
            rule = "小写字母、数字和“-”，并以字母或数字开头" if pattern.pattern.startswith("[a-z0-9]") else "字母、数字、“-”“_”和“.”"
            self.error(node, f"{what}“{value}”不合规则：只能用{rule}")
            return None
        return value
