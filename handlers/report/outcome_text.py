"""The report dialog's words for what the form engine made of an input (store/forms/outcome.py)."""

from __future__ import annotations

from store.forms.outcome import Outcome, Status

REVIEW_HINT = "Anh/chị bấm “Gửi” để nộp, chọn câu cần sửa trong danh sách, hoặc gõ /huy để tạm dừng."
NOT_A_PHONE_QUESTION = "Câu này không cần số điện thoại."

TEXTS: dict[Status, str] = {
    Status.OK: "",
    Status.REQUIRED: "Câu này bắt buộc, không bỏ qua được.",
    Status.NONE_CHOSEN: "Vui lòng chọn ít nhất một mục rồi bấm “Xong”.",
    Status.NO_PHOTO: "Vui lòng gửi ít nhất một ảnh.",
    Status.NOT_PHOTO_QUESTION: "Câu này không cần ảnh.",
    Status.NOT_LOCATION_QUESTION: "Câu này không cần vị trí.",
    Status.NOT_A_QUESTION_NUMBER: REVIEW_HINT,
    Status.INVALID: "Câu trả lời không hợp lệ, anh/chị vui lòng trả lời lại.",
}


def outcome_text(outcome: Outcome) -> str:
    """What to tell the officer ("" when the input was taken)."""
    if outcome.status is Status.CONSTRAINT:
        return outcome.message
    return TEXTS[outcome.status]
