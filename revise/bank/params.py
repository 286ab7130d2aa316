"""Drawing the numbers of a parameterised question, for practice, exams and papers alike.

One rule, used everywhere: values are drawn from each param's range, the
formula is evaluated on them, and a draw the formula cannot evaluate is drawn
again. A question that cannot be drawn at all raises :class:`UndrawableError`,
which callers turn into a skipped question with a message, never a crash.
Validation checks the whole parameter space up front with
:func:`parameter_space_problem`, so a bank that passes `validate` never gets here.
"""

from __future__ import annotations

import itertools
import math
import random

from revise.bank.formula import FormulaError
from revise.bank.model import NumericQuestion, Param, Question

DRAW_ATTEMPTS = 50
# Every combination is tried when there are at most this many; otherwise the corners,
# the edges and a seeded sample.
EXHAUSTIVE_LIMIT = 4096
SAMPLE_SIZE = 2000
# Beyond these, numbers stop meaning anything to a student and arithmetic overflows.
MAX_PARAM_MAGNITUDE = 1e9
MAX_RANGE_SIZE = 1_000_000


class UndrawableError(ValueError):
    """No values could be drawn for which the question's formula gives a real number."""


def draw_params(question: Question, rng: random.Random) -> dict[str, float]:
    """Values for a numeric question's params for which its formula evaluates ({} for other questions).

    Raises UndrawableError after :data:`DRAW_ATTEMPTS` failed draws.
    """
    if not isinstance(question, NumericQuestion) or not question.params:
        return {}
    last_error = ""
    for _ in range(DRAW_ATTEMPTS):
        values = {param.name: float(rng.choice(param.choices())) for param in question.params}
        try:
            question.expected(values)
        except FormulaError as error:
            last_error = str(error)
            continue
        return values
    raise UndrawableError(f'题目 "{question.id}" 抽不出能计算的数值：{last_error}')


def render_prompt(question: Question, params: dict[str, float]) -> str:
    """The prompt as the student sees it, with parameter values substituted."""
    if isinstance(question, NumericQuestion):
        return question.render_prompt(params)
    return question.prompt


def param_range_problem(param: Param) -> str | None:
    """Why a param's range is unusable (too wide, or numbers too large), or None."""
    if param.values:
        largest = max(abs(value) for value in param.values)
    else:
        assert param.low is not None and param.high is not None
        if param.high - param.low + 1 > MAX_RANGE_SIZE:
            return f"参数“{param.name}”的范围有 {param.high - param.low + 1:,} 个值，上限是 {MAX_RANGE_SIZE:,}"
        largest = max(abs(param.low), abs(param.high))
    if largest > MAX_PARAM_MAGNITUDE:
        return f"参数“{param.name}”的值达到 {largest:g}；取值要在 ±{MAX_PARAM_MAGNITUDE:g} 以内"
    return None


def _edge_values(choices: tuple[float, ...] | range) -> list[float]:
    """The smallest, largest and their neighbours, plus zero and ±1 where the range has them."""
    values = list(choices[:2]) + list(choices[-2:])
    for special in (-1, 0, 1):
        if special in choices:
            values.append(special)
    return sorted(set(float(value) for value in values))


def parameter_space(params: tuple[Param, ...], seed: str) -> list[dict[str, float]]:
    """The combinations of values a formula is checked on.

    Every combination when there are few; otherwise every combination of each
    param's edge values (corners and edges of the space) plus a seeded sample.
    """
    names = [param.name for param in params]
    choices = [param.choices() for param in params]
    total = math.prod(len(choice) for choice in choices)
    if total <= EXHAUSTIVE_LIMIT:
        return [dict(zip(names, map(float, combo))) for combo in itertools.product(*choices)]
    combos = [dict(zip(names, combo)) for combo in itertools.islice(itertools.product(*(_edge_values(c) for c in choices)), EXHAUSTIVE_LIMIT)]
    rng = random.Random(seed)
    combos.extend({name: float(rng.choice(choice)) for name, choice in zip(names, choices)} for _ in range(SAMPLE_SIZE))
    return combos


def parameter_space_problem(question: NumericQuestion) -> str | None:
    """Why some draw of this question would fail (the first failing values), or None when every checked draw evaluates."""
    if question.formula is None:
        return None
    for values in parameter_space(question.params, question.id):
        try:
            question.formula.evaluate(values)
        except FormulaError as error:
            shown = ", ".join(f"{name}={value:g}" for name, value in values.items())
            return f"公式在 {shown} 时无法计算：{error}"
    return None
