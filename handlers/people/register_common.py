"""What registration, invites and approvals share: the texts, the typed dialog state, and
attaching a chat account to an officer.

The registration dialog (handlers/people/register.py) files a request (handlers/people/approvals.py) or
redeems an invite code (handlers/people/invites.py); its state is ``Registration`` below, stored
under the dialog name "reg" as before, so a dialog left open across a deploy resumes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional


from core.channels import capabilities
from core.context import Context
from core.dialogs import DialogData
from core.types import Reply
from store.models import Officer, RegistrationRequest, User
from core.permissions import Role
from store.people.officers import ROLE_LABELS, by_phone, by_telegram_id, unit_label
from store.people.registration import pending_request as stored_pending_request

DIALOG = "reg"
# The two codes a stranger may type. A link code is "LK-ABCDE-FGHJK" as shown, or typed without
# dashes, with spaces, in lower case; an invite code is any other short token. Invites are made so
# they never take a link code's shape (``make_invite``), or the typed invite would be read as one.
LINK_RE = re.compile(r"^\s*LK[-\s]?([A-Z0-9]{5})[-\s]?([A-Z0-9]{5})\s*$", re.I)
INVITE_RE = re.compile(r"^\s*([A-Za-z0-9_-]{8,32})\s*$")
POSITIONS = ["Văn phòng - Thống kê", "Phụ trách thi đua - khen thưởng", "Lãnh đạo UBND xã/phường"]

SHARE_LABEL = "📱 Chia sẻ số điện thoại"
OFFER = ("Để làm báo cáo và nhận nhắc hạn, anh/chị cần đăng ký cán bộ. "
         "Bấm nút “Chia sẻ số điện thoại” bên dưới để xác nhận.\n"
         "Chưa đăng ký vẫn có thể hỏi về các văn bản, phong trào thi đua.")
# Zalo cannot share a verified phone number: an invite code or a request for approval.
OFFER_TYPED = ("Để làm báo cáo và nhận nhắc hạn, anh/chị cần đăng ký cán bộ: gõ mã mời do cán bộ tỉnh gửi "
               "(nếu có), hoặc gõ /dangky để khai báo và chờ duyệt. Đã đăng ký trên Telegram thì gõ /lienket ở đó.\n"
               "Chưa đăng ký vẫn có thể hỏi về các văn bản, phong trào thi đua.")
ASK_NAME = "Họ và tên đầy đủ của anh/chị?"
PENDING = "Yêu cầu đăng ký của anh/chị đang chờ cán bộ phụ trách duyệt. Anh/chị sẽ được báo khi có kết quả."
BAD_INVITE = "Mã mời không hợp lệ hoặc đã hết hạn. Anh/chị hãy xin mã mới từ cán bộ tỉnh."
SUSPENDED = "Tài khoản cán bộ của anh/chị đang tạm ngừng. Vui lòng liên hệ cán bộ tỉnh."


@dataclass
class Registration(DialogData):
    """The registration dialog's state: province → commune (→ name → position).

    ``kind``: "register" (a new officer, approved by a supervisor), "change_unit" (an officer
    moving, approved too) or "invite" (a code from /moi: active at once)."""

    step: str = "province"
    kind: str = "register"
    phone: Optional[str] = None  # verified: the account's own shared contact
    claimed_phone: Optional[str] = None  # someone else's contact, shown to the approver masked
    province: Optional[int] = None
    candidates: list[int] = field(default_factory=list)  # the codes last offered as buttons
    commune: Optional[int] = None
    full_name: str = ""
    position: str = ""
    invite: Optional[int] = None
    legacy_keys = {"claimed": "claimed_phone"}  # the name stored before the state was typed


def offer(ctx: Context) -> Reply:
    """How to register on this channel: share the phone number, or type a code / request."""
    if not capabilities(ctx.user.channel).shares_contact:
        return Reply(text=OFFER_TYPED)
    return Reply(text=OFFER, request_contact=SHARE_LABEL)


def activated(officer: Officer) -> str:
    return (f"Đăng ký thành công. Xin chào {officer.full_name} – {ROLE_LABELS.get(officer.role, officer.role)}, "
            f"{unit_label(officer)}.")


def officer_for(ctx: Context, *, full_name: str, phone: Optional[str], commune_code: int,
                position: Optional[str]) -> Officer:
    """The officer a registration activates: the one on the list with this phone (an imported
    officer keeps their record), else a new commune officer."""
    officer = by_phone(ctx.session, phone) if phone else None
    if officer is None:
        officer = Officer(full_name=full_name, phone=phone, role=Role.OFFICER, commune_code=commune_code,
                          position=position, active=True, created_at=ctx.now)
        ctx.session.add(officer)
        ctx.session.flush()
    return officer


def link_user(ctx: Context, user: User, officer: Officer) -> None:
    """Attach a channel account to an officer (and remember the Telegram id)."""
    user.officer_id = officer.id
    if user.channel == "telegram" and officer.telegram_id is None and by_telegram_id(ctx.session, user.external_id) is None:
        officer.telegram_id = user.external_id


def pending_request(ctx: Context, user: User, kind: str = "register") -> Optional[RegistrationRequest]:
    return stored_pending_request(ctx.session, user.id, kind)
