"""Blocs and dated memberships: a commune moved on 1/7 is in its old bloc before, its new one after."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from store.db import transaction
from store.emulation.bloc_import import import_blocs
from store.emulation.blocs import (BlocError, add_members, bloc_of, blocs_of_year, create_bloc, find_bloc,
                                   led_blocs, members_on, move_commune)
from store.models import Bloc, Commune
from store.people.units import UnitIndex
from tests.handlers.report_setup import PROVINCE
from tests.store.emulation.conftest import EmuWorld


def test_move_on_first_of_july(world: EmuWorld, clock) -> None:
    with transaction(world.factory) as s:
        one, two = s.get_one(Bloc, world.bloc1), s.get_one(Bloc, world.bloc2)
        assert bloc_of(s, 3003, date(2026, 3, 1)).id == one.id
        left = move_commune(s, 3003, two, date(2026, 7, 1), clock.now())
        assert left.id == one.id
        assert bloc_of(s, 3003, date(2026, 6, 30)).id == one.id
        assert bloc_of(s, 3003, date(2026, 7, 1)).id == two.id
        assert bloc_of(s, 3003, date(2026, 12, 31)).id == two.id
        assert bloc_of(s, 3003, date(2027, 1, 1)) is None  # blocs are a year's
        assert members_on(s, [one.id, two.id], date(2026, 6, 30)) == {one.id: [3001, 3002, 3003],
                                                                     two.id: [3004, 3005, 3006]}
        assert members_on(s, [one.id, two.id], date(2026, 12, 31)) == {one.id: [3001, 3002],
                                                                      two.id: [3003, 3004, 3005, 3006]}
        with pytest.raises(BlocError, match="đã ở khối này"):
            move_commune(s, 3003, two, date(2026, 8, 1), clock.now())
        with pytest.raises(BlocError, match="trưởng hoặc phó"):
            move_commune(s, 3001, two, date(2026, 8, 1), clock.now())
        with pytest.raises(BlocError, match="trong năm 2026"):
            move_commune(s, 3005, one, date(2027, 2, 1), clock.now())


def test_create_and_add_are_checked(world: EmuWorld, clock) -> None:
    now = clock.now()
    with transaction(world.factory) as s:
        with pytest.raises(BlocError, match="đã có khối"):
            create_bloc(s, province_code=PROVINCE, year=2026, name="khoi thi dua so 1", leader_code=None, now=now)
        with pytest.raises(BlocError, match="không thuộc tỉnh"):
            create_bloc(s, province_code=PROVINCE, year=2026, name="Khối 3", leader_code=4001, now=now)
        with pytest.raises(BlocError, match="không có xã mã 9999"):
            create_bloc(s, province_code=PROVINCE, year=2026, name="Khối 3", leader_code=None, members=[9999],
                        now=now)
        with pytest.raises(BlocError, match="hai xã khác nhau"):
            create_bloc(s, province_code=PROVINCE, year=2026, name="Khối 3", leader_code=3001, deputy_code=3001,
                        now=now)
        with pytest.raises(BlocError, match="đang ở “Khối thi đua số 1”"):
            create_bloc(s, province_code=PROVINCE, year=2026, name="Khối 3", leader_code=None, members=[3001],
                        now=now)
        nxt = create_bloc(s, province_code=PROVINCE, year=2027, name="Khối thi đua số 1", leader_code=3001,
                          members=[3002], now=now)  # a new year: the same names again
        assert add_members(s, nxt, [3002], date(2027, 1, 1), now) == []  # already there
        assert find_bloc(s, PROVINCE, 2026, "Khoi thi dua so 1").id == world.bloc1
        assert find_bloc(s, PROVINCE, None, "Khối thi đua số 1").year == 2027  # newest when the year is not said
        assert find_bloc(s, PROVINCE, None, f"#{world.bloc2}").id == world.bloc2
        assert find_bloc(s, 11, None, str(world.bloc2)) is None  # another province's
        assert [b.id for b in led_blocs(s, 3001, 2026)] == [world.bloc1]
        assert [b.name for b in blocs_of_year(s, PROVINCE, 2027)] == ["Khối thi đua số 1"]


def _bloc_list(path: Path, rows: list[list]) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(str(c) for c in r) for r in rows), encoding="utf-8")
        return path
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_import(world: EmuWorld, clock, tmp_path: Path, suffix: str) -> None:
    path = _bloc_list(tmp_path / f"khoi{suffix}", [
        ["Khối", "Xã", "Mã xã", "Vai trò", "Từ ngày"],
        ["Cụm thi đua số 5", "Xa Tuan Giao", "", "Trưởng khối", ""],
        ["Cụm thi đua số 5", "", "4002", "phó khối", ""],
        ["cum thi dua so 5", "búng lao", "", "", "1/7/2027"],
    ])
    with transaction(world.factory) as s:
        s.add_all([Commune(code=4002, name="Xã Mường Ảng", division_type="xã", province_code=11, folded="muong ang"),
                   Commune(code=4003, name="Xã Búng Lao", division_type="xã", province_code=11, folded="bung lao")])
    with transaction(world.factory) as s:
        index = UnitIndex.from_session(s)
        report = import_blocs(s, path, index, province_code=11, year=2027, now=clock.now())
        assert (report.errors, report.rows, report.blocs_created, report.members_added) == ([], 3, 1, 3)
        bloc = find_bloc(s, 11, 2027, "Cụm thi đua số 5")
        assert (bloc.leader_code, bloc.deputy_code) == (4001, 4002)
        assert bloc_of(s, 4003, date(2027, 6, 30)) is None and bloc_of(s, 4003, date(2027, 7, 1)).id == bloc.id
        again = import_blocs(s, path, index, province_code=11, year=2027, now=clock.now())
        assert (again.errors, again.blocs_created, again.members_added) == ([], 0, 0)  # the same list twice
    bad = _bloc_list(tmp_path / f"sai{suffix}", [
        ["Khối", "Xã", "Vai trò", "Từ ngày"],
        ["Cụm 1", "Xã Không Có", "", ""],
        ["", "Tuần Giáo", "", ""],
        ["Cụm 1", "Tuần Giáo", "", "31/2/2027"],
    ])
    with transaction(world.factory) as s:
        report = import_blocs(s, bad, UnitIndex.from_session(s), province_code=11, year=2027, now=clock.now())
        assert report.errors == ["Dòng 2: không tìm thấy xã “Xã Không Có” trong tỉnh", "Dòng 3: thiếu tên khối",
                                 "Dòng 4: ngày “31/2/2027” không phải một ngày trong năm 2027"]
        assert len(blocs_of_year(s, 11, 2027)) == 1  # nothing more written
