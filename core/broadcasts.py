"""Broadcasts: choose an audience, queue one outbox row per recipient, follow progress, report.

The audience is data ({"kind": ...}) so the dialog, the CLI and tests share it:

- ``{"kind": "province", "province_codes": [..]}``: officers of every commune of those provinces;
- ``{"kind": "communes", "commune_codes": [..]}``: officers of those communes;
- ``{"kind": "role", "role": "officer"|"supervisor", "province_codes": [..]}``;
- ``{"kind": "not_reported", "period_id": N, "province_codes": [..]}``: officers of communes
  that have not reported for that period.

``province_codes`` bounds every audience to what the sender may reach (a supervisor's
provinces; an admin may leave it out for the whole country).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Optional

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.outbox import Outgoing, enqueue, enqueue_many
from core.types import Attachment, Reply
from core.permissions import Role
from core.timespec import QuietHours
from store.reporting.periods import owing_communes
from store.models import Broadcast, Commune, Officer, OfficerProvince, OutboxMessage, Period, User

# Who a role-wide broadcast reaches, in words (supervisors named by what they do here).
ROLE_LABELS: dict[str, str] = {Role.OFFICER: "cán bộ xã/phường", Role.SUPERVISOR: "cán bộ giám sát (cấp tỉnh)"}
DONE_STATES = ("sent", "blocked", "failed", "skipped")
NO_OFFICERS = "không có cán bộ nào trong danh sách thuộc nhóm này"


class AudienceError(ValueError):
    """An audience that is malformed or outside the sender's reach (message in Vietnamese)."""


@dataclass(frozen=True)
class Target:
    officer_id: int
    user_id: int
    channel: str
    chat_id: str


def _reachable_users(session: Session, officer_filter: Any) -> list[Target]:
    """Active officers matching the filter with a reachable chat (their most recent one)."""
    rows = session.execute(
        select(Officer.id, User.id, User.channel, User.chat_id).join(User, User.officer_id == Officer.id)
        .where(Officer.active.is_(True), User.reachable.is_(True), officer_filter)
        .order_by(Officer.id, User.last_seen_at.desc())
    )
    out: list[Target] = []
    seen: set[int] = set()
    for officer_id, user_id, channel, chat_id in rows:
        if officer_id not in seen:
            seen.add(officer_id)
            out.append(Target(officer_id, user_id, channel, chat_id))
    return out


def _commune_filter(session: Session, codes: Iterable[int], provinces: Optional[set[int]]) -> ColumnElement[bool]:
    codes = set(codes)
    if provinces is not None:
        allowed = set(session.scalars(select(Commune.code).where(Commune.province_code.in_(provinces))))
        codes &= allowed
    return (Officer.role == Role.OFFICER) & Officer.commune_code.in_(sorted(codes))


def resolve_audience(session: Session, audience: dict[str, Any], *, exclude_officer: Optional[int] = None
                     ) -> list[Target]:
    """Everyone the audience reaches, once each (the sender excluded)."""
    targets = _reachable_users(session, audience_filter(session, audience))
    return [t for t in targets if t.officer_id != exclude_officer]


def why_unreached(session: Session, officer_filter: Any) -> list[str]:
    """Why officers matching the filter cannot be reached, one short Vietnamese line per cause."""
    rows = session.execute(
        select(Officer.id, Officer.active, func.count(User.id), func.count(User.id).filter(User.reachable.is_(True)))
        .outerjoin(User, User.officer_id == Officer.id).where(officer_filter).group_by(Officer.id, Officer.active))
    inactive = no_chat = blocked = 0
    for _, active, chats, reachable in rows:
        if not active:
            inactive += 1
        elif chats == 0:
            no_chat += 1
        elif reachable == 0:
            blocked += 1
    out = []
    if no_chat:
        out.append(f"{no_chat} cán bộ chưa mở chat với bot: họ cần bấm /start một lần")
    if blocked:
        out.append(f"{blocked} cán bộ đã chặn bot")
    if inactive:
        out.append(f"{inactive} cán bộ đang bị khóa")
    return out or [NO_OFFICERS]


