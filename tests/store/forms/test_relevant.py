"""The relevant expression language: parsing (no eval) and evaluation."""

from __future__ import annotations

import pytest

from store.forms.relevant import BoolOp, Comparison, ExpressionError, evaluate, parse


def test_precedence_and_grouping() -> None:
    node = parse("a == yes or b > 3 and c != 'Kinh tế'")
    assert isinstance(node, BoolOp) and node.op == "or"
    assert node.parts[0] == Comparison("a", "==", "yes")
    assert isinstance(node.parts[1], BoolOp) and node.parts[1].op == "and"
    grouped = parse("(a == yes or b > 3) and c <= 2")
    assert isinstance(grouped, BoolOp) and grouped.op == "and"


@pytest.mark.parametrize("expr,answers,expected", [
    ("a == yes", {"a": True}, True),
    ("a == yes", {"a": False}, False),
    ("a != no", {"a": True}, True),
    ("n > 3", {"n": 5}, True),
    ("n >= 5", {"n": 5}, True),
    ("n < 5", {"n": 5}, False),
    ("n <= 4.5", {"n": 4.5}, True),
    ("n > 1.000", {"n": 1500}, True),  # Vietnamese thousands in the expression
    ("x == 'Kinh tế'", {"x": ["Kinh tế", "Xây dựng Đảng"]}, True),
    ("x != 'Kinh tế'", {"x": ["Xây dựng Đảng"]}, True),
    ("s == Đạt", {"s": "đạt"}, True),
    ("a == yes", {}, False),  # unanswered: false
    ("a == yes", {"a": None}, False),  # skipped: false
    ("a == yes and n > 0", {"a": True, "n": 0}, False),
    ("a == yes or n > 0", {"a": False, "n": 2}, True),
    ("d >= 2026-06-01", {"d": "2026-06-30"}, True),
])
def test_evaluate(expr: str, answers: dict, expected: bool) -> None:
    assert evaluate(parse(expr), answers) is expected


@pytest.mark.parametrize("expr,fragment", [
    ("", "rỗng"), ("a ==", "giữa chừng"), ("a b", "phép so sánh"), ("== 3", "tên câu hỏi"),
    ("a == 3 3", "thừa"), ("(a == 1", "giữa chừng"), ("a = 1", "ký tự không hợp lệ"), ("a == 1 and", "giữa chừng"),
    ("__import__('os') == 1", "phép so sánh"),
])
def test_errors_say_what_is_wrong(expr: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment):
        parse(expr)
