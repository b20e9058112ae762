"""Directives written one paragraph a line (Word's "save as text"): headings stay headings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.directives.parser import parse_directive

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "store" / "sample" / "directives").glob("*.txt"))


def _outline(text: str) -> list[tuple[str, str]]:
    return [(s.path, s.heading) for s in parse_directive(text).sections]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_single_line_breaks_give_the_same_document_as_blank_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    single = re.sub(r"\n\s*\n+", "\n", text)  # what Word writes: no blank line between paragraphs
    a, b = parse_directive(text), parse_directive(single)
    assert (b.kind, b.number, b.title, b.signer) == (a.kind, a.number, a.title, a.signer)
    assert _outline(single) == _outline(text)


def test_a_heading_line_does_not_swallow_the_item_under_it() -> None:
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH ĐIỆN BIÊN", "Số: 12/KH-UBND", "Điện Biên, ngày 5 tháng 3 năm 2026",
             "KẾ HOẠCH", "Tổ chức phong trào thi đua năm 2026",
             "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "Động viên cán bộ, công chức thi đua hoàn thành nhiệm vụ.",
             "2. Yêu cầu", "Phong trào thi đua phải thiết thực, hiệu quả.",
             "II. NỘI DUNG", "1. Thi đua thực hiện nhiệm vụ chính trị", "Các xã tổ chức phát động thi đua.",
             "III. TỔ CHỨC THỰC HIỆN", "Các xã báo cáo kết quả trước ngày 30/6/2026.",
             "Nơi nhận:", "- Các xã;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lò Văn Phương"]
    doc = parse_directive("\n".join(lines))
    assert [(s.path, s.heading) for s in doc.sections] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"), ("I.1", "Mục đích"), ("I.2", "Yêu cầu"), ("II", "NỘI DUNG"),
        ("II.1", "Thi đua thực hiện nhiệm vụ chính trị"), ("III", "TỔ CHỨC THỰC HIỆN")]
    assert (doc.number, doc.title, doc.signer) == ("12/KH-UBND", "Tổ chức phong trào thi đua năm 2026", "Lò Văn Phương")
