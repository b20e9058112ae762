"""The sender role of one channel: held by one worker of the deployment at a time.

``store.runtime.leader`` holds the lock (a PostgreSQL advisory lock, a file lock on SQLite);
here the role is taken, confirmed and given up for a channel's sending loop. The role held is
confirmed at most every ``CHECK_SECONDS`` (a round trip on PostgreSQL), not before each pass:
a reply waits for no such check. Taking the role puts back the claims of a gone worker.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

from core import metrics
from core import outbox
from core.context import Services
from store.db import transaction
from store.runtime.leader import Leadership

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.5  # as often as a busy pass re-reads the queue


class SenderRole:
    def __init__(self, services: Services, channel: str, worker: str,
                 off_loop: Callable[..., Awaitable[Any]], monotonic: Callable[[], float] = time.monotonic) -> None:
        self.services, self.channel, self.worker = services, channel, worker
        self._off_loop = off_loop  # database work on the sender's threads
        self._role = Leadership(services.session_factory.kw["bind"], f"outbox:{channel}")
        self._checked_at = float("-inf")
        self._monotonic = monotonic

    async def ensure(self) -> bool:
        """Whether this worker sends for the channel now (taking the role if free)."""
        now = self._monotonic()
        if self._role.held and now - self._checked_at < CHECK_SECONDS:
            return True
        held: bool = await self._off_loop(self._ensure)
        self._checked_at = now
        return held

    async def release(self) -> None:
        await self._off_loop(self._role.release)
        metrics.LEADER.labels(f"outbox:{self.channel}").set(0)

    def _ensure(self) -> bool:
        was = self._role.held
        held = self._role.ensure()
        if held and not was:
            with transaction(self.services.session_factory) as session:
                back = outbox.release_orphans(session, self.channel, self.worker)
            log.info("outbox %s: this worker sends now (%d claim(s) of a gone worker put back)", self.channel, back)
        elif was and not held:
            log.warning("outbox %s: lost the sender role; standing by", self.channel)
        metrics.LEADER.labels(f"outbox:{self.channel}").set(1 if held else 0)
        return held
