"""/toi (my profile, change of unit) and /canbo (supervisors: officers of a commune, deactivation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


from core import messages
from core.callbacks import CallbackData
from core.context import Context
from core.permissions import Refused, Role, can, role_of, scope
from core.router import Router
from handlers.people.approvals import request_notice
from handlers.people.register import begin
from handlers.people.register_common import SUSPENDED, pending_request
from core.types import Reply
from store.models import Commune, Officer
from store.people.leavers import remove_officer
from store.people.officers import (ROLE_LABELS, commune_officers, officer_counts, reachable_officer_ids, set_active,
                                   unit_label, users_of)
from store.people.units import find_communes
from store.people.registration import pending_requests

MAX_PENDING_SHOWN = 10
LEFT_NOTICE = "Tài khoản cán bộ của anh/chị đã ngừng vì anh/chị không còn phụ trách. Cảm ơn anh/chị."


@dataclass(frozen=True)
class MoveUnit(CallbackData, prefix="me", action="move"):
    bad_data_refused: ClassVar[bool] = True


@dataclass(frozen=True)
class ListCommune(CallbackData, prefix="cb", action="c"):
    commune: int
    bad_data_refused: ClassVar[bool] = True


@dataclass(frozen=True)
class OfficerButton(CallbackData):
    """A supervisor's button on one officer (not a button itself); garbled data is refused."""

    officer: int
    bad_data_refused: ClassVar[bool] = True


@dataclass(frozen=True)
class Deactivate(OfficerButton, prefix="cb", action="off"):
    pass


@dataclass(frozen=True)
class Reactivate(OfficerButton, prefix="cb", action="on"):
    pass


@dataclass(frozen=True)
class Remove(OfficerButton, prefix="cb", action="rm"):
    """The officer left: asks for confirmation."""


@dataclass(frozen=True)
class ConfirmRemove(OfficerButton, prefix="cb", action="rmy"):
    pass


def profile_text(officer: Officer) -> str:
    lines = [f"Họ tên: {officer.full_name}", f"Vai trò: {ROLE_LABELS.get(officer.role, officer.role)}",
             f"Đơn vị: {unit_label(officer) or '—'}"]
    if officer.position:
        lines.append(f"Chức vụ: {officer.position}")
    lines.append(f"Số điện thoại: {officer.phone or '—'}")
    return "\n".join(lines)


def _commune_listing(ctx: Context, commune: Commune) -> list[Reply]:
    officers = commune_officers(ctx.session, commune.code)
    linked = reachable_officer_ids(ctx.session, [o.id for o in officers])
    if not officers:
        return [Reply(text=f"{commune.name}, {commune.province.name}: chưa có cán bộ nào. "
                           "Dùng /moi để tạo mã mời.")]
    lines = [f"Cán bộ {commune.name}, {commune.province.name}:"]
    rows = []
    for o in officers[:20]:
        state = "đang hoạt động" if o.active else "tạm ngừng"
        bot = "đã dùng bot" if o.id in linked else "chưa dùng bot"
        phone = (o.phone or "—") if o.active else "ẩn số"  # a suspended officer's phone is not shown
        # Bullets, not numbers: the numbers on Zalo and the console belong to the actions below,
        # which name the officer they act on.
        lines.append(f"• {o.full_name} – {o.position or 'cán bộ'} – {phone} ({state}, {bot})")
        if o.active:
            rows.append([Deactivate(o.id).button(f"Tạm ngừng: {o.full_name}"[:60])])
        else:
            rows.append([Reactivate(o.id).button(f"Cho hoạt động lại: {o.full_name}"[:60])])
        rows[-1].append(Remove(o.id).button(f"Đã nghỉ: {o.full_name}"[:60]))
    if len(officers) > 20:
        lines.append(f"… và {len(officers) - 20} cán bộ khác.")
    return [Reply(text="\n".join(lines), buttons=rows)]


