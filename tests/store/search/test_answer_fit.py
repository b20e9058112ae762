"""What a question needs from a passage before it is cited (store/search/answer_fit.py)."""

from __future__ import annotations

import pytest

from store.vn import text as vntext
from store.search.answer_fit import (cited, kind_fits, needs_of, pair_weights, person_names, specific_terms_present,
                              words_covered)
from store.search.index import tokenize
from store.search.query import analyze


def q(text: str):
    return analyze(text, lambda f, a: (f, a))


def fits(question: str, passage: str, focus: set[str] | None = None) -> bool:
    query = q(question)
    needs = needs_of(query)
    c = cited(passage, "", tokenize)
    return specific_terms_present(needs, c) and kind_fits(needs, c, focus or set(), set(query.folded))


@pytest.mark.parametrize("question, kind", [
    ("Ai ký chỉ thị?", "who"), ("Chỉ thị ban hành ngày nào?", "day"), ("Đại hội diễn ra năm nào?", "year"),
    ("Khi nào tổng kết?", "when"), ("Kế hoạch cho giai đoạn 5 năm nào?", "when"), ("Có bao nhiêu tỉnh?", "number"),
    ("Hội nghị tổ chức ở đâu?", "place"), ("Khối thi đua gồm những đơn vị nào?", "members"),
    ("Theo nghị định nào?", "docref"), ("Lai Châu sắp xếp bộ máy hành chính thế nào?", None),
])
def test_answer_kind_of_a_question(question: str, kind: str | None) -> None:
    assert needs_of(q(question)).kind == kind


def test_specific_terms_must_be_cited() -> None:
    assert not fits("Chỉ thị số 15/CT-UBND nói về gì?", "Chỉ thị 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.")
    assert fits("Chỉ thị 05-CT/TW nói về gì?", "theo tinh thần Chỉ thị 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị.")
    assert not fits("Đại hội lần thứ X tổ chức ở đâu?", "Đại hội Thi đua yêu nước tỉnh lần thứ V.")
    assert not fits("Nội dung thi đua thứ tư là gì?", "Thứ hai, thi đua ứng dụng khoa học công nghệ.")


def test_counted_answers_sit_next_to_the_counted_thing() -> None:
    assert fits("Tổng kết Cụm thi đua bao nhiêu tỉnh?", "Hội nghị tổng kết Cụm thi đua 7 tỉnh miền núi.")
    assert not fits("Thành phố có bao nhiêu phường?", "UBND các xã, phường, thị trấn năm 2023.")
    assert fits("Đô thị loại mấy?", "hướng tới đô thị loại II")
    assert fits("Cắt giảm bao nhiêu phần trăm thời gian?", "cắt giảm tối thiểu 30% thời gian giải quyết")
    assert not fits("Doanh nghiệp tham gia bao nhiêu?", "giai đoạn 2016 - 2020; “Doanh nghiệp Lai Châu”")


def test_dates_and_years_must_be_near_what_is_asked() -> None:
    focus = {"kheo", "van_kheo"}
    assert not fits("Phong trào Dân vận khéo phát động năm nào?",
                    "Phong trào thi đua “Dân vận khéo”; “Doanh nghiệp hội nhập” giai đoạn 2017-2020.", focus)
    assert fits("Thông tư 12/2019/TT-BNV ban hành ngày nào?",
                "thực hiện Thông tư số 12/2019/TT-BNV ngày 04/11/2019 của Bộ Nội vụ", {"12", "bnv"})


def test_who_needs_a_person_or_body_and_office_questions_are_recognised() -> None:
    assert fits("Ai tính điểm các sở?", "Giao Sở Nội vụ tính điểm các sở, ban, ngành tỉnh.")
    assert not fits("Ai phát động phong trào?", "Đẩy mạnh phong trào “Thi đua quyết thắng”.")
    assert needs_of(q("Ai là chủ tịch nước hiện nay?")).office == ("chu", "tich", "nuoc")
    assert needs_of(q("Chủ tịch UBND huyện Tuần Giáo hiện nay là ai?")).current
    assert person_names("do ông Trần Tiến Dũng ký") == ["Trần Tiến Dũng"]


