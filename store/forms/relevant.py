"""The ``relevant`` skip-logic language of report forms: a tiny tokenizer and parser, no eval.

Grammar (``and`` binds tighter than ``or``; parentheses group)::

    expr   := term ("or" term)*
    term   := factor ("and" factor)*
    factor := "(" expr ")" | NAME OP VALUE
    OP     := == | != | < | <= | > | >=
    VALUE  := number | word | 'quoted' | "quoted"

A condition on a question that has no answer yet (or was skipped) is false, as in XLSForm.
For a multiple-choice question ``==`` means "this choice is among the selected ones".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Union

from store.vn.numbers import NumberFormatError, parse_number

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
_TOKEN = re.compile(r"""\s*(?:(?P<op>==|!=|<=|>=|<|>)|(?P<paren>[()])|(?P<quoted>'[^']*'|"[^"]*")|(?P<word>[^\s()=!<>'"]+))""")


class ExpressionError(ValueError):
    """A ``relevant`` expression that cannot be parsed; the message says where and why."""


@dataclass(frozen=True)
class Comparison:
    name: str
    op: str
    value: str


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple["Node", ...]


Node = Union[Comparison, BoolOp]


def tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"ký tự không hợp lệ ở vị trí {pos + 1}: {text[pos:pos + 10]!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "quoted":
            kind, value = "value", value[1:-1]
        elif kind == "word" and value.lower() in ("and", "or"):
            kind, value = "bool", value.lower()
        out.append((kind, value))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("biểu thức kết thúc giữa chừng")
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("biểu thức rỗng")
        node = self.expr()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"thừa {extra[1]!r} sau biểu thức")
        return node

    def expr(self) -> Node:
        parts = [self.term()]
        while self.peek() == ("bool", "or"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def term(self) -> Node:
        parts = [self.factor()]
        while self.peek() == ("bool", "and"):
            self.take()
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def factor(self) -> Node:
        kind, value = self.take()
        if (kind, value) == ("paren", "("):
            node = self.expr()
            if self.take() != ("paren", ")"):
                raise ExpressionError("thiếu dấu ')'")
            return node
        if kind != "word":
            raise ExpressionError(f"cần tên câu hỏi, gặp {value!r}")
        name = value
        kind, op = self.take()
        if kind != "op":
            raise ExpressionError(f"sau {name!r} cần một phép so sánh ({', '.join(OPERATORS)}), gặp {op!r}")
        kind, val = self.take()
        if kind not in ("word", "value"):
            raise ExpressionError(f"sau {name} {op} cần một giá trị, gặp {val!r}")
        return Comparison(name, op, val)


def parse(text: str) -> Node:
    """Parse an expression; ExpressionError says what is wrong."""
    return _Parser(str(text)).parse()


def names(node: Node) -> Iterable[Comparison]:
    """Every comparison in the tree (to check the names and values it uses)."""
    if isinstance(node, Comparison):
        yield node
    else:
        for part in node.parts:
            yield from names(part)


_YES = {"yes", "true", "co", "có", "1"}
_NO = {"no", "false", "khong", "không", "0"}


def _as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return parse_number(value)[0]
        except NumberFormatError:
            return None
    return None


def _compare(left: Any, op: str, right: Any) -> bool:
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    }
    return ops[op](left, right)


def _eval_comparison(c: Comparison, answers: dict[str, Any]) -> bool:
    if c.name not in answers or answers[c.name] is None:
        return False
    actual = answers[c.name]
    if isinstance(actual, bool):
        expected = c.value.lower()
        truth = True if expected in _YES else False if expected in _NO else None
        if truth is None or c.op not in ("==", "!="):
            return False
        return _compare(actual, c.op, truth)
    if isinstance(actual, list):  # select_multiple: membership
        if c.op not in ("==", "!="):
            return False
        return (c.value in actual) == (c.op == "==")
    left, right = _as_number(actual), _as_number(c.value)
    if left is not None and right is not None:
        return _compare(left, c.op, right)
    if isinstance(actual, str):
        return _compare(actual.casefold(), c.op, c.value.casefold())
    return False


def evaluate(node: Node, answers: dict[str, Any]) -> bool:
    """True when the condition holds for ``answers`` (missing answers make comparisons false)."""
    if isinstance(node, Comparison):
        return _eval_comparison(node, answers)
    if node.op == "and":
        return all(evaluate(p, answers) for p in node.parts)
    return any(evaluate(p, answers) for p in node.parts)
