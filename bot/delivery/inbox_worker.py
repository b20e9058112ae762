"""A channel's durable intake: record every update first, acknowledge after, then handle.

Both ways updates arrive go through here: the webhook server answers 200 only once
``accept`` has written the update to the ``inbox`` table (503 when it cannot, so the
platform retries), and the Telegram poller confirms an offset only after the same. The
worker (``run``) then hands pending rows to the channel's handler, one user's updates in the
order received and different users' side by side, and marks each done. A crash anywhere
after the record loses nothing: the row is still pending at the next start, and the core
recognises an update it already handled (processed_updates), so nothing is answered twice.
While the database is unreachable nothing is taken and nothing is lost: the handler's error
leaves the row pending and the lane retries it with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import deque
from dataclasses import replace
from datetime import timedelta
from typing import Any, Awaitable, Callable, Collection, Optional, Sequence

from prometheus_client import Counter

from bot.aio import Backoff, LoopTurns, wait_or_stop
from bot.delivery.inbox_done import DoneMarks, log_db_error
from core.after_commit import STOP_GRACE_SECONDS
from core.context import Services
from store.runtime import inbox as store_inbox
from store.db import is_unavailable
from store.runtime.inbox import Pending, Received

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]

BATCH = 200
MAX_TAKEN = 2000  # rows held in memory at once; the rest wait in the table
IDLE_RECHECK_SECONDS = 5.0  # also picks up rows another process recorded
MAX_ATTEMPTS = 3  # a handler that fails for another reason than an outage is retried this often
# A worker's claim on a user's updates lasts this long unless renewed (every HEARTBEAT): a
# dead worker's users are taken over after it; a living one's are never split.
LEASE = timedelta(seconds=30)
HEARTBEAT_SECONDS = 5.0
LEASE_MARGIN = timedelta(seconds=5)  # a lane stops before its claims could have run out

RECORDED = Counter("bot_inbox_recorded_total", "Updates recorded in the inbox (duplicates excluded)", ["channel"])
UNAVAILABLE = Counter("bot_inbox_record_refused_total",
                      "Updates not recorded because the database was unreachable", ["channel"])
HANDLED = Counter("bot_inbox_handled_total", "Inbox updates handled, by outcome", ["channel", "outcome"])


class DatabaseUnavailable(RuntimeError):
    """The update could not be recorded: do not acknowledge it."""


class Inbox:
    """The intake and the worker of one channel (``channel`` as in users.channel).

    Several processes may share the database: each claims the updates it handles
    (``store.runtime.inbox.claim``), a user's updates by one process at a time and in order."""

    def __init__(self, services: Services, channel: str, handler: Handler, *, concurrency: int = 8,
                 backoff_cap: float = 5.0, pace: Optional[Callable[[], Awaitable[None]]] = None) -> None:
        self.services = services
        self.channel = channel
        self.handler = handler
        self.pace = pace  # awaited before each update: handling keeps pace with sending
        self.backoff_cap = backoff_cap
        self.worker = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._slots = asyncio.Semaphore(concurrency)
        self._turns = LoopTurns()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._lanes: dict[str, deque[Pending]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()
        self._taken: set[int] = set()
        self._done = self._done_marks()
        self._renewed = services.clock.now()  # our claims hold at least until this + LEASE
        self.running = False
        self.handled = 0  # updates handled by this process (tests, benchmarks)
        self.record_failures = 0  # records refused because the database was unreachable

    # -- intake -------------------------------------------------------------------------
    async def accept(self, items: Sequence[Received]) -> int:
        """Record updates durably (raises DatabaseUnavailable when it cannot); returns how
        many were new. Handling follows on the worker."""
        now = self.services.clock.now()
        try:
            held = set(self._taken) if self.running and len(self._taken) < MAX_TAKEN else None
            recorded = await asyncio.to_thread(store_inbox.record_and_claim, self.services.session_factory,
                                               self.channel, items, now, worker=self.worker, lease=LEASE, held=held)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.record_failures += 1
            UNAVAILABLE.labels(self.channel).inc(len(items))
            raise DatabaseUnavailable(str(exc)) from exc
        RECORDED.labels(self.channel).inc(recorded.new)
        if recorded.claimed and not self._taken:
            self._renewed = now  # nothing held before: the claims start fresh
        for row in recorded.claimed:  # straight to their lanes: no wake-up, no claim of their own
            self._take(row)
        if recorded.new > len(recorded.claimed):
            self._wake.set()
        return recorded.new

    # -- worker -------------------------------------------------------------------------
    def _done_marks(self) -> DoneMarks:
        return DoneMarks(lambda ids: store_inbox.mark_done(self.services.session_factory, ids, self.services.clock.now()),
                         flushed=self._marked, backoff_cap=self.backoff_cap)

    def _marked(self, ids: Collection[int]) -> None:
        self._taken.difference_update(ids)  # no longer held: the worker may take more (MAX_TAKEN)
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Handle pending updates until ``stop``; lanes finish their current update and the
        claims left are given back for another worker."""
        self._stop, self.running = stop, True
        self._done = self._done_marks()
        backoff = Backoff(cap=self.backoff_cap)
        heartbeat = asyncio.create_task(self._heartbeat(stop), name=f"inbox-{self.channel}-heartbeat")
        marker = asyncio.create_task(self._done.run(), name=f"inbox-{self.channel}-done")
        try:
            while not stop.is_set():
                self._wake.clear()  # before looking, so a record landing meanwhile wakes us
                try:
                    rows = await self._fetch()
                    backoff.reset()
                except Exception as exc:
                    log_db_error(exc, "inbox: cannot claim pending updates")
                    await wait_or_stop(stop, backoff.next())
                    continue
                for row in rows:
                    self._take(row)
                if not rows:  # else look again at once: users' next updates come a claim later
                    await self._idle(stop)
        finally:
            self.running = False
            await self._finish_lanes()
            heartbeat.cancel()
            self._done.close()
            await marker  # the last marks, once: what is left is skipped by the core at the next start
            with contextlib.suppress(Exception):  # unreleased claims run out after LEASE
                await asyncio.to_thread(store_inbox.release, self.services.session_factory, self.worker)

    async def _fetch(self) -> list[Pending]:
        if len(self._taken) >= MAX_TAKEN:
            return []
        now = self.services.clock.now()
        if not self._taken:
            self._renewed = now  # nothing held: the claims start fresh
        return await asyncio.to_thread(store_inbox.claim, self.services.session_factory, self.channel, self.worker,
                                       now, lease=LEASE, skip=set(self._taken), limit=BATCH)

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        """Renew this worker's claims while it lives."""
        while not stop.is_set():
            await wait_or_stop(stop, HEARTBEAT_SECONDS)
            now = self.services.clock.now()
            try:
                await asyncio.to_thread(store_inbox.renew, self.services.session_factory, self.worker, now + LEASE)
                self._renewed = now
            except Exception as exc:
                log_db_error(exc, "inbox: cannot renew claims")

    async def _renew_lane(self, lane: deque[Pending]) -> bool:
        """Renew a lane's claims that may have run out: True when all were still ours (then no
        other worker has touched this user's updates: it would have claimed the oldest)."""
        ids = [row.id for row in lane]
        try:
            renewed = await asyncio.to_thread(store_inbox.renew, self.services.session_factory, self.worker,
                                              self.services.clock.now() + LEASE, ids=ids)
        except Exception as exc:
            log_db_error(exc, "inbox: cannot renew a lane's claims")
            return False
        return renewed == len(ids)

    def _claims_fresh(self) -> bool:
        """False when our claims may have run out (no renewal for a lease): another worker may
        hold this user's updates now, so the lane must not go on."""
        return self.services.clock.now() < self._renewed + LEASE - LEASE_MARGIN

    async def _idle(self, stop: asyncio.Event) -> None:
        waiter = asyncio.ensure_future(self._wake.wait())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({waiter, stopper}, timeout=IDLE_RECHECK_SECONDS,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            stopper.cancel()

    def _take(self, row: Pending) -> None:
        if row.id in self._taken:  # claimed again by a claim that overlapped the one that took it
            return
        self._taken.add(row.id)
        lane = self._lanes.get(row.user_key)
        if lane is not None:
            lane.append(row)
            return
        self._lanes[row.user_key] = deque([row])
        task = asyncio.create_task(self._run_lane(row.user_key), name=f"inbox-{self.channel}-lane")
        self._lane_tasks.add(task)
        task.add_done_callback(self._lane_tasks.discard)

    async def _run_lane(self, user_key: str) -> None:
        """One user's updates, strictly in order; a failed one is retried before the next."""
        lane = self._lanes[user_key]
        backoff = Backoff(cap=self.backoff_cap)
        try:
            while lane and not self._stop.is_set():
                if not self._claims_fresh() and not await self._renew_lane(lane):
                    log.warning("inbox: another worker took over %s's updates; leaving them", user_key)
                    break
                if self.pace is not None:
                    await self.pace()
                async with self._slots:
                    await self._turns.take()
                    finished = await self._handle(lane[0])
                if finished:
                    row = lane.popleft()
                    if row.id not in self._done:  # else held until marked done
                        self._taken.discard(row.id)
                    backoff.reset()
                else:
                    await wait_or_stop(self._stop, backoff.next())
        finally:
            for row in lane:  # stopping: left pending in the table for the next start
                self._taken.discard(row.id)
            del self._lanes[user_key]
            self._wake.set()  # this user may have more updates, recorded meanwhile or elsewhere

    async def _handle(self, row: Pending) -> bool:
        """Handle one row; True when it is finished (done, or failed for good)."""
        try:
            await self.handler(row.payload)
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("inbox: database unavailable while handling update %s; will retry", row.id)
                return False
            return await self._failed(row, exc)
        self.handled += 1
        HANDLED.labels(self.channel, "done").inc()
        self._done.add(row.id)
        return True

    async def _failed(self, row: Pending, exc: Exception) -> bool:
        give_up = row.attempts + 1 >= MAX_ATTEMPTS
        log.error("inbox: update %s of %s failed (attempt %d%s)", row.id, self.channel, row.attempts + 1,
                  ", giving up" if give_up else "", exc_info=exc)
        try:
            await asyncio.to_thread(store_inbox.mark_attempt, self.services.session_factory, row.id,
                                    f"{type(exc).__name__}: {exc}", self.services.clock.now(), give_up=give_up)
        except Exception as db_exc:
            log_db_error(db_exc, "inbox: cannot record a failed attempt")
            return False
        if give_up:
            HANDLED.labels(self.channel, "failed").inc()
            return True
        lane = self._lanes.get(row.user_key)
        if lane and lane[0].id == row.id:
            lane[0] = replace(row, attempts=row.attempts + 1)
        return False

    async def _finish_lanes(self, timeout: float = STOP_GRACE_SECONDS) -> None:
        tasks = set(self._lane_tasks)
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)

    @property
    def busy(self) -> bool:
        """Updates taken and not finished yet."""
        return bool(self._taken)


async def record_until_done(inbox: Inbox, items: list[Received], stop: asyncio.Event) -> bool:
    """Record ``items``, retrying while the database is unreachable; False when stopped
    first (nothing is confirmed then: the platform keeps the updates)."""
    backoff = Backoff(first=0.2, cap=inbox.backoff_cap)
    while True:
        try:
            await inbox.accept(items)
            return True
        except DatabaseUnavailable:
            log.warning("database unavailable: %d update(s) kept unconfirmed, retrying", len(items))
        if stop.is_set():
            return False
        await wait_or_stop(stop, backoff.next())
