"""The inbox: raw updates recorded before they are acknowledged, then handled in order.

A channel records what the platform delivered (a webhook POST, a getUpdates batch) here
before it answers 200 or confirms the offset; a worker then hands each pending row to the
channel's handler and marks it done. Redelivered updates hit the unique (channel,
update_key) and are recorded once. Every function raises the database's error when the
database is unreachable: the caller must then not acknowledge (503, offset kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, Optional, Sequence

from sqlalchemy import BindParameter, Integer, Select, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, sessionmaker

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
    with transaction(factory) as session:
        return len(_insert(session, channel, items, now))


@dataclass(frozen=True)
class Recorded:
    """What ``record_and_claim`` did: how many updates were new, and those it claimed."""

    new: int
    claimed: list[Pending]


def record_and_claim(factory: sessionmaker[Session], channel: str, items: Sequence[Received], now: datetime, *,
                     worker: str, lease: timedelta, held: Optional[Collection[int]]) -> Recorded:
    """``record``, and in the same transaction claim for ``worker`` the new updates whose
    user has no older pending update outside ``held`` (the ids the worker already holds, in
    order): the update goes to the worker's lane at once, without a claim of its own. The
    others are left to ``claim`` (an older update another worker holds, or one not taken yet).
    ``held`` None: the worker takes nothing now (not running, or holding enough)."""
    if held is None:
        return Recorded(record(factory, channel, items, now), [])
    if not items:
        return Recorded(0, [])
    with transaction(factory) as session:
        new = _insert(session, channel, items, now)
        if not new:
            return Recorded(0, [])
        ids = {row_id for row_id, _, _ in new}
        older = session.execute(select(InboxUpdate.id, InboxUpdate.user_key).where(
            InboxUpdate.channel == channel, InboxUpdate.state == "pending",
            InboxUpdate.user_key.in_({user for _, user, _ in new}), InboxUpdate.id < max(ids),
            InboxUpdate.id.not_in(ids))).all()
        blocked_from: dict[str, int] = {}  # per user, the oldest pending update this worker does not hold
        for row_id, user in sorted(older):
            if row_id not in held:
                blocked_from.setdefault(user, row_id)
        chosen = [(row_id, key) for row_id, user, key in new if row_id < blocked_from.get(user, row_id + 1)]
        if chosen:
            session.execute(update(InboxUpdate).where(InboxUpdate.id.in_([row_id for row_id, _ in chosen]))
                            .values(claimed_by=worker, claimed_until=now + lease)
                            .execution_options(synchronize_session=False))
    by_key = {item.update_key[:KEY_LIMIT]: item for item in items}
    claimed = [Pending(row_id, by_key[key].user_key[:KEY_LIMIT], by_key[key].payload, 0) for row_id, key in chosen]
    return Recorded(len(new), claimed)


def _insert(session: Session, channel: str, items: Sequence[Received],
            now: datetime) -> list[tuple[int, str, str]]:
    """Insert the updates not recorded yet; returns their (id, user_key, update_key), by id."""
    rows = [dict(channel=channel, update_key=item.update_key[:KEY_LIMIT], user_key=item.user_key[:KEY_LIMIT],
                 payload=item.payload, state="pending", attempts=0, received_at=now) for item in items]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(InboxUpdate).values(rows).on_conflict_do_nothing(index_elements=["channel", "update_key"])
            .returning(InboxUpdate.id, InboxUpdate.user_key, InboxUpdate.update_key))
    # rowcount is not reliable for this on every driver; RETURNING order is not promised either
    return sorted((row_id, user, key) for row_id, user, key in session.execute(stmt).all())


def pending(factory: sessionmaker[Session], channel: str, *, skip: Collection[int] = (),
            limit: int = 200) -> list[Pending]:
    """The oldest pending updates of ``channel`` not in ``skip``, claimed or not (diagnostics)."""
    query = (select(InboxUpdate.id, InboxUpdate.user_key, InboxUpdate.payload, InboxUpdate.attempts)
             .where(InboxUpdate.channel == channel, InboxUpdate.state == "pending")
             .order_by(InboxUpdate.id).limit(limit))
    if skip:
        query = query.where(InboxUpdate.id.not_in(list(skip)))
    with transaction(factory) as session:
        return [Pending(*row) for row in session.execute(query).all()]


def _claimable() -> Select[int]:
    """The ids a worker may claim, built once (its parameters bound at each claim): a claim
    runs at every update, and a profile of a scoring run put building this statement and its
    cache key among the delivery path's hottest frames."""
    row, older = aliased(InboxUpdate), aliased(InboxUpdate)
    worker: BindParameter[str] = bindparam("worker")
    now: BindParameter[datetime] = bindparam("now")
    # Spelled without NOT over NULLs: "not held by me" must be true for an unclaimed row.
    not_mine = or_(older.claimed_by.is_(None), older.claimed_by != worker, older.claimed_until.is_(None),
                   older.claimed_until < now)
    blocked = (select(older.id).where(older.channel == row.channel, older.user_key == row.user_key,
                                      older.state == "pending", older.id < row.id, not_mine)
               .exists())
    # Ours too: a lane that let its rows go (claims that seemed to run out) takes them again.
    free = row.claimed_by.is_(None) | (row.claimed_until < now) | (row.claimed_by == worker)
    return (select(row.id).where(row.channel == bindparam("channel"), row.state == "pending", free, ~blocked,
                                 row.id.not_in(bindparam("skip", expanding=True)))
            .order_by(row.id).limit(bindparam("claim_limit", type_=Integer)).with_for_update(skip_locked=True))


