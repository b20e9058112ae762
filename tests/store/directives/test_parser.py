"""The directive parser on the five sample directives and on synthetic edge cases."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from vietnam_provinces import Province

from store.directives.parser import DirectiveParseError, normalise_issuer, parse_bytes, parse_directive
from store.directives.text import fold

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "directives"


def province_code(name: str) -> int:
    return next(int(p.code) for p in Province.iter_all() if p.name == name)


# Every field of /work/shared/directives/README.md, plus the issuing province (scope).
EXPECTED = {
    "000_4d78cad3d2d0b3aa.txt": dict(
        kind="Chỉ thị", number="02/CT-UBND", number_suffix=None, issuer="UBND tỉnh Lai Châu",
        place="Lai Châu", date=(2020, 1, 30), signer="Trần Tiến Dũng", province="Lai Châu"),
    "001_9cba7d15ff2a1b3b.txt": dict(
        kind="Phát động thi đua", number=None, number_suffix="/PĐTĐ-UBND", issuer="UBND thành phố Lai Châu",
        place="Thành phố Lai Châu", date=(2023, 1, None), signer="Nguyễn Văn Nghiệp", province="Lai Châu"),
    "002_965b08332308fc76.txt": dict(
        kind="Chỉ thị", number=None, number_suffix="/CT-UBND", issuer="UBND huyện Tuần Giáo",
        place="Tuần Giáo", date=(2021, 2, None), signer="Vũ Văn Đức", province="Điện Biên"),
    "003_7d443ee1d645a8ea.txt": dict(
        kind="Chỉ thị", number=None, number_suffix=None, issuer="Ban Thường vụ Tỉnh ủy Lào Cai",
        place="Lào Cai", date=(2021, 3, 3), signer="Đặng Xuân Phong", province="Lào Cai"),
    "004_48ad6208a5052471.txt": dict(
        kind="Kế hoạch", number=None, number_suffix="/KH-UBND", issuer="UBND huyện Tam Đường",
        place="Tam Đường", date=(2021, 9, None), signer="Sùng Lữ Páo", province="Lai Châu"),
}


def parse_sample(name: str):
    return parse_bytes((SAMPLES / name).read_bytes())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_metadata(name: str) -> None:
    want = EXPECTED[name]
    doc = parse_sample(name)
    assert doc.kind == want["kind"]
    assert doc.number == want["number"]
    assert doc.number_suffix == want["number_suffix"]
    assert doc.issuer == want["issuer"]
    assert doc.place == want["place"]
    assert (doc.issued_year, doc.issued_month, doc.issued_day) == want["date"]
    assert doc.signer == want["signer"]
    assert doc.province_code == province_code(want["province"])
    assert doc.title and doc.recipients and doc.sections


def test_every_sample_file_is_covered() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.txt")) == sorted(EXPECTED)


def test_incoming_stamp_is_not_the_number_or_date() -> None:
    doc = parse_sample("003_7d443ee1d645a8ea.txt")
    assert doc.number is None and doc.number_suffix is None
    assert "351" not in (doc.number or "")
    assert (doc.issued_day, doc.issued_month) == (3, 3)
    assert not any("351" in line for line in doc.header)
    assert doc.title.startswith("Về việc đẩy mạnh phong trào thi đua yêu nước")
    # The handwritten note OCR'd between title and text is not body text.
    assert "Cát Phê" not in doc.body


def test_titles_and_signer_titles() -> None:
    assert parse_sample("002_965b08332308fc76.txt").title == "Phát động phong trào thi đua yêu nước năm 2021"
    doc = parse_sample("000_4d78cad3d2d0b3aa.txt")
    assert doc.title.startswith("Về việc phát động phong trào thi đua")
    assert doc.signer_title == "Chủ tịch"
    assert parse_sample("004_48ad6208a5052471.txt").signer_title == "TM. Ủy ban nhân dân - Chủ tịch"
    assert parse_sample("002_965b08332308fc76.txt").recipients[0] == "UBND tỉnh Điện Biên"


def test_numbered_items_of_a_chi_thi_become_sections() -> None:
    doc = parse_sample("000_4d78cad3d2d0b3aa.txt")
    tops = [s for s in doc.sections if s.parent is None]
    assert [s.label for s in tops] == ["", "1", "2", "3", "4", "5", "6", "7", "8", "9", ""]
    assert tops[0].heading == "Phần mở đầu" and tops[-1].heading == "Phần kết"
    nine = doc.sections.index(tops[9])
    assert tops[9].heading == "Tổ chức thực hiện"
    children = [s for s in doc.sections if s.parent == nine]
    assert [s.label for s in children] == ["a", "b", "c", "d", "e"]
    assert children[0].path == "9.a" and children[0].level == 2
    # A page break inside item 1 is mended: the text continues in the same section.
    one = tops[1]
    assert "đảm bảo vệ sinh an toàn thực phẩm" in one.text.replace("\n\n", " ")


def test_roman_arabic_dotted_and_ordinal_sections_nest() -> None:
    doc = parse_sample("002_965b08332308fc76.txt")
    paths = [s.path for s in doc.sections]
    assert paths[:6] == ["", "I", "I.1", "I.2", "I.2.1", "I.2.1, thứ nhất"]
    assert "I.2.2" in paths and "II.4" in paths
    ordinals = [s for s in doc.sections if s.kind == "ordinal"]
    assert [s.label for s in ordinals] == ["Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm"]
    assert {doc.sections[s.parent].path for s in ordinals} == {"I.2.1"}
    assert doc.sections[1].heading == "MỤC TIÊU PHONG TRÀO THI ĐUA"


def test_markdown_headings_and_dotted_items() -> None:
    plan = parse_sample("004_48ad6208a5052471.txt")
    assert [s.path for s in plan.sections if s.parent is None] == ["", "I", "II", "III"]
    assert next(s for s in plan.sections if s.path == "II.5").heading == "Kiểm tra, đôn đốc, sơ kết, tổng kết"
    lao_cai = parse_sample("003_7d443ee1d645a8ea.txt")
    assert [s.path for s in lao_cai.sections if s.path.startswith("6.")] == ["6.1", "6.2", "6.3", "6.4", "6.5"]


def test_campaigns_and_periods() -> None:
    tuan_giao = {c.name: c for c in parse_sample("002_965b08332308fc76.txt").campaigns}
    assert "Cả nước chung sức xây dựng nông thôn mới" in tuan_giao
    assert "Doanh nghiệp Việt Nam hội nhập và phát triển" in tuan_giao
    lai_chau = {c.name: c for c in parse_sample("000_4d78cad3d2d0b3aa.txt").campaigns}
    poor = lai_chau["Lai Châu chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"]
    assert (poor.period_text, poor.start_date, poor.end_date) == ("2016-2020", date(2016, 1, 1), date(2020, 12, 31))
    assert lai_chau["Doanh nghiệp Lai Châu hội nhập và phát triển"].period_text == "2017-2020"
    assert lai_chau["Xây dựng nông thôn mới"].end_date == date(2025, 12, 31)
    assert lai_chau["Dân vận khéo"].period_text is None  # no period stated: none invented
    # A document title quoted after "về" is not a campaign.
    assert not any(fold(n).startswith("ve ") for n in lai_chau)


def test_campaign_launched_for_the_document_year_and_theme() -> None:
    doc = parse_sample("001_9cba7d15ff2a1b3b.txt")
    assert doc.theme and doc.theme.startswith("Đảng bộ, Chính quyền và Nhân dân các dân tộc thành phố Lai Châu")
    launched = next(c for c in doc.campaigns if c.name == doc.theme)
    assert (launched.start_date, launched.end_date) == (date(2023, 1, 1), date(2023, 12, 31))
    assert parse_sample("002_965b08332308fc76.txt").theme == "Đoàn kết, kỷ cương, đổi mới, sáng tạo, khát vọng phát triển"
    # A national slogan quoted inside item 1 is not this directive's theme.
    assert parse_sample("000_4d78cad3d2d0b3aa.txt").theme is None


def test_reporting_duty_of_tuan_giao() -> None:
    duties = parse_sample("002_965b08332308fc76.txt").duties
    duty = next(d for d in duties if d.frequencies)
    assert duty.frequencies == ["6 tháng", "năm"]
    assert "báo cáo định kỳ 6 tháng, tổng kết năm" in duty.text


def test_nfd_input_parses_the_same() -> None:
    raw = (SAMPLES / "002_965b08332308fc76.txt").read_text(encoding="utf-8")
    nfd = parse_directive(unicodedata.normalize("NFD", raw))
    assert nfd.issuer == "UBND huyện Tuần Giáo" and nfd.number_suffix == "/CT-UBND"
    assert nfd.signer == "Vũ Văn Đức"


HEADERED = """ỦY BAN NHÂN DÂN
TỈNH YÊN BÁI\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số:   15 /KH-UBND\tYên Bái, ngày … tháng  5  năm 2024