def _leaver(ctx: Context, target: Officer, *, confirmed: bool) -> list[Reply]:
    """An officer who left: confirm, then deactivate and schedule the erasure of their data."""
    days = ctx.services.settings.officer_erase_after_days
    if target.removed_at is not None:
        return [Reply(text=f"{target.full_name} đã được ghi là nghỉ rồi.")]
    if not confirmed:
        return [Reply(text=f"{target.full_name} đã nghỉ việc? Tài khoản ngừng ngay; họ tên, số điện thoại và "
                           f"tài khoản chat bị xóa sau {days} ngày. Báo cáo của xã vẫn giữ.",
                      buttons=[[ConfirmRemove(target.id).button("Xác nhận đã nghỉ")]])]
    remove_officer(ctx.session, target, now=ctx.now, actor_user_id=ctx.user.id, actor_officer_id=ctx.me.id,
                   reason="supervisor")
    for user in users_of(ctx.session, target.id):
        ctx.notify(user, Reply(text=LEFT_NOTICE), key=f"officer:{target.id}:rm:{user.id}")
    return [Reply(text=f"Đã ghi {target.full_name} nghỉ việc; thông tin cá nhân sẽ xóa sau {days} ngày.")]


# -- /toi -------------------------------------------------------------------------------------
async def me(ctx: Context) -> list[Reply]:
    """Shows my profile and unit."""
    if ctx.officer is None:
        if ctx.user.officer_id is not None:
            return [Reply(text=SUSPENDED)]
        text = messages.NOT_REGISTERED
        if pending_request(ctx, ctx.user) is not None:
            text = "Yêu cầu đăng ký của anh/chị đang chờ duyệt."
        return [Reply(text=text)]
    if not can(ctx.officer, "profile.view"):
        raise Refused("profile.view")
    text = profile_text(ctx.officer)
    buttons = []
    if role_of(ctx.officer) is Role.OFFICER:
        if pending_request(ctx, ctx.user, "change_unit") is not None:
            text += "\nYêu cầu chuyển đơn vị đang chờ duyệt."
        else:
            buttons = [[MoveUnit().button("Đổi đơn vị công tác")]]
    return [Reply(text=text, buttons=buttons)]


async def move(ctx: Context, data: MoveUnit) -> list[Reply]:
    """Starts a change-of-unit request (approved by the new province's supervisors)."""
    if not can(ctx.officer, "unit.change"):
        raise Refused("unit.change", f"officer:{ctx.officer.id if ctx.officer else '-'}")
    if pending_request(ctx, ctx.user, "change_unit") is not None:
        return [Reply(text="Yêu cầu chuyển đơn vị của anh/chị đang chờ duyệt.")]
    return begin(ctx, kind="change_unit", lead="Chuyển đơn vị công tác (cần cán bộ phụ trách duyệt).")


# -- /canbo ------------------------------------------------------------------------------------
async def officers(ctx: Context) -> list[Reply]:
    """Supervisors: pending requests, or the officers of one commune (/canbo TÊN_XÃ)."""
    if not can(ctx.officer, "officer.list"):
        raise Refused("officer.list", "officers")
    provinces = scope(ctx.officer).provinces
    query = ctx.msg.args.strip()
    return _find_commune(ctx, query, provinces) if query else _overview(ctx, provinces)


def _find_commune(ctx: Context, query: str, provinces: frozenset[int] | None) -> list[Reply]:
    within = next(iter(provinces)) if provinces and len(provinces) == 1 else None
    matches = find_communes(ctx.session, query, within, limit=12, within_province=within is not None)
    matches = [m for m in matches if m.score >= 50 and (provinces is None or m.province_code in provinces)][:5]
    if not matches:
        return [Reply(text="Không tìm thấy xã/phường này trong tỉnh anh/chị phụ trách.")]
    best = ctx.session.get(Commune, matches[0].code)
    if best is not None and matches[0].score >= 95 and (len(matches) < 2 or matches[0].score - matches[1].score >= 5):
        return _commune_listing(ctx, best)
    return [Reply(text="Anh/chị chọn xã/phường:",
                  buttons=[[ListCommune(m.code).button(m.label)] for m in matches])]


