"""The outbox API: every message the bot sends (replies, notices, reminders, broadcasts) is a row
queued here first, unique by its key, so a retried update or sweep never queues it twice."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.choices import remember
from core.types import Reply
from store.models import OutboxMessage, User


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
