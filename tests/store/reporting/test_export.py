"""XLSX export and the completeness chart, read back."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from store.reporting.charts import completeness_chart
from store.db import make_engine, make_session_factory, transaction
from store.reporting.export import export_period
from store.forms.versions import load_form
from store.migrate import upgrade
from store.models import Period, Province
from store.reporting.periods import create_period
from store.reporting.reports import period_summary, start_draft, submit
from tests.handlers.report_setup import CLOSE, DUE, OPEN, PROVINCE, SAMPLE_FORMS, add_officer, seed_units

ANSWERS = {"da_phat_dong": True, "so_hieu": "15/KH-UBND", "ngay_ban_hanh": "2026-06-02", "so_hoi_nghi": 1250,
           "da_ky_giao_uoc": False, "tieu_chi_ntm": 15, "ty_le_ho_ngheo": 12.5, "muc_do": "Hoàn thành",
           "linh_vuc": ["Kinh tế", "Xây dựng Đảng"], "so_dien_hinh": 2, "kho_khan": None,
           "vi_tri": {"lat": 21.39, "lon": 103.42},
           "anh": [{"file": 1, "path": "reports/1/3001/anh-a.jpg"}, {"file": 2, "path": "reports/1/3001/anh-b.jpg"}]}


@pytest.fixture
def world(database_url: str, clock, tmp_path):
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        seed_units(s)
        officer = add_officer(s, clock.now(), user=1, name="Lò Văn An", commune=3001)
        form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), clock.now())
        period = create_period(s, form=form, label="6 tháng đầu năm 2026", province_code=PROVINCE, open_at=OPEN,
                               due_at=DUE, close_at=CLOSE, now=clock.now())
        draft = start_draft(s, period, 3001, officer.id, OPEN + timedelta(days=2))
        draft.answers = dict(ANSWERS)
        submit(s, draft, period, officer.id, OPEN + timedelta(days=2))
        late = start_draft(s, period, 3002, None, DUE + timedelta(hours=1))
        late.answers = {**ANSWERS, "anh": None, "vi_tri": None}
        submit(s, late, period, None, DUE + timedelta(hours=1))
    yield factory
    engine.dispose()


def test_export_reads_back(world, tmp_path) -> None:
    path = tmp_path / "out" / "ky.xlsx"
    rows: list[int] = []
    with world() as s:
        period = s.scalar(select(Period))
        export_period(s, period, path, provinces={PROVINCE}, files_dir=tmp_path / "files",
                      now=OPEN + timedelta(days=5), progress=rows.append)
    assert sum(rows) == 3
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Báo cáo"]
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Kỳ báo cáo"] == "6 tháng đầu năm 2026"
    assert (summary["Đúng hạn"], summary["Trễ hạn"], summary["Chưa gửi"]) == (1, 1, 1)
    sheet = wb["Báo cáo"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["STT", "Tỉnh", "Mã xã", "Xã, phường", "Trạng thái"]
    assert "Tỷ lệ hộ nghèo hiện nay (%)" in header and "Lần sửa" in header
    data = {row[2]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    first = data[3001]
    assert first["Trạng thái"] == "Đúng hạn" and first["Lần sửa"] == 1 and first["Người gửi"] == "Lò Văn An"
    assert first["Số hội nghị, buổi tuyên truyền về thi đua đã tổ chức"] == 1250
    assert first["Tỷ lệ hộ nghèo hiện nay (%)"] == 12.5
    assert first["Xã đã ban hành kế hoạch phát động phong trào thi đua năm nay chưa?"] == "Có"
    assert first["Ngày ban hành kế hoạch"] == datetime(2026, 6, 2)
    assert "anh-a.jpg" in first["Ảnh minh chứng (lễ phát động, ký giao ước, hội nghị)"]
    photo_col = header.index("Ảnh minh chứng (lễ phát động, ký giao ước, hội nghị)") + 1
    link = sheet.cell(row=[r for r in range(2, 5) if sheet.cell(r, 3).value == 3001][0], column=photo_col).hyperlink
    assert link is not None and link.target.replace("\\", "/").endswith("files/reports/1/3001/anh-a.jpg")
    assert data[3002]["Trạng thái"] == "Trễ hạn"
    assert data[3003]["Trạng thái"] == "Chưa gửi" and data[3003]["Lần sửa"] is None
    # dates shown as in every reply: 08:00 30/6/2026 and 30/6/2026
    row = [r for r in range(2, 5) if sheet.cell(r, 3).value == 3001][0]
    assert sheet.cell(row, header.index("Gửi lần đầu") + 1).number_format == "hh:mm d/m/yyyy"
    assert sheet.cell(row, header.index("Ngày ban hành kế hoạch") + 1).number_format == "d/m/yyyy"


def test_chart_png(world, tmp_path) -> None:
    with world() as s:
        period = s.scalar(select(Period))
        summary = period_summary(s, period)
        names = dict(s.execute(select(Province.code, Province.name)).all())
    path = completeness_chart(summary, names, tmp_path / "c" / "chart.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_typed_formulas_stay_text(database_url: str, clock, tmp_path) -> None:
    """A label, name or answer typed as a formula is written as a string, never evaluated."""
    import zipfile

    link = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        seed_units(s)
        officer = add_officer(s, clock.now(), user=1, name="-2", commune=3001)
        form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), clock.now())
        period = create_period(s, form=form, label="=1+1", province_code=PROVINCE, open_at=OPEN,
                               due_at=DUE, close_at=CLOSE, now=clock.now())
        draft = start_draft(s, period, 3001, officer.id, OPEN + timedelta(days=2))
        draft.answers = {**ANSWERS, "so_hieu": link, "kho_khan": "+1", "anh": None}
        submit(s, draft, period, officer.id, OPEN + timedelta(days=2))
    path = tmp_path / "ky.xlsx"
    with factory() as s:
        export_period(s, s.scalar(select(Period)), path, provinces={PROVINCE}, now=OPEN)
    engine.dispose()
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    wb = openpyxl.load_workbook(path)
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    for text in (link, "+1", "-2", "=1+1"):
        assert cells[text].data_type == "s", text
