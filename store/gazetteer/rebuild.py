"""Rebuild ``units-2025.json`` from a downloaded ``vietnamadminunits`` wheel (MIT):

    pip download --no-deps vietnamadminunits -d /tmp/vau
    bin/rebuild-units /tmp/vau/vietnamadminunits-*.whl

Only the wheel's data is read (``data/dataset.db``, SQLite, and ``data/converter_2025.json``),
never its code (which imports a GPL library); the wheel is opened as a zip archive.

Codes stay stable: a unit already in the current file keeps its code (matched within its
province by name, tone placement and spacing ignored), so databases made earlier keep
theirs; only a unit new to the file takes the wheel's code. The wheel numbers 114 communes
differently from the official list our file was first built on: those keep ours. Names come
from the wheel (single spaces, one tone placement), except that provinces keep the short
form the bot has always shown ("Cao Bằng", but "Thành phố Hà Nội") and a commune's type is
the one its name says.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Optional

from store.gazetteer.catalogue import DATA_FILE, UnitFile, load_file
from store.vn.text import fold, normalize

DATASET = "vietnamadminunits/data/dataset.db"
CONVERTER = "vietnamadminunits/data/converter_2025.json"
LICENSE_SUFFIX = ".dist-info/licenses/LICENSE"
DIVISION_TYPES = ("phường", "xã", "đặc khu")


def name_key(name: str) -> str:
    """Spelling-insensitive name: one tone placement, one kind of dash and apostrophe, single spaces."""
    text = normalize(name).replace("–", "-").replace("’", "'").lower()
    return " ".join(text.split())


def division_type(name: str, given: str) -> str:
    """"xã", "phường" or "đặc khu" as the name says (the wheel's type column disagrees with the
    name for 4 communes); the wheel's type when the name has no unit word."""
    return next((kind for kind in DIVISION_TYPES if name.lower().startswith(kind + " ")), given.lower())


class CodeKeeper:
    """The codes of the current file, found again by province and name."""

    def __init__(self, current: Optional[UnitFile]) -> None:
        rows = current.communes if current else []
        self.by_name = {(c[1], name_key(c[2])): c[0] for c in rows}
        folded: dict[tuple[int, str], list[int]] = {}
        for code, province, name, _type in rows:
            folded.setdefault((province, fold(name)), []).append(code)
        self.by_fold = {key: codes[0] for key, codes in folded.items() if len(codes) == 1}
        self.taken: set[int] = set()

    def code(self, province: int, name: str, wheel_code: int) -> int:
        code = self.by_name.get((province, name_key(name))) or self.by_fold.get((province, fold(name)))
        if code is None or code in self.taken:
            code = wheel_code
        if code in self.taken:
            raise ValueError(f"two communes would share code {code} ({name})")
        self.taken.add(code)
        return code


def read_wheel(wheel: Path, workdir: Path) -> tuple[sqlite3.Connection, dict[str, Any], str, str]:
    """The dataset (copied out of the zip), the converter dictionary, the licence text, the version."""
    with zipfile.ZipFile(wheel) as archive:
        db_path = workdir / "dataset.db"
        db_path.write_bytes(archive.read(DATASET))
        converter = json.loads(archive.read(CONVERTER))
        licence_name = next(n for n in archive.namelist() if n.endswith(LICENSE_SUFFIX))
        licence = archive.read(licence_name).decode()
    version = licence_name.split("/")[0].removesuffix(".dist-info").removeprefix("vietnamadminunits-")
    return sqlite3.connect(db_path), converter, licence, version


