"""How a typed unit name becomes a search key: folded, its unit prefix ("xã", "P.", "TT") stripped.

Shared by the unit index (``store.people.units``) and the officer-list import, which both compare
what people type with the names of the 34 provinces and 3,321 communes.
"""

from __future__ import annotations

import re
from typing import Optional

from store.vn.text import (COMMUNE_UNIT_PREFIXES, PROVINCE_UNIT_PREFIXES, TYPED_COMMUNE_ABBREVIATIONS,
                          TYPED_PROVINCE_ABBREVIATIONS, fold, strip_unit_prefix)
from store.vn.text import normalize as vn_normalize

# Unit prefixes as typed, folded; longest first so "thi tran" is not read as "thi".
COMMUNE_PREFIXES = COMMUNE_UNIT_PREFIXES + TYPED_COMMUNE_ABBREVIATIONS
PROVINCE_PREFIXES = PROVINCE_UNIT_PREFIXES + TYPED_PROVINCE_ABBREVIATIONS
_NON_WORD = re.compile(r"[^0-9a-z]+")


def has_diacritics(text: str) -> bool:
    """True when the user typed Vietnamese marks (then the accented form helps break ties)."""
    return fold(text) != _NON_WORD.sub(" ", text.lower()).strip()


def strip_prefix(folded: str, prefixes: tuple[str, ...] = COMMUNE_PREFIXES) -> str:
    """Drop one leading unit prefix, typed abbreviations included ("x tam duong" → "tam duong")."""
    return strip_unit_prefix(folded, prefixes)


def typed_division(folded: str) -> Optional[str]:
    """The division type a typed prefix names, if any ("p tan phong" → "phường")."""
    head = folded.split(" ", 1)[0]
    if folded.startswith("thi tran") or head in ("xa", "x", "tt"):
        return "xã"
    if head in ("phuong", "p", "f"):
        return "phường"
    if folded.startswith("dac khu") or head == "dk":
        return "đặc khu"
    return None


def accented_core(name: str) -> str:
    """Lowercase NFC name without the unit prefix, marks kept."""
    words = vn_normalize(name).lower().split()  # one tone placement: "hoà" == "hòa"
    for n in (2, 1):
        if len(words) > n and fold(" ".join(words[:n])) in COMMUNE_PREFIXES + PROVINCE_PREFIXES:
            return " ".join(words[n:])
    return " ".join(words)


def province_key(name: str) -> str:
    return strip_prefix(fold(name), PROVINCE_PREFIXES)


def commune_key(name: str) -> str:
    return strip_prefix(fold(name))
