"""What a handler gets: the incoming message, the user, an open session and the services."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.choices import remember
from handlers.types import Incoming, Reply
from store.clock import Clock
from store.models import AuditLog, DialogState, Officer, OutboxMessage, User

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Dependencies passed into handlers (never fetched from globals)."""

    settings: "Settings"
    session_factory: sessionmaker[Session]
    clock: Clock
    search: Any = None  # store.search.SearchIndex
    extras: dict[str, Any] = field(default_factory=dict)  # feature-owned services (matchers, ...)


@dataclass
class Context:
    """One incoming event being handled inside one database transaction."""

    services: Services
    session: Session
    msg: Incoming
    user: User
    officer: Optional[Officer] = None

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    # -- dialog state -------------------------------------------------------
    def dialog(self) -> Optional[DialogState]:
        return self.session.get(DialogState, self.user.id)

    def set_dialog(self, name: str, data: dict[str, Any]) -> None:
        """Enter or update a dialog; the state is saved with this update's transaction."""
        state = self.session.get(DialogState, self.user.id)
        if state is None:
            state = DialogState(user_id=self.user.id, name=name, data=dict(data), updated_at=self.now)
            self.session.add(state)
        else:
            state.name, state.data, state.updated_at = name, dict(data), self.now

    def clear_dialog(self) -> None:
        state = self.session.get(DialogState, self.user.id)
        if state is not None:
            self.session.delete(state)

    # -- side effects -------------------------------------------------------
    def audit(self, action: str, target: str, outcome: str, **detail: Any) -> None:
        self.session.add(AuditLog(
            at=self.now, user_id=self.user.id, officer_id=self.officer.id if self.officer else None,
            action=action, target=target, outcome=outcome, detail=detail,
        ))

    def notify(self, user: User, reply: Reply, *, key: str, kind: str = "notice",
               delay: timedelta = timedelta(0)) -> None:
        """Queue a message to another user; ``key`` makes a retried update queue it once."""
        enqueue(self.session, user, reply, key=key, kind=kind, not_before=self.now + delay, now=self.now)


def enqueue(session: Session, user: User, reply: Reply, *, key: str, kind: str,
            not_before: datetime, now: datetime, broadcast_id: Optional[int] = None) -> Optional[OutboxMessage]:
    """Add a message to the outbox unless one with the same key is already there.

    A notice with buttons for a buttonless channel (console, Zalo) becomes the user's
    numbered menu; replies set theirs in the core, per update.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is not None:
        return None
    row = OutboxMessage(
        dedup_key=key, channel=user.channel, chat_id=user.chat_id, user_id=user.id, kind=kind,
        payload=reply.to_payload(), state="queued", attempts=0, not_before=not_before,
        created_at=now, broadcast_id=broadcast_id,
    )
    session.add(row)
    if kind != "reply":
        remember(session, user, reply, now, interactive=False)
    return row
