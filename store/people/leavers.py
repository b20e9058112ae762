"""Officers who leave: removed at once (they can no longer act), their personal data erased
later (OFFICER_ERASE_AFTER_DAYS), their commune's submitted reports kept.

Removal is reversible until the erasure (a mistaken removal is undone by reactivating);
erasure is not. What is erased: the officer's name (→ "Đã xóa"), phone, Telegram id and
position; on every chat account linked to them, the chat id, account id, name, username and
phone; their dialog states and the texts of messages queued or kept for them. Reports,
revisions and files of the commune stay; they point at the officer row, which remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.models import AuditLog, DialogState, Officer, OutboxMessage, RegistrationRequest, User
from store.people.phones import normalize_phone
from store.roles import Role

ERASED_NAME = "Đã xóa"


class NotFound(LookupError):
    """No officer with that phone number or id."""


def find_officer(session: Session, phone_or_id: str) -> Officer:
    """By phone number (any usual spelling) or by numeric id."""
    phone = normalize_phone(phone_or_id)
    officer = session.scalar(select(Officer).where(Officer.phone == phone)) if phone else None
    if officer is None and phone_or_id.isascii() and phone_or_id.isdigit() and len(phone_or_id) < 10:
        officer = session.get(Officer, int(phone_or_id))
    if officer is None:
        raise NotFound(phone_or_id)
    return officer


def remove_officer(session: Session, officer: Officer, *, now: datetime, actor_user_id: Optional[int] = None,
                   actor_officer_id: Optional[int] = None, reason: str = "") -> bool:
    """Deactivate and mark for erasure; False when the officer was already removed."""
    if officer.removed_at is not None:
        return False
    officer.active = False
    officer.removed_at = now
    session.add(AuditLog(at=now, user_id=actor_user_id, officer_id=actor_officer_id, action="officer.remove",
                         target=f"officer:{officer.id}", outcome="done", detail={"reason": reason[:100]}))
    return True


def restore_officer(session: Session, officer: Officer) -> None:
    """Undo a removal that has not been erased yet (reactivation by a supervisor)."""
    if officer.erased_at is None:
        officer.removed_at = None


def missing_from_list(session: Session, listed_phones: Iterable[str]) -> list[Officer]:
    """Active commune officers whose phone is not in an imported list (supervisors and admins
    are not in commune lists, so they are never deactivated this way)."""
    listed = set(listed_phones)
    return [o for o in session.scalars(select(Officer).where(Officer.role == Role.OFFICER, Officer.active.is_(True))
                                       .order_by(Officer.commune_code, Officer.full_name))
            if o.phone not in listed]


@dataclass
class ErasureReport:
    officers: list[int] = field(default_factory=list)
    users: int = 0


def erase_due(session: Session, *, now: datetime, after_days: int, dry_run: bool = False) -> ErasureReport:
    """Erase the personal data of officers removed at least ``after_days`` ago."""
    cutoff = now - timedelta(days=after_days)
    due = list(session.scalars(select(Officer).where(Officer.removed_at.is_not(None), Officer.removed_at <= cutoff,
                                                     Officer.erased_at.is_(None))))
    report = ErasureReport(officers=[o.id for o in due])
    if dry_run or not due:
        report.users = len(list(session.scalars(select(User.id).where(User.officer_id.in_(report.officers))))) \
            if due else 0
        return report
    for officer in due:
        report.users += _erase(session, officer, now)
    return report


def _erase(session: Session, officer: Officer, now: datetime) -> int:
    officer.full_name, officer.phone, officer.telegram_id, officer.position = ERASED_NAME, None, None, ""
    officer.active, officer.erased_at = False, now
    users = list(session.scalars(select(User).where(User.officer_id == officer.id)))
    ids = [u.id for u in users]
    for user in users:
        # The account id becomes a tombstone: if the person writes again they are a stranger.
        user.external_id, user.chat_id = f"erased-{user.id}", ""
        user.display_name, user.username, user.phone, user.reachable = ERASED_NAME, None, None, False
    if ids:
        session.execute(delete(DialogState).where(DialogState.user_id.in_(ids)))
        session.execute(update(OutboxMessage).where(OutboxMessage.user_id.in_(ids), OutboxMessage.state == "queued")
                        .values(state="skipped", last_error="officer erased"))
        session.execute(update(OutboxMessage).where(OutboxMessage.user_id.in_(ids))
                        .values(chat_id="", payload={"text": ""}))
        session.execute(update(RegistrationRequest).where(RegistrationRequest.user_id.in_(ids))
                        .values(full_name=ERASED_NAME, phone=None, position=""))
    session.add(AuditLog(at=now, action="officer.erase", target=f"officer:{officer.id}", outcome="done",
                         detail={"users": len(ids)}))
    return len(ids)
