"""Directive files as they arrive: DOCX, text PDF, scanned PDF and legacy-encoded text parse
like the .txt samples (files generated here from the samples, as offices would make them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.directives.parser import DirectiveParseError, ParsedDocument, parse_bytes
from store.directives.legacy_text import to_unicode, valid_syllable_share
from store.directives.readers import format_of, ocr, read_document
from tests.store.directives.formats import to_docx, to_pdf, to_scanned_pdf, to_tcvn3, to_vni

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "store" / "sample" / "directives").glob("*.txt"))
META = ("kind", "number", "number_suffix", "issuer", "place", "province_code", "issued_year", "issued_month",
        "issued_day", "title", "theme", "signer", "signer_title", "recipients")


def summary(doc: ParsedDocument) -> dict:
    """What a reader must not change: metadata, section tree, campaigns and duties
    (text compared with its whitespace collapsed: a PDF line break is not a change)."""
    return {
        "meta": {name: getattr(doc, name) for name in META},
        "sections": [(s.level, s.label, s.path, s.heading, s.parent, " ".join(s.text.split())) for s in doc.sections],
        "campaigns": [(c.name, c.kind, c.start_date, c.end_date) for c in doc.campaigns],
        "duties": [d.frequencies for d in doc.duties],
    }


def require_tesseract() -> None:
    """OCR tests fail (not skip) where Tesseract must be present: CI installs it."""
    if ocr.available():
        return
    if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail("Tesseract with the Vietnamese model (tesseract-ocr, tesseract-ocr-vie) is not installed")
    pytest.skip("Tesseract with the Vietnamese model is not installed")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("fmt, make", [("docx", to_docx), ("pdf", to_pdf)])
def test_docx_and_pdf_parse_like_the_text_file(sample: Path, fmt: str, make) -> None:
    text = sample.read_text(encoding="utf-8")
    expected = summary(parse_bytes(sample.read_bytes(), sample.name))
    data = make(text)
    assert format_of(f"van_ban.{fmt}", data) == fmt
    got = summary(parse_bytes(data, f"van_ban.{fmt}"))
    assert got == expected


def test_format_is_told_by_content_not_name() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    assert format_of("chi_thi.txt", to_pdf(text)) == "pdf"  # a PDF renamed .txt
    assert format_of("chi_thi", to_docx(text)) == "docx"
    with pytest.raises(DirectiveParseError, match=r"\.doc chưa hỗ trợ"):
        read_document("cu.doc", b"\xd0\xcf\x11\xe0 old Word")


def test_scanned_pdf_is_read_by_ocr_and_finds_the_signer() -> None:
    require_tesseract()
    page = to_scanned_pdf([
        "ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU", "Số: 02/CT-UBND", "", ("right", "Lai Châu, ngày 30 tháng 01 năm 2020"),
        "", "CHỈ THỊ", "Về việc phát động phong trào thi đua thực hiện thắng lợi",
        "nhiệm vụ phát triển kinh tế - xã hội năm 2020", "",
        "Năm 2020 có ý nghĩa đặc biệt quan trọng, kỷ niệm 90 năm ngày thành lập Đảng",
        "Cộng sản Việt Nam, là năm cuối của nhiệm kỳ.", "",
        "1. Tiếp tục quán triệt, tuyên truyền, phổ biến và triển khai sâu rộng.", "",
        ("right", "TM. ỦY BAN NHÂN DÂN"), ("right", "CHỦ TỊCH"), "", "", ("right", "Trần Tiến Dũng")])
    read = read_document("ban_quet.pdf", page)
    assert read.format == "pdf-ocr" and any("OCR" in note for note in read.notes)
    doc = parse_bytes(page, "ban_quet.pdf")
    assert (doc.kind, doc.number, doc.signer) == ("Chỉ thị", "02/CT-UBND", "Trần Tiến Dũng")
    assert doc.issued_year == 2020 and doc.signer_title.endswith("Chủ tịch")


def test_scanned_pdf_without_tesseract_names_the_reason(monkeypatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    page = to_scanned_pdf(["CHỈ THỊ", "Về việc thi đua"])
    with pytest.raises(DirectiveParseError, match="bản quét.*Tesseract"):
        parse_bytes(page, "ban_quet.pdf")


# The classic lines of a TCVN3 (.VnTime) document and what they say, typed by hand.
TCVN3_LINES = [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("B¸o c¸o tµi chÝnh quý II n¨m 2026", "Báo cáo tài chính quý II năm 2026"),
]


def test_tcvn3_text_converts_to_unicode() -> None:
    legacy = ("\n".join(line for line, _ in TCVN3_LINES) + "\n") * 5
    converted = to_unicode(legacy)
    assert converted.encoding == "tcvn3"
    assert converted.text.split("\n")[:3] == [uni for _, uni in TCVN3_LINES]


@pytest.mark.parametrize("sample", SAMPLES[:1] + SAMPLES[3:4], ids=lambda p: p.name[:3])
def test_tcvn3_sample_file_parses_like_the_unicode_one(sample: Path) -> None:
    """A sample saved byte for byte in TCVN3 (not UTF-8): converted, headings in capitals again."""
    text = sample.read_text(encoding="utf-8")
    raw = to_tcvn3(text)
    read = read_document(sample.name, raw)
    assert any("TCVN3" in note for note in read.notes)
    expected, got = parse_bytes(sample.read_bytes(), sample.name), parse_bytes(raw, sample.name)
    assert (got.kind, got.number, got.signer, got.signer_title, got.issued_year, got.issued_month, got.issuer) == (
        expected.kind, expected.number, expected.signer, expected.signer_title, expected.issued_year,
        expected.issued_month, expected.issuer)
    # TCVN3 has no capital marked letters, so "Ủy" typed in .VnTime comes back "ủy": case aside, equal.
    unicode = read_document(sample.name, sample.read_bytes()).text.replace("✓", "?")  # not in Windows-1252
    assert " ".join(read.text.split()).lower() == " ".join(unicode.split()).lower()


def test_vni_sample_file_parses_like_the_unicode_one() -> None:
    sample = SAMPLES[3]
    raw = to_vni(sample.read_text(encoding="utf-8"))
    assert any("VNI" in note for note in read_document(sample.name, raw).notes)
    expected, got = parse_bytes(sample.read_bytes(), sample.name), parse_bytes(raw, sample.name)
    assert summary(got)["meta"] == summary(expected)["meta"]


def test_tcvn3_text_inside_a_docx_is_converted() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    legacy = to_tcvn3(text).decode("cp1252")
    doc = parse_bytes(to_docx(legacy), "cu.docx")
    assert (doc.kind, doc.number, doc.signer) == ("Chỉ thị", "02/CT-UBND", "Trần Tiến Dũng")


@pytest.mark.parametrize("garbage, reason", [
    # UTF-8 read as Windows-1252 and saved again: the classic mojibake.
    (SAMPLES[0].read_text(encoding="utf-8").encode("utf-8").decode("cp1252", "replace").encode("utf-8"),
     "không đọc được là tiếng Việt"),
    # Not Vietnamese at all.
    (("CHỈ THỊ\n\n" + "The quick brown fox jumps over the lazy dog near the riverbank. " * 20).encode(),
     "không đọc được là tiếng Việt"),
    # A legacy code page nothing recognises.
    (bytes(range(0x80, 0x100)) * 20, "không phải UTF-8"),
])
def test_garbage_text_is_refused_with_a_reason(garbage: bytes, reason: str) -> None:
    with pytest.raises(DirectiveParseError, match=reason):
        parse_bytes(garbage, "rac.txt")


def test_samples_read_as_well_formed_vietnamese() -> None:
    for sample in SAMPLES:
        share, marked_share, judged = valid_syllable_share(sample.read_text(encoding="utf-8"))
        assert judged > 1000 and share > 0.99 and marked_share > 0.99
