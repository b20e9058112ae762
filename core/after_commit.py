"""Slow work after an update's transaction is never lost in silence.

A handler's ``ctx.after_commit`` work (downloading a directive or a photo, reading it, an
export, a chart) runs once the update is committed — and so marked processed: a redelivery
is skipped. Each piece therefore gets its own row (``store.models.AfterCommitJob``), written
in the update's transaction and closed in the one that queues its result (or the polite
error). A process that stops first leaves the row open, and the user gets an apology naming
what was being done, never silence:

- on SIGTERM the inbox lets handlers finish for ``STOP_GRACE_SECONDS``; work still running
  then is cancelled and apologised for at once (sent after the restart if the sender stopped);
- after a SIGKILL or a crash, the next sweep (at start-up, then every minute) apologises for
  it: at once when its process, on this host, is gone; else once its lease ends (no live
  process works longer than ``MAX_SECONDS``).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.outbox import enqueue
from core.types import Reply
from store.models import AfterCommitJob, JobState, MessageKind, User

log = logging.getLogger(__name__)

MAX_SECONDS = 300.0  # the longest after-commit work (reading a 30-page scan takes ~4 min at most)
STOP_GRACE_SECONDS = 10.0  # how long a stopping process lets running work finish
LEASE = timedelta(seconds=MAX_SECONDS + 60)
HOST = socket.gethostname()[:40]
OWNER = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

# What the bot was doing, and what the user should do again, by task code.
TASKS: dict[str, tuple[str, str]] = {
    "directive.read": ("đọc tệp văn bản anh/chị gửi", "gửi lại tệp"),
    "directive.load": ("nạp văn bản", "gửi lại tệp rồi bấm “Nạp văn bản”"),
    "photo": ("lưu ảnh anh/chị gửi", "gửi lại ảnh"),
    "broadcast.file": ("tải tệp đính kèm thông báo", "gửi lại tệp"),
    "export": ("xuất tệp Excel", "bấm “Xuất Excel” lại"),
    "chart": ("vẽ biểu đồ", "gõ lại /tonghop"),
    "evidence": ("lưu tệp minh chứng anh/chị gửi", "gửi lại tệp minh chứng"),
    "emulation.export": ("xuất bảng xếp hạng", "gõ lại /xephang"),
    "award.document": ("lưu tệp hồ sơ anh/chị gửi", "gửi lại tệp hồ sơ"),
    "award.export": ("xuất danh sách đề nghị khen thưởng", "gõ lại /denghi"),
    "award.achievement": ("soạn bản nháp báo cáo thành tích", "gõ lại /denghi rồi bấm tải bản nháp"),
}
GENERIC = ("xử lý yêu cầu của anh/chị", "gửi lại tin nhắn vừa rồi")


def apology(task: str) -> str:
    doing, again = TASKS.get(task, GENERIC)
    return f"Xin lỗi, bot vừa khởi động lại khi đang {doing} nên việc đó chưa xong. Anh/chị vui lòng {again}."


def open_jobs(session: Session, user: User, update_key: str, tasks: Iterable[str], now: datetime) -> list[int]:
    """One running row per piece of work, in the update's own transaction."""
    rows = [AfterCommitJob(channel=user.channel, update_key=update_key[:64], seq=n, user_id=user.id, task=task,
                           state=JobState.RUNNING, owner=OWNER, started_at=now, lease_until=now + LEASE)
            for n, task in enumerate(tasks)]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def close_job(session: Session, job_id: int, state: JobState, now: datetime) -> bool:
    """Mark a running job finished, in the transaction that queues its outcome; False when it
    was no longer running (already apologised for: its result is not sent as well)."""
    row = session.get(AfterCommitJob, job_id, with_for_update=True)
    if row is None or row.state != JobState.RUNNING:
        return False
    row.state, row.finished_at = state, now
    return True


def interrupt(session: Session, job_id: int, now: datetime) -> bool:
    """The process stops before the work is done: the apology instead of the result."""
    row = session.get(AfterCommitJob, job_id, with_for_update=True)
    if row is None or row.state != JobState.RUNNING:
        return False
    row.state, row.finished_at = JobState.INTERRUPTED, now
    user = session.get(User, row.user_id) if row.user_id is not None else None
    if user is not None and user.chat_id:
        enqueue(session, user, Reply(text=apology(row.task)), key=f"apology:{row.channel}:{row.update_key}:{row.seq}",
                kind=MessageKind.REPLY, not_before=now, now=now)
    log.warning("after-commit job %s (%s) of update %s interrupted; the user is told", row.id, row.task,
                row.update_key)
    return True


def recover_expired(session: Session, now: datetime) -> int:
    """Apologise for work whose process died; the number of jobs. A row is dead when its
    lease ran out, or at once when its owner ran on this host and is gone."""
    rows = session.execute(select(AfterCommitJob.id, AfterCommitJob.owner, AfterCommitJob.lease_until)
                           .where(AfterCommitJob.state == JobState.RUNNING)).all()
    dead = [row.id for row in rows if row.lease_until < now or _gone(row.owner)]
    return sum(interrupt(session, job_id, now) for job_id in dead)


def _gone(owner: str) -> bool:
    """The owning process ran on this host and no longer runs (a reused pid counts as alive:
    the lease settles it)."""
    host, _, pid_text = owner.rpartition(":")[0].rpartition(":")
    if owner == OWNER or host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # this pid, another start: the process before us
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
