"""Dialog machinery helpers that need no database."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs import DialogData, looks_like_question


def test_questions_are_told_from_wrong_answers() -> None:
    for question in ("Khi nào phải nộp báo cáo?", "xã tôi nộp chưa", "hạn nộp là ngày nào vậy",
                     "bao nhieu tieu chi nong thon moi"):
        assert looks_like_question(question), question
    for question in ("Kinh phí ở đâu ra thì hỏi ai?", "co phai nop ban cung khong", "xã tôi nộp mấy lần"):
        assert looks_like_question(question), question  # the phrases the Q&A feature's list had
    for answer in ("nhiều lắm", "abc", "có lẽ", "12 cái", "chưa biết", "?", "Kinh tế, Văn hóa", "Xã Tam Đường"):
        assert not looks_like_question(answer), answer


@dataclass
class _State(DialogData):
    step: str = "pick"
    item: int = 0
    legacy_keys = {"i": "item"}


def test_typed_state_round_trip_and_legacy_keys() -> None:
    assert _State.from_dict(_State(item=3).to_dict()) == _State(item=3)
    assert _State.from_dict({"i": 4}) == _State(item=4)
    assert _State.from_dict({"item": 1, "unknown": 2}) == _State(item=1)