def test_may_is_only_a_question_word_when_typed_so() -> None:
    assert needs_of(q("sắp xếp bộ máy hành chính theo nghị quyết nào")).kind == "docref"
    assert needs_of(q("Đô thị loại mấy?")).counted_after == "loai"
    assert vntext.search_key("mấy") == "may"


def test_a_documents_own_date_answers_only_questions_about_documents() -> None:
    cites = "tư tưởng thi đua yêu nước của Chủ tịch Hồ Chí Minh và Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị"
    assert not fits("Ngày thi đua yêu nước là ngày nào?", cites, {"yeu_nuoc"})
    assert not fits("Thi đua yêu nước bắt đầu từ năm nào?", cites, {"yeu_nuoc"})
    assert fits("Chỉ thị của Bộ Chính trị về thi đua yêu nước ban hành ngày nào?", cites, {"yeu_nuoc"})
    assert not fits("Bộ Nội vụ quy định chi tiết từ năm nào?", "Nghị định 91/2017/NĐ-CP của Bộ Nội vụ quy định chi tiết",
                    {"chi_tiet"})
    assert fits("Thi đua yêu nước tổ chức ngày nào?", "Đại hội Thi đua yêu nước ngày 11/6/2020 tại tỉnh", {"yeu_nuoc"})


def test_a_place_named_by_the_question_itself_is_not_where_it_happens() -> None:
    passage = "chủ đề đã được phát động tại Đại hội Thi đua yêu nước tỉnh Lai Châu lần thứ V năm 2020."
    assert not fits("Đại hội Thi đua yêu nước tỉnh Lai Châu lần thứ V tổ chức ở đâu?", passage, {"dai_hoi"})
    assert fits("Hội nghị tổng kết Cụm thi đua tổ chức ở đâu?",
                "Tổ chức tốt Hội nghị tổng kết Cụm thi đua 7 tỉnh tại tỉnh Lai Châu", {"cum"})


def test_syllables_of_other_words_do_not_cover_a_questions_word_pairs() -> None:
    """"quyết" in "Nghị quyết" and "thắng" in "thắng lợi" are not "quyết thắng"."""
    query = q("Ai phát động phong trào Thi đua quyết thắng?")
    needs = needs_of(query)
    weights = [("phong", 0.7, ""), ("trao", 0.8, ""), ("quyet", 1.9, ""), ("thang", 2.3, "")]
    pairs = pair_weights(query.content_bigrams(), needs, lambda p: 5.0, lambda p: True)
    assert ("quyet_thang", 3.0) in pairs and not any("ai" in p.split("_") for p, _ in pairs)
    wrong = cited("Tiếp tục thực hiện phong trào thi đua và Nghị quyết số 04-NQ/TW", "thắng lợi", tokenize)
    right = cited("Đẩy mạnh phong trào “Thi đua quyết thắng” do Bộ Quốc phòng phát động", "", tokenize)
    assert words_covered(weights, wrong, rare_idf=4.5, share=0.6)  # the syllables alone were enough
    assert not words_covered(weights, wrong, rare_idf=4.5, share=0.6, pairs=pairs)
    assert words_covered(weights, right, rare_idf=4.5, share=0.6, pairs=pairs)


def test_the_day_and_month_of_a_date_are_not_quantities() -> None:
    assert not fits("Lương của cán bộ làm công tác thi đua là bao nhiêu?",
                    "đổi mới công tác thi đua theo Chỉ thị số 34-CT/TW ngày 07 tháng 4 năm 2014", {"cong_tac"})
    assert fits("Tỷ lệ giảm nghèo là bao nhiêu?", "tỷ lệ giảm nghèo 2,5 điểm, báo cáo trước ngày 07 tháng 4", {"ngheo"})
