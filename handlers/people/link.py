"""Registering without contact sharing (Zalo) and one officer on two channels.

- A typed invite code (from /moi) starts the invite registration, as ``/start CODE`` does.
- ``/dangky`` files a request for the province's supervisors to approve (a typed phone
  number is never asked for nor trusted: only Telegram's shared contact verifies one).
- ``/lienket`` gives a registered officer a one-time code; typed on the other channel (or
  ``/lienket CODE``) it attaches that account to the same officer. Drafts are the commune's,
  so both accounts see them; reminders and broadcasts pick one account per officer, the one
  used last (``User.last_seen_at``), so each arrives once.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Optional


from core.context import Context
from handlers.people.register import begin, start_invite
from handlers.people.register_common import PENDING, pending_request
from core.router import Router
from core.types import Reply
from store.models import LinkCode, Officer, User
from store.people.registration import claim_link_code, invite_exists, link_code

LINK_MINUTES = 15
LINK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
LINK_RE = re.compile(r"^\s*LK[-\s]?([A-Z0-9]{6})\s*$", re.I)
INVITE_RE = re.compile(r"^\s*([A-Za-z0-9_-]{8,32})\s*$")
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "máy tính"}

ALREADY = "Anh/chị đã đăng ký rồi. Gõ /help để xem các lệnh."
NEED_OFFICER = "Chỉ cán bộ đã đăng ký mới tạo được mã liên kết. Gõ /start để đăng ký."
BAD_LINK = "Mã liên kết không đúng hoặc đã hết hạn. Anh/chị gõ /lienket ở tài khoản đã đăng ký để lấy mã mới."
SAME_ACCOUNT = "Mã này phải gõ ở tài khoản còn lại (Zalo hoặc Telegram), không phải tài khoản vừa tạo mã."
OTHER_OFFICER = "Tài khoản này đang thuộc một cán bộ khác nên không liên kết được. Vui lòng liên hệ cán bộ phụ trách tỉnh."


def _channel(name: str) -> str:
    return CHANNEL_NAMES.get(name, name)


def new_link_code(ctx: Context) -> LinkCode:
    code = "LK" + "".join(secrets.choice(LINK_ALPHABET) for _ in range(6))
    row = LinkCode(code=code, officer_id=ctx.me.id, user_id=ctx.user.id, created_at=ctx.now,
                   expires_at=ctx.now + timedelta(minutes=LINK_MINUTES))
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("link.create", f"officer:{ctx.me.id}", "done")
    return row


def use_link_code(ctx: Context, typed: str) -> list[Reply]:
    """Attach this account to the officer who made the code (once, before it expires)."""
    code = "LK" + typed.upper()
    row = link_code(ctx.session, code)
    if row is None or row.used_at is not None or row.expires_at <= ctx.now:
        ctx.audit("link.use", f"code:{code[:12]}", "refused")
        return [Reply(text=BAD_LINK)]
    if row.user_id == ctx.user.id:
        return [Reply(text=SAME_ACCOUNT)]
    if ctx.user.officer_id is not None and ctx.user.officer_id != row.officer_id:
        ctx.audit("link.use", f"officer:{row.officer_id}", "refused", reason="other officer")
        return [Reply(text=OTHER_OFFICER)]
    officer = ctx.session.get(Officer, row.officer_id)
    taken = claim_link_code(ctx.session, row.id, now=ctx.now, user_id=ctx.user.id)
    if not taken or officer is None or not officer.active:
        return [Reply(text=BAD_LINK)]
    ctx.user.officer_id = officer.id
    ctx.officer = officer
    ctx.audit("link.use", f"officer:{officer.id}", "done", channel=ctx.user.channel)
    first = ctx.session.get(User, row.user_id)
    if first is not None:
        ctx.notify(first, Reply(text=f"Đã liên kết tài khoản {_channel(ctx.user.channel)} với tài khoản này. "
                                     "Nhắc hạn sẽ gửi về nơi anh/chị dùng gần nhất."),
                   key=f"link:{row.id}:done")
    return [Reply(text=f"Đã liên kết với tài khoản {_channel(first.channel) if first else ''} của "
                       f"{officer.full_name}. Bản nháp báo cáo và nhắc hạn dùng chung; nhắc hạn gửi về "
                       "nơi anh/chị dùng gần nhất.")]


async def link_cmd(ctx: Context) -> list[Reply]:
    """/lienket: a code for the other account; /lienket CODE: use one."""
    typed = LINK_RE.match(ctx.msg.args or "")
    if typed:
        return use_link_code(ctx, typed.group(1))
    if ctx.msg.args.strip():
        return [Reply(text=BAD_LINK)]
    if ctx.officer is None:
        return [Reply(text=NEED_OFFICER)]
    row = new_link_code(ctx)
    other = "Zalo" if ctx.user.channel != "zalo" else "Telegram"
    return [Reply(text=f"Mã liên kết: {row.code} (dùng một lần, trong {LINK_MINUTES} phút).\n"
                       f"Mở bot trên {other} và gõ mã này để dùng chung tài khoản cán bộ.")]


async def request_cmd(ctx: Context) -> list[Reply]:
    """/dangky: ask the province's supervisors to approve (no verified phone needed)."""
    if ctx.officer is not None:
        return [Reply(text=ALREADY)]
    if pending_request(ctx, ctx.user) is not None:
        return [Reply(text=PENDING)]
    return begin(ctx, lead="Anh/chị khai báo để cán bộ phụ trách tỉnh duyệt.")


async def typed_code(ctx: Context) -> Optional[list[Reply]]:
    """A plain text that is a link code, or (for a stranger) an invite code that exists."""
    text = (ctx.msg.text or "").strip()
    link = LINK_RE.match(text)
    if link:
        return use_link_code(ctx, link.group(1))
    if ctx.officer is not None or ctx.user.officer_id is not None or not INVITE_RE.match(text):
        return None
    if not invite_exists(ctx.session, text):
        return None  # a word, not a code: the question goes on to Q&A
    return start_invite(ctx, text)


def register(router: Router) -> None:
    router.command("dangky", "Đăng ký cán bộ (chờ cán bộ tỉnh duyệt)")(request_cmd)
    router.command("lienket", "Liên kết tài khoản Zalo và Telegram")(link_cmd)
    router.text_filters.append(typed_code)

