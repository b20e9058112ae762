"""Our units data file: the codes every database already uses (as vietnam-provinces gave
them, checked unit by unit), the pre-2025 mapping, the MIT notice beside it, and the rebuild
from a vietnamadminunits wheel keeping codes stable."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from store.gazetteer import catalogue, rebuild
from store.vn.text import fold

REFERENCE = Path(__file__).with_name("vietnam_provinces_reference.tsv")


def _reference(kind: str) -> list[list[str]]:
    with REFERENCE.open(encoding="utf-8") as fh:
        return [row for row in (line.rstrip("\n").split("\t") for line in fh if not line.startswith("#"))
                if row[0] == kind]


def test_every_commune_keeps_the_code_vietnam_provinces_gave_it() -> None:
    ours = {c.code: c for c in catalogue.communes()}
    reference = _reference("C")
    assert len(ours) == len(reference) == 3321
    for _kind, code, province, name, division in reference:
        mine = ours[int(code)]
        # Same unit: same province, same name up to tone placement, spacing and dashes, same type.
        assert (mine.province_code, fold(mine.name), mine.division_type) == (int(province), fold(name), division), code


def test_provinces_keep_their_codes_and_names() -> None:
    assert [(p.code, p.name) for p in catalogue.provinces()] == [(int(r[1]), r[3]) for r in _reference("P")]


def test_former_district_leads_to_the_communes_that_now_cover_it() -> None:
    (tuan_giao,) = catalogue.former_districts()["tuan giao"]
    assert (tuan_giao.name, tuan_giao.province) == ("Huyện Tuần Giáo", "Tỉnh Điện Biên")
    names = {c.code: c.name for c in catalogue.communes()}
    assert "Xã Tuần Giáo" in {names[code] for code in tuan_giao.codes}
    assert all(c.province_code == 11 for c in catalogue.communes() if c.code in tuan_giao.codes)
    quai_nua = catalogue.former_communes()["quai nua"]
    assert [names[code] for unit in quai_nua for code in unit.codes] == ["Xã Tuần Giáo"]
    former = catalogue.unit_file().former
    assert sum(len(wards) for districts in former.values() for wards in districts.values()) == 10040
    assert len(former) == 63  # the provinces before 1 July 2025


def test_the_mit_notice_sits_beside_the_data() -> None:
    notice = catalogue.DATA_FILE.with_name("LICENSE-vietnamadminunits.txt").read_text(encoding="utf-8")
    assert "MIT License" in notice and "Permission is hereby granted" in notice
    assert "vietnamadminunits" in catalogue.unit_file().source


def _wheel(path: Path, units: list[tuple[str, ...]]) -> Path:
    """A minimal vietnamadminunits wheel: its dataset.db, converter JSON and licence."""
    db_path = path.parent / "dataset.db"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE admin_units (provinceCode, province, provinceShort, provinceKey, wardCode, ward, "
               "wardType, wardKey)")
    db.executemany("INSERT INTO admin_units VALUES (?, ?, ?, ?, ?, ?, ?, ?)", units)
    db.execute("CREATE TABLE admin_units_legacy (province, district, ward, provinceKey, districtKey, wardKey)")
    db.execute("INSERT INTO admin_units_legacy VALUES ('Tỉnh Điện Biên', 'Huyện Tuần Giáo', 'Xã Quài Nưa', "
               "'tinhdienbien', 'huyentuangiao', 'xaquainua')")
    db.commit()
    db.close()
    converter = {"DICT_PROVINCE": {"tinhdienbien": ["tinhdienbien"]},
                 "DICT_PROVINCE_WARD_NO_DIVIDED": {"tinhdienbien": {
                     "xatuangiao": ["tinhdienbien_huyentuangiao_xaquainua"]}},
                 "DICT_PROVINCE_WARD_DIVIDED": {}}
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(db_path, rebuild.DATASET)
        archive.writestr(rebuild.CONVERTER, json.dumps(converter))
        archive.writestr("vietnamadminunits-9.9.dist-info/licenses/LICENSE", "MIT License\nPermission ...")
    return path


def test_rebuild_takes_the_wheel_data_and_keeps_published_codes(tmp_path: Path) -> None:
    current = tmp_path / "current.json"
    current.write_text(json.dumps({"source": "before", "provinces": [[11, "Điện Biên"]],
                                   "communes": [[3253, 11, "Xã Tuần  Giáo", "xã"]], "former": []}))
    wheel = _wheel(tmp_path / "vietnamadminunits-9.9-py3-none-any.whl", [
        ("11", "Tỉnh Điện Biên", "Điện Biên", "tinhdienbien", "09999", "Xã Tuần Giáo", "Xã", "xatuangiao"),
        ("11", "Tỉnh Điện Biên", "Điện Biên", "tinhdienbien", "03300", "Phường Mới", "Xã", "phuongmoi")])
    out = tmp_path / "units.json"
    assert rebuild.main([str(wheel), "--codes", str(current), "--out", str(out)]) == 0
    built = catalogue.load_file(out)
    assert built.provinces == [(11, "Điện Biên")]
    # The published code is kept; a new unit takes the wheel's; the type follows the name.
    assert built.communes == [[3253, 11, "Xã Tuần Giáo", "xã"], [3300, 11, "Phường Mới", "phường"]]
    assert built.former == {"Tỉnh Điện Biên": {"Huyện Tuần Giáo": {"Xã Quài Nưa": [3253]}}}
    assert "MIT License" in out.with_name("LICENSE-vietnamadminunits.txt").read_text(encoding="utf-8")


def test_the_unit_lookup_understands_former_district_names() -> None:
    from store.people.former_units import former_units
    from store.people.units import package_index

    (district,) = former_units(package_index(), "huyện Tuần Giáo")
    assert district.name == "Huyện Tuần Giáo" and district.province == "Tỉnh Điện Biên"
    assert "Xã Tuần Giáo" in {c.name for c in district.communes} and len(district.communes) == 8
    assert {c.province_name for c in district.communes} == {"Điện Biên"}
    assert district.label.startswith("Huyện Tuần Giáo (Tỉnh Điện Biên) nay thuộc: ")
    assert former_units(package_index(), "huyen tuan giao") == [district]  # typed without marks
    (commune,) = former_units(package_index(), "xã Quài Nưa")
    assert [c.name for c in commune.communes] == ["Xã Tuần Giáo"] and commune.district == "Huyện Tuần Giáo"
    assert former_units(package_index(), "huyện Không Có") == []
