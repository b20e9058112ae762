"""Explanations the bloc has not decided yet (beside ``store.emulation.review``, which records them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.emulation.review import ChangeKind, history
from store.models import Explanation


def pending_explanations(session: Session, sheet_id: int) -> list[Explanation]:
    """Explanations of the sheet whose review change is still the latest change of its criterion."""
    latest: dict[str, int] = {}
    for change in history(session, sheet_id):
        latest[change.code] = change.id if change.kind == ChangeKind.REVIEW else -1
    rows = session.scalars(select(Explanation).where(Explanation.sheet_id == sheet_id).order_by(Explanation.id))
    return [e for e in rows if latest.get(e.code) == e.change_id]
