"""A registration's main target (chỉ tiêu chủ yếu) typed in chat; pure.

``parse_target("Thu ngân sách: 1.250 triệu đồng")`` → ``Target(name, value, unit)`` or a
``TargetStatus`` saying what is missing. Numbers are read the Vietnamese way (``1.250``,
``12,5``, ``95%``) by ``store.vn.numbers.parse_number``; the unit is what follows the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Union

from store.vn.numbers import NumberFormatError, format_number, parse_number

MAX_NAME = 200
MAX_UNIT = 40
MAX_TARGETS = 15
# name, separator (":" or "-" or "là"), number (digits with . , and an optional %), unit
_SHAPE = re.compile(r"^(?P<name>.+?)\s*(?::|\s-\s|\sla\s|\slà\s|\s)\s*(?P<number>[+-]?\d[\d.,]*\s*%?)\s*(?P<unit>.*)$")


class TargetStatus(Enum):
    NO_NUMBER = "no_number"
    NO_NAME = "no_name"
    BAD_NUMBER = "bad_number"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Target:
    name: str
    value: Decimal
    unit: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "value": str(self.value), "unit": self.unit}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Target":
        return cls(str(data["name"]), Decimal(str(data["value"])), str(data.get("unit") or ""))

    def show(self) -> str:
        return f"{self.name}: {format_number(self.value)}" + (f" {self.unit}" if self.unit else "")


def parse_target(text: str) -> Union[Target, TargetStatus]:
    typed = " ".join((text or "").split())
    m = _SHAPE.match(typed)
    if m is None:
        return TargetStatus.NO_NUMBER
    name = m.group("name").strip(" :-")
    number = m.group("number").replace(" ", "")
    unit = m.group("unit").strip()
    if not name:
        return TargetStatus.NO_NAME
    if len(name) > MAX_NAME or len(unit) > MAX_UNIT:
        return TargetStatus.TOO_LONG
    try:
        value, percent = parse_number(number)
    except NumberFormatError:
        return TargetStatus.BAD_NUMBER
    if percent:
        unit = "%" + (f" {unit}" if unit else "")
    return Target(name, value, unit)
