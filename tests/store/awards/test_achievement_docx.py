"""The báo cáo thành tích draft, on SQLite and PostgreSQL: written from the registration's targets,
the published ranking, the year's progress report and an earlier decision, then opened with
python-docx and read back (headings of the national template, the commune's figures)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from docx import Document
from sqlalchemy.orm import Session

from store.awards.achievement import gather
from store.awards.achievement_docx import MOTTO, save_achievement
from store.awards.decisions import record_decision
from store.awards.nominations import propose
from store.db import transaction
from store.emulation.registrations import set_deadline, submit_registration
from store.emulation.targets import Target
from store.files.report_photos import StoredPhoto
from store.forms.versions import load_form
from store.models import Nomination
from store.reporting.periods import create_period
from store.reporting.reports import start_draft, submit
from tests.handlers.report_setup import CLOSE, DUE, OPEN, PROVINCE, SAMPLE_FORMS
from tests.store.awards.flow import REQUIRED, published, with_catalogue
from tests.store.emulation.conftest import DUE as SCORE_DUE
from tests.store.emulation.conftest import EmuWorld
from tests.store.reporting.test_export import ANSWERS

NOW = SCORE_DUE - timedelta(days=1)
REG_AT = datetime(2026, 1, 10, 2, 0, tzinfo=timezone.utc)
SCAN = StoredPhoto("registrations/2026/3001/dangky-ab.jpg", "ab" * 32, 1000, "image/jpeg")
TARGETS = [Target("Thu ngân sách", Decimal(1250), "triệu đồng"), Target("Tỷ lệ hộ nghèo giảm", Decimal("12.5"), "%")]


def _seed(s: Session, world: EmuWorld, files: Path) -> int:
    bloc, ranking = published(s, world, files, NOW)
    with_catalogue(s, PROVINCE, REG_AT)
    set_deadline(s, PROVINCE, 2026, datetime(2026, 1, 31, 10, 0, tzinfo=timezone.utc), REG_AT)
    submit_registration(s, province_code=PROVINCE, year=2026, commune_code=3001, titles=["tt-ldxs", "co-tinh"],
                        targets=TARGETS, signed=SCAN, officer_id=None, now=REG_AT)
    form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), REG_AT)
    period = create_period(s, form=form, label="6 tháng đầu năm 2026", province_code=PROVINCE, open_at=OPEN,
                           due_at=DUE, close_at=CLOSE, now=REG_AT)
    draft = start_draft(s, period, 3001, None, OPEN + timedelta(days=2))
    draft.answers = dict(ANSWERS)
    assert submit(s, draft, period, None, OPEN + timedelta(days=2)).status.value == "created"
    for year, code, name, number in ((2025, "tt-ldxs", "Tập thể lao động xuất sắc", "30/QĐ-UBND"),
                                     (2024, "bk-tinh", "Bằng khen của Chủ tịch UBND tỉnh", "12/QĐ-UBND")):
        earlier = Nomination(province_code=PROVINCE, year=year, commune_code=3001, title_code=code, title_name=name,
                             required=[], hints=[], state="approved", created_at=NOW, updated_at=NOW)
        s.add(earlier)
        s.flush()
        record_decision(s, earlier, number=number, signed_on=date(year + 1, 1, 15), level="UBND tỉnh",
                        officer_id=None, now=NOW)
    return propose(s, bloc=bloc, commune_code=3001, title_code="co-tinh", title_name="Cờ thi đua của UBND tỉnh",
                   required=REQUIRED, ranking=ranking, officer_id=world.leader, now=NOW).nomination.id


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_draft_holds_the_communes_figures(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        nomination_id = _seed(s, world, tmp_path)
        facts = gather(s, nomination_id)
        save_achievement(s, nomination_id, tmp_path / "bc.docx")
    assert facts.standing is not None and facts.standing.place == 1
    text = _text(tmp_path / "bc.docx")
    for line in (*MOTTO, "BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA UBND TỈNH", "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
                 "II. THÀNH TÍCH ĐẠT ĐƯỢC", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "XÁC NHẬN CỦA CẤP TRÌNH KHEN",
                 "THỦ TRƯỞNG ĐƠN VỊ", "XÃ TAM ĐƯỜNG", "[cán bộ bổ sung: "):
        assert line in text, line
    assert "Thu ngân sách: 1.250 triệu đồng" in text and "Tỷ lệ hộ nghèo giảm: 12,5 %" in text
    assert "Tập thể lao động xuất sắc; Cờ thi đua của UBND tỉnh" in text
    assert f"{facts.standing.score} điểm, xếp thứ 1/3 xã của Khối thi đua số 1" in text
    assert "6 tháng đầu năm 2026 (nộp ngày 3/6/2026)" in text
    assert "Số hội nghị, buổi tuyên truyền về thi đua đã tổ chức\n1.250" in text
    assert "Tỷ lệ hộ nghèo hiện nay (%)\n12,5" in text
    titles, commendations = _awards_tables(tmp_path / "bc.docx")
    assert titles == ["2025", "Tập thể lao động xuất sắc", "Quyết định số 30/QĐ-UBND ngày 15/1/2026 của UBND tỉnh"]
    assert commendations == ["2024", "Bằng khen của Chủ tịch UBND tỉnh",
                             "Quyết định số 12/QĐ-UBND ngày 15/1/2025 của UBND tỉnh"]


def _awards_tables(path: Path) -> list[list[str]]:
    """Section III's two tables (danh hiệu thi đua, hình thức khen thưởng): their rows after the head."""
    tables = [t for t in Document(str(path)).tables if t.cell(0, 0).text == "Năm"]
    return [[c.text for row in t.rows[1:] for c in row.cells] for t in tables]


def test_draft_without_records_marks_what_to_complete(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, _ = published(s, world, tmp_path, NOW)
        nom = propose(s, bloc=bloc, commune_code=3002, title_code="bk-tinh", title_name="Bằng khen của UBND tỉnh",
                      required=REQUIRED, officer_id=world.leader, now=NOW).nomination
        save_achievement(s, nom.id, tmp_path / "bc.docx")
    text = _text(tmp_path / "bc.docx")
    assert "[cán bộ bổ sung: điểm và xếp hạng trong khối]" in text
    assert "[cán bộ bổ sung: chưa có bản đăng ký thi đua trong hệ thống]" in text
    assert "chưa có quyết định nào trong hệ thống" in text
