"""Link codes (/lienket) in the database: failed attempts counted from the audit log, and the
state changes a code goes through, each a conditional UPDATE so that two updates racing
(two accounts typing one code, two presses of a button) cannot both win."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Optional, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from store.models import AuditLog, LinkCode, LinkState

USE_ACTION = "link.use"  # audited on every attempt; "refused" is a wrong or expired code


def recent_failures(session: Session, since: datetime, user_id: Optional[int] = None) -> int:
    """Wrong or expired codes typed since ``since`` (by one account, or by anyone)."""
    query = select(func.count(AuditLog.id)).where(AuditLog.action == USE_ACTION, AuditLog.outcome == "refused",
                                                  AuditLog.at >= since)
    if user_id is not None:
        query = query.where(AuditLog.user_id == user_id)
    return int(session.scalar(query) or 0)


def claim(session: Session, code_id: int, user_id: int, now: datetime) -> bool:
    """open → claimed by the account that typed it; False when someone else got there first."""
    return _move(session, code_id, LinkState.OPEN, state=LinkState.CLAIMED.value, used_at=now, used_by=user_id)


def decide(session: Session, code_id: int, linked: bool, now: datetime) -> bool:
    """claimed → linked or declined, once."""
    state = LinkState.LINKED if linked else LinkState.DECLINED
    return _move(session, code_id, LinkState.CLAIMED, state=state.value, decided_at=now)


def confirm_deadline(row: LinkCode, minutes: int) -> Optional[datetime]:
    """Until when the first account may confirm a claimed code."""
    return row.used_at + timedelta(minutes=minutes) if row.used_at is not None else None


def _move(session: Session, code_id: int, from_state: LinkState, **values: Any) -> bool:
    result = session.execute(update(LinkCode).where(LinkCode.id == code_id, LinkCode.state == from_state.value)
                             .values(**values).execution_options(synchronize_session=False))
    moved = cast("CursorResult[Any]", result).rowcount == 1  # an UPDATE's result is a cursor result
    if moved:
        row = session.get(LinkCode, code_id)
        if row is not None:
            session.refresh(row)
    return moved
