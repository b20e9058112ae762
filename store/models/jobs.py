"""Slow work after an update's transaction (downloads, reading a file, exports, charts),
recorded in that transaction so a stop in the middle is never silent."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class JobState(str, enum.Enum):
    RUNNING = "running"  # committed with its update; finished, failed or interrupted later
    DONE = "done"  # its result is in the outbox (same transaction)
    FAILED = "failed"  # the polite error reply is in the outbox
    INTERRUPTED = "interrupted"  # the process stopped first; the apology is in the outbox


class AfterCommitJob(Base):
    """One piece of after-commit work (``core.context.AfterCommit``). Unique per update and
    position, so a redelivered update cannot open it twice. A row still running after
    ``lease_until`` belongs to a process that died: no live process works on anything longer
    (``core.after_commit.MAX_SECONDS``), so it is apologised for."""

    __tablename__ = "after_commit_jobs"
    __table_args__ = (
        UniqueConstraint("channel", "update_key", "seq"),
        Index("ix_after_commit_jobs_state_lease", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    task: Mapped[str] = mapped_column(String(32))  # what is being done, e.g. "directive.read"
    state: Mapped[JobState] = mapped_column(String(16), default=JobState.RUNNING)
    owner: Mapped[str] = mapped_column(String(64))  # the process doing it
    started_at: Mapped[datetime]
    lease_until: Mapped[datetime]
    finished_at: Mapped[Optional[datetime]]
