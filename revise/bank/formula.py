"""Safe arithmetic formulas for numeric questions.

A formula is parsed with :mod:`ast` and checked against a whitelist, then
evaluated by walking the tree. Nothing from a bank is ever passed to `eval`.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass

FUNCTIONS = {"min": min, "max": max, "round": round, "abs": abs}
BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_LENGTH = 500
MAX_EXPONENT = 100


class FormulaError(ValueError):
    """A formula that is not allowed or cannot be evaluated."""


@dataclass(frozen=True)
class Formula:
    """A checked formula and the names it uses."""

    text: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, values: dict[str, float]) -> float:
        """The formula's value for the given parameter values."""
        try:
            result = _evaluate(self.tree.body, values)
        except (ZeroDivisionError, OverflowError, ValueError) as error:
            if isinstance(error, FormulaError):
                raise
            raise FormulaError(f"cannot evaluate {self.text!r}: {error}") from None
        if not math.isfinite(result):
            raise FormulaError(f"{self.text!r} is not a finite number")
        return float(result)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula; raise FormulaError naming what is not allowed."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"formula is not valid arithmetic: {error.msg}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, names)
    return Formula(text=text, tree=tree, names=frozenset(names))


def _check_node(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load, *BINARY, *UNARY)):
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY:
            raise FormulaError(f"operator {_describe(node.op)} is not allowed (use + - * / ** and parentheses)")
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in UNARY:
            raise FormulaError(f"operator {_describe(node.op)} is not allowed")
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"only numbers are allowed, not {node.value!r}")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError(f"function {ast.unparse(node.func)!r} is not allowed (only min, max, round, abs)")
        if node.keywords:
            raise FormulaError("keyword arguments are not allowed in a formula")
        arity = {"abs": (1, 1), "round": (1, 2)}.get(node.func.id, (1, 64))
        if not arity[0] <= len(node.args) <= arity[1]:
            raise FormulaError(f"{node.func.id}() takes {arity[0]} to {arity[1]} arguments, not {len(node.args)}")
        return
    if isinstance(node, ast.Name):
        if node.id not in FUNCTIONS:
            names.add(node.id)
        return
    raise FormulaError(f"{_describe(node)} is not allowed in a formula")


OPERATOR_SYMBOLS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}


def _describe(node: ast.AST) -> str:
    if type(node) in OPERATOR_SYMBOLS:
        return repr(OPERATOR_SYMBOLS[type(node)])
    return repr(ast.unparse(node))


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"undeclared param {node.id!r}")
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        return UNARY[type(node.op)](_evaluate(node.operand, values))
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, values)
        right = _evaluate(node.right, values)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise FormulaError(f"exponent {right:g} is too large")
        result = BINARY[type(node.op)](left, right)
        if isinstance(result, complex):  # a negative number to a fractional power
            raise FormulaError(f"{left:g} ** {right:g} is not a real number")
        return float(result)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_evaluate(arg, values) for arg in node.args]
        if node.func.id == "round":
            if not all(math.isfinite(arg) for arg in args):
                raise FormulaError("round() of a number that is not finite")
            return float(round(args[0], int(args[1])) if len(args) > 1 else round(args[0]))
        if node.func.id == "abs":
            return abs(args[0])
        return FUNCTIONS[node.func.id](args)
    raise FormulaError(f"{_describe(node)} is not allowed in a formula")
