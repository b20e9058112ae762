"""Retention: what the bot keeps only for a while (RETENTION_DAYS, default 90).

Pruned: outbox rows already delivered (or given up: failed, blocked, skipped), processed-update
keys and handled inbox rows (no platform redelivers an update that old), generated exports and charts on disk.
Kept: reports, revisions, report photos, directives, audit log. Removed officers are erased
by store.people.leavers on its own schedule; the daily job runs both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.runtime.inbox import prune_handled
from store.people.leavers import erase_due
from store.models import OutboxMessage, ProcessedUpdate

DONE_STATES = ("sent", "failed", "blocked", "skipped")
GENERATED_DIRS = ("exports", "charts")  # under files_dir; report photos are never pruned


@dataclass
class RetentionReport:
    outbox: int = 0
    processed_updates: int = 0
    files: list[Path] = field(default_factory=list)
    erased_officers: list[int] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        head = "Thử (không xóa)" if self.dry_run else "Đã dọn"
        return (f"{head}: {self.outbox} tin nhắn đã gửi, {self.processed_updates} khóa cập nhật, "
                f"{len(self.files)} tệp xuất/biểu đồ; xóa thông tin {len(self.erased_officers)} cán bộ đã nghỉ.")


def prune(session: Session, files_dir: Path, *, now: datetime, retention_days: int, erase_after_days: int,
          dry_run: bool = False) -> RetentionReport:
    """Delete what is older than ``retention_days`` and erase leavers that are due."""
    cutoff = now - timedelta(days=retention_days)
    report = RetentionReport(dry_run=dry_run)
    old_outbox = (OutboxMessage.state.in_(DONE_STATES),
                  func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff)
    old_keys = (ProcessedUpdate.processed_at < cutoff,)
    report.outbox = session.scalar(select(func.count()).select_from(OutboxMessage).where(*old_outbox)) or 0
    report.processed_updates = session.scalar(select(func.count()).select_from(ProcessedUpdate).where(*old_keys)) or 0
    report.processed_updates += prune_handled(session, cutoff, dry_run=dry_run)  # the inbox's raw updates
    report.files = _old_files(files_dir, cutoff)
    report.erased_officers = erase_due(session, now=now, after_days=erase_after_days, dry_run=dry_run).officers
    if dry_run:
        return report
    session.execute(delete(OutboxMessage).where(*old_outbox))
    session.execute(delete(ProcessedUpdate).where(*old_keys))
    for path in report.files:
        path.unlink(missing_ok=True)
    return report


def _old_files(files_dir: Path, cutoff: datetime) -> list[Path]:
    """Generated files last written before ``cutoff`` (by their modification time)."""
    limit = cutoff.timestamp()
    found: list[Path] = []
    for name in GENERATED_DIRS:
        folder = files_dir / name
        if folder.is_dir():
            found += sorted(p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime < limit)
    return found
