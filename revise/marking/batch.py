"""Mark a class: grade each entry of a responses file, stream the rows out, collect the statistics.

Memory does not grow with the file: entries come one at a time from
:mod:`revise.marking.reading`, rows go straight to a sink, and only the
statistics' compact state (students x questions) is kept. Identical answers
to a question (a class gives the same wrong answer many times) are graded
once, through a bounded cache; unknown ids cost one look-up in an index
built once (:mod:`revise.marking.suggest`).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from revise.marking.item_stats import ClassAccumulator, ClassStats, Mark
from revise.marking.reading import NAME_NAMES, Entry, Layout, header_key
from revise.marking.suggest import SuggestionIndex

if TYPE_CHECKING:
    from revise.bank.model import Bank, Question
    from revise.bank.response import Response
    from revise.grading import Result
    from revise.marking.scheme import MarkScheme
    from revise.marking.writing import Sink

CACHE_SIZE = 8192
CACHE_MAX_ANSWER = 500  # longer answers are rare and not worth remembering
PREFIX = "revise_"
NO_STUDENT = "（未填学号）"
ERROR_EXAMPLES = 10


@dataclass
class Outcome:
    """What marking a file came to."""

    entries: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)  # where a NUL was removed
    cleaned_count: int = 0
    stats: ClassStats | None = None
    names: dict[str, str] = field(default_factory=dict)


def grader_fields(layout: Layout, *, paper: bool, as_json: bool) -> tuple[list[str], list[str]]:
    """(base names, output names) of the fields the grader adds after the carried columns.

    A carried column is never replaced: when its name (case and spaces aside)
    clashes with a grader field, the grader's field takes the prefix ``revise_``.
    """
    base = ["question_id", "answer"] if layout.wide else []
    base += ["verdict", "score"]
    if paper:
        base += ["points", "full_marks", "section"]
    base += ["expected", "feedback"]
    if as_json:
        base += ["found", "missed"]
    taken = {header_key(name) for name in carried_names(layout, unique=as_json)}
    output = []
    for name in base:
        out = name
        while header_key(out) in taken:
            out = PREFIX + out
        taken.add(header_key(out))
        output.append(out)
    return base, output


def carried_names(layout: Layout, *, unique: bool) -> list[str]:
    """Carried column names; for JSON, a repeated name gets _2, _3 so no value is lost."""
    names = layout.carried_names
    if not unique:
        return names
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        result.append(name if count == 1 else f"{name}_{count}")
    return result


def parse_params(text: str) -> dict[str, float]:
    """NAME=VALUE pairs from a params cell: "a=4;b=8", "a=4 b=8" or JSON. ValueError in Chinese."""
    text = text.strip()
    if not text:
        return {}
    items: Iterable[str]
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"参数 {text[:60]!r} 不是有效的 JSON（{error.msg}）") from None
        if not isinstance(data, dict):
            raise ValueError(f"参数 {text[:60]!r} 应是 JSON 对象")
        items = [f"{key}={value}" for key, value in data.items()]
    else:
        for sep in (",", "，", "；"):
            text = text.replace(sep, ";")
        items = [part for chunk in text.split(";") for part in chunk.split()]
    return param_pairs(items)


def param_pairs(items: Iterable[str]) -> dict[str, float]:
    """NAME=VALUE strings as numbers; ValueError (in Chinese) for anything else."""
    params: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"参数 {item[:40]!r} 应写成 名称=数值")
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"参数 {name} 的值 {value.strip()[:40]!r} 不是数字") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"参数 {name} 必须是有限的数")
        params[name] = number
    return params


class Marker:
    """Grades entries against a bank and a mark scheme, remembering repeated answers."""

    def __init__(self, bank: Bank, scheme: MarkScheme, layout: Layout, *, index: SuggestionIndex | None = None) -> None:
        self.bank = bank
        self.scheme = scheme
        self.layout = layout
        self._index = index  # built on first need when not given
        self._cache: OrderedDict[tuple[str, str, tuple[tuple[str, float], ...]], Result] = OrderedDict()

    def suggest(self, word: str) -> str | None:
        """The bank id an unknown id most likely means (the index is built on first need)."""
        if self._index is None:
            self._index = SuggestionIndex(self.bank.questions)
        return self._index.suggest(word)

    def unknown_id(self, question_id: str) -> str:
        """The message for an id the bank does not have."""
        close = self.suggest(question_id)
        hint = f"（是不是“{close}”？）" if close else ""
        return f"题库中没有题目“{question_id[:80]}”{hint}"

    def params_for(self, question: Question, entry: Entry) -> dict[str, float] | None:
        """The values shown for a numeric question: a params column, or columns named after the params."""
        names = [p.name for p in getattr(question, "params", ())]
        if not names:
            return None
        pinned = self.scheme.params(question)
        if pinned is not None and all(name in pinned for name in names):
            return dict(pinned)  # a saved paper printed these values: they are what the student saw
        params = parse_params(entry.params) if entry.params else {}
        for name in names:
            column = self.layout.column(name)
            if name not in params and column is not None and entry.cells[column].strip():
                params.update(param_pairs([f"{name}={entry.cells[column]}"]))
        missing = [name for name in names if name not in params]
        if missing:
            example = ";".join(f"{n}=…" for n in names)
            raise ValueError(f"题目 {question.id} 含随机数值，缺少 {'、'.join(missing)}；请加一列 params，写成 {example}")
        return params

    def grade(self, entry: Entry) -> tuple[Question | None, Result | None, str]:
        """(question, result, "") for a graded entry, or (question or None, None, message) for an error row."""
        if entry.problem:
            return None, None, entry.problem
        if not entry.question_id:
            return None, None, "没有题号"
        question = self.bank.questions.get(entry.question_id)
        if question is None:
            return None, None, self.unknown_id(entry.question_id)
        if self.scheme.full_marks(question) is None:
            return question, None, self.scheme.absent(question)
        try:
            params = self.params_for(question, entry)
        except ValueError as error:
            return question, None, str(error)
        key = (question.id, entry.answer, tuple(sorted(params.items())) if params else ())
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return question, cached, ""
        from revise.grading import grade

        try:
            result = grade(question, as_printed(question, entry.answer, self.scheme.order(question)), self.bank, params=params)
        except ValueError as error:  # e.g. a division by zero for the values given
            return question, None, f"无法评分：{error}"
        except Exception as error:  # one bad row must not stop a class's marking
            return question, None, f"无法评分（内部错误 {type(error).__name__}）"
        if len(entry.answer) <= CACHE_MAX_ANSWER:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return question, result, ""


def as_printed(question: Question, answer: str, order: tuple[int, ...]) -> Response | str:
    """The answer with letters read as printed on a paper whose options (or match items) were shuffled.

    `order[i]` is the bank index of the option printed at position i. Letters
    only (``B``, ``AC``) and typed pairs (``1-B；2-A``) are turned into bank
    indexes; anything else (option texts) is graded as typed.
    """
    if not order:
        return answer
    from revise.bank.model import ChoiceQuestion, MatchQuestion, MultiQuestion
    from revise.bank.response import Response
    from revise.bank.shuffle import shown_to_bank

    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        from revise.grading.choice import option_letters

        shown = option_letters(answer)
        if shown is None or any(position >= len(order) for position in shown):
            return answer
        if isinstance(question, ChoiceQuestion) and len(shown) > 1:
            return answer  # several letters to a single choice: the grader explains
        return Response(text=answer, choices=shown_to_bank(order, set(shown)))
    if isinstance(question, MatchQuestion):
        from revise.grading.match import parse_pairs

        pairs = parse_pairs(answer, question)
        if pairs is None:
            return answer
        return Response(text=answer, pairs=tuple(None if p is None else order[p] if 0 <= p < len(order) else p for p in pairs))
    return answer


def _number(value: float, as_text: bool) -> object:
    rounded = round(value, 4)
    if not as_text:
        return rounded
    from revise.bank.model import format_number

    return format_number(rounded)


def mark_all(entries: Iterable[Entry], marker: Marker, sink: Sink, *, paper: bool, as_json: bool, numbers_as_text: bool, collect: bool) -> Outcome:
    """Grade every entry, write a row for each, and (if `collect`) gather the class statistics."""
    layout = marker.layout
    _, names = grader_fields(layout, paper=paper, as_json=as_json)
    header = carried_names(layout, unique=as_json) + names
    outcome = Outcome()
    accumulator = ClassAccumulator() if collect else None
    keys = [header_key(name) for name in layout.header]
    name_column = next((i for i, key in enumerate(keys) if key in NAME_NAMES), None)
    key_column = layout.student_columns[0] if layout.student_columns else None
    wrote_header = False
    for entry in entries:
        if not wrote_header:  # after the first row parses: a file broken at once writes nothing
            sink.header(header)
            wrote_header = True
        outcome.entries += 1
        if entry.cleaned:
            outcome.cleaned_count += 1
            if len(outcome.cleaned) < ERROR_EXAMPLES:
                outcome.cleaned.append(entry.where)
        question, result, message = marker.grade(entry)
        values: list[object] = list(entry.carried)
        if layout.wide:
            values += [entry.question_id, entry.answer]
        if result is None:
            outcome.errors += 1
            if len(outcome.error_examples) < ERROR_EXAMPLES:
                outcome.error_examples.append(f"{entry.where}: {message}")
            values += ["error", None]
            if paper:
                values += [None, None, None]
            values += [None, message]
            if as_json:
                values += [[], []]
        else:
            assert question is not None
            values += [result.verdict, _number(result.score, numbers_as_text)]
            full = marker.scheme.full_marks(question) or 0.0
            section = marker.scheme.section(question)
            if paper:
                # points to 2 places: 2/3 of 4 points is 2.67, not 2.6668 from the score's 4 places
                values += [_number(round(result.score * full, 2), numbers_as_text), _number(full, numbers_as_text), section]
            values += [result.expected, result.feedback]
            if as_json:
                values += [list(result.found), list(result.missed)]
            if accumulator is not None:
                student = entry.student or NO_STUDENT
                accumulator.add(Mark(student, question.id, result.score * full, full, section, entry.answer, result.verdict == "correct"))
                if name_column is not None and name_column != key_column and student not in outcome.names:
                    outcome.names[student] = entry.cells[name_column].strip()
        sink.row(values)
    if not wrote_header:
        sink.header(header)
    if accumulator is not None:
        outcome.stats = accumulator.result()
    return outcome