def _overview(ctx: Context, provinces: frozenset[int] | None) -> list[Reply]:
    """Counts of officers and the pending requests (with their Approve / Reject buttons)."""
    pending = pending_requests(ctx.session, provinces, MAX_PENDING_SHOWN)
    counts = officer_counts(ctx.session, provinces)
    text = (f"Cán bộ xã/phường: {counts.get(True, 0)} đang hoạt động, {counts.get(False, 0)} tạm ngừng.\n"
            f"Yêu cầu chờ duyệt: {len(pending)}{'+' if len(pending) == MAX_PENDING_SHOWN else ''}.\n"
            "Gõ /canbo TÊN_XÃ để xem cán bộ của một xã.")
    return [Reply(text=text)] + [request_notice(ctx, r, r.commune) for r in pending]


async def commune_button(ctx: Context, data: ListCommune) -> list[Reply]:
    """A commune to list."""
    commune = ctx.session.get(Commune, data.commune)
    if commune is None:
        raise Refused("officer.list", ctx.msg.button or "", reason="unknown commune")
    if not can(ctx.officer, "officer.list", commune=commune):
        raise Refused("officer.list", f"commune:{commune.code}")
    return _commune_listing(ctx, commune)


async def officer_button(ctx: Context, data: Deactivate | Reactivate | Remove | ConfirmRemove) -> list[Reply]:
    """An officer to deactivate / reactivate, or who left (remove, after a confirmation)."""
    target = ctx.session.get(Officer, data.officer)
    if target is None:
        raise Refused("officer.deactivate", f"officer:{data.officer}", reason="unknown officer")
    if target.role != Role.OFFICER and not scope(ctx.officer).everywhere:
        raise Refused("officer.deactivate", f"officer:{target.id}", reason="not a commune officer")
    if not can(ctx.officer, "officer.deactivate", commune=target.commune):
        raise Refused("officer.deactivate", f"officer:{target.id}")
    if target.id == ctx.me.id:
        return [Reply(text="Anh/chị không thể tự tạm ngừng tài khoản của mình.")]
    if isinstance(data, (Remove, ConfirmRemove)):
        return _leaver(ctx, target, confirmed=isinstance(data, ConfirmRemove))
    if target.removed_at is not None:
        return messages.text(messages.STALE_BUTTON)
    return _set_active(ctx, target, active=isinstance(data, Reactivate))


def _set_active(ctx: Context, target: Officer, *, active: bool) -> list[Reply]:
    changed = set_active(ctx.session, target, active, now=ctx.now, actor_user_id=ctx.user.id,
                         actor_officer_id=ctx.me.id)
    if not changed:
        return [Reply(text=f"{target.full_name} đã ở trạng thái này rồi.")]
    note = ("Tài khoản cán bộ của anh/chị đã được mở lại. Gõ /help để xem các lệnh." if active else SUSPENDED)
    action = "on" if active else "off"
    for user in users_of(ctx.session, target.id):
        ctx.notify(user, Reply(text=note), key=f"officer:{target.id}:{action}:{ctx.now.timestamp()}:{user.id}")
    return [Reply(text=f"Đã {'mở lại' if active else 'tạm ngừng'} tài khoản của {target.full_name}.")]


def register(router: Router) -> None:
    """Adds /toi, the change-of-unit request and /canbo (each button checks its unit itself)."""
    router.command("toi", "Thông tin của tôi", listed_for="profile.view")(me)
    router.callback(MoveUnit)(move)
    router.command("canbo", "Cán bộ các xã và yêu cầu chờ duyệt (cán bộ tỉnh)", public=False,
                   action="officer.list")(officers)
    router.callback(ListCommune)(commune_button)
    for button in (Deactivate, Reactivate, Remove, ConfirmRemove):
        router.callback(button)(officer_button)
