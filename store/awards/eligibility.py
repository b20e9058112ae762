"""Eligibility hints, never decisions: which prerequisites a title's catalogue entry declares
that the records show unmet. Pure: prerequisites and facts in, hints out (no wording).

A prerequisite is a mapping of the title catalogue's (``store.emulation.title_spec``): ``kind``
(``registered``: registered for the title at the start of the year; ``top_rank``: a place in
the bloc at most ``top``; ``consecutive``: the title ``title`` (default: the same) in each of the
``years`` years before) and the ``source`` document of the rule. A fact the bot cannot
see (None) gives no hint: the bot warns only on what it can show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Mapping, Optional, Sequence


class Gap(StrEnum):
    NOT_REGISTERED = "not_registered"
    RANK = "rank"
    EARLIER = "earlier"


@dataclass(frozen=True)
class Facts:
    registered: Optional[bool]  # registered for this title this year (None: unknown)
    place: Optional[int]  # place in the bloc's published ranking (None: not ranked)
    earlier: Mapping[int, frozenset[str]] = field(default_factory=dict)  # year → title codes awarded


def hints(title_code: str, year: int, prerequisites: Sequence[Mapping[str, Any]], facts: Facts) -> list[dict[str, Any]]:
    """One hint per unmet prerequisite: {"gap", "kind", "source", and the gap's figures}."""
    out: list[dict[str, Any]] = []
    for pre in prerequisites:
        kind = str(pre.get("kind", ""))
        base = {"kind": kind, "source": str(pre.get("source") or "")}
        if kind == "registered" and facts.registered is False:
            out.append({"gap": Gap.NOT_REGISTERED.value, **base})
        elif kind == "top_rank":
            limit = int(pre.get("top") or 1)
            if facts.place is None or facts.place > limit:
                out.append({"gap": Gap.RANK.value, "top": limit, "place": facts.place, **base})
        elif kind == "consecutive":
            wanted = str(pre.get("title") or title_code)
            years = [year - k for k in range(int(pre.get("years") or 1), 0, -1)]
            lacking = [y for y in years if wanted not in facts.earlier.get(y, frozenset())]
            if lacking:
                out.append({"gap": Gap.EARLIER.value, "title": wanted, "years": lacking, **base})
    return out
