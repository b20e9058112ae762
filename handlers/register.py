"""Registration: /start, sharing a phone contact, the request dialog, approvals, invites, blocking.

A user who shares their own number and is on an imported list becomes active at once.
Anyone else files a request (province → commune → full name → position) that the
supervisors of that province approve or reject with buttons. A supervisor can also make
a deep-link invite code for one commune (``/moi``), used as ``/start CODE``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any, Optional

from sqlalchemy import select, update

from core import messages
from core.choices import NO_CONTACT_CHANNELS
from core.callbacks import button_number
from core.context import Context
from handlers.help import GREETING, help_text
from core.permissions import refuse, require, scope
from core.router import Router
from core.types import Button, Reply
from store.models import Commune, InviteCode, Officer, RegistrationRequest, User
from store.officers import ROLE_LABELS, approvers, by_phone, by_telegram_id, unit_label
from store.phones import mask_phone, normalize_phone
from store.units import find_communes, find_provinces, unit_index

log = logging.getLogger(__name__)

DIALOG = "reg"
INVITE_DAYS = 7
INVITE_USES = 3
POSITIONS = ["Văn phòng - Thống kê", "Phụ trách thi đua - khen thưởng", "Lãnh đạo UBND xã/phường"]

SHARE_LABEL = "📱 Chia sẻ số điện thoại"
OFFER = ("Để làm báo cáo và nhận nhắc hạn, anh/chị cần đăng ký cán bộ. "
         "Bấm nút “Chia sẻ số điện thoại” bên dưới để xác nhận.\n"
         "Chưa đăng ký vẫn có thể hỏi về các văn bản, phong trào thi đua.")
# Zalo cannot share a verified phone number: an invite code or a request for approval.
OFFER_TYPED = ("Để làm báo cáo và nhận nhắc hạn, anh/chị cần đăng ký cán bộ: gõ mã mời do cán bộ tỉnh gửi "
               "(nếu có), hoặc gõ /dangky để khai báo và chờ duyệt. Đã đăng ký trên Telegram thì gõ /lienket ở đó.\n"
               "Chưa đăng ký vẫn có thể hỏi về các văn bản, phong trào thi đua.")
ASK_PROVINCE = "Anh/chị công tác ở tỉnh/thành phố nào? Gõ tên, ví dụ: Điện Biên."
ASK_COMMUNE = "{province}: anh/chị công tác ở xã/phường nào? Gõ tên, ví dụ: Tuần Giáo."
ASK_NAME = "Họ và tên đầy đủ của anh/chị?"
ASK_POSITION = "Chức vụ của anh/chị? Chọn bên dưới hoặc gõ."
PENDING = "Yêu cầu đăng ký của anh/chị đang chờ cán bộ phụ trách duyệt. Anh/chị sẽ được báo khi có kết quả."
DECIDED = "Yêu cầu này đã được xử lý."
BAD_INVITE = "Mã mời không hợp lệ hoặc đã hết hạn. Anh/chị hãy xin mã mới từ cán bộ phụ trách tỉnh."
SUSPENDED = "Tài khoản cán bộ của anh/chị đang tạm ngừng. Vui lòng liên hệ cán bộ phụ trách tỉnh."


def offer(ctx: Context) -> Reply:
    """How to register on this channel: share the phone number, or type a code / request."""
    if ctx.user.channel in NO_CONTACT_CHANNELS:
        return Reply(text=OFFER_TYPED)
    return Reply(text=OFFER, request_contact=SHARE_LABEL)


def _state(ctx: Context) -> Optional[dict[str, Any]]:
    state = ctx.dialog()
    return dict(state.data) if state is not None and state.name == DIALOG else None


def welcome(router: Router, ctx: Context, officer: Officer, first: str = "") -> list[Reply]:
    """Greeting for an active officer, with the commands they may use."""
    head = first or f"Xin chào {officer.full_name}!"
    return [Reply(text=f"{head}\n{GREETING}\n\n{help_text(router, officer)}", remove_keyboard=True)]


def _activated(officer: Officer) -> str:
    return (f"Đăng ký thành công. Xin chào {officer.full_name} – {ROLE_LABELS.get(officer.role, officer.role)}, "
            f"{unit_label(officer)}.")


def link_user(ctx: Context, user: User, officer: Officer) -> None:
    """Attach a channel account to an officer (and remember the Telegram id)."""
    user.officer_id = officer.id
    if user.channel == "telegram" and officer.telegram_id is None and by_telegram_id(ctx.session, user.external_id) is None:
        officer.telegram_id = user.external_id


def pending_request(ctx: Context, user: User, kind: str = "register") -> Optional[RegistrationRequest]:
    return ctx.session.scalar(select(RegistrationRequest).where(
        RegistrationRequest.user_id == user.id, RegistrationRequest.state == "pending",
        RegistrationRequest.kind == kind))


# -- the request dialog ------------------------------------------------------
def begin(ctx: Context, *, kind: str = "register", phone: Optional[str] = None,
          claimed_phone: Optional[str] = None, lead: str = "") -> list[Reply]:
    """Start asking province → commune (→ name → position for a new officer)."""
    ctx.set_dialog(DIALOG, {"step": "province", "kind": kind, "phone": phone, "claimed": claimed_phone})
    text = f"{lead}\n{ASK_PROVINCE}" if lead else ASK_PROVINCE
    return [Reply(text=text + "\n(Gõ /huy để dừng.)", remove_keyboard=True)]


def _ask_commune(ctx: Context, data: dict[str, Any], province: int) -> list[Reply]:
    data.update(step="commune", province=province, candidates=[])
    ctx.set_dialog(DIALOG, data)
    name = unit_index(ctx.session).province_names.get(province, "")
    return [Reply(text=ASK_COMMUNE.format(province=name))]


def _province_typed(ctx: Context, data: dict[str, Any], text: str) -> list[Reply]:
    matches = find_provinces(ctx.session, text, limit=3)
    if matches and matches[0].score >= 90 and (len(matches) < 2 or matches[0].score - matches[1].score >= 5):
        return _ask_commune(ctx, data, matches[0].code)
    matches = [m for m in matches if m.score >= 50]
    if not matches:
        return [Reply(text="Không tìm thấy tỉnh/thành phố này. Anh/chị gõ lại tên tỉnh, ví dụ: Lai Châu.")]
    data["candidates"] = [m.code for m in matches]
    ctx.set_dialog(DIALOG, data)
    return [Reply(text="Anh/chị chọn tỉnh/thành phố:",
                  buttons=[[Button(m.name, f"reg:prov:{m.code}")] for m in matches])]


def _commune_typed(ctx: Context, data: dict[str, Any], text: str) -> list[Reply]:
    matches = find_communes(ctx.session, text, data["province"], limit=5, within_province=True)
    matches = [m for m in matches if m.score >= max(50.0, matches[0].score - 20)] if matches else []
    if not matches:
        return [Reply(text="Không tìm thấy xã/phường này trong tỉnh. Anh/chị gõ lại tên xã/phường.")]
    data["candidates"] = [m.code for m in matches]
    ctx.set_dialog(DIALOG, data)
    rows = [[Button(m.name, f"reg:com:{m.code}")] for m in matches]
    rows.append([Button("Không có trong danh sách – gõ lại", "reg:com:0")])
    return [Reply(text="Anh/chị chọn đúng xã/phường của mình:", buttons=rows)]


def _after_commune(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    if data["kind"] == "change_unit":
        return _submit(ctx, data)
    data["step"] = "name"
    ctx.set_dialog(DIALOG, data)
    commune = ctx.session.get(Commune, data["commune"])
    return [Reply(text=f"Đã chọn {commune.name}. {ASK_NAME}")]


def _name_typed(ctx: Context, data: dict[str, Any], text: str) -> list[Reply]:
    name = " ".join(text.split())
    if not (4 <= len(name) <= 100) or any(ch.isdigit() for ch in name) or " " not in name:
        return [Reply(text="Anh/chị gõ đầy đủ họ và tên (chỉ chữ), ví dụ: Nguyễn Thị Lan.")]
    data.update(step="position", full_name=name)
    ctx.set_dialog(DIALOG, data)
    return [Reply(text=ASK_POSITION, buttons=[[Button(p, f"reg:pos:{i}")] for i, p in enumerate(POSITIONS)])]


def _position_given(ctx: Context, data: dict[str, Any], position: str) -> list[Reply]:
    position = " ".join(position.split())[:200]
    if len(position) < 2:
        return [Reply(text=ASK_POSITION)]
    data["position"] = position
    if data["kind"] == "invite":
        return _use_invite(ctx, data)
    return _submit(ctx, data)


def _submit(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    """File the request and send it to the province's supervisors."""
    ctx.clear_dialog()
    if data["kind"] == "change_unit" and ctx.officer is None:
        return refuse(ctx, "unit.change", "dialog")  # deactivated while the dialog was open
    commune = ctx.session.get(Commune, data["commune"])
    req = RegistrationRequest(
        user_id=ctx.user.id, kind=data["kind"], officer_id=ctx.officer.id if data["kind"] == "change_unit" else None,
        province_code=commune.province_code, commune_code=commune.code,
        full_name=data.get("full_name") or (ctx.officer.full_name if ctx.officer else ""),
        position=data.get("position") or (ctx.officer.position if ctx.officer else ""),
        phone=data.get("phone"), state="pending", created_at=ctx.now,
        detail={"claimed_phone": data.get("claimed")} if data.get("claimed") else {})
    ctx.session.add(req)
    ctx.session.flush()
    ctx.audit(f"registration.{req.kind}", f"request:{req.id}", "pending", commune=commune.code)
    targets = approvers(ctx.session, commune.province_code)
    for user in targets:
        ctx.notify(user, request_notice(ctx, req, commune), key=f"reg:{req.id}:ask:{user.id}")
    where = f"{commune.name}, {commune.province.name}"
    if data["kind"] == "change_unit":
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
    return Reply(text=head, buttons=[[Button("Duyệt", f"reg:ok:{req.id}"), Button("Từ chối", f"reg:no:{req.id}")]])


