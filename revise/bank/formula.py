"""Safe arithmetic formulas for numeric questions.

A formula is parsed with :mod:`ast` and checked against a whitelist, then
evaluated by walking the tree. Nothing from a bank is ever passed to `eval`.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

FUNCTIONS = ("min", "max", "round", "abs")
BINARY: dict[type[ast.operator], Callable[[float, float], float | complex]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_LENGTH = 500
MAX_EXPONENT = 100


class FormulaError(ValueError):
    """A formula that is not allowed or cannot be evaluated."""


@dataclass(frozen=True)
class Formula:
    """A checked formula and the names it uses."""

    text: str
    tree: ast.Expression = field(compare=False)  # the text says it all; trees compare by identity
    names: frozenset[str]

    def evaluate(self, values: dict[str, float]) -> float:
        """The formula's value for the given parameter values."""
        try:
            result = _evaluate(self.tree.body, values)
        except (ZeroDivisionError, OverflowError, ValueError) as error:
            if isinstance(error, FormulaError):
                raise
            raise FormulaError(f"算不出“{self.text}”的值（{_reason(error)}）") from None
        if not math.isfinite(result):
            raise FormulaError(f"“{self.text}”的结果不是有限的数")
        return float(result)


def _reason(error: Exception) -> str:
    """Why Python could not compute a value, in the teacher's words."""
    if isinstance(error, ZeroDivisionError):
        return "除以零"
    if isinstance(error, OverflowError):
        return "数值太大"
    return str(error)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula; raise FormulaError naming what is not allowed."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式超过了 {MAX_LENGTH} 个字符")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"公式不是合法的算式：{error.msg}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, names)
    return Formula(text=text, tree=tree, names=frozenset(names))


def _check_node(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load, *BINARY, *UNARY)):
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY:
            raise FormulaError(f"公式里不能用运算符 {_describe(node.op)}（可用 + - * / ** 和括号）")
        return
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in UNARY:
            raise FormulaError(f"公式里不能用运算符 {_describe(node.op)}")
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"公式里只能有数字，不能有 {node.value!r}")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError(f"公式里不能用函数“{ast.unparse(node.func)}”（只能用 min、max、round、abs）")
        if node.keywords:
            raise FormulaError("公式里的函数不能带关键字参数")
        arity = {"abs": (1, 1), "round": (1, 2)}.get(node.func.id, (1, 64))
        if not arity[0] <= len(node.args) <= arity[1]:
            raise FormulaError(f"{node.func.id}() 要 {arity[0]} 到 {arity[1]} 个参数，这里有 {len(node.args)} 个")
        return
    if isinstance(node, ast.Name):
        if node.id not in FUNCTIONS:
            names.add(node.id)
        return
    raise FormulaError(f"公式里不能有 {_describe(node)}")


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
        assert isinstance(node.value, (int, float))  # parse_formula allows numbers only
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"没有声明的参数“{node.id}”")
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        return float(UNARY[type(node.op)](_evaluate(node.operand, values)))
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, values)
        right = _evaluate(node.right, values)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise FormulaError(f"指数 {right:g} 太大")
        result: float | complex = BINARY[type(node.op)](left, right)
        if isinstance(result, complex):  # a negative number to a fractional power
            raise FormulaError(f"{left:g} ** {right:g} 不是实数")
        return float(result)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_evaluate(arg, values) for arg in node.args]
        if node.func.id == "round":
            if not all(math.isfinite(arg) for arg in args):
                raise FormulaError("round() 的参数不是有限的数")
            return float(round(args[0], int(args[1])) if len(args) > 1 else round(args[0]))
        if node.func.id == "abs":
            return abs(args[0])
        return float(min(args) if node.func.id == "min" else max(args))
    raise FormulaError(f"公式里不能有 {_describe(node)}")
