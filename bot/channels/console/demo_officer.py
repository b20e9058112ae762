"""The console user as a demo officer (``/thu``): shared by the report demo and the bloc leader's demo."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.permissions import Role
from core.types import UserRef
from store.models import DialogState, Officer, OfficerProvince, User

DEMO_POSITION = "Tài khoản thử (console)"


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
        officer = Officer(full_name=ref.display_name or "Cán bộ thử", role=role.value, position=DEMO_POSITION,
                          active=True, created_at=now)
        session.add(officer)
    officer.role, officer.active, officer.commune_code = role.value, True, commune_code
    officer.provinces.clear()
    session.flush()
    if province is not None:
        officer.provinces.append(OfficerProvince(province_code=province))
    user.officer_id = officer.id
    state = session.get(DialogState, user.id)
    if state is not None:
        session.delete(state)  # a dialog of the previous role must not continue under the new one
    return user, officer
