"""Targets typed in chat: Vietnamese numbers, units after the number, a status for what is missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from store.emulation.targets import Target, TargetStatus, parse_target


@pytest.mark.parametrize("typed, name, value, unit", [
    ("Thu ngân sách: 1.250 triệu đồng", "Thu ngân sách", Decimal(1250), "triệu đồng"),
    ("Tỷ lệ hộ nghèo giảm: 12,5 %", "Tỷ lệ hộ nghèo giảm", Decimal("12.5"), "%"),
    ("Tỷ lệ che phủ rừng 45,2%", "Tỷ lệ che phủ rừng", Decimal("45.2"), "%"),
    ("Xây mới nhà văn hóa - 3 nhà", "Xây mới nhà văn hóa", Decimal(3), "nhà"),
    ("thu ngan sach la 1.250.000 dong", "thu ngan sach", Decimal(1250000), "dong"),
    ("Số hộ đạt gia đình văn hóa: 1.250", "Số hộ đạt gia đình văn hóa", Decimal(1250), ""),
])
def test_targets_read_the_vietnamese_way(typed: str, name: str, value: Decimal, unit: str) -> None:
    target = parse_target(typed)
    assert target == Target(name, value, unit)
    assert Target.from_dict(target.to_dict()) == target


def test_what_is_missing_is_named() -> None:
    assert parse_target("Thu ngân sách cao") is TargetStatus.NO_NUMBER
    assert parse_target("") is TargetStatus.NO_NUMBER
    assert parse_target("Thu ngân sách: 1,2,3 triệu") is TargetStatus.BAD_NUMBER
    assert parse_target("x" * 201 + ": 5") is TargetStatus.TOO_LONG
    assert Target("Thu ngân sách", Decimal(1250), "triệu đồng").show() == "Thu ngân sách: 1.250 triệu đồng"
