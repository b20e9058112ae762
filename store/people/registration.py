"""Registration as stored: link codes, invite codes and registration requests, each claimed once.

A claim is a conditional UPDATE: of two updates racing for the same code or request, exactly one
sees a row changed; the other is told it lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, selectinload

from store.models import InviteCode, LinkCode, RegistrationRequest


def _one_row(result: Any) -> bool:
    return cast("CursorResult[Any]", result).rowcount == 1  # an UPDATE's result is a cursor result


def link_code(session: Session, code: str) -> Optional[LinkCode]:
    return session.scalar(select(LinkCode).where(LinkCode.code == code))


def claim_link_code(session: Session, code_id: int, *, now: datetime, user_id: int) -> bool:
    """Mark the link code used by this account; False when another update used it first."""
    return _one_row(session.execute(
        update(LinkCode).where(LinkCode.id == code_id, LinkCode.used_at.is_(None))
        .values(used_at=now, used_by=user_id).execution_options(synchronize_session=False)))


def invite_by_code(session: Session, code: str) -> Optional[InviteCode]:
    return session.scalar(select(InviteCode).where(InviteCode.code == code[:32]))


def invite_exists(session: Session, code: str) -> bool:
    return session.scalar(select(InviteCode.id).where(InviteCode.code == code)) is not None


def claim_invite_use(session: Session, invite_id: int, *, now: datetime) -> bool:
    """Count one use of the invite if it has uses left and has not expired."""
    return _one_row(session.execute(
        update(InviteCode).where(InviteCode.id == invite_id, InviteCode.uses < InviteCode.max_uses,
                                 InviteCode.expires_at > now)
        .values(uses=InviteCode.uses + 1).execution_options(synchronize_session=False)))


def pending_request(session: Session, user_id: int, kind: str = "register") -> Optional[RegistrationRequest]:
    return session.scalar(select(RegistrationRequest).where(
        RegistrationRequest.user_id == user_id, RegistrationRequest.state == "pending",
        RegistrationRequest.kind == kind))


def pending_requests(session: Session, provinces: Optional[frozenset[int]], limit: int) -> list[RegistrationRequest]:
    """Pending requests (in these provinces, or everywhere), oldest first, with their commune."""
    stmt = select(RegistrationRequest).where(RegistrationRequest.state == "pending")
    if provinces is not None:
        stmt = stmt.where(RegistrationRequest.province_code.in_(provinces))
    return list(session.scalars(stmt.options(selectinload(RegistrationRequest.commune))
                                .order_by(RegistrationRequest.id).limit(limit)))


def decide_request(session: Session, request_id: int, *, approve: bool, now: datetime, decided_by: int) -> bool:
    """Approve or reject a pending request; False when another supervisor decided it first."""
    return _one_row(session.execute(
        update(RegistrationRequest).where(RegistrationRequest.id == request_id, RegistrationRequest.state == "pending")
        .values(state="approved" if approve else "rejected", decided_at=now, decided_by=decided_by)
        .execution_options(synchronize_session=False)))
