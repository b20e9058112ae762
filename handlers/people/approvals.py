"""Registration requests: filed at the end of the dialog, sent to the province's supervisors
with Approve / Reject buttons, decided once (two supervisors pressing at once cannot both)."""

from __future__ import annotations

import logging
from dataclasses import dataclass


from core import messages
from core.callbacks import CallbackData, Stale
from core.context import Context
from core.permissions import Refused, can
from core.router import Router
from core.types import Reply
from handlers.people.register_common import Registration, activated, link_user, officer_for
from store.models import Commune, RegistrationRequest, User
from store.people.officers import approvers, unit_label
from store.people.phones import mask_phone
from store.people.registration import decide_request

log = logging.getLogger(__name__)

ACTION = "officer.approve"
DECIDED = "Yêu cầu này đã được xử lý."


@dataclass(frozen=True)
class Approve(CallbackData, prefix="reg", action="ok"):
    request: int


@dataclass(frozen=True)
class Reject(CallbackData, prefix="reg", action="no"):
    request: int


def file_request(ctx: Context, data: Registration) -> list[Reply]:
    """File the dialog's request and send it to the province's supervisors."""
    mover = ctx.officer
    if data.kind == "change_unit" and mover is None:
        raise Refused("unit.change", "dialog")  # deactivated while the dialog was open
    commune = ctx.session.get(Commune, data.commune) if data.commune is not None else None
    if commune is None:
        raise Stale(f"commune {data.commune} gone")
    req = RegistrationRequest(
        user_id=ctx.user.id, kind=data.kind, officer_id=mover.id if mover and data.kind == "change_unit" else None,
        province_code=commune.province_code, commune_code=commune.code,
        full_name=data.full_name or (mover.full_name if mover else ""),
        position=data.position or (mover.position if mover else ""),
        phone=data.phone, state="pending", created_at=ctx.now,
        detail={"claimed_phone": data.claimed_phone} if data.claimed_phone else {})
    ctx.session.add(req)
    ctx.session.flush()
    ctx.audit(f"registration.{req.kind}", f"request:{req.id}", "pending", commune=commune.code)
    targets = approvers(ctx.session, commune.province_code)
    for user in targets:
        ctx.notify(user, request_notice(ctx, req, commune), key=f"reg:{req.id}:ask:{user.id}")
    where = f"{commune.name}, {commune.province.name}"
    if data.kind == "change_unit":
        text = f"Đã gửi yêu cầu chuyển sang {where}. Anh/chị sẽ được báo khi có kết quả."
    else:
        text = (f"Đã gửi yêu cầu đăng ký cán bộ {where}. Anh/chị sẽ được báo khi cán bộ phụ trách duyệt.\n"
                "Trong lúc chờ, anh/chị vẫn có thể hỏi về văn bản, phong trào thi đua.")
    if not targets:
        log.warning("no approver for province %s (request %s)", commune.province_code, req.id)
        text += "\nHiện chưa có cán bộ phụ trách nhận yêu cầu; yêu cầu vẫn được lưu để xử lý."
    return [Reply(text=text)]


def request_notice(ctx: Context, req: RegistrationRequest, commune: Commune) -> Reply:
    """The message a supervisor gets, with Approve / Reject buttons."""
    if req.kind == "change_unit":
        old = unit_label(req.officer) if req.officer else "?"
        head = f"Yêu cầu chuyển đơn vị: {req.full_name} ({old}) → {commune.name}, {commune.province.name}."
    else:
        head = f"Yêu cầu đăng ký cán bộ: {req.full_name}, {req.position}, {commune.name}, {commune.province.name}."
    if req.phone:
        head += f"\nSĐT (đã xác minh): {req.phone}"
    elif req.detail.get("claimed_phone"):
        head += f"\nSĐT gửi kèm là của người khác: {mask_phone(req.detail['claimed_phone'])} (chưa xác minh)"
    else:
        head += "\nChưa có số điện thoại xác minh."
    # Each choice names whom it decides: on Zalo they are numbered lines among others.
    return Reply(text=head, buttons=[[Approve(req.id).button(f"Duyệt {req.full_name}"),
                                      Reject(req.id).button(f"Từ chối {req.full_name}")]])


async def decide(ctx: Context, data: Approve | Reject) -> list[Reply]:
    """A supervisor's Approve / Reject, for requests of the provinces they oversee."""
    req = ctx.session.get(RegistrationRequest, data.request)
    if req is None:
        raise Stale(f"no request {data.request}")
    if not can(ctx.officer, ACTION, province_code=req.province_code):
        raise Refused(ACTION, f"request:{req.id}")
    # A conditional UPDATE: two supervisors pressing at once cannot both decide.
    approve = isinstance(data, Approve)
    claimed = decide_request(ctx.session, req.id, approve=approve, now=ctx.now, decided_by=ctx.me.id)
    ctx.session.refresh(req)
    if not claimed:
        return messages.text(DECIDED)
    return _approved(ctx, req) if approve else _rejected(ctx, req)


def _requester(ctx: Context, req: RegistrationRequest) -> User:
    user = ctx.session.get(User, req.user_id)
    if user is None:  # the account was erased (officer data retention) while the request waited
        raise Stale(f"request {req.id}: its user is gone")
    return user


def _rejected(ctx: Context, req: RegistrationRequest) -> list[Reply]:
    requester = _requester(ctx, req)
    ctx.audit("registration.reject", f"request:{req.id}", "done", kind=req.kind)
    what = "chuyển đơn vị" if req.kind == "change_unit" else "đăng ký"
    ctx.notify(requester, Reply(text=f"Yêu cầu {what} ({req.commune.name}) chưa được chấp nhận. Anh/chị có thể "
                                     "liên hệ cán bộ tỉnh để biết thêm."), key=f"reg:{req.id}:decided")
    return [Reply(text=f"Đã từ chối yêu cầu của {req.full_name}.")]


def _approved(ctx: Context, req: RegistrationRequest) -> list[Reply]:
    requester = _requester(ctx, req)
    commune = req.commune
    if req.kind == "change_unit":
        officer = req.officer
        if officer is None or not officer.active:
            req.state = "rejected"
            return [Reply(text="Cán bộ này không còn hoạt động; yêu cầu đã đóng.")]
        old = officer.commune_code
        officer.commune_code = commune.code
        ctx.audit("officer.unit_change", f"officer:{officer.id}", "done", old=old, new=commune.code, request=req.id)
        text = f"Yêu cầu chuyển đơn vị đã được duyệt. Đơn vị mới: {commune.name}, {commune.province.name}."
    else:
        officer = officer_for(ctx, full_name=req.full_name, phone=req.phone, commune_code=commune.code,
                              position=req.position)
        link_user(ctx, requester, officer)
        req.officer_id = officer.id
        ctx.audit("registration.approve", f"request:{req.id}", "done", officer=officer.id, commune=commune.code)
        text = activated(officer) + " Gõ /help để xem các lệnh."
    ctx.notify(requester, Reply(text=text), key=f"reg:{req.id}:decided")
    return [Reply(text=f"Đã duyệt yêu cầu của {req.full_name} ({commune.name}).")]


def register(router: Router) -> None:
    """The supervisors' Approve / Reject buttons."""
    router.callback(Approve, action=ACTION)(decide)
    router.callback(Reject, action=ACTION)(decide)