def build(db: sqlite3.Connection, converter: dict[str, Any], current: Optional[UnitFile],
          source: str) -> UnitFile:
    keeper = CodeKeeper(current)
    provinces: dict[int, str] = {}
    communes: list[list[Any]] = []
    by_key: dict[tuple[str, str], int] = {}
    rows = db.execute("SELECT provinceCode, province, provinceShort, provinceKey, wardCode, ward, wardType, wardKey "
                      "FROM admin_units ORDER BY CAST(wardCode AS INTEGER)")
    for pcode, province, short, pkey, wcode, ward, wtype, wkey in rows:
        pcode = int(pcode)
        provinces[pcode] = province if province.startswith("Thành phố") else short
        code = keeper.code(pcode, ward, int(wcode))
        name = " ".join(ward.split())
        communes.append([code, pcode, name, division_type(name, wtype)])
        by_key[(pkey, wkey)] = code
    communes.sort(key=lambda c: c[0])
    return UnitFile(source=source, provinces=sorted(provinces.items()), communes=communes,
                    former=former_units(db, converter, by_key))


def former_units(db: sqlite3.Connection, converter: dict[str, Any],
                 by_key: dict[tuple[str, str], int]) -> dict[str, dict[str, dict[str, list[int]]]]:
    """Old province → old district → old commune ("" for a district without communes) →
    the codes of the 2025 communes that now cover it."""
    new_province = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}
    whole = {old: (province, ward) for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items()
             for ward, olds in wards.items() for old in olds}
    split = converter["DICT_PROVINCE_WARD_DIVIDED"]
    out: dict[str, dict[str, dict[str, list[int]]]] = {}
    rows = db.execute("SELECT province, district, ward, provinceKey, districtKey, wardKey FROM admin_units_legacy")
    for province, district, ward, pkey, dkey, wkey in rows:
        old_key = f"{pkey}_{dkey}_{wkey or ''}"
        if old_key in whole:
            codes = [by_key[whole[old_key]]]
        else:
            target = new_province[pkey]
            codes = [by_key[(target, part["newWardKey"])] for part in split[target][old_key]]
        out.setdefault(province, {}).setdefault(district, {})[" ".join((ward or "").split())] = sorted(set(codes))
    return out


def write_file(units: UnitFile, path: Path) -> None:
    """JSON with one commune and one former district per line: reviewable diffs."""
    def rows(items: list[Any]) -> str:
        return ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)

    former = [[province, district, wards] for province, by_district in units.former.items()
              for district, wards in by_district.items()]
    path.write_text(f'{{"source": {json.dumps(units.source)},\n'
                    f'"provinces": {json.dumps(units.provinces, ensure_ascii=False)},\n'
                    f'"communes": [\n{rows(units.communes)}\n],\n'
                    f'"former": [\n{rows(former)}\n]}}\n', encoding="utf-8")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="bin/rebuild-units", allow_abbrev=False,
                                     description="Dựng lại tệp đơn vị hành chính từ gói wheel vietnamadminunits.")
    parser.add_argument("wheel", type=Path, help="tệp .whl đã tải bằng pip download --no-deps vietnamadminunits")
    parser.add_argument("--codes", type=Path, default=DATA_FILE, help="tệp hiện có để giữ nguyên mã đơn vị")
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    current = load_file(args.codes) if args.codes.exists() else None
    with tempfile.TemporaryDirectory() as tmp:
        db, converter, licence, version = read_wheel(args.wheel, Path(tmp))
        try:
            units = build(db, converter, current, f"vietnamadminunits {version} (MIT), data only")
        finally:
            db.close()
    write_file(units, args.out)
    notice = args.out.with_name("LICENSE-vietnamadminunits.txt")
    notice.write_text(f"The data in {args.out.name} is derived from vietnamadminunits {version}\n"
                      "(https://pypi.org/project/vietnamadminunits/), distributed under this licence:\n\n"
                      + licence, encoding="utf-8")
    before = {c[0] for c in current.communes} if current else set()
    kept = sum(1 for c in units.communes if c[0] in before)
    print(f"{len(units.provinces)} tỉnh, {len(units.communes)} xã ({kept} giữ mã cũ), "
          f"{sum(len(w) for d in units.former.values() for w in d.values())} đơn vị cũ → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
