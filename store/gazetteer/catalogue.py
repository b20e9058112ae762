"""The units data file (``data/units-2025.json``, rebuilt by ``store.gazetteer.rebuild``):

- 34 provinces ``[code, name]`` and 3,321 communes ``[code, province code, name, type]`` of
  2025, with the codes every database already uses;
- the pre-2025 units: ``[old province, old district, {old commune: [2025 commune codes]}]``
  (the 10,040 communes of 696 former districts), so a former district named in a directive
  ("huyện Tuần Giáo") leads to the communes that now cover it.

The data derives from vietnamadminunits (MIT; ``data/LICENSE-vietnamadminunits.txt``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from store.vn.text import fold, strip_unit_prefix

DATA_FILE = Path(__file__).resolve().parent / "data" / "units-2025.json"


@dataclass(frozen=True)
class UnitFile:
    source: str
    provinces: list[tuple[int, str]]
    communes: list[list[Any]]  # [code, province_code, name, division_type]
    former: dict[str, dict[str, dict[str, list[int]]]]  # old province -> old district -> old commune -> codes


@dataclass(frozen=True)
class Province:
    code: int
    name: str


@dataclass(frozen=True)
class Commune:
    code: int
    province_code: int
    name: str
    division_type: str  # "xã", "phường", "đặc khu"


@dataclass(frozen=True)
class FormerUnit:
    """A pre-2025 district or commune and the 2025 communes that now cover it."""

    name: str  # "Huyện Tuần Giáo", "Xã Quài Nưa"
    district: str  # its former district (a district names itself)
    province: str  # its pre-2025 province ("Tỉnh Điện Biên")
    codes: tuple[int, ...]


def load_file(path: Path) -> UnitFile:
    raw = json.loads(path.read_text(encoding="utf-8"))
    former: dict[str, dict[str, dict[str, list[int]]]] = {}
    for province, district, wards in raw.get("former", []):
        former.setdefault(province, {})[district] = wards
    return UnitFile(source=raw["source"], provinces=[(int(c), n) for c, n in raw["provinces"]],
                    communes=raw["communes"], former=former)


@lru_cache(maxsize=1)
def unit_file() -> UnitFile:
    return load_file(DATA_FILE)


def provinces() -> list[Province]:
    return [Province(code, name) for code, name in unit_file().provinces]


def communes() -> list[Commune]:
    return [Commune(int(c[0]), int(c[1]), str(c[2]), str(c[3])) for c in unit_file().communes]


def place_key(name: str) -> str:
    """"Huyện Tuần Giáo" → "tuan giao": folded, its unit word dropped."""
    return strip_unit_prefix(fold(name))


@lru_cache(maxsize=1)
def former_districts() -> dict[str, tuple[FormerUnit, ...]]:
    """Folded name of a former district (unit word dropped) → the districts of that name."""
    out: dict[str, list[FormerUnit]] = {}
    for province, by_district in unit_file().former.items():
        for district, wards in by_district.items():
            codes = tuple(sorted({code for covered in wards.values() for code in covered}))
            out.setdefault(place_key(district), []).append(FormerUnit(district, district, province, codes))
    return {key: tuple(units) for key, units in out.items()}


@lru_cache(maxsize=1)
def former_communes() -> dict[str, tuple[FormerUnit, ...]]:
    """Folded name of a former commune (unit word dropped) → the communes of that name."""
    out: dict[str, list[FormerUnit]] = {}
    for province, by_district in unit_file().former.items():
        for district, wards in by_district.items():
            for ward, codes in wards.items():
                if ward:
                    out.setdefault(place_key(ward), []).append(FormerUnit(ward, district, province, tuple(codes)))
    return {key: tuple(units) for key, units in out.items()}
