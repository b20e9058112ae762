"""Provinces and communes from ``vietnam-provinces``: seeding at start and fuzzy name search.

Officers type commune names on phones, often without diacritics, with a unit prefix
(``xã``, ``P.``, ``TT``), words swapped or a letter wrong. Names are folded (no marks,
``đ``→``d``, lowercase), the prefix is stripped, and rapidfuzz ranks the 3,321 communes
in memory (well under a millisecond per query set). Exact word order wins over swapped
order ("Bình Hòa" is not "Hòa Bình"), but swapped order still finds the unit.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from vietnam_provinces import Province as VP, Ward as VW

from store.db import transaction
from store.models import Commune, Province
from store.people.unit_names import (PROVINCE_PREFIXES, accented_core, commune_key, has_diacritics, province_key,
                              strip_prefix, typed_division)
from store.vn.text import fold, former_province_keys

if TYPE_CHECKING:
    from store.deps import StoreServices

log = logging.getLogger(__name__)

# Common ways to type a few provinces that fuzzy matching alone would miss.
PROVINCE_ALIASES = {
    "hcm": 79, "tphcm": 79, "sai gon": 79, "saigon": 79, "sg": 79, "ho chi minh": 79,
    "hn": 1, "ha noi": 1, "hanoi": 1, "hue": 46, "tt hue": 46, "thua thien hue": 46,
    "dn": 48, "da nang": 48, "hp": 31, "hai phong": 31, "ct": 92, "can tho": 92,
}
_FORMER_PROVINCES = former_province_keys()


# -- seeding ------------------------------------------------------------------
@lru_cache(maxsize=1)
def package_units() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Provinces and communes as rows, codes exactly as the package gives them (do not mutate)."""
    provinces = [{"code": int(p.code), "name": p.name, "folded": province_key(p.name)} for p in VP.iter_all()]
    communes = [{"code": int(w.code), "name": w.name, "division_type": w.division_type.value,
                 "province_code": int(w.province_code), "folded": commune_key(w.name)} for w in VW.iter_all()]
    return provinces, communes


def sync_units(session: Session) -> tuple[int, int]:
    """Insert missing units and update renamed ones; returns (added, updated)."""
    provinces, communes = package_units()
    added = updated = 0
    for model, rows, cols in ((Province, provinces, ("name", "folded")),
                              (Commune, communes, ("name", "division_type", "province_code", "folded"))):
        have = {r[0]: tuple(r[1:]) for r in session.execute(select(model.code, *(getattr(model, c) for c in cols)))}
        new = [r for r in rows if r["code"] not in have]
        changed = [r for r in rows if r["code"] in have and have[r["code"]] != tuple(r[c] for c in cols)]
        if new:
            session.execute(insert(model), new)
        if changed:
            session.execute(update(model), changed)
        added += len(new)
        updated += len(changed)
    return added, updated


def seed_units(services: "StoreServices") -> None:
    """Start-up step: load the 34 provinces and 3,321 communes (a quick no-op when present)."""
    with transaction(services.session_factory) as session:
        added, updated = sync_units(session)
        url = _engine_key(session)
    if added or updated:
        log.info("units: %d added, %d updated", added, updated)
        _INDEXES.pop(url, None)
    services.units = package_index()


# -- search -------------------------------------------------------------------
@dataclass(frozen=True)
class CommuneMatch:
    code: int
    name: str
    division_type: str
    province_code: int
    province_name: str
    score: float

    @property
    def label(self) -> str:
        return f"{self.name}, {self.province_name}"


@dataclass(frozen=True)
class ProvinceMatch:
    code: int
    name: str
    score: float


