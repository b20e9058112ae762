"""The decision that awards an approved nomination, recorded by the province when it is issued.

``record_decision`` refuses a nomination that is not approved and keeps the first decision
recorded: recording the same number again is a no-op, a different number is refused (a
correction is the province's to make by hand, on purpose, not by a second tap).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.awards.dossier import State
from store.models import AuditLog, AwardDecision, Nomination


class DecisionStatus(StrEnum):
    DONE = "done"
    ALREADY = "already"  # the same decision was recorded before
    OTHER = "other"  # a different decision is recorded for this nomination
    NOT_APPROVED = "not_approved"
    NO_NUMBER = "no_number"


@dataclass(frozen=True)
class Recorded:
    status: DecisionStatus
    decision: Optional[AwardDecision] = None


def record_decision(session: Session, nomination: Nomination, *, number: str, signed_on: date, level: str,
                    officer_id: Optional[int], now: datetime) -> Recorded:
    number = " ".join(number.split())
    if len(number) < 3:
        return Recorded(DecisionStatus.NO_NUMBER)
    if nomination.state != State.APPROVED.value:
        return Recorded(DecisionStatus.NOT_APPROVED)
    had = decision_of(session, nomination.id)
    if had is not None:
        return Recorded(DecisionStatus.ALREADY if had.number == number else DecisionStatus.OTHER, had)
    row = AwardDecision(nomination_id=nomination.id, number=number, signed_on=signed_on, level=" ".join(level.split()),
                        title_name=nomination.title_name, recorded_by=officer_id, recorded_at=now)
    session.add(row)
    session.add(AuditLog(at=now, officer_id=officer_id, action="award.decision", target=f"nomination:{nomination.id}",
                         outcome="done", detail={"number": number, "signed_on": signed_on.isoformat(), "level": level}))
    session.flush()
    return Recorded(DecisionStatus.DONE, row)


def decision_of(session: Session, nomination_id: int) -> Optional[AwardDecision]:
    return session.scalar(select(AwardDecision).where(AwardDecision.nomination_id == nomination_id))
