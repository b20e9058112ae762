"""How nominations read in Vietnamese, in chat, the CLI and the province's workbook alike (one
place): the states, the eligibility hints (their rule and source), what recording a decision did."""

from __future__ import annotations

from typing import Any, Mapping

from store.awards.decisions import DecisionStatus
from store.awards.dossier import State

STATE_TEXT = {State.DRAFT: "đang chuẩn bị hồ sơ", State.SENT: "đã gửi tỉnh, chờ thẩm định",
              State.RETURNED: "tỉnh trả lại để bổ sung", State.APPROVED: "tỉnh đã duyệt",
              State.NOT_APPROVED: "không được duyệt"}
DECISION_TEXT = {DecisionStatus.DONE: "Đã ghi quyết định",
                 DecisionStatus.ALREADY: "Quyết định này đã được ghi từ trước",
                 DecisionStatus.OTHER: "Đề nghị này đã có quyết định khác; sửa phải nhờ quản trị",
                 DecisionStatus.NOT_APPROVED: "Đề nghị chưa được tỉnh duyệt nên chưa ghi quyết định được",
                 DecisionStatus.NO_NUMBER: "Số quyết định cần ít nhất 3 ký tự (ví dụ 125/QĐ-UBND)"}
GAP_TEXT = {"not_registered": "chưa đăng ký thi đua danh hiệu này từ đầu năm",
            "rank": "xếp hạng trong khối chưa đạt", "earlier": "chưa đạt danh hiệu cần có ở các năm trước"}


def hint_text(hint: Mapping[str, Any]) -> str:
    text = GAP_TEXT.get(str(hint.get("gap")), "chưa rõ điều kiện")
    if hint.get("gap") == "rank":
        place = hint.get("place")
        text += f" (cần trong {hint.get('top')} hạng đầu; xã xếp thứ {place})" if place else " (xã chưa được xếp hạng)"
    if hint.get("gap") == "earlier":
        text += " (năm " + ", ".join(str(y) for y in hint.get("years", [])) + ")"
    source = str(hint.get("source") or "")
    return text + (f" – theo {source}" if source else "")
