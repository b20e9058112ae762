"""Which of the 34 provinces (since 1 July 2025) issued a directive: its scope."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Optional

from rapidfuzz import fuzz, process
from vietnam_provinces import Province, Ward

from store.vn.text import UNIT_PREFIXES, fold, former_province_keys, strip_unit_prefix

MERGED_INTO = former_province_keys()  # folded former name -> folded current name


def strip_unit(folded: str) -> str:
    """"thanh pho lai chau" → "lai chau" (documents also write "TP. Lai Châu")."""
    return strip_unit_prefix(folded.strip(), UNIT_PREFIXES + ("tp",))


@lru_cache(maxsize=1)
def province_names() -> dict[str, int]:
    """Folded province name (current and pre-2025) -> current province code."""
    names: dict[str, int] = {}
    for p in Province.iter_all():
        names[strip_unit(fold(p.name))] = int(p.code)
    for old, new in MERGED_INTO.items():
        if new in names:
            names[old] = names[new]
    return names


@lru_cache(maxsize=1)
def ward_names() -> dict[str, int]:
    """Folded commune/ward name (prefix stripped) -> province code, when unambiguous."""
    seen: dict[str, set[int]] = {}
    for w in Ward.iter_all():
        seen.setdefault(strip_unit(fold(w.name)), set()).add(int(w.province_code))
    return {name: next(iter(codes)) for name, codes in seen.items() if len(codes) == 1}


def province_in_name(text: str) -> Optional[int]:
    """A province named inside ``text`` ("UBND tỉnh Lai Châu", "TỈNH ỦY LÀO CAI")."""
    folded = f" {fold(text)} "
    best: Optional[tuple[int, int]] = None
    for name, code in province_names().items():
        pos = folded.find(f" {name} ")
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, code)
    return best[1] if best else None


def province_of_place(place: str) -> Optional[int]:
    """The place line ("Lai Châu", "Thành phố Lai Châu") matched to a province name (OCR-tolerant)."""
    key = strip_unit(fold(place))
    if not key:
        return None
    names = province_names()
    if key in names:
        return names[key]
    match = process.extractOne(key, list(names), scorer=fuzz.ratio, score_cutoff=90)
    return names[match[0]] if match else None


def province_mentioned(text: str) -> Optional[int]:
    """The province most often named as "tỉnh X" in a text (district-level issuers name it)."""
    names = province_names()
    counts: Counter[int] = Counter()
    # One pass: the up-to-four words after each "tỉnh", matched against the names by prefix.
    for words in re.findall(r"\btinh ((?:[a-z]+ ?){1,4})", fold(text)):
        words = words.strip()
        while words:
            if words in names:
                counts[names[words]] += 1
                break
            words = words.rpartition(" ")[0]
    return counts.most_common(1)[0][0] if counts else None


def province_of_commune(place: str) -> Optional[int]:
    """A former district/commune place name ("Tuần Giáo") found among today's communes."""
    return ward_names().get(strip_unit(fold(place))) if place else None


def issuing_province(issuer: str, header: Iterable[str], place: str, text: str) -> Optional[int]:
    """The issuing province: from the issuer, the header, the place, the body, then the communes."""
    for candidate in (issuer, *header):
        code = province_in_name(candidate) if candidate else None
        if code is not None:
            return code
    return (province_of_place(place) if place else None) or province_mentioned(text) or province_of_commune(place)
