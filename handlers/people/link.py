"""Registering without contact sharing (Zalo) and one officer on two channels.

- A typed invite code (from /moi) starts the invite registration, as ``/start CODE`` does.
- ``/dangky`` files a request for the province's supervisors to approve (a typed phone
  number is never asked for nor trusted: only Telegram's shared contact verifies one).
- ``/lienket`` gives a registered officer a one-time code (10 random characters, 15 minutes);
  typed on the other channel (or ``/lienket CODE``) it asks the first account to confirm, and
  only that confirmation attaches the second account to the same officer. Wrong codes are
  limited per account and overall (counted from the audit log). Drafts are the commune's,
  so both accounts see them; reminders and broadcasts pick one account per officer, the one
  used last (``User.last_seen_at``), so each arrives once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional


from core.callbacks import CallbackData, Forged, Stale
from core.context import Context
from handlers.people.register import begin, start_invite
from handlers.people.register_common import INVITE_RE, LINK_RE, PENDING, pending_request
from core.router import Router
from core.types import Reply
from store.models import LinkCode, LinkState, Officer, User
from store.people import link_codes
from store.people.registration import invite_exists, link_code

LINK_MINUTES = 15  # a code works this long; the first account then has as long again to confirm
CODE_CHARS = 10  # 31 letters ** 10: ~8e14 codes
LINK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "máy tính"}
# Wrong or expired codes allowed per hour: per account, and for everyone together (many
# accounts guessing at once pause linking for the hour; codes already made keep working after).
FAILURE_WINDOW = timedelta(hours=1)
FAILURES_PER_ACCOUNT = 5
FAILURES_OVERALL = 50

ALREADY = "Anh/chị đã đăng ký rồi. Gõ /help để xem các lệnh."
NEED_OFFICER = "Chỉ cán bộ đã đăng ký mới tạo được mã liên kết. Gõ /start để đăng ký."
BAD_LINK = "Mã liên kết không đúng hoặc đã hết hạn. Anh/chị gõ /lienket ở tài khoản đã đăng ký để lấy mã mới."
SAME_ACCOUNT = "Mã này phải gõ ở tài khoản còn lại (Zalo hoặc Telegram), không phải tài khoản vừa tạo mã."
OTHER_OFFICER = "Tài khoản này đang thuộc một cán bộ khác nên không liên kết được. Vui lòng liên hệ cán bộ tỉnh."
TOO_MANY = "Anh/chị đã nhập sai mã liên kết nhiều lần. Vui lòng thử lại sau 1 giờ."
PAUSED = "Việc liên kết tài khoản đang tạm dừng do có nhiều lần nhập sai mã. Vui lòng thử lại sau 1 giờ."
DECIDED = "Yêu cầu liên kết này đã được xử lý."
CONFIRM_LATE = "Yêu cầu liên kết đã quá hạn xác nhận. Gõ /lienket để tạo mã mới nếu cần."


@dataclass(frozen=True)
class ConfirmLink(CallbackData, prefix="lk", action="ok"):
    code: int


@dataclass(frozen=True)
class DeclineLink(CallbackData, prefix="lk", action="no"):
    code: int


def _channel(name: str) -> str:
    return CHANNEL_NAMES.get(name, name)


def shown(code: str) -> str:
    """"LKABCDEFGHJK" → "LK-ABCDE-FGHJK" (easier to copy by eye)."""
    return f"{code[:2]}-{code[2:7]}-{code[7:]}"


def new_link_code(ctx: Context) -> LinkCode:
    code = "LK" + "".join(secrets.choice(LINK_ALPHABET) for _ in range(CODE_CHARS))
    row = LinkCode(code=code, officer_id=ctx.me.id, user_id=ctx.user.id, created_at=ctx.now,
                   expires_at=ctx.now + timedelta(minutes=LINK_MINUTES))
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("link.create", f"officer:{ctx.me.id}", "done")
    return row


def _limited(ctx: Context) -> Optional[str]:
    """Why this attempt is not even looked at (too many failures), or None."""
    since = ctx.now - FAILURE_WINDOW
    if link_codes.recent_failures(ctx.session, since, ctx.user.id) >= FAILURES_PER_ACCOUNT:
        return TOO_MANY
    if link_codes.recent_failures(ctx.session, since) >= FAILURES_OVERALL:
        return PAUSED
    return None


def use_link_code(ctx: Context, typed: str) -> list[Reply]:
    """The code typed on the second account: claimed, then confirmed on the first account."""
    limited = _limited(ctx)
    if limited:
        ctx.audit("link.limited", f"user:{ctx.user.id}", "refused")
        return [Reply(text=limited)]
    code = "LK" + typed.upper()
    row = link_code(ctx.session, code)
    if row is None or row.state != LinkState.OPEN.value or row.expires_at <= ctx.now:
        ctx.audit(link_codes.USE_ACTION, f"code:{code[:4]}", "refused")  # a failure: counted
        return [Reply(text=BAD_LINK)]
    if row.user_id == ctx.user.id:
        return [Reply(text=SAME_ACCOUNT)]
    if ctx.user.officer_id is not None and ctx.user.officer_id != row.officer_id:
        ctx.audit("link.other_officer", f"officer:{row.officer_id}", "refused")
        return [Reply(text=OTHER_OFFICER)]
    first = ctx.session.get(User, row.user_id)
    if first is None or not link_codes.claim(ctx.session, row.id, ctx.user.id, ctx.now):
        return [Reply(text=BAD_LINK)]
    ctx.audit("link.claim", f"officer:{row.officer_id}", "pending", code=row.id)
    who = f"{_channel(ctx.user.channel)} «{ctx.user.display_name or ctx.user.external_id}»"
    ctx.notify(first, Reply(
        text=f"Tài khoản {who} vừa nhập mã liên kết {shown(row.code)} của anh/chị. Nếu đó là anh/chị, bấm "
             "«Đồng ý liên kết» để dùng chung tài khoản cán bộ; nếu không, bấm «Không phải tôi» (mã bị hủy).",
        buttons=[[ConfirmLink(row.id).button("Đồng ý liên kết"), DeclineLink(row.id).button("Không phải tôi")]]),
        key=f"link:{row.id}:ask")
    return [Reply(text=f"Đã gửi yêu cầu xác nhận tới tài khoản {_channel(first.channel)} đã tạo mã. Anh/chị mở "
                       f"{_channel(first.channel)} và bấm «Đồng ý liên kết» trong {LINK_MINUTES} phút để hoàn tất.")]


async def decide_link(ctx: Context, data: ConfirmLink | DeclineLink) -> list[Reply]:
    """The first account's answer; only the account (and officer) that made the code decides."""
    row = ctx.session.get(LinkCode, data.code)
    if row is None:
        raise Stale(f"no link code {data.code}")
    if row.user_id != ctx.user.id or ctx.officer is None or ctx.officer.id != row.officer_id:
        raise Forged(f"link code {row.id} is not this account's")
    deadline = link_codes.confirm_deadline(row, LINK_MINUTES)
    if row.state == LinkState.CLAIMED.value and deadline is not None and deadline <= ctx.now:
        return [Reply(text=CONFIRM_LATE)]
    confirm = isinstance(data, ConfirmLink)
    if not link_codes.decide(ctx.session, row.id, confirm, ctx.now):
        return [Reply(text=DECIDED)]
    claimer = ctx.session.get(User, row.used_by) if row.used_by is not None else None
    if claimer is None:
        raise Stale(f"link code {row.id}: the account that typed it is gone")
    return _linked(ctx, row, claimer) if confirm else _declined(ctx, row, claimer)


