"""/start, a shared phone contact, and blocking the bot: how a chat account meets an officer.

A user who shares their own number and is on an imported list becomes active at once; a
listed Telegram id is recognised on /start; anyone else gets the registration dialog
(handlers/people/register.py), or an invite code's (``/start CODE``).
"""

from __future__ import annotations

from functools import partial

from core.context import Context
from core.router import Router
from core.types import Reply
from handlers.help import GREETING, help_text
from handlers.people.register import begin, start_invite
from handlers.people.register_common import PENDING, SHARE_LABEL, SUSPENDED, activated, link_user, offer, pending_request
from store.models import Officer
from store.people.officers import by_phone, by_telegram_id
from store.people.phones import mask_phone, normalize_phone

ALREADY = "Anh/chị đã đăng ký rồi. Gõ /toi để xem thông tin."
BAD_PHONE = "Số điện thoại này không hợp lệ. Anh/chị bấm lại nút chia sẻ số điện thoại."
FOREIGN_CONTACT = "Đây không phải số điện thoại của chính tài khoản này, nên cần cán bộ phụ trách duyệt."
UNLISTED = "Số điện thoại chưa có trong danh sách cán bộ. Anh/chị khai báo để cán bộ phụ trách tỉnh duyệt."


def welcome(router: Router, officer: Officer, first: str = "") -> list[Reply]:
    """Greeting for an active officer, with the commands they may use."""
    head = first or f"Xin chào {officer.full_name}!"
    return [Reply(text=f"{head}\n{GREETING}\n\n{help_text(router, officer)}", remove_keyboard=True)]


async def start(router: Router, ctx: Context) -> list[Reply]:
    """Greets officers; offers registration to strangers; handles invite codes."""
    code = ctx.msg.args.strip()
    if ctx.officer is not None:
        return welcome(router, ctx.officer, "Anh/chị đã đăng ký rồi; không cần dùng mã mời." if code else "")
    if ctx.user.officer_id is not None:
        return [Reply(text=SUSPENDED)]
    if ctx.user.channel == "telegram":
        listed = by_telegram_id(ctx.session, ctx.user.external_id)
        if listed is not None and listed.active:
            link_user(ctx, ctx.user, listed)
            ctx.officer = listed
            ctx.audit("registration.telegram_id", f"officer:{listed.id}", "done")
            return welcome(router, listed, activated(listed))
    if code:
        return start_invite(ctx, code)
    if pending_request(ctx, ctx.user) is not None:
        return [Reply(text=PENDING)]
    first = offer(ctx)
    return [Reply(text=f"{GREETING}\n\n{first.text}", request_contact=first.request_contact)]


async def contact(router: Router, ctx: Context) -> list[Reply]:
    """A shared phone contact: the user's own and listed → active; otherwise a request."""
    shared = ctx.msg.contact
    if ctx.officer is not None:
        return [Reply(text=ALREADY, remove_keyboard=True)]
    phone = normalize_phone(shared.phone) if shared is not None else None
    if shared is None or phone is None:
        return [Reply(text=BAD_PHONE, request_contact=SHARE_LABEL)]
    if pending_request(ctx, ctx.user) is not None:
        return [Reply(text=PENDING, remove_keyboard=True)]
    if shared.external_id is None or shared.external_id != ctx.msg.user.external_id:
        ctx.audit("registration.contact", f"phone:{mask_phone(phone)}", "foreign_contact")
        return begin(ctx, claimed_phone=phone, lead=FOREIGN_CONTACT)
    ctx.user.phone = phone
    officer = by_phone(ctx.session, phone)
    if officer is not None and officer.active:
        link_user(ctx, ctx.user, officer)
        ctx.officer = officer
        ctx.audit("registration.contact", f"officer:{officer.id}", "matched")
        return welcome(router, officer, activated(officer))
    if officer is not None:
        ctx.audit("registration.contact", f"officer:{officer.id}", "refused", reason="inactive")
        return [Reply(text=SUSPENDED, remove_keyboard=True)]
    ctx.audit("registration.contact", f"phone:{mask_phone(phone)}", "unlisted")
    return begin(ctx, phone=phone, lead=UNLISTED)


async def membership(ctx: Context) -> list[Reply]:
    """The user blocked the bot (skip them) or came back."""
    blocked = ctx.msg.membership == "blocked"
    ctx.user.reachable = not blocked
    ctx.audit("user.blocked" if blocked else "user.unblocked", f"user:{ctx.user.id}", "done")
    return []


def register(router: Router) -> None:
    """/start (which replaces the plain greeting), contact sharing and blocking."""
    router.on_start = partial(start, router)
    router.on_contact = partial(contact, router)
    router.on_membership = membership
