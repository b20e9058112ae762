"""Small shared wording of the emulation features: numbers, totals, dates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from store.clock import vn_datetime
from store.emulation.engine import Totals
from store.vn.numbers import format_number


def num(value: Optional[Decimal | str | int]) -> str:
    """``12,5`` the Vietnamese way; ``–`` for nothing."""
    return "–" if value is None else format_number(Decimal(str(value)))


def total_line(t: Totals) -> str:
    extra = ""
    if t.bonus or t.penalty:
        extra = f" (cơ bản {num(t.base)}, thưởng +{num(t.bonus)}, trừ {num(t.penalty)})"
    return f"Tổng tạm tính: {num(t.total)}/{num(t.maximum)}{extra}"


def when(moment: Optional[datetime]) -> str:
    return "" if moment is None else vn_datetime(moment)


def screens(lines: list[str], limit: int = 900) -> list[str]:
    """Lines joined into texts of at most ``limit`` characters each (a phone screen), in order."""
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) + 1 + len(line) <= limit:
            out[-1] += "\n" + line
        else:
            out.append(line[:limit])
    return out
