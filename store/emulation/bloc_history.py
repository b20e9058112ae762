"""A commune's bloc memberships over one year, with the blocs' names (for “Xã X thuộc khối nào?”).

Kept apart from ``store.emulation.blocs`` (which owns creating and moving memberships): this
is the read the chat's answer needs, the whole year at once so a move shows as two lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.models import Bloc, BlocMember, Commune


@dataclass(frozen=True)
class Membership:
    bloc_id: int
    bloc_name: str
    start: date
    end: Optional[date]  # exclusive; None: to the year's end

    @property
    def last_day(self) -> date:
        """The last day in the bloc (the day before ``end``)."""
        return (self.end or date(self.start.year, 12, 31) + timedelta(days=1)) - timedelta(days=1)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def memberships_of(session: Session, commune_code: int, year: int) -> list[Membership]:
    """The commune's memberships of ``year``, in date order."""
    rows = session.execute(
        select(Bloc.id, Bloc.name, BlocMember.start, BlocMember.end)
        .join(BlocMember, BlocMember.bloc_id == Bloc.id)
        .where(BlocMember.commune_code == commune_code, Bloc.year == year)
        .order_by(BlocMember.start))
    return [Membership(bloc_id, name, start, end) for bloc_id, name, start, end in rows]


def leader_name(session: Session, commune_code: int, on: date) -> Optional[str]:
    """The name of the leading commune of the bloc ``commune_code`` is in on ``on`` (None: no bloc or leader)."""
    row = session.execute(
        select(Commune.name).join(Bloc, Bloc.leader_code == Commune.code)
        .join(BlocMember, BlocMember.bloc_id == Bloc.id)
        .where(BlocMember.commune_code == commune_code, Bloc.year == on.year, BlocMember.start <= on,
               or_(BlocMember.end.is_(None), BlocMember.end > on)).limit(1)).first()
    return row[0] if row is not None else None
