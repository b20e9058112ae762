"""The bloc's giao ước thi đua: the signed pledge the leader uploads once a year, versions kept.

``record_pledge`` adds version 1, 2, … (the same bytes as the latest version: nothing changes);
``latest_pledge`` is the one in force; ``pledges_of`` the latest per bloc.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.files.report_photos import StoredPhoto
from store.models import Bloc, BlocPledge


def latest_pledge(session: Session, bloc_id: int) -> Optional[BlocPledge]:
    return session.scalar(select(BlocPledge).where(BlocPledge.bloc_id == bloc_id)
                          .order_by(BlocPledge.version.desc()).limit(1))


def record_pledge(session: Session, bloc: Bloc, stored: StoredPhoto, *, channel_file_id: str = "",
                  officer_id: Optional[int], now: datetime) -> tuple[BlocPledge, bool]:
    """(the row in force, whether it is a new version). The bloc row is locked: two leaders'
    officers uploading at once take turns and get versions 1 and 2, never two version 1."""
    session.get(Bloc, bloc.id, with_for_update=True)
    last = latest_pledge(session, bloc.id)
    if last is not None and last.sha256 == stored.sha256:
        return last, False
    row = BlocPledge(bloc_id=bloc.id, version=(last.version + 1) if last is not None else 1, path=stored.rel_path,
                     channel_file_id=channel_file_id[:200], mime_type=stored.mime_type, size=stored.size,
                     sha256=stored.sha256, uploaded_by=officer_id, created_at=now)
    session.add(row)
    session.flush()
    return row, True


def pledges_of(session: Session, bloc_ids: Iterable[int]) -> dict[int, BlocPledge]:
    ids = list(bloc_ids)
    out: dict[int, BlocPledge] = {}
    if ids:
        for row in session.scalars(select(BlocPledge).where(BlocPledge.bloc_id.in_(ids))
                                   .order_by(BlocPledge.bloc_id, BlocPledge.version)):
            out[row.bloc_id] = row  # the last one per bloc wins
    return out