_CLAIMABLE = _claimable()


def claim(factory: sessionmaker[Session], channel: str, worker: str, now: datetime, *, lease: timedelta,
          skip: Collection[int] = (), limit: int = 200) -> list[Pending]:
    """Claim for ``worker`` the pending updates it may handle now, oldest first.

    An update is free when nobody holds it (or its holder's lease ran out). It may be taken
    only when every older pending update of the same user is held by this same worker: so a
    user's updates are handled by one worker at a time and in the order received, however
    many workers share the database. A user's next update therefore comes with the claim
    after the one that took the previous (a claim sees the database as it was when it
    started, so it never takes two updates of a user that another worker could split).
    PostgreSQL skips rows another claim has locked; SQLite has one writer at a time."""
    params = {"channel": channel, "worker": worker, "now": now, "skip": list(skip), "claim_limit": limit}
    with transaction(factory) as session:
        # Chosen rows are locked (PostgreSQL) or the database is ours (SQLite) until commit.
        chosen = list(session.scalars(_CLAIMABLE, params))
        if not chosen:
            return []
        rows = session.execute(
            update(InboxUpdate).where(InboxUpdate.id.in_(chosen))
            .values(claimed_by=worker, claimed_until=now + lease)
            .returning(InboxUpdate.id, InboxUpdate.user_key, InboxUpdate.payload, InboxUpdate.attempts)
            .execution_options(synchronize_session=False)).all()
    return sorted((Pending(*row) for row in rows), key=lambda p: p.id)


def renew(factory: sessionmaker[Session], worker: str, until: datetime, *,
          ids: Optional[Collection[int]] = None) -> int:
    """Extend ``worker``'s claims on pending updates (all, or those of ``ids``), its
    heartbeat; returns how many it still held."""
    stmt = update(InboxUpdate).where(InboxUpdate.claimed_by == worker, InboxUpdate.state == "pending")
    if ids is not None:
        stmt = stmt.where(InboxUpdate.id.in_(list(ids)))
    with transaction(factory) as session:
        res = session.execute(stmt.values(claimed_until=until).execution_options(synchronize_session=False))
        return int(res.rowcount or 0)  # type: ignore[attr-defined]


def release(factory: sessionmaker[Session], worker: str) -> int:
    """Give back ``worker``'s claims on updates it did not finish (a clean stop): another
    worker takes them at once instead of after the lease."""
    with transaction(factory) as session:
        res = session.execute(update(InboxUpdate)
                              .where(InboxUpdate.claimed_by == worker, InboxUpdate.state == "pending")
                              .values(claimed_by=None, claimed_until=None)
                              .execution_options(synchronize_session=False))
        return int(res.rowcount or 0)  # type: ignore[attr-defined]


def mark_done(factory: sessionmaker[Session], inbox_id: int | Collection[int], now: datetime) -> None:
    """Mark handled updates done (one id, or several in one transaction)."""
    ids = [inbox_id] if isinstance(inbox_id, int) else list(inbox_id)
    with transaction(factory) as session:
        session.execute(update(InboxUpdate).where(InboxUpdate.id.in_(ids))
                        .values(state="done", handled_at=now).execution_options(synchronize_session=False))


def mark_processed(session: Session, channel: str, update_key: str, now: datetime) -> None:
    """Within the transaction that handled it, mark the update's inbox row done (if it came
    through the inbox): done exactly when its replies are queued, so a kill right after
    leaves nothing to hand over again."""
    session.execute(update(InboxUpdate)
                    .where(InboxUpdate.channel == channel, InboxUpdate.update_key == update_key[:KEY_LIMIT],
                           InboxUpdate.state == "pending")
                    .values(state="done", handled_at=now).execution_options(synchronize_session=False))


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


def prune_handled(session: Session, before: datetime, *, dry_run: bool = False) -> int:
    """Delete updates handled (done or failed) before ``before`` (retention: they hold the
    messages' raw text); returns how many. Redeliveries come within hours."""
    old = (InboxUpdate.state != "pending", InboxUpdate.handled_at < before)
    count = int(session.scalar(select(func.count()).select_from(InboxUpdate).where(*old)) or 0)
    if not dry_run:
        session.execute(delete(InboxUpdate).where(*old))
    return count
