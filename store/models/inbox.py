"""Updates received from a chat platform, recorded before they are acknowledged."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class InboxUpdate(Base):
    """One raw update, written before the platform gets its 200 (webhook) or its offset
    confirmation (polling), so a crash or an outage after that loses nothing. Unique by
    (channel, update_key): a redelivered update is recorded, and handled, once."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_inbox_channel_state_id", "channel", "state", "id"),
        Index("ix_inbox_channel_user_id", "channel", "user_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(64))
    # Whose update this is (the sender's id on the platform): updates of one user are
    # handled in the order received, different users' side by side.
    user_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]  # the update exactly as the platform sent it
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending done failed
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime]
    handled_at: Mapped[Optional[datetime]]
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    # The worker handling this user's updates now, until when (renewed while it lives): no
    # other worker takes this user's updates meanwhile, so they are handled in order.
    claimed_by: Mapped[Optional[str]] = mapped_column(String(64))
    claimed_until: Mapped[Optional[datetime]]
