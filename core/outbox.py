"""The outbox: every message the bot sends is a row here first, and only this module builds
rows or changes their state.

Producers (the core's replies, handlers' notices, the reminder sweep, broadcasts) call
``enqueue`` / ``enqueue_many``: rows are unique by key, so a retried update or sweep never
queues a message twice. The one sender (``bot.delivery.sender``) calls ``candidates``,
``claim`` right before the platform call (the attempt is recorded first) and ``finish``
right after it. A row is ``sending`` only while the worker that claimed it lives; a worker
that takes the channel over from a dead one puts the dead one's claims back with
``release_orphans`` — so after a crash only the sends in flight at that instant can repeat,
and nothing is lost.

States (``store.models.OutboxState``): queued → sending → sent | blocked | failed, or back to
queued (network error with backoff, 429, orphaned claim); skipped for what is never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from datetime import datetime, timedelta
from typing import Any, Iterable, Optional, Protocol

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from core.channels import ChannelCapabilities
from core.menus import number_replies
from core.types import Reply
from store.clock import as_utc
from store.models import PENDING_STATES, MessageKind, OutboxMessage, OutboxState, User

# Interactive replies go first, notices next, then reminders, then a 20,000-recipient broadcast.
KIND_PRIORITY = {MessageKind.REPLY: 0, MessageKind.NOTICE: 1, MessageKind.REPORT: 1, MessageKind.REMINDER: 2,
                 MessageKind.DIGEST: 2, MessageKind.BROADCAST: 3}
DEFAULT_PRIORITY = 2
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0


class SendOutcome(StrEnum):
    """What ``finish`` made of one send: a final state, or queued again (rate_limited, retry)."""

    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    RATE_LIMITED = "rate_limited"  # queued again at once, the attempt not counted
    RETRY = "retry"  # queued again after a backoff

    @property
    def settled(self) -> bool:
        """The message reached a final state (it will not be sent again)."""
        return self in (SendOutcome.SENT, SendOutcome.BLOCKED, SendOutcome.FAILED)


@dataclass(frozen=True)
class SendResult:
    """What a channel answered to one send, as data."""

    ok: bool
    retry_after: Optional[float] = None  # the platform asked us to wait (Telegram 429)
    blocked: bool = False  # the user blocked the bot (Telegram 403): never retried
    error: Optional[str] = None  # other failures: retried with backoff
    permanent: bool = False  # the platform refused the request as such: failed at once, never retried


class Transport(Protocol):
    """A channel's sending side (Telegram, Zalo, console, a test double)."""

    channel: str
    capabilities: ChannelCapabilities  # what the channel can do: buttons, sends at once, text length

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...


@dataclass(frozen=True)
class Outgoing:
    """One message for ``enqueue_many``: who gets what, when, under which unique key."""

    key: str
    channel: str
    chat_id: str
    user_id: Optional[int]
    kind: MessageKind
    reply: Reply
    not_before: datetime
    broadcast_id: Optional[int] = None


