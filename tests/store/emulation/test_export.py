"""The province's workbook checked cell by cell, text kept as text; the ranking chart as a PNG."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl

from store.db import transaction
from store.emulation.chart import ranking_chart
from store.emulation.export import RANK_HEAD, export_round, sheet_title
from store.emulation.ranking import bloc_rows, close_review
from store.emulation.review import change_score, decide, explain
from store.models import Bloc
from tests.store.emulation.conftest import DUE, EmuWorld
from tests.store.emulation.test_review import submitted


def test_workbook_cell_by_cell(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        s.get_one(Bloc, world.bloc2).name = "=HYPERLINK(\"http://x\")"  # a name that looks like a formula
        period, a = submitted(s, world, 3001, tmp_path, now)
        _, b = submitted(s, world, 3002, tmp_path, DUE + timedelta(days=2))
        change_score(s, b, period, "12", Decimal(2), "Tham gia đủ hội nghị", world.leader, now)
        _, expl = explain(s, b, period, "12", "Đồng ý", None, now)
        change_score(s, a, period, "9", Decimal(5), "Chậm một báo cáo", world.leader, now)
        _, expl_a = explain(s, a, period, "9", "Báo cáo đã gửi đúng hạn", None, now)
        decide(s, expl_a, period, accept=False, officer_id=world.leader, now=now)
        close_review(s, period, s.get_one(Bloc, world.bloc1), world.leader, now)
        path = tmp_path / "xep-hang.xlsx"
        assert export_round(s, period, path, now=now) == 2
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Khối thi đua số 1", "=HYPERLINK(\"http   x\")"]
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "Đợt chấm điểm" and summary["B1"].value == "Chấm điểm thi đua năm 2026"
    assert [c.value for c in summary[8]] == ["Khối", "Trưởng khối", "Số xã", "Đã nộp", "Trễ hạn", "Khiếu nại",
                                             "Tình trạng"]
    assert [c.value for c in summary[9]] == ["Khối thi đua số 1", "Xã Tam Đường", 3, 2, 1, 1, "đã đóng, chờ công bố"]
    assert [c.value for c in summary[10]] == ["=HYPERLINK(\"http://x\")", "Xã Nà Tăm", 3, 0, 0, 0, "đang chấm"]
    assert summary["A10"].data_type == "s"  # text, never a formula
    one = wb["Khối thi đua số 1"]
    assert [c.value for c in one[4]] == RANK_HEAD
    # 3002: self 9, the bloc +2 on criterion 12 → 11, explanation pending (not decided): final 11.
    # 3001: self 9, bloc −1 on criterion 9, kept after the explanation: 8, disputed.
    assert [c.value for c in one[5]] == [1, 3002, "Xã Bình Lư", 9, 11, 11, 1, 2, 0, "trễ 2 ngày"]
    assert [c.value for c in one[6]] == [2, 3001, "Xã Tam Đường", 9, 8, 8, 1, 0, 1, "có khiếu nại"]
    assert [c.value for c in one[7]] == [None, 3003, "Phường Tân Phong", None, None, None, 0, 0, 0, "chưa nộp"]
    assert one["A9"].value == "Chi tiết phiếu chấm"
    assert [c.value for c in one[10]] == ["Mã xã", "Xã, phường", "Mã tiêu chí", "Tiêu chí", "Điểm chuẩn", "Tự chấm",
                                          "Khối chấm", "Điểm cuối cùng", "Số minh chứng", "Khiếu nại"]
    details = {(r[0].value, r[2].value): [c.value for c in r] for r in one.iter_rows(min_row=11)}
    assert len(details) == 2 * 17
    assert details[(3001, "9")][3:] == ["Chấp hành chế độ báo cáo định kỳ (số báo cáo chậm)", 6, 6, 5, 5, 0, "có"]
    assert details[(3002, "12")][4:] == [5, 0, 2, 2, 0, None]
    assert details[(3002, "7")][4:] == [9, 3, 3, 3, 1, None]
    assert details[(3002, "16")][4] == -6  # a penalty's column shows how low it may go
    assert details[(3001, "1")][2] == "1" and one.cell(11, 3).data_type == "s"  # codes stay text ("1", "2.3")


def test_sheet_titles_are_valid_and_unique() -> None:
    used = {"tổng hợp"}
    assert sheet_title("Khối [1]: miền núi/biên giới", used) == "Khối  1   miền núi biên giới"
    assert sheet_title("Tổng hợp", used) == "Tổng hợp (2)"
    long = "Cụm thi đua các xã vùng cao biên giới phía Bắc"
    assert len(sheet_title(long, used)) == 31 and sheet_title(long, used).endswith("(2)")


def test_ranking_chart_png(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        period, _ = submitted(s, world, 3001, tmp_path, now)
        rows = bloc_rows(s, period, [world.bloc1])[world.bloc1]
    out = ranking_chart(rows, "Khối thi đua số 1 – Chấm điểm thi đua năm 2026", tmp_path / "c.png", Decimal(100))
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 5000
