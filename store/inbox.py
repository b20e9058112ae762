"""The inbox: raw updates recorded before they are acknowledged, then handled in order.

A channel records what the platform delivered (a webhook POST, a getUpdates batch) here
before it answers 200 or confirms the offset; a worker then hands each pending row to the
channel's handler and marks it done. Redelivered updates hit the unique (channel,
update_key) and are recorded once. Every function raises the database's error when the
database is unreachable: the caller must then not acknowledge (503, offset kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Collection, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.models import InboxUpdate

KEY_LIMIT = 64


@dataclass(frozen=True)
class Received:
    """One update as a channel got it: its unique key, its sender, its raw body."""

    update_key: str
    user_key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Pending:
    id: int
    user_key: str
    payload: dict[str, Any]
    attempts: int


def record(factory: sessionmaker[Session], channel: str, items: Sequence[Received], now: datetime) -> int:
    """Record updates in one transaction; those already recorded are skipped. Returns how many
    were new."""
    if not items:
        return 0
    rows = [dict(channel=channel, update_key=item.update_key[:KEY_LIMIT], user_key=item.user_key[:KEY_LIMIT],
                 payload=item.payload, state="pending", attempts=0, received_at=now) for item in items]
    with transaction(factory) as session:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (insert(InboxUpdate).values(rows).on_conflict_do_nothing(index_elements=["channel", "update_key"])
                .returning(InboxUpdate.id))  # rowcount is not reliable for this on every driver
        return len(session.execute(stmt).all())


def pending(factory: sessionmaker[Session], channel: str, *, skip: Collection[int] = (),
            limit: int = 200) -> list[Pending]:
    """The oldest pending updates of ``channel`` not in ``skip`` (those already taken)."""
    query = (select(InboxUpdate.id, InboxUpdate.user_key, InboxUpdate.payload, InboxUpdate.attempts)
             .where(InboxUpdate.channel == channel, InboxUpdate.state == "pending")
             .order_by(InboxUpdate.id).limit(limit))
    if skip:
        query = query.where(InboxUpdate.id.not_in(list(skip)))
    with transaction(factory) as session:
        return [Pending(*row) for row in session.execute(query).all()]


def mark_done(factory: sessionmaker[Session], inbox_id: int, now: datetime) -> None:
    with transaction(factory) as session:
        session.execute(update(InboxUpdate).where(InboxUpdate.id == inbox_id)
                        .values(state="done", handled_at=now))


def mark_attempt(factory: sessionmaker[Session], inbox_id: int, error: str, now: datetime, *,
                 give_up: bool) -> None:
    """A handling attempt failed (not for an outage); ``give_up`` stops retrying it."""
    values: dict[str, Any] = dict(attempts=InboxUpdate.attempts + 1, last_error=error[:500])
    if give_up:
        values.update(state="failed", handled_at=now)
    with transaction(factory) as session:
        session.execute(update(InboxUpdate).where(InboxUpdate.id == inbox_id).values(**values))


def pending_count(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        return int(session.scalar(select(func.count()).select_from(InboxUpdate)
                                  .where(InboxUpdate.state == "pending")) or 0)


def state_of(factory: sessionmaker[Session], channel: str, update_key: str) -> str | None:
    """The state of one recorded update (tests, diagnostics)."""
    with transaction(factory) as session:
        return session.scalar(select(InboxUpdate.state).where(
            InboxUpdate.channel == channel, InboxUpdate.update_key == update_key))


def prune_handled(factory: sessionmaker[Session], before: datetime) -> int:
    """Delete updates handled (done or failed) before ``before`` (retention); returns how many.
    Redeliveries come within hours; after that the core's processed keys still guard."""
    with transaction(factory) as session:
        result = session.execute(delete(InboxUpdate).where(InboxUpdate.state != "pending",
                                                           InboxUpdate.handled_at < before))
        return int(result.rowcount or 0)
