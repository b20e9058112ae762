"""Places from totals, ties shown as ties; pure.

Equal totals share a place ("1, 1, 3"), never ordered silently. A tie-break rule (a list of
group or criterion codes from the table file) compares those subtotals in order; only rows
still equal on all of them stay tied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Sequence, TypeVar

K = TypeVar("K")


@dataclass(frozen=True)
class Placed(Generic[K]):
    key: K
    place: int
    tied: bool  # another row has the same place


def places(rows: Sequence[tuple[K, Decimal, tuple[Decimal, ...]]]) -> list[Placed[K]]:
    """Rank (key, total, tie-break values) best first; standard competition ranking with ties."""
    ordered = sorted(rows, key=lambda r: (r[1], r[2]), reverse=True)
    out: list[Placed[K]] = []
    place = 0
    for i, (key, total, extra) in enumerate(ordered):
        if i == 0 or (total, extra) != (ordered[i - 1][1], ordered[i - 1][2]):
            place = i + 1
        same_before = i > 0 and (total, extra) == (ordered[i - 1][1], ordered[i - 1][2])
        same_after = i + 1 < len(ordered) and (total, extra) == (ordered[i + 1][1], ordered[i + 1][2])
        out.append(Placed(key, place, same_before or same_after))
    return out
