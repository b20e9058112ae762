"""Places in questions and documents: which documents a place names, the person "Hồ Chí Minh",
places the corpus does not cover, the abbreviations documents use for bodies."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Optional

import vietnam_provinces as vp

from store.vn import text as vntext

ADMIN_PREFIXES = vntext.UNIT_PREFIXES
_ISSUER_NOISE = ("uy ban nhan dan", "ubnd", "ban thuong vu", "ban chap hanh", "hoi dong nhan dan",
                 "hdnd", "so noi vu", "chu tich")


def place_names(place: str, issuer: str) -> dict[tuple[str, ...], float]:
    """Folded place phrases that point at this document, with how specific they are."""
    names: dict[tuple[str, ...], float] = {}

    def add(phrase: str, weight: float) -> None:
        toks = tuple(phrase.split())
        if toks and weight > names.get(toks, 0.0):
            names[toks] = weight

    sources = [(place, 1.0), (issuer, 0.9)]
    for raw, weight in sources:
        if not raw:
            continue
        inner = re.findall(r"\(([^)]*)\)", raw)
        outer = re.sub(r"\([^)]*\)", " ", raw)
        for text, w in [(outer, weight)] + [(t, 0.5) for t in inner]:
            f = vntext.search_key(text)
            for noise in _ISSUER_NOISE:
                f = f.replace(noise, " ")
            f = " ".join(f.split())
            if not f:
                continue
            add(f, w * 1.2)  # with its unit word: "thanh pho lai chau", "tinh uy lao cai"
            core = f
            for prefix in sorted(ADMIN_PREFIXES + ("tinh uy", "huyen uy", "thanh uy"), key=len, reverse=True):
                if core.startswith(prefix + " "):
                    core = core[len(prefix) + 1:]
                    break
            if core and core != f:
                add(core, w)
    return names


_PERSON_CONTEXT = frozenset("tuong tich cach duc bac lang".split())  # "tư tưởng / Chủ tịch / phong cách Hồ Chí Minh"


def place_words(folded: list[str]) -> list[str]:
    """The question's words for place matching, with "Hồ Chí Minh" the person masked out."""
    out = list(folded)
    for i in range(1, len(out) - 2):
        if out[i:i + 3] == ["ho", "chi", "minh"] and out[i - 1] in _PERSON_CONTEXT:
            out[i:i + 3] = ["", "", ""]
    return out


def expand_abbreviations(text: str) -> str:
    return (text.replace("UBND", "Ủy ban nhân dân").replace("HĐND", "Hội đồng nhân dân")
            .replace("TĐKT", "Thi đua - Khen thưởng"))


def unknown_place(folded: list[str], accented: list[str], known: Callable[[str], bool]) -> Optional[str]:
    """A commune/province the question names that appears nowhere in the corpus."""
    names, provinces = _gazetteer()

    def in_corpus(words: tuple[str, ...]) -> bool:
        if len(words) == 1:
            return known(words[0])
        return all(known(f"{a}_{b}") for a, b in zip(words, words[1:]))

    for i in range(len(folded)):
        for prefix in ADMIN_PREFIXES:
            pw = prefix.split()
            if folded[i:i + len(pw)] != pw:
                continue
            j = i + len(pw)
            for n in (4, 3, 2, 1):
                cand = tuple(folded[j:j + n])
                if len(cand) == n and cand in names and not in_corpus(cand):
                    return " ".join(accented[j:j + n]).title()
    for n in (4, 3, 2):
        for i in range(len(folded) - n + 1):
            cand = tuple(folded[i:i + n])
            if cand in provinces and not in_corpus(cand):
                return " ".join(accented[i:i + n]).title()
    return None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """Folded names of Vietnam's communes and provinces, unit words stripped."""
    def strip(name: str) -> tuple[str, ...]:
        f = vntext.search_key(name)
        for prefix in sorted(ADMIN_PREFIXES, key=len, reverse=True):
            if f.startswith(prefix + " "):
                f = f[len(prefix) + 1:]
                break
        words = f.split()
        while words and words[-1].isdigit():  # "Phường Hà Giang 1"
            words.pop()
        return tuple(words)

    names = [p.name for p in vp.Province.iter_all()] + list(vntext.FORMER_PROVINCES)
    provinces = frozenset(strip(n) for n in names)
    wards = frozenset(strip(w.name) for w in vp.Ward.iter_all())
    return wards | provinces, frozenset(p for p in provinces if len(p) >= 2)
