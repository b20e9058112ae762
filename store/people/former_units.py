"""Pre-2025 districts and communes in the unit lookup: "huyện Tuần Giáo", the district every
loaded directive still names, → the 2025 communes that now cover it (store.gazetteer data).
The Q&A and commune matching ask this when a typed place is no 2025 unit."""

from __future__ import annotations

from dataclasses import dataclass

from store.gazetteer.catalogue import FormerUnit, former_communes, former_districts, place_key
from store.people.units import CommuneMatch, UnitIndex
from store.vn.text import fold

DISTRICT_WORDS = ("huyen", "quan", "thi xa", "thanh pho")
COMMUNE_WORDS = ("xa", "phuong", "thi tran")


@dataclass(frozen=True)
class FormerMatch:
    name: str  # "Huyện Tuần Giáo"
    district: str  # its former district (a district names itself)
    province: str  # its province before 1 July 2025 ("Tỉnh Điện Biên")
    communes: tuple[CommuneMatch, ...]  # the 2025 communes that now cover it

    @property
    def label(self) -> str:
        where = self.province if self.district == self.name else f"{self.district}, {self.province}"
        return f"{self.name} ({where}) nay thuộc: " + ", ".join(c.name for c in self.communes)


def former_units(index: UnitIndex, text: str) -> list[FormerMatch]:
    """Former districts and communes of that name (a typed unit word picks the level:
    "huyện …" districts only, "xã …" communes only; none: districts first)."""
    folded = fold(text)
    key = place_key(text)
    if not key:
        return []
    head_district = any(folded.startswith(word + " ") for word in DISTRICT_WORDS)
    head_commune = any(folded.startswith(word + " ") for word in COMMUNE_WORDS)
    found: list[FormerUnit] = []
    if not head_commune:
        found += former_districts().get(key, ())
    if not head_district:
        found += former_communes().get(key, ())
    return [FormerMatch(unit.name, unit.district, unit.province,
                        tuple(m for m in (index.commune(code) for code in unit.codes) if m is not None))
            for unit in found]


def names_district(text: str) -> bool:
    """Whether the typed text starts with a district's unit word ("huyện Tuần Giáo")."""
    folded = fold(text)
    return any(folded.startswith(word + " ") for word in DISTRICT_WORDS)


def communes_covering(index: UnitIndex, text: str, province_code: int) -> tuple[list[str], list[CommuneMatch]]:
    """The former units of that name in a province and, without repeats, the 2025 communes
    that now cover them (what to offer someone who typed an old name)."""
    names: list[str] = []
    communes: dict[int, CommuneMatch] = {}
    for unit in former_units(index, text):
        inside = [c for c in unit.communes if c.province_code == province_code]
        if inside:
            names.append(unit.name)
            communes.update((c.code, c) for c in inside)
    return names, sorted(communes.values(), key=lambda c: c.name)
