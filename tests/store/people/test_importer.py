"""Officer lists (CSV/XLSX), dry runs and idempotent re-imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import transaction
from store.models import AuditLog, Officer
from store.people.importer import import_officers
from store.people.officers import user_provinces
from tests.store.people.unitworld import services_with_units

GOOD = (
    "Họ tên;Số điện thoại;Mã xã;Xã;Tỉnh;Vai trò;Telegram ID;Chức vụ\n"
    "Nguyễn Thị Lan;0912 345 678;;xa tuan giao;Dien Bien;cán bộ;;Văn phòng - Thống kê\n"
    "Trần Văn Bình;+84 98.765.4321;;;Điện Biên;giám sát;5551;\n"
    "Trần Văn Bình;+84 98.765.4321;;;Lai Châu;giám sát;;\n"
    "Lò Văn Chiến;84 977 000 111;3253;;;;;\n"
    "Quản Trị;0901234567;;;;admin;;\n"
)
BAD = (
    "full_name,phone,commune_code,commune,province,role\n"
    "A Một,0912 345 678,,Tuần Giáo,Điện Biên,officer\n"
    "B Hai,12345,,Tuần Giáo,Điện Biên,officer\n"
    "C Ba,0911000001,,Không Có Xã Này,Điện Biên,officer\n"
    "D Bốn,0911000002,99999999,,,officer\n"
    "E Năm,0911000003,,Tuần Giáo,,officer\n"
    "F Sáu,0911000004,,,Atlantis,supervisor\n"
    "G Bảy,0912.345.678,,Tuần Giáo,Điện Biên,officer\n"
    "H Tám,0911000005,,Tuần Giáo,Điện Biên,thủ quỹ\n"
)


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock):
    return services_with_units(database_url, tmp_path, clock)


def _import(services, path: Path, **kw):
    with transaction(services.session_factory) as s:
        return import_officers(s, path, now=services.clock.now(), **kw)


def test_csv_import_is_idempotent(services, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    first = _import(services, path)
    assert first.errors == [] and (first.rows, first.created) == (5, 4)
    again = _import(services, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Officer)) == 4
        lan = s.scalar(select(Officer).where(Officer.phone == "0912345678"))
        assert lan.commune.name == "Xã Tuần Giáo" and lan.position == "Văn phòng - Thống kê"
        assert user_provinces(lan) == [11]
        binh = s.scalar(select(Officer).where(Officer.phone == "0987654321"))
        assert binh.role == "supervisor" and binh.telegram_id == "5551"
        assert user_provinces(binh) == [11, 12]  # two rows, two provinces
        assert s.scalar(select(Officer).where(Officer.phone == "0977000111")).commune_code == 3253
        assert s.scalar(select(Officer.role).where(Officer.phone == "0901234567")) == "admin"
        audits = list(s.scalars(select(AuditLog).where(AuditLog.action == "officers.import")))
        assert [a.detail["created"] for a in audits] == [4, 0]


def test_changed_row_updates_in_place(services, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(GOOD, encoding="utf-8")
    _import(services, path)
    path.write_text(GOOD.replace("Nguyễn Thị Lan;0912 345 678;;xa tuan giao", "Nguyễn Thị Lan;0912345678;;Mường Ảng"),
                    encoding="utf-8")
    report = _import(services, path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    with services.session_factory() as s:
        assert s.scalar(select(Officer).where(Officer.phone == "0912345678")).commune.name == "Xã Mường Ảng"


def test_dry_run_reports_every_bad_row_and_writes_nothing(services, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    report = _import(services, path, dry_run=True)
    rows = sorted({e.row for e in report.errors})
    assert rows == [3, 4, 5, 6, 7, 8, 9], report.errors
    messages = {e.row: e.message for e in report.errors}
    assert "số điện thoại" in messages[3] and "12345" in messages[3]
    assert "Không Có Xã Này" in messages[4]
    assert "99999999" in messages[5]
    assert "trùng số điện thoại với dòng 2" in messages[8]
    assert "vai trò" in messages[9]
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Officer)) == 0


def test_xlsx_import(services, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ho_ten", "so_dien_thoai", "ma_xa", "vai_tro", "telegram_id"])
    ws.append(["Đặng Thu Hà", 912345678, 3253, "officer", 424242])  # leading zero lost by the spreadsheet
    ws.append([None, None, None, None, None])
    ws.append(["Vũ Văn Khánh", "0988-111-222", "3253", "", None])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    report = _import(services, path)
    assert report.errors == [] and report.created == 2
    with services.session_factory() as s:
        ha = s.scalar(select(Officer).where(Officer.phone == "0912345678"))
        assert ha.telegram_id == "424242" and ha.commune_code == 3253


def test_missing_header_is_a_clear_error(services, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ho_ten"):
        _import(services, path)
