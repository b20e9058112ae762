"""Background work next to a channel: the outbox sender and the reminder scheduler."""

from __future__ import annotations

import asyncio
import logging

from typing import Any, Optional

from core.context import Services
from reminders.outbox import OutboxSender
from reminders.scheduler import start_scheduler, stop_scheduler
from reminders.transport import Transport

log = logging.getLogger(__name__)


async def run_background(services: Services, transports: dict[str, Transport], stop: asyncio.Event,
                         *, sweep_interval_seconds: float = 60.0, sweep: bool = True,
                         pacer: Optional[Any] = None) -> None:
    """Run the sender and the minute sweep until ``stop`` is set (call it as a task).

    ``transports`` maps a channel name ("telegram", "console", …) to its sending side; rows
    of other channels stay queued for whichever process serves them. ``pacer``: one with the
    Pacer interface (bot.pacing paces each channel at its own settings).
    """
    sender = OutboxSender(services, transports, pacer=pacer)
    scheduler = start_scheduler(services, interval_seconds=sweep_interval_seconds) if sweep else None
    try:
        await sender.run(stop)
    finally:
        await stop_scheduler(scheduler)
