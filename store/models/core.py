"""Channel users, dialog state, processed updates, the outbox and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, StrEnumType


class OutboxState(StrEnum):
    """Where an outbox message is: queued -> sending (claimed by one worker, the attempt recorded
    before the platform call) -> sent | blocked | failed | skipped, or back to queued (a retry,
    a 429, a dead worker's claim)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot
    FAILED = "failed"  # the platform refused it for good
    SKIPPED = "skipped"  # never sent on purpose (a reminder no longer due, an erased officer)


PENDING_STATES = (OutboxState.QUEUED, OutboxState.SENDING)
DONE_STATES = (OutboxState.SENT, OutboxState.BLOCKED, OutboxState.FAILED, OutboxState.SKIPPED)


class MessageKind(StrEnum):
    """Why a message is sent; replies go first (core.outbox.KIND_PRIORITY)."""

    REPLY = "reply"  # an answer to the user's own update
    NOTICE = "notice"  # a line about the user's own business (approved, a broadcast's report)
    REPORT = "report"
    REMINDER = "reminder"
    DIGEST = "digest"
    BROADCAST = "broadcast"


class User(Base):
    """A person as a channel sees them (a Telegram account, a console session)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    officer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id"), index=True)
    # False once the user blocked the bot; True again when they come back.
    reachable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Per-user rate limit (core/ratelimit.py): messages counted in the window that started at
    # rate_window_start. On the user row, which every update already writes, so the count is
    # right across restarts and across several workers at no extra write.
    rate_window_start: Mapped[Optional[datetime]]
    rate_count: Mapped[int] = mapped_column(default=0)


class DialogState(Base):
    """Where a user is in a multi-step dialog; survives restarts."""

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """Incoming updates already handled, so a redelivered update is not handled twice."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(index=True)


class JobRun(Base):
    """A periodic job's claim on one run (e.g. retention on one local day): the primary key makes
    the claim once-only across workers; the claim commits with the job's work or not at all."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_key: Mapped[str] = mapped_column(String(32), primary_key=True)  # "2026-06-01"
    started_at: Mapped[datetime]


class OutboxMessage(Base):
    """Every message the bot sends, queued first so a crash loses none and sends none twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[MessageKind] = mapped_column(StrEnumType(MessageKind, 16))
    payload: Mapped[dict[str, Any]]  # a serialized core.types.Reply
    state: Mapped[OutboxState] = mapped_column(StrEnumType(OutboxState, 16), default=OutboxState.QUEUED)
    claimed_by: Mapped[Optional[str]] = mapped_column(String(64))  # the worker sending it now
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[Optional[datetime]]
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    broadcast_id: Mapped[Optional[int]] = mapped_column(index=True)


class AuditLog(Base):
    """Who did what, when, and how it ended: refusals, role changes, approvals, imports."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    officer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(32))  # allowed, refused, done, failed
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
