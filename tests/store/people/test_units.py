"""Units from vietnam-provinces in the database, and commune/province search by typed names."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import build_services
from core.settings import Settings
from store.models import Commune, Province
from store.people.units import UnitIndex, find_communes, find_provinces, package_units, resolve_province, seed_units


@pytest.fixture(scope="module")
def index() -> UnitIndex:
    return UnitIndex.from_rows(*package_units())


def test_seed_loads_every_unit_once_with_package_codes(database_url: str, tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    seed_units(services)
    seed_units(services)  # already seeded: nothing changes
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Province)) == 34
        assert s.scalar(select(func.count()).select_from(Commune)) == 3321
        tuan_giao = s.scalar(select(Commune).where(Commune.name == "Xã Tuần Giáo"))
        assert tuan_giao.folded == "tuan giao" and tuan_giao.province.name == "Điện Biên"
        assert s.get(Province, 1).name == "Thành phố Hà Nội"
        # search straight from a session builds the same index from the database
        assert find_communes(s, "tuan giao", 11, limit=1)[0].code == tuan_giao.code
    # a renamed unit is repaired by the next start
    with services.session_factory.begin() as s:
        s.get(Commune, tuan_giao.code).name = "Xã Cũ"
    seed_units(services)
    with services.session_factory() as s:
        assert s.get(Commune, tuan_giao.code).name == "Xã Tuần Giáo"


@pytest.mark.parametrize("typed", [
    "Tuần Giáo", "tuan giao", "xa tuan giao", "Xã Tuần Giáo", "X. Tuan Giao", "X.tuan giao",
    "TT Tuần Giáo", "giao tuan", "tuan gaio", "tuan giso", "TUAN GIAO", "Tuần Giáo",
])
def test_commune_typed_many_ways(index: UnitIndex, typed: str) -> None:
    assert index.find_communes(typed, 11, limit=1, within_province=True)[0].name == "Xã Tuần Giáo"
    assert "Xã Tuần Giáo" in [m.name for m in index.find_communes(typed, limit=3)]


def test_ward_prefix_and_word_order(index: UnitIndex) -> None:
    assert index.find_communes("P. Ba Dinh", limit=1)[0].name == "Phường Ba Đình"
    assert index.find_communes("phuong ba dinh", limit=1)[0].province_code == 1
    # both orders exist somewhere: the order typed wins
    binh_hoa = index.find_communes("binh hoa", limit=1)[0]
    assert binh_hoa.name.endswith("Bình Hòa")


def test_same_name_in_several_provinces_resolved_by_province(index: UnitIndex) -> None:
    nationwide = index.find_communes("tan an", limit=12)
    assert len({m.province_code for m in nationwide if m.name.endswith("Tân An")}) > 3
    for code in {m.province_code for m in nationwide if m.name.endswith("Tân An")}:
        assert index.find_communes("tan an", code, limit=1)[0].province_code == code


def test_diacritics_typed_break_folded_twins(index: UnitIndex) -> None:
    assert index.find_communes("Sơn Hạ", 51, limit=1, within_province=True)[0].name == "Xã Sơn Hạ"
    assert index.find_communes("Sơn Hà", 51, limit=1, within_province=True)[0].name == "Xã Sơn Hà"


def test_provinces_by_name_alias_and_old_name(index: UnitIndex) -> None:
    assert index.find_provinces("dien bien")[0].code == 11
    assert index.find_provinces("tp hcm")[0].code == 79
    assert index.find_provinces("Tỉnh Long An")[0].name == "Tây Ninh"  # merged on 1 July 2025
    assert resolve_province(index, "Lai Chau") == 12
    assert resolve_province(index, "12") == 12
    assert resolve_province(index, "xyz qqq") is None
    assert find_provinces(index, "") == [] and find_communes(index, "  ") == []
