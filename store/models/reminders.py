"""Reminder policies, the reminders log (the "once" of every reminder) and broadcasts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class ReminderPolicy(Base):
    """A period's own reminder schedule; periods without one use the settings' defaults."""

    __tablename__ = "reminder_policies"

    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True)
    # Offsets from the due moment: "-7d@08:00" (7 days before, 08:00 local), "0d@08:00"
    # (the due day), "-90m" (90 minutes before the due time).
    offsets: Mapped[list[Any]] = mapped_column(default=list)
    overdue_time: Mapped[Optional[str]] = mapped_column(String(5))  # "08:00"; None: no overdue reminders
    overdue_limit: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class ReminderLog(Base):
    """One planned reminder: enqueued once (state queued) or recorded as skipped, never twice."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("period_id", "commune_code", "officer_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(32))  # the policy offset: "-7d@08:00", "+2d@08:00"
    planned_at: Mapped[datetime]  # the moment the policy put it at
    state: Mapped[str] = mapped_column(String(16))  # queued, skipped
    reason: Mapped[str] = mapped_column(String(64), default="")  # why skipped: stale, superseded
    outbox_key: Mapped[Optional[str]] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Broadcast(Base):
    """A notice a supervisor or admin sends to many officers through the outbox."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"), index=True)
    sender_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    attachment: Mapped[Optional[dict[str, Any]]]  # {"kind": "document"|"image", "path", "file_name", "mime_type"}
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"kind": "province", ...}
    audience_label: Mapped[str] = mapped_column(String(300), default="")
    recipient_count: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default="running", index=True)  # running, done
    created_at: Mapped[datetime]
    finished_at: Mapped[Optional[datetime]]
