"""The dossier engine: checklist, the refusal of an incomplete dossier, the state moves (pure)."""

from __future__ import annotations

from store.awards.dossier import Action, State, Status, check_document, checklist, move

REQUIRED = [{"code": "to-trinh", "name": "Tờ trình"}, {"code": "bien-ban", "name": "Biên bản"},
            {"code": "bao-cao", "name": "Báo cáo thành tích"}]


def test_checklist_counts_files_per_document() -> None:
    items = checklist(REQUIRED, ["to-trinh", "bao-cao", "to-trinh", "other"])
    assert [(i.code, i.present, i.files) for i in items] == [("to-trinh", True, 2), ("bien-ban", False, 0),
                                                             ("bao-cao", True, 1)]


def test_incomplete_dossier_is_refused_with_what_is_missing() -> None:
    moved = move(State.DRAFT, Action.SEND, required=REQUIRED, uploaded=["to-trinh"])
    assert moved.status is Status.INCOMPLETE and moved.missing == ("bien-ban", "bao-cao")
    done = move(State.DRAFT, Action.SEND, required=REQUIRED, uploaded=["to-trinh", "bien-ban", "bao-cao"])
    assert done.status is Status.OK and done.state is State.SENT


def test_moves_need_the_right_state_and_a_reason() -> None:
    assert move(State.DRAFT, Action.APPROVE).status is Status.BAD_STATE  # never approved before it is sent
    assert move(State.SENT, Action.RETURN, reason="  ").status is Status.NO_REASON
    assert move(State.SENT, Action.RETURN, reason="Thiếu chữ ký").state is State.RETURNED
    assert move(State.RETURNED, Action.SEND, required=[], uploaded=[]).state is State.SENT
    assert move(State.SENT, Action.APPROVE).state is State.APPROVED
    assert move(State.SENT, Action.REJECT, reason="Hội đồng bỏ phiếu").state is State.NOT_APPROVED
    assert move(State.APPROVED, Action.RETURN, reason="Đổi ý rồi").status is Status.FINAL
    assert move(State.SENT, Action.SEND).status is Status.BAD_STATE  # a double tap sends once


def test_documents_only_while_editable_and_on_the_checklist() -> None:
    assert check_document(State.DRAFT, REQUIRED, "bien-ban") is Status.OK
    assert check_document(State.RETURNED, REQUIRED, "bien-ban") is Status.OK
    assert check_document(State.SENT, REQUIRED, "bien-ban") is Status.BAD_STATE
    assert check_document(State.APPROVED, REQUIRED, "bien-ban") is Status.FINAL
    assert check_document(State.DRAFT, REQUIRED, "xac-nhan") is Status.UNKNOWN_DOCUMENT