@dataclass
class UnitIndex:
    """All units in memory with folded keys, for fuzzy search."""

    province_names: dict[int, str]
    province_keys: list[str]
    province_codes: list[int]
    codes: np.ndarray
    names: list[str]
    types: list[str]
    provinces: np.ndarray
    keys: list[str]
    accented: list[str]
    by_province: dict[int, np.ndarray] = field(default_factory=dict)
    by_key: dict[tuple[int, str], list[int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, provinces: Iterable[dict[str, Any]], communes: Iterable[dict[str, Any]]) -> "UnitIndex":
        provinces = sorted(provinces, key=lambda p: p["code"])
        communes = sorted(communes, key=lambda c: c["code"])
        prov = np.array([c["province_code"] for c in communes], dtype=np.int64)
        index = cls(
            province_names={p["code"]: p["name"] for p in provinces},
            province_keys=[province_key(p["name"]) for p in provinces],
            province_codes=[p["code"] for p in provinces],
            codes=np.array([c["code"] for c in communes], dtype=np.int64),
            names=[c["name"] for c in communes], types=[c["division_type"] for c in communes],
            provinces=prov, keys=[commune_key(c["name"]) for c in communes],
            accented=[accented_core(c["name"]) for c in communes],
        )
        index.by_province = {code: np.flatnonzero(prov == code) for code in index.province_names}
        return index

    @classmethod
    def from_session(cls, session: Session) -> "UnitIndex":
        provinces = [{"code": c, "name": n} for c, n in session.execute(select(Province.code, Province.name))]
        communes = [{"code": c, "name": n, "division_type": t, "province_code": p} for c, n, t, p in
                    session.execute(select(Commune.code, Commune.name, Commune.division_type, Commune.province_code))]
        return cls.from_rows(provinces, communes)

    def exact(self, name: str, province_code: int) -> list[CommuneMatch]:
        """Communes of a province whose folded name (prefix stripped) equals the typed one."""
        if not self.by_key:
            for i, key in enumerate(self.keys):
                self.by_key.setdefault((int(self.provinces[i]), key), []).append(i)
        return [self._match(i, 100.0) for i in self.by_key.get((province_code, commune_key(name)), [])]

    def commune(self, code: int) -> Optional[CommuneMatch]:
        pos = int(np.searchsorted(self.codes, code))
        if pos >= len(self.codes) or self.codes[pos] != code:
            return None
        return self._match(pos, 100.0)

    def _match(self, i: int, score: float) -> CommuneMatch:
        pcode = int(self.provinces[i])
        return CommuneMatch(int(self.codes[i]), self.names[i], self.types[i], pcode,
                            self.province_names.get(pcode, ""), round(float(score), 1))

    def find_communes(self, query: str, province_code: Optional[int] = None, limit: int = 5,
                      *, within_province: bool = False) -> list[CommuneMatch]:
        """Best communes for a typed name; ``province_code`` breaks ties (or restricts)."""
        folded = fold(query)
        if not folded:
            return []
        variants = list(dict.fromkeys([strip_prefix(folded), folded]))
        if within_province and province_code is not None:
            idx = self.by_province.get(province_code, np.array([], dtype=np.int64))
        else:
            idx = np.arange(len(self.keys))
        if len(idx) == 0:
            return []
        keys = [self.keys[i] for i in idx]
        # Indel ratio and optimal-string-alignment (a transposition is one typo) averaged.
        exact = (process.cdist(variants, keys, scorer=fuzz.ratio, dtype=np.float32)
                 + 100 * process.cdist(variants, keys, scorer=OSA.normalized_similarity, dtype=np.float32)) / 2
        # Swapped word order still matches, a little below the same words in order.
        swapped = process.cdist(variants, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32) - 4.0
        scores = np.maximum(exact, swapped).max(axis=0)
        typed = typed_division(folded)
        if typed is not None:
            scores += np.array([1.5 if self.types[i] == typed else 0.0 for i in idx], dtype=np.float32)
        if province_code is not None and not within_province:
            scores += np.where(self.provinces[idx] == province_code, 3.0, 0.0).astype(np.float32)
        top = np.argsort(-scores, kind="stable")[: max(limit * 4, 20)]
        if has_diacritics(query):
            # Folding merges "Sơn Hà" and "Sơn Hạ": the marks the user typed decide.
            core = accented_core(query)
            for j in top:
                scores[j] += 0.05 * fuzz.ratio(core, self.accented[idx[j]])
            top = top[np.argsort(-scores[top], kind="stable")]
        return [self._match(int(idx[j]), min(100.0, float(scores[j]))) for j in top[:limit]]

    def find_provinces(self, query: str, limit: int = 3) -> list[ProvinceMatch]:
        """Best provinces for a typed name (34 of them: aliases, then fuzzy)."""
        folded = fold(query)
        if not folded:
            return []
        key = strip_prefix(folded, PROVINCE_PREFIXES)
        alias = PROVINCE_ALIASES.get(folded.replace(" ", "")) or PROVINCE_ALIASES.get(folded) \
            or PROVINCE_ALIASES.get(key)
        results = process.extract(key, self.province_keys, scorer=fuzz.WRatio, limit=limit + 1)
        out = [ProvinceMatch(self.province_codes[i], self.province_names[self.province_codes[i]], round(s, 1))
               for _, s, i in results]
        if alias is None:
            alias = self._merged_province(key)
        if alias is not None and alias in self.province_names:
            out = [ProvinceMatch(alias, self.province_names[alias], 100.0)] + [m for m in out if m.code != alias]
        return out[:limit]


    def _merged_province(self, key: str) -> Optional[int]:
        """A pre-July-2025 province name ("long an") → the province that absorbed it."""
        target = _FORMER_PROVINCES.get(key)
        if target is None:
            return None
        return next((c for c, k in zip(self.province_codes, self.province_keys) if k == target), None)


_INDEXES: dict[str, UnitIndex] = {}


@lru_cache(maxsize=1)
def package_index() -> UnitIndex:
    """The index straight from the package (what ``seed_units`` puts in the database)."""
    return UnitIndex.from_rows(*package_units())


def _engine_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)  # an Engine's .engine is itself


