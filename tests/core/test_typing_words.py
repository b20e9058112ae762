"""On channels without buttons, "bấm" becomes "gõ" and a named button becomes its number."""

from __future__ import annotations

from core.typing_words import bare_label, for_typing


def test_a_named_button_becomes_the_number_to_type() -> None:
    labels = [(3, "📤 Gửi"), (4, "Hủy")]
    assert for_typing("Bấm “Gửi” để nộp, hoặc bấm “Hủy”.", labels) == "Gõ 3 (“Gửi”) để nộp, hoặc gõ 4 (“Hủy”)."
    assert for_typing("Anh/chị bấm nút “Gửi”.", labels) == "Anh/chị gõ 3 (“Gửi”)."


def test_any_other_tap_becomes_typing_where_there_are_choices() -> None:
    one = [(1, "Làm báo cáo")]
    assert for_typing("Bấm vào kỳ báo cáo để làm.", one) == "Gõ số của kỳ báo cáo để làm."
    assert for_typing("Anh/chị bấm nút dưới đây.", one) == "Anh/chị gõ số của lựa chọn dưới đây."
    # no choices here: the text speaks of a button elsewhere (another channel) and is left alone
    assert for_typing("Mở Telegram và bấm «Đồng ý».", []) == "Mở Telegram và bấm «Đồng ý»."


def test_a_number_question_names_its_choices_by_their_words() -> None:
    text = for_typing("Gửi thêm ảnh hoặc bấm “Bỏ qua”.", [(1, "Bỏ qua »")], numbers_answer=True)
    assert text == "Gửi thêm ảnh hoặc gõ “bỏ qua”."


def test_bare_label_keeps_the_words() -> None:
    assert bare_label("✔ Xong") == "Xong" and bare_label("« Quay lại") == "Quay lại"