KẾ HOẠCH
Tổ chức phong trào thi đua “Yên Bái chung sức xây dựng nông thôn mới” giai đoạn 2024 - 2026

I. MỤC ĐÍCH
Các xã báo cáo kết quả hằng quý và báo cáo sơ kết 6 tháng.

Nơi nhận:
- Các xã;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

NGUYỄN VĂN AN
"""


def test_printed_header_old_province_and_capital_signer() -> None:
    doc = parse_directive(HEADERED)
    assert doc.kind == "Kế hoạch" and doc.number == "15/KH-UBND"
    assert doc.issuer == "UBND tỉnh Yên Bái" and doc.place == "Yên Bái"
    assert (doc.issued_year, doc.issued_month, doc.issued_day) == (2024, 5, None)
    # Yên Bái merged into Lào Cai on 1 July 2025.
    assert doc.province_code == province_code("Lào Cai")
    assert doc.signer == "Nguyễn Văn An" and doc.signer_title == "KT. Chủ tịch - Phó chủ tịch"
    assert doc.duties[0].frequencies == ["quý", "6 tháng"]
    assert doc.recipients == ["Các xã", "Lưu: VT"]


def test_issuer_normalisation() -> None:
    assert normalise_issuer("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU") == "UBND tỉnh Lai Châu"
    assert normalise_issuer("UBND HUYỆN TUẦN GIÁO") == "UBND huyện Tuần Giáo"
    assert normalise_issuer("TỈNH UỶ LÀO CAI") == "Tỉnh ủy Lào Cai"


@pytest.mark.parametrize("raw, needle", [
    (b"", "rỗng"),
    (b"   \n\n", "rỗng"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "nhị phân"),
    ("CHỈ THỊ về thi đua".encode("latin-1", errors="replace") + b"\xe9\xe8", "UTF-8"),
    ("Một đoạn văn không có loại văn bản.\n\nThêm một đoạn.".encode(), "loại văn bản"),
])
def test_unreadable_files_raise_clear_errors(raw: bytes, needle: str) -> None:
    with pytest.raises(DirectiveParseError, match=needle):
        parse_bytes(raw)


LETTER = """UBND TỈNH ĐIỆN BIÊN
SỞ NỘI VỤ
Số: 120/SNV-TĐKT\tĐiện Biên, ngày 05/3/2024
V/v hướng dẫn tổng kết phong trào thi đua năm 2024