def audience_filter(session: Session, audience: dict[str, Any]) -> Any:
    """The officers an audience names (reachable or not), as a SQL condition."""
    kind = audience.get("kind")
    provinces = set(audience["province_codes"]) if audience.get("province_codes") is not None else None
    cond: ColumnElement[bool]
    if kind == "province":
        if not provinces:
            raise AudienceError("Chưa chọn tỉnh nhận thông báo.")
        cond = (Officer.role == Role.OFFICER) & Officer.commune_code.in_(
            select(Commune.code).where(Commune.province_code.in_(provinces)))
    elif kind == "communes":
        cond = _commune_filter(session, audience.get("commune_codes") or [], provinces)
    elif kind == "role":
        role = audience.get("role")
        if role not in ROLE_LABELS:
            raise AudienceError("Vai trò không hợp lệ.")
        if role == Role.OFFICER:
            cond = Officer.role == Role.OFFICER
            if provinces is not None:
                cond = cond & Officer.commune_code.in_(select(Commune.code).where(Commune.province_code.in_(provinces)))
        else:
            cond = Officer.role == Role.SUPERVISOR
            if provinces is not None:
                cond = cond & Officer.id.in_(select(OfficerProvince.officer_id)
                                             .where(OfficerProvince.province_code.in_(provinces)))
    elif kind == "not_reported":
        period = session.get(Period, audience.get("period_id") or 0)
        if period is None:
            raise AudienceError("Không tìm thấy kỳ báo cáo đã chọn.")
        owing = owing_communes(session, [period])[period.id]
        cond = _commune_filter(session, owing, provinces)
    else:
        raise AudienceError("Chưa chọn nhóm người nhận.")
    return cond


def broadcast_reply(text: str, attachment: Optional[dict[str, Any]]) -> Reply:
    reply = Reply(text=text)
    if attachment:
        att = Attachment(file_name=attachment["file_name"], path=attachment["path"],
                         mime_type=attachment.get("mime_type") or "application/octet-stream")
        if attachment.get("kind") == "image":
            reply.image = att
        else:
            reply.document = att
    return reply


def create_broadcast(session: Session, *, officer_id: Optional[int], sender_user_id: Optional[int], text: str,
                     audience: dict[str, Any], audience_label: str, now: datetime, quiet: QuietHours,
                     attachment: Optional[dict[str, Any]] = None) -> Broadcast:
    """Record the broadcast and queue one message per recipient, in the caller's transaction."""
    targets = resolve_audience(session, audience, exclude_officer=officer_id)
    bc = Broadcast(created_by=officer_id, sender_user_id=sender_user_id, text=text, attachment=attachment,
                   audience=audience, audience_label=audience_label[:300], recipient_count=len(targets),
                   state="running" if targets else "done", created_at=now, finished_at=None if targets else now)
    session.add(bc)
    session.flush()
    reply = broadcast_reply(text, attachment)
    not_before = quiet.next_allowed(now)  # a notice written at night goes out in the morning
    # A fresh broadcast id makes every key new: no lookup needed.
    enqueue_many(session, (Outgoing(f"bc:{bc.id}:{t.officer_id}", t.channel, t.chat_id, t.user_id, "broadcast",
                                    reply, not_before, broadcast_id=bc.id) for t in targets),
                 now=now, skip_existing=False)
    return bc


def progress(session: Session, broadcast_id: int) -> Counter[str]:
    """Recipients per outbox state for one broadcast."""
    return Counter({state: n for state, n in session.execute(
        select(OutboxMessage.state, func.count()).where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.state))})


def progress_line(bc: Broadcast, counts: Counter[str]) -> str:
    done = sum(counts[s] for s in DONE_STATES)
    return (f"#{bc.id} “{_short(bc.text)}” → {bc.audience_label}: đã xử lý {done}/{bc.recipient_count} "
            f"(gửi được {counts['sent']}, bị chặn {counts['blocked']}, lỗi {counts['failed']})")


def report_text(bc: Broadcast, counts: Counter[str]) -> str:
    return (f"📣 Đã gửi xong thông báo #{bc.id} “{_short(bc.text)}” tới {bc.audience_label}.\n"
            f"• Gửi được: {counts['sent']}/{bc.recipient_count}\n"
            f"• Người nhận đã chặn bot: {counts['blocked']}\n"
            f"• Lỗi không gửi được: {counts['failed']}")


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def finish_completed(session: Session, now: datetime, *, only: Optional[Iterable[int]] = None) -> list[int]:
    """Close running broadcasts with nothing left to send and queue their delivery report."""
    stmt = select(Broadcast).where(Broadcast.state == "running")
    if only is not None:
        stmt = stmt.where(Broadcast.id.in_(list(only)))
    finished = []
    for bc in session.scalars(stmt):
        counts = progress(session, bc.id)
        if counts["queued"] or counts["sending"]:
            continue
        bc.state, bc.finished_at = "done", now
        finished.append(bc.id)
        user = session.get(User, bc.sender_user_id) if bc.sender_user_id else None
        if user is not None:
            enqueue(session, user, Reply(text=report_text(bc, counts)), key=f"bc-report:{bc.id}", kind="notice",
                    not_before=now, now=now)
    return finished


def running_broadcasts(session: Session, officer_id: Optional[int] = None) -> list[Broadcast]:
    stmt = select(Broadcast).where(Broadcast.state == "running").order_by(Broadcast.id)
    if officer_id is not None:
        stmt = stmt.where(Broadcast.created_by == officer_id)
    return list(session.scalars(stmt))
