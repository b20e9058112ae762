"""Sending a dossier and the province's appraisal: approve (confirmed), return with a reason
(the commune and the leader are told what to fix), or not approve (the council's vote cut it;
reason, then confirmed). Every move goes through ``store.awards.nominations.act``: buttons carry
the dossier's version, so a stale menu or a typed number never approves anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core import messages
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.router import Router
from core.types import Reply
from handlers.awards.access import NominationTurn, nomination_turn, tell_dossier_people
from handlers.awards.calls import (Approve, ConfirmApprove, ConfirmReject, Reject, ReturnDossier, SendDossier,
                                   ShowDossier)
from handlers.awards.view import dossier_reply
from store.awards.dossier import MIN_REASON, Action, Moved, State, Status
from store.awards.nominations import act, checklist, version_of
from store.people.officers import approvers
from store.vn.text import shorten

STALE = "Hồ sơ đã thay đổi từ lúc nút này hiện ra; bot không làm gì. Đây là hồ sơ hiện tại:"
REFUSED = {Status.BAD_STATE: "Hồ sơ không ở bước này nữa; bot không làm gì.",
           Status.FINAL: "Hồ sơ đã có kết quả thẩm định; không đổi được nữa.",
           Status.NO_REASON: f"Lý do cần rõ hơn (ít nhất {MIN_REASON} ký tự). Anh/chị gõ lại lý do."}


def _moved_reply(ctx: Context, turn: NominationTurn, moved: Moved, done: str) -> list[Reply]:
    if moved.status is Status.OK:
        return [dossier_reply(ctx, nomination_turn(ctx, turn.nomination.id, "award.view"), done)]
    if moved.status is Status.INCOMPLETE:
        names = {i.code: i.name for i in checklist(ctx.session, turn.nomination)}
        lacking = "; ".join(names.get(c, c) for c in moved.missing)
        return [dossier_reply(ctx, turn, f"Hồ sơ chưa đủ nên chưa gửi được. Còn thiếu: {lacking}.")]
    return [dossier_reply(ctx, turn, STALE if moved.status is Status.STALE else REFUSED[moved.status])]


async def on_send(ctx: Context, data: SendDossier) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.dossier")
    if not turn.leader:
        return [dossier_reply(ctx, turn, "Trưởng khối gửi hồ sơ lên tỉnh; xã gửi đủ giấy tờ là được.")]
    moved = act(ctx.session, turn.nomination.id, Action.SEND, expected=data.version, officer_id=ctx.me.id, now=ctx.now)
    if moved.status is Status.OK:
        nom = turn.nomination
        for user in approvers(ctx.session, nom.province_code):
            ctx.notify(user, Reply(text=f"Hồ sơ đề nghị {nom.title_name} năm {nom.year} cho {turn.commune.name} "
                                        "đã gửi tỉnh, chờ thẩm định.",
                                   buttons=[[ShowDossier(nom.id).button("Xem hồ sơ")]]),
                       key=f"award:sent:{nom.id}:{version_of(ctx.session, nom.id)}:{user.id}")
    return _moved_reply(ctx, turn, moved, "Đã gửi hồ sơ lên tỉnh.")


def _province_turn(ctx: Context, nomination_id: int, version: int) -> tuple[NominationTurn, bool]:
    turn = nomination_turn(ctx, nomination_id, "award.appraise")
    return turn, version == version_of(ctx.session, nomination_id) and turn.nomination.state == State.SENT


async def on_approve(ctx: Context, data: Approve) -> list[Reply]:
    turn, fresh = _province_turn(ctx, data.nomination, data.version)
    if not fresh:
        return [dossier_reply(ctx, turn, STALE)]
    nom = turn.nomination
    return [Reply(text=f"Duyệt đề nghị {nom.title_name} năm {nom.year} cho {turn.commune.name}? Hồ sơ sẽ khóa, "
                       "không bổ sung hay trả lại được nữa; xã và trưởng khối được báo.",
                  buttons=[[ConfirmApprove(nom.id, data.version).button("Xác nhận duyệt"),
                            ShowDossier(nom.id).button("Thôi")]])]


async def on_confirm_approve(ctx: Context, data: ConfirmApprove) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.appraise")
    moved = act(ctx.session, turn.nomination.id, Action.APPROVE, expected=data.version, officer_id=ctx.me.id,
                now=ctx.now)
    if moved.status is Status.OK:
        nom = turn.nomination
        tell_dossier_people(ctx, turn, Reply(text=f"Tỉnh đã duyệt đề nghị {nom.title_name} năm {nom.year} cho "
                                                  f"{turn.commune.name}.",
                                             buttons=[[ShowDossier(nom.id).button("Xem hồ sơ")]]),
                            key=f"award:approved:{nom.id}")
    return _moved_reply(ctx, turn, moved, "Đã duyệt.")


@dataclass
class ReasonState(DialogData):
    step: str = "reason"  # reason | confirm
    nomination: int = 0
    version: int = 0
    action: str = "return"  # a store.awards.dossier.Action: return or reject
    reason: str = ""


async def on_return(ctx: Context, data: ReturnDossier) -> list[Reply]:
    return _ask_reason(ctx, data.nomination, data.version, Action.RETURN)


async def on_reject(ctx: Context, data: Reject) -> list[Reply]:
    return _ask_reason(ctx, data.nomination, data.version, Action.REJECT)


def _ask_reason(ctx: Context, nomination_id: int, version: int, action: Action) -> list[Reply]:
    turn, fresh = _province_turn(ctx, nomination_id, version)
    if not fresh:
        return [dossier_reply(ctx, turn, STALE)]
    REASON.save(ctx, ReasonState(nomination=nomination_id, version=version, action=action.value))
    ask = ("Gõ lý do trả lại: cần bổ sung, sửa gì (xã và trưởng khối sẽ nhận được)." if action is Action.RETURN
           else "Gõ lý do không duyệt (ví dụ kết quả biểu quyết của Hội đồng).")
    return messages.text(f"{ask} Gõ /huy để thôi.")


async def on_reason(ctx: Context, state: ReasonState) -> list[Reply]:
    reason = " ".join((ctx.msg.text or "").split())
    if len(reason) < MIN_REASON:
        return messages.text(REFUSED[Status.NO_REASON])
    if state.action == Action.REJECT.value:
        REASON.save(ctx, ReasonState(step="confirm", nomination=state.nomination, version=state.version,
                                     action=state.action, reason=reason[:1000]))
        turn = nomination_turn(ctx, state.nomination, "award.appraise")
        return [Reply(text=f"Không duyệt đề nghị {turn.nomination.title_name} cho {turn.commune.name}, lý do: "
                           f"“{shorten(reason, 300)}”? Kết quả này là cuối cùng; xã và trưởng khối được báo.",
                      buttons=[[ConfirmReject(state.nomination, state.version).button("Xác nhận không duyệt"),
                                ShowDossier(state.nomination).button("Thôi")]])]
    ctx.clear_dialog()
    return _apply(ctx, state.nomination, state.version, Action.RETURN, reason)


async def on_confirm_reject(ctx: Context, data: ConfirmReject) -> list[Reply]:
    state = REASON.load(ctx)
    if state is None or state.step != "confirm" or state.nomination != data.nomination:
        turn = nomination_turn(ctx, data.nomination, "award.appraise")
        return [dossier_reply(ctx, turn, STALE)]
    ctx.clear_dialog()
    return _apply(ctx, data.nomination, data.version, Action.REJECT, state.reason)


def _apply(ctx: Context, nomination_id: int, version: int, action: Action, reason: str) -> list[Reply]:
    turn = nomination_turn(ctx, nomination_id, "award.appraise")
    moved = act(ctx.session, nomination_id, action, reason=reason, expected=version, officer_id=ctx.me.id,
                now=ctx.now)
    nom = turn.nomination
    if moved.status is Status.OK:
        head = (f"Tỉnh trả lại hồ sơ đề nghị {nom.title_name} của {turn.commune.name} để bổ sung. Lý do: "
                if action is Action.RETURN else
                f"Đề nghị {nom.title_name} năm {nom.year} của {turn.commune.name} không được duyệt. Lý do: ")
        tell_dossier_people(ctx, turn, Reply(text=head + shorten(reason, 500),
                                             buttons=[[ShowDossier(nom.id).button("Xem và bổ sung hồ sơ"
                                                                                  if action is Action.RETURN
                                                                                  else "Xem hồ sơ")]]),
                            key=f"award:{action.value}:{nom.id}:{version}")
    return _moved_reply(ctx, turn, moved, "Đã trả lại hồ sơ, xã và trưởng khối đã được báo."
                        if action is Action.RETURN else "Đã ghi không duyệt.")


async def on_cancel(ctx: Context, state: Optional[ReasonState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi; hồ sơ giữ nguyên.")


REASON: Dialog[ReasonState] = Dialog("thamdinh", ReasonState, action="award.appraise", on_cancel=on_cancel,
                                     steps={"reason": Step(on_reason), "confirm": Step(on_reason, closed=True)})


def register(router: Router) -> None:
    router.callback(SendDossier, action="award.dossier")(on_send)
    router.callback(Approve, action="award.appraise")(on_approve)
    router.callback(ConfirmApprove, action="award.appraise")(on_confirm_approve)
    router.callback(ReturnDossier, action="award.appraise")(on_return)
    router.callback(Reject, action="award.appraise")(on_reject)
    router.callback(ConfirmReject, action="award.appraise")(on_confirm_reject)
    router.add_dialog(REASON)