@dataclass(frozen=True)
class Candidate:
    id: int
    channel: str
    chat_id: str
    kind: MessageKind

    @property
    def priority(self) -> int:
        return KIND_PRIORITY.get(self.kind, DEFAULT_PRIORITY)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` network failures (5 s, 10 s, 20 s … 10 min)."""
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)))


# -- producers --------------------------------------------------------------------
def enqueue(session: Session, user: User, reply: Reply, *, key: str, kind: MessageKind,
            not_before: datetime, now: datetime, broadcast_id: Optional[int] = None) -> Optional[OutboxMessage]:
    """Add a message to the outbox unless one with the same key is already there.

    A notice's buttons on a buttonless channel (console, Zalo) are added to the user's numbered
    menu (core.menus); replies are numbered by the core, per update, before they come here.
    """
    if kind != MessageKind.REPLY:
        if state_of(session, key) is not None:
            return None
        reply = number_replies(session, user, [(key, reply)], now, interactive=False, later=not_before > now)[0]
    return enqueue_to_chat(session, channel=user.channel, chat_id=user.chat_id, user_id=user.id, reply=reply,
                           key=key, kind=kind, not_before=not_before, now=now, broadcast_id=broadcast_id)


def enqueue_to_chat(session: Session, *, channel: str, chat_id: str, user_id: Optional[int], reply: Reply,
                    key: str, kind: MessageKind, not_before: datetime, now: datetime,
                    broadcast_id: Optional[int] = None) -> Optional[OutboxMessage]:
    """``enqueue`` for a chat given by id: a group the bot answers once, or a private chat
    whose user row must not change (a notice outside a handled update)."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is not None:
        return None
    row = OutboxMessage(
        dedup_key=key, channel=channel, chat_id=chat_id, user_id=user_id, kind=kind,
        payload=reply.to_payload(), state=OutboxState.QUEUED, attempts=0, not_before=not_before,
        created_at=now, broadcast_id=broadcast_id,
    )
    session.add(row)
    return row


def state_of(session: Session, key: str) -> Optional[OutboxState]:
    """The state of the outbox row with this key (None: never queued, or pruned)."""
    return session.scalar(select(OutboxMessage.state).where(OutboxMessage.dedup_key == key))


def enqueue_many(session: Session, items: Iterable[Outgoing], *, now: datetime, skip_existing: bool = True,
                 chunk: int = 2000) -> int:
    """Bulk-queue messages (reminders, broadcasts); returns how many rows were added.

    ``skip_existing=False`` when the caller's own unique row already proves the keys are new
    (a fresh broadcast id, a reminder log key), saving a lookup per chunk.
    """
    payloads: dict[int, dict[str, Any]] = {}  # one serialization per shared Reply object
    added = 0
    batch: list[Outgoing] = []
    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            added += _insert(session, batch, payloads, now, skip_existing)
            batch = []
    if batch:
        added += _insert(session, batch, payloads, now, skip_existing)
    return added


def _insert(session: Session, batch: list[Outgoing], payloads: dict[int, dict[str, Any]], now: datetime,
            skip_existing: bool) -> int:
    if skip_existing:
        have = set(session.scalars(select(OutboxMessage.dedup_key)
                                   .where(OutboxMessage.dedup_key.in_([o.key for o in batch]))))
        batch = [o for o in batch if o.key not in have]
    rows = []
    for o in batch:
        payload = payloads.get(id(o.reply))
        if payload is None:
            payload = payloads[id(o.reply)] = o.reply.to_payload()
        rows.append({"dedup_key": o.key, "channel": o.channel, "chat_id": o.chat_id, "user_id": o.user_id,
                     "kind": o.kind, "payload": payload, "state": OutboxState.QUEUED, "attempts": 0,
                     "not_before": o.not_before, "created_at": now, "broadcast_id": o.broadcast_id})
    if rows:
        session.execute(insert(OutboxMessage), rows)
    return len(rows)


# -- the sender -------------------------------------------------------------------
def candidates(session: Session, channel: str, now: datetime, *, limit: int) -> list[Candidate]:
    """Queued rows of one channel that are due, highest priority first, oldest first."""
    priority = case(KIND_PRIORITY, value=OutboxMessage.kind, else_=DEFAULT_PRIORITY)
    stmt = (select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.kind)
            .where(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.channel == channel,
                   OutboxMessage.not_before <= now)
            .order_by(priority, OutboxMessage.not_before, OutboxMessage.id).limit(limit))
    return [Candidate(*row) for row in session.execute(stmt)]


def claim(session: Session, row_ids: list[int], worker: str) -> list[OutboxMessage]:
    """Atomically take queued rows for ``worker`` and count the attempt; returns the rows it
    got (detached), in the order asked — another worker may have taken some meanwhile."""
    if not row_ids:
        return []
    # One round trip: the rows this update changed are the rows this worker got.
    got = {m.id: m for m in session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(row_ids), OutboxMessage.state == OutboxState.QUEUED)
        .values(state=OutboxState.SENDING, claimed_by=worker, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True))}
    for msg in got.values():
        session.expunge(msg)
    return [got[i] for i in row_ids if i in got]


def finish(session: Session, msg: OutboxMessage, result: SendResult, *, worker: str, now: datetime,
           max_attempts: int) -> SendOutcome:
    """Record a send's outcome for the row ``worker`` claimed."""
    outcome, values = _outcome(msg, result, now=now, max_attempts=max_attempts)
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.id == msg.id, OutboxMessage.state == OutboxState.SENDING,
                           OutboxMessage.claimed_by == worker)
                    .values(claimed_by=None, **values).execution_options(synchronize_session=False))
    if outcome is SendOutcome.BLOCKED and msg.user_id is not None:
        session.execute(update(User).where(User.id == msg.user_id).values(reachable=False)
                        .execution_options(synchronize_session=False))
    return outcome


def _outcome(msg: OutboxMessage, result: SendResult, *, now: datetime,
             max_attempts: int) -> tuple[SendOutcome, dict[str, Any]]:
    """The outcome of one send and the row's new values."""
    if result.ok:
        return SendOutcome.SENT, {"state": OutboxState.SENT, "sent_at": now, "last_error": None}
    if result.blocked:
        return SendOutcome.BLOCKED, {"state": OutboxState.BLOCKED,
                                     "last_error": (result.error or "blocked by the user")[:500]}
    if result.retry_after is not None:
        # Not the message's fault: queued again without spending an attempt.
        return SendOutcome.RATE_LIMITED, {"state": OutboxState.QUEUED, "not_before": now,
                                          "attempts": msg.attempts - 1,
                                          "last_error": f"429 retry_after={result.retry_after}"}
    if result.permanent or msg.attempts >= max_attempts:
        return SendOutcome.FAILED, {"state": OutboxState.FAILED, "last_error": (result.error or "failed")[:500]}
    return SendOutcome.RETRY, {"state": OutboxState.QUEUED, "not_before": now + backoff(msg.attempts),
                               "last_error": (result.error or "error")[:500]}


def release_orphans(session: Session, channel: str, worker: str) -> int:
    """Put back the claims other workers hold on ``channel``: called by the worker that just
    became the channel's only sender, so those workers are gone. Returns how many."""
    res = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.state == OutboxState.SENDING,
               (OutboxMessage.claimed_by != worker) | OutboxMessage.claimed_by.is_(None))
        .values(state=OutboxState.QUEUED, claimed_by=None).execution_options(synchronize_session=False))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


def mark_shown(session: Session, row_ids: Iterable[int], now: datetime) -> None:
    """A local channel (the console) printed these replies itself: record them sent."""
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.id.in_(list(row_ids)), OutboxMessage.state == OutboxState.QUEUED)
                    .values(state=OutboxState.SENT, sent_at=now, attempts=OutboxMessage.attempts + 1)
                    .execution_options(synchronize_session=False))


# -- reading ----------------------------------------------------------------------
def pending_by_channel(session: Session) -> dict[str, tuple[int, Optional[datetime]]]:
    """Per channel: rows still to send and when the oldest of them was queued."""
    stmt = (select(OutboxMessage.channel, func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.state.in_(PENDING_STATES)).group_by(OutboxMessage.channel))
    out: dict[str, tuple[int, Optional[datetime]]] = {}
    for channel, n, oldest in session.execute(stmt):
        out[channel] = (int(n), _aware(oldest))
    return out


def _aware(moment: Any) -> Optional[datetime]:
    """min() over a UtcDateTime column comes back raw (a string on SQLite)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return as_utc(moment)
