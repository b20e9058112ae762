"""The one send path: live replies, notices, reminders and broadcasts all leave through here.

Per channel, one worker of the whole deployment sends (``store.leader``: a PostgreSQL
advisory lock, a file lock on SQLite); the others stand by and take over within about a
second when it dies, putting its claims back (``core.outbox.release_orphans``). So the pace
— ``rate`` a second overall, one message per chat per interval, a pause on 429 — holds
for the deployment, not per process, and each channel is paced on its own.

Each pass takes the due rows highest priority first (replies before notices before
reminders before broadcasts); a reply that arrives mid-pass wakes the loop, which re-reads
the queue before its next claim of lower-priority rows, so a running broadcast yields to
replies within a quarter second and carries on after. A row is claimed (the attempt recorded) just before
its slot and the platform call, and finished right after the call: after a kill, only the sends in flight at
that instant can go out twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from typing import Optional

from core import outbox
from core.context import Services
from core.outbox import Transport
from reminders.channel_loop import ChannelLoop, SenderStats
from reminders.pacer import Pacer

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxSender:
    """Sends queued rows through the channels' transports, one paced loop per channel."""

    def __init__(self, services: Services, transports: dict[str, Transport], *,
                 pacer: Optional[Pacer] = None, worker_id: Optional[str] = None) -> None:
        self.services = services
        self.worker = worker_id or new_worker_id()
        self.stats = SenderStats()
        self.loops = {name: ChannelLoop(services, self.worker, self.stats, name, transport,
                                        pacer or _channel_pacer(services, name))
                      for name, transport in transports.items()}

    def wake(self) -> None:
        """New replies are queued: send them before anything of lower priority."""
        for loop in self.loops.values():
            loop.woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send (or stand by for the role) until ``stop``; in-flight sends finish first."""
        log.info("outbox sender %s started for %s", self.worker, ", ".join(self.loops) or "no channel")
        try:
            await asyncio.gather(*(loop.run(stop) for loop in self.loops.values()))
        finally:
            log.info("outbox sender %s stopped", self.worker)

    async def drain_once(self, stop: Optional[asyncio.Event] = None, *, wait: bool = True) -> int:
        """One pass over every channel without electing (tests, the only process): returns
        how many sends started; with ``wait``, after they finished."""
        started = 0
        for loop in self.loops.values():
            started += await loop.pass_once(stop, wait=wait, time_box=False)
        return started


def _channel_pacer(services: Services, channel: str) -> Pacer:
    s = services.settings
    if channel == "zalo":
        return Pacer(s.zalo_rate_per_second, s.zalo_per_chat_interval_seconds)
    return Pacer(s.outbox_rate_per_second, s.outbox_per_chat_interval_seconds)


def outbox_counts(services: Services, *, broadcast_id: Optional[int] = None) -> dict[str, int]:
    """How many outbox rows are in each state (optionally for one broadcast)."""
    with services.session_factory() as session:
        return outbox.counts(session, broadcast_id=broadcast_id)
