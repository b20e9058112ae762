"""The APScheduler job: every minute, ask the database what is due and enqueue it once.

The job only calls :func:`reminders.sweep.run_sweep` with the injected clock; all decisions
live there (a plain function tests call directly).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Optional

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.context import Services
from reminders.retention_job import run_retention_if_due
from reminders.sweep import run_sweep

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminders-sweep"
STOP_WAIT_SECONDS = 10.0


class SweepJob:
    """One sweep at a time, off the event loop; remembers the sweep in flight so that
    stopping can wait for it instead of cancelling it (a cancelled job made APScheduler
    print a CancelledError traceback when a channel quit)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.in_flight: Optional[asyncio.Future[object]] = None

    async def run(self) -> None:
        self.in_flight = asyncio.ensure_future(asyncio.to_thread(self._work))
        try:
            # shield: a scheduler shutdown cancels this coroutine, never the database work.
            result = await asyncio.shield(self.in_flight)
        except asyncio.CancelledError:
            log.debug("sweep job cancelled while stopping; the sweep itself finishes")
            return
        except Exception:
            log.exception("reminder sweep failed; the next minute retries")
            return
        if result is not None and getattr(result, "total", 0):
            log.info("reminder sweep: %s", result)

    def _work(self) -> object:
        """The sweep, then the daily retention run (a no-op on every other minute of the day)."""
        result = run_sweep(self.services)
        try:
            run_retention_if_due(self.services)
        except Exception:
            log.exception("retention run failed; the next minute retries")
        return result

    async def wait_idle(self, timeout: float = STOP_WAIT_SECONDS) -> None:
        """Wait (bounded) for the sweep in flight, if any, to finish."""
        if self.in_flight is None or self.in_flight.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.in_flight), timeout)
        except asyncio.TimeoutError:
            log.warning("a reminder sweep still runs after %.0f s; stopping anyway", timeout)
        except Exception:  # already logged by the job
            log.debug("the sweep in flight failed while stopping")


class SweepScheduler:
    """The APScheduler with the minute sweep job, started on the running loop."""

    def __init__(self, services: Services, *, interval_seconds: float = 60.0) -> None:
        self.job = SweepJob(services)
        self.scheduler = AsyncIOScheduler(timezone="Asia/Ho_Chi_Minh")
        # coalesce + max_instances=1: a slow sweep is never run twice at once nor caught up in a burst.
        self.scheduler.add_job(self.job.run, "interval", seconds=interval_seconds, id=SWEEP_JOB_ID,
                               coalesce=True, max_instances=1, misfire_grace_time=int(interval_seconds),
                               next_run_time=None)

    def start(self, *, run_now: bool = True) -> None:
        """The first sweep runs at once (catch-up after a restart)."""
        self.scheduler.start()
        if run_now:
            # APScheduler's own wall time only triggers the job; the sweep uses services.clock.
            self.scheduler.modify_job(SWEEP_JOB_ID, next_run_time=datetime.now(timezone.utc))
        else:
            self.scheduler.resume_job(SWEEP_JOB_ID)

    async def stop(self) -> None:
        """No new sweep starts; the one in flight finishes; then the scheduler shuts down."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        await self.job.wait_idle()
        await asyncio.sleep(0)  # let the job coroutine return its shielded result
        self.scheduler.shutdown(wait=False)


def start_scheduler(services: Services, *, interval_seconds: float = 60.0,
                    run_now: bool = True) -> SweepScheduler:
    scheduler = SweepScheduler(services, interval_seconds=interval_seconds)
    scheduler.start(run_now=run_now)
    return scheduler


async def stop_scheduler(scheduler: Optional[SweepScheduler]) -> None:
    if scheduler is not None:
        await scheduler.stop()
