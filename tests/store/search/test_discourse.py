"""The question inside a message: every politeness wrapper around every question, abbreviations."""

from __future__ import annotations

import pytest

from store.search.discourse import understand
from store.vn import text as vntext

QUESTIONS = (
    "chỉ thị 02/CT-UBND do ai ký",
    "Thông tư 12/2019/TT-BNV ban hành ngày nào",
    "Lào Cai ưu tiên phát triển loại hình du lịch nào",
    "kế hoạch thi đua của huyện Tam Đường có chủ đề gì",
    "năm 2024 tỉnh Lai Châu kỷ niệm bao nhiêu năm thành lập",
    "chỉ thị của Tuần Giáo giao cơ quan nào tuyên truyền",
    "Hội nghị tổng kết Cụm thi đua mấy tỉnh tổ chức tại Lai Châu",
    "thành phố Lai Châu hướng tới đô thị loại mấy",
    "ai ký kế hoạch thi đua của Tam Đường",
    "chỉ thị của Tỉnh ủy Lào Cai được phổ biến đến đâu",
)
WRAPPERS = (
    "Dạ cho em hỏi {q} ạ, em cảm ơn",
    "xin chào, {q}?",
    "{q} ạ? Cảm ơn bot",
    "Em chào anh chị ạ. Anh chị cho em hỏi {q} ạ?",
    "Kính gửi Văn phòng, cho em hỏi {q} ạ. Em xin cảm ơn!",
    "Bot ơi, cho em hỏi {q} với ạ",
    "Anh ơi cho em hỏi tí, {q} vậy anh?",
    "Dạ em xin phép hỏi ạ: {q}? Em cảm ơn anh chị nhiều ạ",
    "Chào bạn! Mình muốn hỏi {q}? Cảm ơn nhiều.",
    "Chào đồng chí, xin hỏi {q}? Trân trọng cảm ơn.",
)


def same(a: str, b: str) -> bool:
    return vntext.search_key(a) == vntext.search_key(b)


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_wrapped_question_is_the_question(wrapper: str, question: str) -> None:
    msg = understand(wrapper.format(q=question))
    assert same(msg.question, question), msg


def test_greeting_and_thanks_alone_leave_no_question() -> None:
    for text in ("Xin chào", "Dạ em cảm ơn ạ", "Bot ơi", "Cảm ơn bot nhiều nha", "Chào anh chị ạ"):
        assert understand(text).question == "", text
    assert understand("Dạ em cảm ơn ạ").thanks and understand("xin chào, ai ký chỉ thị 02/CT-UBND?").greeting


def test_context_sentences_before_the_question() -> None:
    msg = understand("Xã em ở Tam Đường cũ. Em đang làm báo cáo. Kế hoạch thi đua của huyện có chủ đề gì ạ?")
    assert same(msg.question, "Kế hoạch thi đua của huyện có chủ đề gì")
    assert "Tam Đường" in msg.context


@pytest.mark.parametrize("typed, meant", [
    ("ct 02 cua lai chau dc ky ngay nao v", "chỉ thị 02 cua lai chau được ky ngay nao"),
    ("CT02 của Lai Châu nói về gì", "chỉ thị 02 của Lai Châu nói về gì"),
    ("kh thi đua Tam Đường theo phương châm j", "kế hoạch thi đua Tam Đường theo phương châm gì"),
    ("tp lai chau huong toi do thi loai may ntn", "thành phố lai chau huong toi do thi loai may như thế nào"),
    ("đ/c nào ký kh của h Tam Đường", "đồng chí nào ký kế hoạch của huyện Tam Đường"),
    ("ct của tỉnh ủy có đc phổ biến đến chi bộ k", "chỉ thị của tỉnh ủy có được phổ biến đến chi bộ không"),
])
def test_chat_abbreviations(typed: str, meant: str) -> None:
    assert same(understand(typed).question, meant)


def test_a_question_that_opens_like_a_greeting_is_kept() -> None:
    for text in ("Chào mừng kỷ niệm 115 năm thành lập tỉnh là phong trào gì?",
                 "Cán bộ xã được nghỉ phép mấy ngày một năm?", "Anh Dũng ký văn bản nào?"):
        assert same(understand(text).question, text.rstrip("?")) or same(understand(text).question, text)
