"""Who reminders and digests reach: each active officer's most recently used reachable chat."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.permissions import Role
from store.models import Officer, User


@dataclass(frozen=True)
class Recipient:
    officer_id: int
    user_id: int
    channel: str
    chat_id: str


def officer_recipients(session: Session) -> dict[int, list[Recipient]]:
    """Active commune officers with a reachable chat, by commune (one chat per officer)."""
    rows = session.execute(
        select(Officer.id, Officer.commune_code, User.id, User.channel, User.chat_id)
        .join(User, User.officer_id == Officer.id)
        .where(Officer.active.is_(True), Officer.role == Role.OFFICER, Officer.commune_code.is_not(None),
               User.reachable.is_(True))
        .order_by(Officer.id, User.last_seen_at.desc())
    )
    out: dict[int, list[Recipient]] = defaultdict(list)
    seen: set[int] = set()
    for officer_id, commune, user_id, channel, chat_id in rows:
        if officer_id in seen or commune is None:  # (the query has no officer without a commune)
            continue  # the most recently used chat of an officer with several
        seen.add(officer_id)
        out[commune].append(Recipient(officer_id, user_id, channel, chat_id))
    return out


def supervisor_recipients(session: Session) -> dict[int, tuple[Officer, Recipient]]:
    """Active supervisors (provinces loaded) with a reachable chat, by officer id (one chat each)."""
    rows = session.execute(
        select(Officer, User.id, User.channel, User.chat_id).join(User, User.officer_id == Officer.id)
        .where(Officer.active.is_(True), Officer.role == Role.SUPERVISOR, User.reachable.is_(True))
        .options(selectinload(Officer.provinces)).order_by(Officer.id, User.last_seen_at.desc())
    ).all()
    supervisors: dict[int, tuple[Officer, Recipient]] = {}
    for officer, user_id, channel, chat_id in rows:
        supervisors.setdefault(officer.id, (officer, Recipient(officer.id, user_id, channel, chat_id)))
    return supervisors
