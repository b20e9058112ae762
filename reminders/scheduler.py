"""The APScheduler job: every minute, ask the database what is due and enqueue it once.

The job only calls :func:`reminders.sweep.run_sweep` with the injected clock; all decisions
live there (a plain function tests call directly). Every worker schedules the job, but only
the holder of the "sweep" role (``store.runtime.leader``) runs it, so the deployment sweeps once a
minute; when the holder dies, another worker takes the role at its next tick.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Optional

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core import metrics
from core.context import Services
from reminders.retention_job import run_retention_if_due
from reminders.sweep import SweepResult, run_sweep
from store.db import transaction
from store.runtime.leader import Leadership

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminders-sweep"
STOP_WAIT_SECONDS = 10.0


class SweepJob:
    """One sweep at a time, off the event loop; remembers the sweep in flight so that
    stopping can wait for it instead of cancelling it (a cancelled job made APScheduler
    print a CancelledError traceback when a channel quit)."""

    def __init__(self, services: Services, interval_seconds: float = 60.0) -> None:
        self.services = services
        self.interval = interval_seconds
        self.in_flight: Optional[asyncio.Future[SweepResult]] = None
        self.role = Leadership(services.session_factory.kw["bind"], "sweep")
        self._due: Optional[float] = None  # loop time the next sweep is due, for the lag gauge

    async def run(self) -> None:
        held_before = self.role.held
        if not await asyncio.to_thread(self.role.ensure):
            metrics.LEADER.labels("sweep").set(0)
            self._due = None
            return  # another worker sweeps this minute
        if not held_before:
            log.info("this worker runs the minute sweep now")
        metrics.LEADER.labels("sweep").set(1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        due = self._due if self._due is not None else started
        self._due = started + self.interval
        self.in_flight = asyncio.ensure_future(asyncio.to_thread(self._work))
        try:
            # shield: a scheduler shutdown cancels this coroutine, never the database work.
            result = await asyncio.shield(self.in_flight)
        except asyncio.CancelledError:
            log.debug("sweep job cancelled while stopping; the sweep itself finishes")
            return
        except Exception:
            metrics.SWEEPS.labels("error").inc()
            log.exception("reminder sweep failed; the next minute retries")
            return
        metrics.SWEEPS.labels("done").inc()
        metrics.SWEEP_LAG.set(max(0.0, loop.time() - due))
        if result.total:
            log.info("reminder sweep: %s", result)

    def _work(self) -> SweepResult:
        """The sweep, then the daily retention run (a no-op on every other minute of the day);
        the queue gauges are refreshed after."""
        result = run_sweep(self.services)
        try:
            run_retention_if_due(self.services)
        except Exception:
            log.exception("retention run failed; the next minute retries")
        with transaction(self.services.session_factory) as session:
            metrics.refresh_queue_gauges(session, self.services.clock.now())
        return result

    def release(self) -> None:
        self.role.release()
        metrics.LEADER.labels("sweep").set(0)

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
        self.job = SweepJob(services, interval_seconds)
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
        await asyncio.to_thread(self.job.release)  # a clean stop hands the sweep over at once


def start_scheduler(services: Services, *, interval_seconds: float = 60.0,
                    run_now: bool = True) -> SweepScheduler:
    scheduler = SweepScheduler(services, interval_seconds=interval_seconds)
    scheduler.start(run_now=run_now)
    return scheduler


async def stop_scheduler(scheduler: Optional[SweepScheduler]) -> None:
    if scheduler is not None:
        await scheduler.stop()