Kính gửi: UBND các xã, phường.

1. Các xã gửi báo cáo tổng kết năm trước ngày 15/11/2024.

2

2. Hồ sơ khen thưởng gửi về Sở Nội vụ.

Nơi nhận:
- Như trên;
GIÁM ĐỐC
Lò Văn Phong
"""


def test_letter_with_parent_organ_numeric_date_and_page_number() -> None:
    doc = parse_directive(LETTER)
    assert doc.kind == "Công văn" and doc.number == "120/SNV-TĐKT"
    assert doc.issuer == "Sở Nội vụ tỉnh Điện Biên"
    assert doc.province_code == province_code("Điện Biên")
    assert (doc.issued_year, doc.issued_month, doc.issued_day) == (2024, 3, 5) and doc.place == "Điện Biên"
    assert doc.title == "Về việc hướng dẫn tổng kết phong trào thi đua năm 2024"
    assert [s.label for s in doc.sections] == ["", "1", "2"]
    assert "2\n" not in doc.sections[1].text and doc.sections[1].text.endswith("15/11/2024.")
    assert doc.signer == "Lò Văn Phong" and doc.signer_title == "Giám đốc"


def test_kind_and_title_in_one_block() -> None:
    doc = parse_directive("Số: 09/CT-UBND\nLai Châu, ngày 11 tháng 8 năm 2021\nCHỈ THỊ\nVề phát động thi đua\n"
                          "năm 2021\n\n1. Các xã thi đua.\n")
    assert doc.kind == "Chỉ thị" and doc.number == "09/CT-UBND" and doc.issued_day == 11
    assert doc.title == "Về phát động thi đua năm 2021"
    assert doc.issuer == "UBND tỉnh Lai Châu"  # from the number's UBND and the place


def test_unquoted_campaign_launched_for_the_year() -> None:
    tuan_giao = parse_sample("002_965b08332308fc76.txt").campaigns[0]
    assert tuan_giao.name == "Phong trào thi đua yêu nước năm 2021"
    assert (tuan_giao.start_date, tuan_giao.end_date) == (date(2021, 1, 1), date(2021, 12, 31))
    lai_chau = parse_sample("000_4d78cad3d2d0b3aa.txt").campaigns[0]
    assert lai_chau.name.startswith("Phong trào thi đua thực hiện thắng lợi nhiệm vụ") and lai_chau.period_text == "năm 2020"
    # Launched by someone else ("do … phát động"): not this document's campaign.
    doc = parse_directive("CHỈ THỊ\nVề thi đua\n\nHưởng ứng phong trào do Thủ tướng phát động phong trào thi đua "
                          "yêu nước năm 2021.\n\n1. Các xã thi đua.\n")
    assert doc.campaigns == []


def test_ocr_mangled_text_never_crashes() -> None:
    import random

    rng = random.Random(7)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for _ in range(150):
        text = rng.choice(texts)
        cut = rng.randrange(len(text))
        variants = [text[:cut], text[cut:], text[:cut] + text[cut + rng.randrange(3000):],
                    "".join(c if rng.random() > 0.02 else rng.choice("\t\n*#“”\"") for c in text)]
        for variant in variants:
            try:
                parse_directive(variant)
            except DirectiveParseError:
                pass


def test_issuer_from_signature_and_place_when_nothing_else_names_it() -> None:
    doc = parse_directive("Mường Ảng, ngày 02 tháng 01 năm 2024\n\nKẾ HOẠCH\nThi đua năm 2024\n\n"
                          "1. Các xã thi đua.\n\nNơi nhận:\n- Các xã;\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLò Văn Tâm\n")
    assert doc.issuer == "UBND huyện Mường Ảng" and doc.signer == "Lò Văn Tâm"
    city = parse_directive("Số: 3/KH-UBND\nThành phố Điện Biên Phủ, ngày 02 tháng 01 năm 2024\n\nKẾ HOẠCH\nThi đua\n\n1. Thi đua.\n")
    assert city.issuer == "UBND thành phố Điện Biên Phủ"
    province = parse_directive("Số: 3/CT-UBND\nĐiện Biên, ngày 02 tháng 01 năm 2024\n\nCHỈ THỊ\nThi đua\n\n1. Thi đua.\n")
    assert province.issuer == "UBND tỉnh Điện Biên" and province.province_code == province_code("Điện Biên")
