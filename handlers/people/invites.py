"""Invite codes: a supervisor makes one for a commune (``/moi``); a new officer uses it as
``/start CODE`` (or types it on Zalo), answers name and position, and is active at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Optional


from core.callbacks import CallbackData
from core.context import Context
from core.permissions import Refused, can, scope, supervised_provinces
from core.router import Router
from core.types import Reply
from handlers.people.register_common import BAD_INVITE, LINK_RE, Registration, activated, link_user, officer_for
from store.models import Commune, InviteCode
from store.people.units import find_communes, unit_index
from store.people.officers import users_of
from store.people.registration import claim_invite_use, invite_by_code

ACTION = "invite.create"
INVITE_DAYS = 7
INVITE_USES = 3
MAX_CHOICES = 5
USAGE = "Gõ /moi kèm tên xã/phường, ví dụ: /moi {example}"
NOT_FOUND = "Không tìm thấy xã/phường này trong tỉnh anh/chị phụ trách."


@dataclass(frozen=True)
class InviteFor(CallbackData, prefix="inv"):
    """The commune a new invite code is for (``inv:<commune code>``)."""

    commune: int
    bad_data_refused: ClassVar[bool] = True  # garbled data is answered "không có quyền", as before


def valid_invite(ctx: Context, code: str) -> Optional[InviteCode]:
    """The invite with this code if it can still be used (not expired, uses left)."""
    invite = invite_by_code(ctx.session, code)
    if invite is None or invite.uses >= invite.max_uses or invite.expires_at <= ctx.now:
        return None
    return invite


def redeem(ctx: Context, data: Registration) -> list[Reply]:
    """The last answer of an invite registration: count the use (once, atomically) and activate."""
    used = data.invite is not None and claim_invite_use(ctx.session, data.invite, now=ctx.now)
    invite = ctx.session.get(InviteCode, data.invite)
    if invite is not None:
        ctx.session.refresh(invite)
    if not used or invite is None:
        ctx.audit("invite.use", f"invite:{data.invite}", "refused")
        return [Reply(text=BAD_INVITE)]
    officer = officer_for(ctx, full_name=data.full_name, phone=data.phone, commune_code=invite.commune_code,
                          position=data.position)
    link_user(ctx, ctx.user, officer)
    ctx.officer = officer
    ctx.audit("invite.use", f"invite:{invite.id}", "done", officer=officer.id, commune=invite.commune_code)
    creator = next(iter(users_of(ctx.session, invite.created_by)), None) if invite.created_by else None
    if creator is not None:
        ctx.notify(creator, Reply(text=f"{officer.full_name} đã đăng ký cán bộ {invite.commune.name} bằng mã mời."),
                   key=f"invite:{invite.id}:used:{officer.id}")
    return [Reply(text=activated(officer), remove_keyboard=True)]


def new_invite_code() -> str:
    """A random invite code that cannot be read as a link code (about one in 1,400 would be)."""
    while True:
        code = secrets.token_urlsafe(9)
        if not LINK_RE.match(code):
            return code


def make_invite(ctx: Context, commune: Commune) -> InviteCode:
    invite = InviteCode(code=new_invite_code(), commune_code=commune.code,
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


async def moi(ctx: Context) -> list[Reply]:
    """/moi TÊN_XÃ: the communes of the supervisor's provinces that match, as buttons."""
    if not can(ctx.officer, ACTION):
        raise Refused(ACTION, "invite")
    query = ctx.msg.args.strip()
    if not query:
        examples = unit_index(ctx.session).example_names(scope(ctx.officer).provinces, 1)
        return [Reply(text=USAGE.format(example=examples[0] if examples else "Tam Đường"))]
    own = sorted(supervised_provinces(ctx.me))
    within = own[0] if len(own) == 1 else None
    provinces = scope(ctx.officer).provinces  # None: an admin, every province
    matches = find_communes(ctx.session, query, within, limit=12, within_province=within is not None)
    if provinces is not None:
        matches = [m for m in matches if m.province_code in provinces]
    if matches:
        floor = max(50.0, matches[0].score - 20)
        matches = [m for m in matches if m.score >= floor][:MAX_CHOICES]
    if not matches:
        return [Reply(text=NOT_FOUND)]
    return [Reply(text="Tạo mã mời cho xã/phường nào?",
                  buttons=[[InviteFor(m.code).button(m.label)] for m in matches])]


async def on_commune(ctx: Context, data: InviteFor) -> list[Reply]:
    """The commune chosen for a new invite code (checked against the supervisor's provinces)."""
    commune = ctx.session.get(Commune, data.commune)
    if commune is None:
        raise Refused(ACTION, ctx.msg.button or "", reason="unknown commune")
    if not can(ctx.officer, ACTION, commune=commune):
        raise Refused(ACTION, f"commune:{commune.code}")
    invite = make_invite(ctx, commune)
    return [Reply(text=invite_text(ctx, invite, commune))]


def register(router: Router) -> None:
    """/moi and its commune buttons."""
    router.command("moi", "Tạo mã mời đăng ký cho một xã (cán bộ tỉnh)", public=False, action=ACTION)(moi)
    router.callback(InviteFor, action=ACTION)(on_commune)
