"""The APScheduler job: every minute, ask the database what is due and enqueue it once.

The job only calls :func:`reminders.sweep.run_sweep` with the injected clock; all decisions
live there (a plain function tests call directly).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.context import Services

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminders-sweep"


async def sweep_job(services: Services) -> None:
    """One sweep, off the event loop (it is plain blocking database work)."""
    try:
        from reminders.sweep import run_sweep
    except ImportError as exc:  # pragma: no cover - only while the sweep module is absent
        log.debug("no sweep available: %s", exc)
        return
    try:
        result = await asyncio.to_thread(run_sweep, services)
        if result is not None and getattr(result, "total", 0):
            log.info("reminder sweep: %s", result)
    except Exception:
        log.exception("reminder sweep failed; the next minute retries")


def build_scheduler(services: Services, *, interval_seconds: float = 60.0) -> AsyncIOScheduler:
    """An AsyncIOScheduler with the sweep job (not started)."""
    scheduler = AsyncIOScheduler(timezone="Asia/Ho_Chi_Minh")
    # coalesce + max_instances=1: a slow sweep is never run twice at once nor caught up in a burst.
    scheduler.add_job(sweep_job, "interval", seconds=interval_seconds, args=[services], id=SWEEP_JOB_ID,
                      coalesce=True, max_instances=1, misfire_grace_time=int(interval_seconds),
                      next_run_time=None)
    return scheduler


def start_scheduler(services: Services, *, interval_seconds: float = 60.0,
                    run_now: bool = True) -> AsyncIOScheduler:
    """Start the scheduler on the running loop; the first sweep runs at once (catch-up after a restart)."""
    from datetime import datetime, timezone

    scheduler = build_scheduler(services, interval_seconds=interval_seconds)
    scheduler.start()
    if run_now:
        # APScheduler's own wall time only triggers the job; the sweep uses services.clock.
        scheduler.modify_job(SWEEP_JOB_ID, next_run_time=datetime.now(timezone.utc))
    else:
        scheduler.resume_job(SWEEP_JOB_ID)
    return scheduler


def stop_scheduler(scheduler: Optional[AsyncIOScheduler]) -> None:
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=False)
