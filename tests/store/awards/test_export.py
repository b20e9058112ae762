"""The province's XLSX of nominations, checked cell by cell (text cells stay text)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl

from store.awards.decisions import record_decision
from store.awards.dossier import Action
from store.awards.export import HEAD, export_nominations
from store.awards.files import write_document
from store.awards.nominations import act, add_document, propose
from store.db import transaction
from tests.store.awards.flow import PDF, REQUIRED, published
from tests.store.emulation.conftest import DUE, EmuWorld

NOW = DUE - timedelta(days=1)


def test_workbook_rows(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        bloc, ranking = published(s, world, tmp_path, NOW)
        top = propose(s, bloc=bloc, commune_code=3001, title_code="co-tinh", title_name="Cờ thi đua của UBND tỉnh",
                      required=REQUIRED, ranking=ranking, officer_id=world.leader, now=NOW).nomination
        for code in ("to-trinh", "bien-ban", "bao-cao"):
            add_document(s, top, code, write_document(tmp_path, 2026, top.id, code, PDF + code.encode()),
                         officer_id=world.leader, now=NOW)
        act(s, top.id, Action.SEND, officer_id=world.leader, now=NOW)
        act(s, top.id, Action.APPROVE, officer_id=world.supervisor, now=NOW)
        record_decision(s, top, number="125/QĐ-UBND", signed_on=date(2027, 1, 20), level="UBND tỉnh",
                        officer_id=world.supervisor, now=NOW)
        propose(s, bloc=bloc, commune_code=3002, title_code="=HYPERLINK(1)", title_name="+1 Bằng khen",
                required=REQUIRED, hints=[{"gap": "rank", "top": 1, "place": 2, "source": "Điều 25"}],
                ranking=ranking, officer_id=world.leader, now=NOW)
        assert export_nominations(s, bloc.province_code, 2026, tmp_path / "dn.xlsx", now=NOW) == 2
    sheet = openpyxl.load_workbook(tmp_path / "dn.xlsx").active
    assert [c.value for c in sheet[3]] == HEAD
    first = [c.value for c in sheet[4]]
    assert first[:10] == [1, "2026", "Khối thi đua số 1", "3001", "Xã Tam Đường", "co-tinh",
                          "Cờ thi đua của UBND tỉnh", "1", "tỉnh đã duyệt", "Đủ"]
    assert first[13:] == ["125/QĐ-UBND", "20/1/2027", "UBND tỉnh"]
    second = [c.value for c in sheet[5]]
    assert second[5:7] == ["=HYPERLINK(1)", "+1 Bằng khen"] and sheet.cell(5, 6).data_type == "s"
    assert second[7] == "2" and second[9] == "Chưa đủ"
    assert second[10] == "Tờ trình đề nghị khen thưởng; Biên bản họp bình xét của khối thi đua; Báo cáo thành tích của tập thể"
    assert second[11] == "xếp hạng trong khối chưa đạt (cần trong 1 hạng đầu; xã xếp thứ 2) – theo Điều 25"
