"""The daily retention run, triggered by the minute sweep's scheduler.

At most once per local day in the whole deployment: the run claims the day by inserting a
``job_runs`` row (primary key: job and date) in the same transaction as the pruning, so a
second worker's claim fails on the key, and a run that fails rolls its claim back and is
retried on the next minute.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Optional

from sqlalchemy.exc import IntegrityError

from core.context import Services
from store.clock import local
from store.db import transaction
from store.models import JobRun
from store.runtime.retention import RetentionReport, prune

log = logging.getLogger(__name__)

JOB = "retention"


def run_retention(services: Services, *, now: Optional[datetime] = None,
                  dry_run: bool = False) -> RetentionReport:
    """Prune now (the CLI: ``python -m bot retention [--dry-run]``)."""
    now = now or services.clock.now()
    settings = services.settings
    with transaction(services.session_factory) as session:
        return prune(session, settings.files_dir, now=now, retention_days=settings.retention_days,
                     erase_after_days=settings.officer_erase_after_days, dry_run=dry_run)


def run_retention_if_due(services: Services, now: Optional[datetime] = None) -> Optional[RetentionReport]:
    """Prune once per local day; None when today's run is already done (here or elsewhere)."""
    now = now or services.clock.now()
    day = local(now).date().isoformat()
    settings = services.settings
    try:
        with transaction(services.session_factory) as session:
            if session.get(JobRun, (JOB, day)) is not None:
                return None
            session.add(JobRun(job=JOB, run_key=day, started_at=now))
            session.flush()
            report = prune(session, settings.files_dir, now=now, retention_days=settings.retention_days,
                           erase_after_days=settings.officer_erase_after_days)
    except IntegrityError:
        return None  # another worker claimed today's run
    log.info("retention: %s", report.summary())
    return report