def _declined(ctx: Context, row: LinkCode, claimer: User) -> list[Reply]:
    ctx.audit("link.decline", f"officer:{row.officer_id}", "done", code=row.id)
    ctx.notify(claimer, Reply(text="Tài khoản đã tạo mã không xác nhận nên chưa liên kết. Nếu đúng là anh/chị, "
                                   "gõ /lienket ở tài khoản đã đăng ký để lấy mã mới."), key=f"link:{row.id}:done")
    return [Reply(text=f"Đã hủy mã {shown(row.code)}; tài khoản {_channel(claimer.channel)} kia không được "
                       "liên kết.")]


def _linked(ctx: Context, row: LinkCode, claimer: User) -> list[Reply]:
    officer = ctx.session.get(Officer, row.officer_id)
    if officer is None or not officer.active or claimer.officer_id not in (None, officer.id):
        ctx.audit("link.use", f"officer:{row.officer_id}", "failed", code=row.id)
        return [Reply(text=OTHER_OFFICER)]
    claimer.officer_id = officer.id
    ctx.audit("link.use", f"officer:{officer.id}", "done", channel=claimer.channel, code=row.id)
    ctx.notify(claimer, Reply(text=f"Đã liên kết với tài khoản {_channel(ctx.user.channel)} của "
                                   f"{officer.full_name}. Bản nháp báo cáo và nhắc hạn dùng chung; nhắc hạn gửi về "
                                   "nơi anh/chị dùng gần nhất."), key=f"link:{row.id}:done")
    return [Reply(text=f"Đã liên kết tài khoản {_channel(claimer.channel)} với tài khoản này. "
                       "Nhắc hạn sẽ gửi về nơi anh/chị dùng gần nhất.")]