# -- invites -----------------------------------------------------------------
def _invite_valid(ctx: Context, invite: Optional[InviteCode]) -> bool:
    return invite is not None and invite.uses < invite.max_uses and invite.expires_at > ctx.now


def start_invite(ctx: Context, code: str) -> list[Reply]:
    invite = ctx.session.scalar(select(InviteCode).where(InviteCode.code == code[:32]))
    if not _invite_valid(ctx, invite):
        ctx.audit("invite.use", f"code:{code[:40]}", "refused")
        return [Reply(text=BAD_INVITE), offer(ctx)]
    ctx.set_dialog(DIALOG, {"step": "name", "kind": "invite", "invite": invite.id, "commune": invite.commune_code,
                            "province": invite.commune.province_code, "phone": ctx.user.phone})
    return [Reply(text=f"Mã mời cho cán bộ {invite.commune.name}, {invite.commune.province.name}.\n{ASK_NAME}"
                       "\n(Gõ /huy để dừng.)", remove_keyboard=True)]


def _use_invite(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    ctx.clear_dialog()
    invite = ctx.session.get(InviteCode, data["invite"])
    used = ctx.session.execute(
        update(InviteCode).where(InviteCode.id == data["invite"], InviteCode.uses < InviteCode.max_uses,
                                 InviteCode.expires_at > ctx.now)
        .values(uses=InviteCode.uses + 1).execution_options(synchronize_session=False)).rowcount
    if invite is not None:
        ctx.session.refresh(invite)
    if used != 1:
        ctx.audit("invite.use", f"invite:{data['invite']}", "refused")
        return [Reply(text=BAD_INVITE)]
    phone = data.get("phone")
    officer = by_phone(ctx.session, phone) if phone else None
    if officer is None:
        officer = Officer(full_name=data["full_name"], phone=phone, role="officer", commune_code=invite.commune_code,
                          position=data["position"], active=True, created_at=ctx.now)
        ctx.session.add(officer)
        ctx.session.flush()
    link_user(ctx, ctx.user, officer)
    ctx.officer = officer
    ctx.audit("invite.use", f"invite:{invite.id}", "done", officer=officer.id, commune=invite.commune_code)
    creator = ctx.session.scalars(select(User).where(User.officer_id == invite.created_by)).first() \
        if invite.created_by else None
    if creator is not None:
        ctx.notify(creator, Reply(text=f"{officer.full_name} đã đăng ký cán bộ {invite.commune.name} bằng mã mời."),
                   key=f"invite:{invite.id}:used:{officer.id}")
    return [Reply(text=_activated(officer), remove_keyboard=True)]


def make_invite(ctx: Context, commune: Commune) -> InviteCode:
    invite = InviteCode(code=secrets.token_urlsafe(9), commune_code=commune.code,
                        created_by=ctx.officer.id if ctx.officer else None, created_at=ctx.now,
                        expires_at=ctx.now + timedelta(days=INVITE_DAYS), max_uses=INVITE_USES, uses=0)
    ctx.session.add(invite)
    ctx.session.flush()
    ctx.audit("invite.create", f"commune:{commune.code}", "done", invite=invite.id)
    return invite


def invite_text(ctx: Context, invite: InviteCode, commune: Commune) -> str:
    bot_name = ctx.services.telegram_username
    link = f"https://t.me/{bot_name}?start={invite.code}" if bot_name else f"/start {invite.code}"
    return (f"Mã mời cho {commune.name}, {commune.province.name}: {invite.code}\n"
            f"Gửi cho cán bộ xã: {link}\n"
            f"Trên Zalo: cán bộ xã gõ {invite.code} trong chat với bot.\n"
            f"Dùng được {invite.max_uses} lần, trong {INVITE_DAYS} ngày.")


# -- decisions ---------------------------------------------------------------
def _decide(ctx: Context, req_id: int, approve: bool) -> list[Reply]:
    req = ctx.session.get(RegistrationRequest, req_id)
    if req is None:
        ctx.audit("registration.decide", f"request:{req_id}", "refused", reason="unknown")
        return messages.text(messages.STALE_BUTTON)
    refused = require(ctx, "officer.approve", province_code=req.province_code, target=f"request:{req.id}")
    if refused:
        return refused
    # A conditional UPDATE: two supervisors pressing at once cannot both decide.
    claimed = ctx.session.execute(
        update(RegistrationRequest).where(RegistrationRequest.id == req.id, RegistrationRequest.state == "pending")
        .values(state="approved" if approve else "rejected", decided_at=ctx.now, decided_by=ctx.officer.id)
        .execution_options(synchronize_session=False)).rowcount
    ctx.session.refresh(req)
    if claimed != 1:
        return messages.text(DECIDED)
    requester = ctx.session.get(User, req.user_id)
    commune = req.commune
    if not approve:
        ctx.audit("registration.reject", f"request:{req.id}", "done", kind=req.kind)
        ctx.notify(requester, Reply(text=f"Yêu cầu {'chuyển đơn vị' if req.kind == 'change_unit' else 'đăng ký'} "
                                         f"({commune.name}) chưa được chấp nhận. Anh/chị có thể liên hệ cán bộ "
                                         "phụ trách tỉnh để biết thêm."), key=f"reg:{req.id}:decided")
        return [Reply(text=f"Đã từ chối yêu cầu của {req.full_name}.")]
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
        officer = by_phone(ctx.session, req.phone) if req.phone else None
        if officer is None:
            officer = Officer(full_name=req.full_name, phone=req.phone, role="officer", commune_code=commune.code,
                              position=req.position, active=True, created_at=ctx.now)
            ctx.session.add(officer)
            ctx.session.flush()
        link_user(ctx, requester, officer)
        req.officer_id = officer.id
        ctx.audit("registration.approve", f"request:{req.id}", "done", officer=officer.id, commune=commune.code)
        text = _activated(officer) + " Gõ /help để xem các lệnh."
    ctx.notify(requester, Reply(text=text), key=f"reg:{req.id}:decided")
    return [Reply(text=f"Đã duyệt yêu cầu của {req.full_name} ({commune.name}).")]


def register(router: Router) -> None:
    """Adds /start (registration), contact sharing, the request dialog, approvals, /moi and blocking."""

    async def start(ctx: Context) -> list[Reply]:
        """Greets officers; offers registration to strangers; handles invite codes."""
        code = ctx.msg.args.strip()
        if ctx.officer is not None:
            extra = "Anh/chị đã đăng ký rồi; không cần dùng mã mời." if code else ""
            return welcome(router, ctx, ctx.officer, extra)
        if ctx.user.officer_id is not None:
            return [Reply(text=SUSPENDED)]
        if ctx.user.channel == "telegram":
            listed = by_telegram_id(ctx.session, ctx.user.external_id)
            if listed is not None and listed.active:
                link_user(ctx, ctx.user, listed)
                ctx.officer = listed
                ctx.audit("registration.telegram_id", f"officer:{listed.id}", "done")
                return welcome(router, ctx, listed, _activated(listed))
        if code:
            return start_invite(ctx, code)
        if pending_request(ctx, ctx.user) is not None:
            return [Reply(text=PENDING)]
        first = offer(ctx)
        return [Reply(text=f"{GREETING}\n\n{first.text}", request_contact=first.request_contact)]

    async def contact(ctx: Context) -> list[Reply]:
        """A shared phone contact: the user's own and listed → active; otherwise a request."""
        shared = ctx.msg.contact
        if ctx.officer is not None:
            return [Reply(text="Anh/chị đã đăng ký rồi. Gõ /toi để xem thông tin.", remove_keyboard=True)]
        phone = normalize_phone(shared.phone)
        if phone is None:
            return [Reply(text="Số điện thoại này không hợp lệ. Anh/chị bấm lại nút chia sẻ số điện thoại.",
                          request_contact=SHARE_LABEL)]
        if pending_request(ctx, ctx.user) is not None:
            return [Reply(text=PENDING, remove_keyboard=True)]
        own = shared.external_id is not None and shared.external_id == ctx.msg.user.external_id
        if not own:
            ctx.audit("registration.contact", f"phone:{mask_phone(phone)}", "foreign_contact")
            return begin(ctx, claimed_phone=phone, lead="Đây không phải số điện thoại của chính tài khoản này, "
                                                        "nên cần cán bộ phụ trách duyệt.")
        ctx.user.phone = phone
        officer = by_phone(ctx.session, phone)
        if officer is not None and officer.active:
            link_user(ctx, ctx.user, officer)
            ctx.officer = officer
            ctx.audit("registration.contact", f"officer:{officer.id}", "matched")
            return welcome(router, ctx, officer, _activated(officer))
        if officer is not None:
            ctx.audit("registration.contact", f"officer:{officer.id}", "refused", reason="inactive")
            return [Reply(text=SUSPENDED, remove_keyboard=True)]
        ctx.audit("registration.contact", f"phone:{mask_phone(phone)}", "unlisted")
        return begin(ctx, phone=phone, lead="Số điện thoại chưa có trong danh sách cán bộ. "
                                            "Anh/chị khai báo để cán bộ phụ trách tỉnh duyệt.")

    async def dialog(ctx: Context) -> list[Reply]:
        """Typed answers in the registration dialog."""
        data = _state(ctx) or {}
        text = (ctx.msg.text or "").strip()
        if not text:
            return [Reply(text="Anh/chị trả lời bằng chữ, hoặc gõ /huy để dừng.")]
        step = data.get("step")
        if step == "province":
            return _province_typed(ctx, data, text)
        if step == "commune":
            return _commune_typed(ctx, data, text)
        if step == "name":
            return _name_typed(ctx, data, text)
        if step == "position":
            return _position_given(ctx, data, text)
        ctx.clear_dialog()
        return messages.text(messages.CANCELLED)

    async def cancel(ctx: Context) -> list[Reply]:
        """/huy in the dialog."""
        ctx.clear_dialog()
        return [Reply(text="Đã dừng khai báo. Gõ /start để đăng ký lại khi cần.", remove_keyboard=True)]

    async def button(ctx: Context) -> list[Reply]:
        """Province/commune/position choices and the supervisors' Approve / Reject."""
        parts = (ctx.msg.button or "").split(":")
        action, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        magnitude = button_number(value.removeprefix("-"))
        if magnitude is None:
            ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        number = -magnitude if value.startswith("-") else magnitude
        if action in ("ok", "no"):
            return _decide(ctx, number, action == "ok")
        data = _state(ctx)
        expected = {"prov": "province", "com": "commune", "pos": "position"}.get(action)
        if data is None or expected is None or data.get("step") != expected:
            ctx.audit("button.stale", (ctx.msg.button or "")[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        if action == "pos":
            if not 0 <= number < len(POSITIONS):
                return refuse(ctx, "button.forged", ctx.msg.button or "")
            return _position_given(ctx, data, POSITIONS[number])
        if action == "com" and number == 0:
            data["candidates"] = []
            ctx.set_dialog(DIALOG, data)
            return [Reply(text="Anh/chị gõ lại tên xã/phường (có thể gõ không dấu).")]
        if number not in data.get("candidates", []):
            ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused", offered=data.get("candidates"))
            return [Reply(text="Lựa chọn này không có trong danh sách vừa gửi. Anh/chị chọn lại hoặc gõ lại tên.")]
        if action == "prov":
            return _ask_commune(ctx, data, number)
        data["commune"] = number
        return _after_commune(ctx, data)

    async def invite_cmd(ctx: Context) -> list[Reply]:
        """/moi TÊN_XÃ: an invite code for one commune (supervisors)."""
        refused = require(ctx, "invite.create", target="invite")
        if refused:
            return refused
        query = ctx.msg.args.strip()
        if not query:
            return [Reply(text="Gõ /moi kèm tên xã/phường, ví dụ: /moi Tuần Giáo")]
        provinces = sorted(p.province_code for p in ctx.officer.provinces)
        within = provinces[0] if len(provinces) == 1 else None
        matches = find_communes(ctx.session, query, within, limit=12, within_province=within is not None)
        if not scope(ctx.officer).everywhere:
            matches = [m for m in matches if m.province_code in provinces]
        matches = [m for m in matches if m.score >= max(50.0, matches[0].score - 20)][:5] if matches else []
        if not matches:
            return [Reply(text="Không tìm thấy xã/phường này trong tỉnh anh/chị phụ trách.")]
        return [Reply(text="Tạo mã mời cho xã/phường nào?",
                      buttons=[[Button(m.label, f"inv:{m.code}")] for m in matches])]

    async def invite_button(ctx: Context) -> list[Reply]:
        """The commune chosen for a new invite code."""
        value = (ctx.msg.button or "").partition(":")[2]
        code = button_number(value)
        commune = ctx.session.get(Commune, code) if code is not None else None
        if commune is None:
            return refuse(ctx, "invite.create", ctx.msg.button or "", reason="unknown commune")
        refused = require(ctx, "invite.create", commune=commune)
        if refused:
            return refused
        invite = make_invite(ctx, commune)
        return [Reply(text=invite_text(ctx, invite, commune))]

    async def membership(ctx: Context) -> list[Reply]:
        """The user blocked the bot (skip them) or came back."""
        blocked = ctx.msg.membership == "blocked"
        ctx.user.reachable = not blocked
        ctx.audit("user.blocked" if blocked else "user.unblocked", f"user:{ctx.user.id}", "done")
        return []

    router.on_start = start
    router.on_contact = contact
    router.on_membership = membership
    router.dialog(DIALOG, on_cancel=cancel)(dialog)
    router.button("reg")(button)
    router.button("inv")(invite_button)
    router.command("moi", "Tạo mã mời đăng ký cho một xã (cán bộ tỉnh)", public=False,
                   action="invite.create")(invite_cmd)
