"""Registrations and pledges stored as versions, on SQLite and PostgreSQL: the deadline, the
catalogue's codes, the latest per commune, who has not registered, the pledge's versions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest

from store.db import transaction
from store.emulation.pledges import latest_pledge, pledges_of, record_pledge
from store.emulation.registration_export import NO_BLOC, export_registrations
from store.emulation.registrations import (RegistrationError, RegStatus, current_round, expected_communes,
                                           registered_for,
                                           registrations_of, set_deadline, submit_registration,
                                           unregistered_communes, versions_of, window)
from store.emulation.targets import Target
from store.emulation.titles import load_catalogue, parse_catalogue_text
from store.files.report_photos import StoredPhoto
from store.models import Bloc, Commune
from tests.handlers.report_setup import PROVINCE
from tests.store.emulation.conftest import EmuWorld
from tests.store.emulation.test_title_spec import SAMPLE

DUE = datetime(2026, 1, 31, 10, 0, tzinfo=timezone.utc)
T0 = datetime(2026, 1, 10, 2, 0, tzinfo=timezone.utc)
SCAN = StoredPhoto("registrations/2026/3002/dangky-ab.jpg", "ab" * 32, 1000, "image/jpeg")
TARGETS = [Target("Thu ngân sách", Decimal(1250), "triệu đồng")]


def _send(s, commune: int, titles: list[str], now: datetime = T0):
    return submit_registration(s, province_code=PROVINCE, year=2026, commune_code=commune, titles=titles,
                               targets=TARGETS, signed=SCAN, officer_id=None, now=now)


def test_deadline_catalogue_and_refusals(world: EmuWorld) -> None:
    with transaction(world.factory) as s:
        assert window(s, PROVINCE, 2026, T0).status is RegStatus.NO_DEADLINE
        set_deadline(s, PROVINCE, 2026, DUE, T0)
        assert window(s, PROVINCE, 2026, T0).status is RegStatus.NO_CATALOGUE
        with pytest.raises(RegistrationError) as info:
            _send(s, 3002, ["tt-ldtt"])
        assert info.value.status is RegStatus.NO_CATALOGUE
        load_catalogue(s, PROVINCE, parse_catalogue_text(SAMPLE.read_text(encoding="utf-8")), T0)
        win = window(s, PROVINCE, 2026, T0)
        assert (win.status, win.catalogue_version) == (RegStatus.OK, 1)
        for titles, status in (([], RegStatus.NO_TITLE), (["tt-ldtt", "khong-co"], RegStatus.UNKNOWN_TITLE)):
            with pytest.raises(RegistrationError) as info:
                _send(s, 3002, titles)
            assert info.value.status is status
        assert window(s, PROVINCE, 2026, DUE).status is RegStatus.OK  # the due moment itself still counts
        with pytest.raises(RegistrationError) as info:
            _send(s, 3002, ["tt-ldtt"], DUE + timedelta(seconds=1))
        assert info.value.status is RegStatus.CLOSED
        row = current_round(s, PROVINCE, DUE + timedelta(days=30))
        assert row is not None and row.year == 2026  # after the deadline: still the year's round (for the lists)


def test_versions_kept_latest_in_force_and_who_is_missing(world: EmuWorld) -> None:
    with transaction(world.factory) as s:
        set_deadline(s, PROVINCE, 2026, DUE, T0)
        load_catalogue(s, PROVINCE, parse_catalogue_text(SAMPLE.read_text(encoding="utf-8")), T0)
        assert _send(s, 3002, ["tt-ldtt"]).version == 1
        assert _send(s, 3002, ["tt-ldtt", "co-tinh", "tt-ldtt"], T0 + timedelta(days=1)).version == 2
        assert _send(s, 3004, ["bk-tinh"]).version == 1
    with world.factory() as s:
        one, two = versions_of(s, 3002, 2026)
        assert one.titles == ["tt-ldtt"] and two.titles == ["tt-ldtt", "co-tinh"]  # duplicates dropped
        assert two.targets == [{"name": "Thu ngân sách", "value": "1250", "unit": "triệu đồng"}]
        latest = registrations_of(s, PROVINCE, 2026)
        assert {c: r.version for c, r in latest.items()} == {3002: 2, 3004: 1}
        assert set(registrations_of(s, PROVINCE, 2026, [3004, 3005])) == {3004}
        assert unregistered_communes(s, PROVINCE, 2026, date(2026, 1, 31)) == [3001, 3003, 3005, 3006]
        assert registered_for(s, 3002, 2026, "co-tinh") and not registered_for(s, 3004, 2026, "co-tinh")
        assert not registered_for(s, 3002, 2025, "co-tinh")


def test_pledge_versions(world: EmuWorld) -> None:
    with transaction(world.factory) as s:
        bloc = s.get_one(Bloc, world.bloc1)
        first, new = record_pledge(s, bloc, SCAN, officer_id=world.leader, now=T0)
        assert (first.version, new) == (1, True)
        same, new = record_pledge(s, bloc, SCAN, officer_id=world.leader, now=T0)
        assert (same.id, new) == (first.id, False)
        other = StoredPhoto("pledges/2026/1/giaouoc-cd.pdf", "cd" * 32, 2000, "application/pdf")
        second, new = record_pledge(s, bloc, other, officer_id=world.leader, now=T0 + timedelta(days=1))
        assert (second.version, new) == (2, True)
    with world.factory() as s:
        assert latest_pledge(s, world.bloc1).version == 2
        assert latest_pledge(s, world.bloc2) is None
        assert {b: p.version for b, p in pledges_of(s, [world.bloc1, world.bloc2]).items()} == {world.bloc1: 2}


def test_workbook_lists_a_registered_commune_outside_every_bloc(world: EmuWorld, tmp_path) -> None:
    with transaction(world.factory) as s:
        set_deadline(s, PROVINCE, 2026, DUE, T0)
        load_catalogue(s, PROVINCE, parse_catalogue_text(SAMPLE.read_text(encoding="utf-8")), T0)
        outside = 3999  # a commune of the province in no bloc
        s.add(Commune(code=outside, name="Xã Ngoài Khối", division_type="xã", province_code=PROVINCE,
                      folded="xa ngoai khoi"))
        s.flush()
        in_blocs = {c for codes in expected_communes(s, PROVINCE, 2026, date(2026, 1, 31)).values() for c in codes}
        assert outside not in in_blocs
        _send(s, outside, ["tt-ldtt"])
        rnd = current_round(s, PROVINCE, T0)
        assert rnd is not None
        export_registrations(s, rnd, tmp_path / "dk.xlsx", now=T0)
    rows = list(openpyxl.load_workbook(tmp_path / "dk.xlsx")["Đăng ký thi đua"].iter_rows(min_row=2, values_only=True))
    assert [r[:4] for r in rows if r[1] == str(outside)] == [(NO_BLOC, str(outside), "Xã Ngoài Khối", "Đã đăng ký")]
