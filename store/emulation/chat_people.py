"""Whom the emulation features notify: the officers of a commune, one chat each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Officer, User
from store.roles import Role


def commune_users(session: Session, commune_code: int) -> list[User]:
    """The most recently used reachable chat of each active officer of the commune."""
    rows = session.scalars(
        select(User).join(Officer, User.officer_id == Officer.id)
        .where(Officer.commune_code == commune_code, Officer.active.is_(True), Officer.role == Role.OFFICER.value,
               User.reachable.is_(True))
        .order_by(Officer.id, User.last_seen_at.desc()))
    out: dict[int, User] = {}
    for user in rows:
        if user.officer_id is not None:
            out.setdefault(user.officer_id, user)
    return list(out.values())
