"""Background work next to a channel: the outbox sender and the reminder scheduler."""

from __future__ import annotations

import asyncio
import logging
from typing import Optional, Sequence

from core.context import Services
from core.outbox import Candidate, Transport
from bot.delivery.backlog import ReplyBacklog
from bot.delivery.sender import OutboxSender
from reminders.scheduler import start_scheduler, stop_scheduler

log = logging.getLogger(__name__)


class Background:
    """The sender (one loop per channel) and the minute sweep of one process.

    ``transports`` maps a channel name ("telegram", "zalo", "console", …) to its sending side;
    rows of other channels stay queued for whichever process serves them. In a deployment of
    several workers each runs this; one of them sends per channel and one sweeps.
    """

    def __init__(self, services: Services, transports: dict[str, Transport], *,
                 sweep_interval_seconds: Optional[float] = None, sweep: bool = True) -> None:
        self.services = services
        self.sender = OutboxSender(services, transports)
        self.sweep_interval_seconds = sweep_interval_seconds or services.settings.sweep_interval_seconds
        self.sweep = sweep

    def wake(self, fresh: Sequence[Candidate] = ()) -> None:
        """A channel queued replies (``fresh``: those rows): the sender sends them ahead of
        everything else."""
        self.sender.wake(fresh)

    def reply_backlog(self, channel: str) -> Optional[ReplyBacklog]:
        """The count of ``channel``'s replies waiting for the sender (None: not sent here)."""
        loop = self.sender.loops.get(channel)
        return loop.backlog if loop is not None else None

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set (call it as a task); sends in flight finish first."""
        scheduler = (start_scheduler(self.services, interval_seconds=self.sweep_interval_seconds)
                     if self.sweep else None)
        try:
            await self.sender.run(stop)
        finally:
            await stop_scheduler(scheduler)


async def run_background(services: Services, transports: dict[str, Transport], stop: asyncio.Event,
                         *, sweep_interval_seconds: Optional[float] = None, sweep: bool = True) -> None:
    """``Background(...).run(stop)`` for callers that never wake the sender."""
    await Background(services, transports, sweep_interval_seconds=sweep_interval_seconds, sweep=sweep).run(stop)


async def stop_background(task: "asyncio.Task[None]", stop: asyncio.Event, timeout: float = 10.0) -> None:
    """Stop the sender and the sweep, letting sends in flight finish (idempotent): every entry
    point (console, polling, the channels together, webhook) stops its background work here."""
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        task.cancel()
    except Exception:
        log.exception("background work ended with an error")