async def link_cmd(ctx: Context) -> list[Reply]:
    """/lienket: a code for the other account; /lienket CODE: use one."""
    typed = LINK_RE.match(ctx.msg.args or "")
    if typed:
        return use_link_code(ctx, typed.group(1) + typed.group(2))
    if ctx.msg.args.strip():
        return [Reply(text=BAD_LINK)]
    if ctx.officer is None:
        return [Reply(text=NEED_OFFICER)]
    row = new_link_code(ctx)
    other = "Zalo" if ctx.user.channel != "zalo" else "Telegram"
    return [Reply(text=f"Mã liên kết: {shown(row.code)} (dùng một lần, trong {LINK_MINUTES} phút).\n"
                       f"Mở bot trên {other} và gõ mã này; sau đó bấm «Đồng ý liên kết» tại đây để hoàn tất.")]


async def request_cmd(ctx: Context) -> list[Reply]:
    """/dangky: ask the province's supervisors to approve (no verified phone needed)."""
    if ctx.officer is not None:
        return [Reply(text=ALREADY)]
    if pending_request(ctx, ctx.user) is not None:
        return [Reply(text=PENDING)]
    return begin(ctx, lead="Anh/chị khai báo để cán bộ tỉnh duyệt.")


async def typed_code(ctx: Context) -> Optional[list[Reply]]:
    """A plain text that is a link code, or (for a stranger) an invite code that exists."""
    text = (ctx.msg.text or "").strip()
    stranger = ctx.officer is None and ctx.user.officer_id is None
    # An invite first: one made before invites avoided the link-code shape may still look like one.
    if stranger and INVITE_RE.match(text) and invite_exists(ctx.session, text):
        return start_invite(ctx, text)
    link = LINK_RE.match(text)
    if link:
        return use_link_code(ctx, link.group(1) + link.group(2))
    return None  # a word, not a code: the question goes on to Q&A


def register(router: Router) -> None:
    router.command("dangky", "Đăng ký cán bộ (chờ cán bộ tỉnh duyệt)", strangers_only=True)(request_cmd)
    router.command("lienket", "Liên kết tài khoản Zalo và Telegram")(link_cmd)
    router.callback(ConfirmLink)(decide_link)
    router.callback(DeclineLink)(decide_link)
    router.text_filters.append(typed_code)

