"""The console user as a demo officer (``/thu``): shared by the report demo and the bloc leader's demo."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.permissions import Role
from core.types import UserRef
from store.models import DialogState, MessageKind, Officer, OfficerProvince, OutboxMessage, OutboxState, User

DEMO_POSITION = "Tài khoản thử"


def demo_officer(session: Session, ref: UserRef, role: Role, commune_code: Optional[int],
                 province: Optional[int], now: datetime) -> tuple[User, Officer]:
    """The console user as a demo officer of ``commune_code`` (or supervisor of ``province``),
    created or changed; a dialog of the previous role is ended."""
    user = session.scalar(select(User).where(User.channel == ref.channel, User.external_id == ref.external_id))
    if user is None:
        user = User(channel=ref.channel, external_id=ref.external_id, chat_id=ref.chat_id,
                    display_name=ref.display_name, reachable=True, created_at=now, last_seen_at=now)
        session.add(user)
    officer = session.get(Officer, user.officer_id) if user.officer_id else None
    if officer is None:
        officer = Officer(full_name=ref.display_name or "Cán bộ thử", role=role, position=DEMO_POSITION,
                          active=True, created_at=now)
        session.add(officer)
    if officer.role != role:
        _skip_queued_reminders(session, user.id)  # the previous role's reminders are not for this one
    officer.role, officer.active, officer.commune_code = role, True, commune_code
    officer.provinces.clear()
    session.flush()
    if province is not None:
        officer.provinces.append(OfficerProvince(province_code=province))
    user.officer_id = officer.id
    state = session.get(DialogState, user.id)
    if state is not None:
        session.delete(state)  # a dialog of the previous role must not continue under the new one
    return user, officer


def _skip_queued_reminders(session: Session, user_id: Optional[int]) -> None:
    if user_id is None:
        return
    session.execute(update(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                                OutboxMessage.state == OutboxState.QUEUED,
                                                OutboxMessage.kind.in_((MessageKind.REMINDER, MessageKind.DIGEST)))
                    .values(state=OutboxState.SKIPPED, last_error="demo role changed"))