def unit_index(source: Union[Session, UnitIndex, "StoreServices"]) -> UnitIndex:
    """The in-memory index for a session's database (built once), or the given index."""
    if isinstance(source, UnitIndex):
        return source
    if not isinstance(source, Session):
        cached: Optional[UnitIndex] = source.units
        if cached is None:
            with source.session_factory() as session:
                cached = source.units = unit_index(session)
        return cached
    key = _engine_key(source)
    index = _INDEXES.get(key)
    if index is None or len(index.codes) == 0:
        index = _INDEXES[key] = UnitIndex.from_session(source)
    return index


def find_communes(session_or_index: Union[Session, UnitIndex], query: str, province_code: Optional[int] = None,
                  limit: int = 5, *, within_province: bool = False) -> list[CommuneMatch]:
    """Communes best matching ``query``; the user's province first among equals."""
    return unit_index(session_or_index).find_communes(query, province_code, limit, within_province=within_province)


def find_provinces(session_or_index: Union[Session, UnitIndex], query: str, limit: int = 3) -> list[ProvinceMatch]:
    return unit_index(session_or_index).find_provinces(query, limit)


def resolve_province(session_or_index: Union[Session, UnitIndex], text: str) -> Optional[int]:
    """A province code from a code or an unambiguous name, else None."""
    text = (text or "").strip()
    index = unit_index(session_or_index)
    if text.isdigit():
        code = int(text)
        return code if code in index.province_names else None
    key = province_key(text)
    for code, pkey in zip(index.province_codes, index.province_keys):
        if pkey == key:
            return code
    matches = index.find_provinces(text, limit=2)
    if not matches or matches[0].score < 85:
        return None
    if len(matches) > 1 and matches[1].score >= matches[0].score - 2 and matches[0].score < 100:
        return None
    return matches[0].code
