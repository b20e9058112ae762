"""The one send path: live replies, notices, reminders and broadcasts all leave through here.

Per channel, one worker of the whole deployment sends (``store.runtime.leader``: a PostgreSQL
advisory lock, a file lock on SQLite); the others stand by and take over within about a
second when it dies, putting its claims back (``core.outbox.release_orphans``). So the pace
— ``rate`` a second overall, one message per chat per interval, a pause on 429 — holds
for the deployment, not per process, and each channel is paced on its own.

Each pass takes the due rows highest priority first (replies, notices, reminders, broadcasts);
a reply arriving mid-pass wakes the loop, which re-reads the queue before its next claim of
lower-priority rows: a running broadcast yields to replies within a quarter second. A row is
claimed (the attempt recorded) just before its slot and the call, finished right after it:
after a kill, only the sends in flight then (at most ``max_in_flight``) can go out twice.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional, Sequence, TypeVar

from core import outbox
from core.broadcasts import finish_completed
from core.context import Services
from core.outbox import Candidate, SendResult, Transport
from core.types import Reply
from bot.delivery.backlog import ReplyBacklog
from bot.aio import wait_or_stop
from bot.delivery.pacer import Pacer, channel_pacer
from bot.delivery.sender_role import SenderRole
from bot.delivery.stats import SenderStats
from store.db import transaction
from store.models import MessageKind, OutboxMessage

log = logging.getLogger(__name__)

T = TypeVar("T")

BATCH = 100  # due rows read per pass: past the replies whose chat must wait its second
CLAIM_BATCH = 8  # claimed in one transaction: about a quarter second of slots at 28/s
PASS_SECONDS = 0.5  # re-read the queue at least this often while busy
IDLE_POLL_SECONDS = 0.25  # rows queued by another worker are seen within this
LEADER_RETRY_SECONDS = 1.0  # a standby tries for the role this often: takeover within ~1 s
DB_THREADS = 4  # the sender's own threads for its database work


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxSender:
    """Sends queued rows through the channels' transports, one paced loop per channel."""

    def __init__(self, services: Services, transports: dict[str, Transport], *,
                 pacer: Optional[Pacer] = None, worker_id: Optional[str] = None) -> None:
        self.services = services
        self.worker = worker_id or new_worker_id()
        self.stats = SenderStats()
        # Not the default pool: while a burst of updates is handled, their inbox writes queue
        # there, and a claim waiting behind them would leave the sender's slots unused.
        self.db = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="outbox-db")
        self.loops = {name: ChannelLoop(self, name, transport, pacer or channel_pacer(services.settings, name))
                      for name, transport in transports.items()}

    def wake(self, fresh: Sequence[Candidate] = ()) -> None:
        """New replies are queued: send them before anything of lower priority. ``fresh``: the
        rows just queued (committed), which the next pass claims without reading the queue."""
        for row in fresh:
            loop = self.loops.get(row.channel)
            if loop is not None:
                loop._fresh.append(row)
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


class ChannelLoop:
    """The sending loop of one channel in this process."""

    def __init__(self, sender: OutboxSender, channel: str, transport: Transport, pacer: Pacer) -> None:
        self.sender = sender
        self.services = sender.services
        self.channel = channel
        self.transport = transport
        self.pacer = pacer
        self.max_in_flight = max(1, transport.capabilities.max_in_flight or self.services.settings.outbox_max_in_flight)
        self.backlog = ReplyBacklog(1.0 / pacer.interval if pacer.interval else 0.0)
        self.woken = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy_chats: set[str] = set()
        self._finished_broadcasts: set[int] = set()
        self._next_ready = IDLE_POLL_SECONDS
        self._fresh: list[Candidate] = []  # replies the channel just queued (``OutboxSender.wake``)

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Database work off the event loop, on the sender's own threads."""
        return await asyncio.get_running_loop().run_in_executor(self.sender.db, functools.partial(fn, *args))

    # -- the loop --------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        role = SenderRole(self.services, self.channel, self.sender.worker, self._off_loop)
        try:
            while not stop.is_set():
                try:
                    if not await role.ensure():
                        self.backlog.stand_by()
                        await wait_or_stop(stop, LEADER_RETRY_SECONDS)
                        continue
                    self.backlog.active = True
                    started = await self.pass_once(stop, wait=False)
                except Exception:
                    log.exception("outbox %s pass failed; retrying shortly", self.channel)
                    started = 0
                    await wait_or_stop(stop, 1.0)
                if started == 0 and not stop.is_set():
                    await self._idle(stop)
        finally:
            await self._wait_in_flight()  # SIGTERM: sends in flight are finished and recorded
            if self._finished_broadcasts:  # their last sends settled just now: report them
                await self._off_loop(self._report_finished_broadcasts)
            await role.release()

    async def _idle(self, stop: asyncio.Event) -> None:
        """Nothing could start: wait for a wake-up, a finished send or the next chat's turn."""
        waiters = [asyncio.ensure_future(self.woken.wait()), asyncio.ensure_future(stop.wait()), *self._in_flight]
        try:
            await asyncio.wait(waiters, timeout=min(IDLE_POLL_SECONDS, self._next_ready),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters[:2]:
                w.cancel()

    async def pass_once(self, stop: Optional[asyncio.Event] = None, *, wait: bool = True,
                        time_box: bool = True) -> int:
        """Start the sends that are due now, highest priority first; return how many started.

        Rows are claimed a few at a time (one transaction for about a quarter second of slots:
        fewer writes competing with the updates being handled); replies' next batch is
        claimed while this one waits for its slots, so a claim slowed by the updates being
        handled costs no slot. Between claims the pass stops for a reply that just came in,
        or after ``PASS_SECONDS``, to re-read the queue."""
        self.woken.clear()
        if self._fresh:  # the replies just queued: no need to read the queue for them
            rows, self._fresh = sorted(self._fresh, key=lambda row: row.id), []
        else:
            rows = await self._off_loop(self._candidates)
            self.backlog.read(sum(1 for row in rows if row.priority == 0))
        deadline = asyncio.get_running_loop().time() + PASS_SECONDS
        started, self._next_ready = 0, IDLE_POLL_SECONDS
        pending = list(rows)
        ahead: Optional[asyncio.Future[list[OutboxMessage]]] = None
        while True:
            if ahead is not None:
                batch, ahead = await ahead, None
            else:
                if not self._go_on(pending, started, stop, deadline, time_box):
                    break
                picked, pending = self._pick(pending)
                if not picked:
                    break
                batch = await self._claimed(picked)
            if pending and pending[0].priority == 0 and self._go_on(pending, started, stop, deadline, time_box):
                picked, pending = self._pick(pending)
                if picked:
                    ahead = asyncio.ensure_future(self._claimed(picked))
            for msg in batch:
                while len(self._in_flight) >= self.max_in_flight:
                    await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
                # The attempt is recorded; the call leaves the instant the slot comes.
                await self.pacer.acquire(msg.chat_id)
                if msg.kind == MessageKind.REPLY:
                    self.backlog.started()
                task = asyncio.create_task(self._send(msg, msg.chat_id))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
                started += 1
        if wait:
            await self._wait_in_flight()
        if self._finished_broadcasts:
            await self._off_loop(self._report_finished_broadcasts)
        return started

    def _go_on(self, pending: list[Candidate], started: int, stop: Optional[asyncio.Event], deadline: float,
               time_box: bool) -> bool:
        """More of this pass's rows may be claimed: not stopping, and no reply came in (nor is
        it time to re-read the queue) while lower-priority rows are next."""
        if not pending or (stop is not None and stop.is_set()):
            return False
        late = time_box and asyncio.get_running_loop().time() > deadline
        return not (started and pending[0].priority > 0 and (self.woken.is_set() or late))

    async def _claimed(self, picked: list[Candidate]) -> list[OutboxMessage]:
        claimed = await self._off_loop(self._claim, [row.id for row in picked])
        for row in picked:  # rows another worker took meanwhile
            if all(msg.id != row.id for msg in claimed):
                self._busy_chats.discard(row.chat_id)
        return claimed

    def _pick(self, rows: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        """The next rows that may go now (one per chat, its interval passed), and the rest."""
        picked: list[Candidate] = []
        for i, row in enumerate(rows):
            if len(picked) >= CLAIM_BATCH:
                return picked, rows[i:]
            live = row.kind == MessageKind.REPLY  # a reply draws on the chat's burst; the rest keep the strict pace
            if row.chat_id in self._busy_chats or not self.pacer.chat_ready(row.chat_id, live=live):
                self._next_ready = min(self._next_ready, max(0.01, self.pacer.chat_wait(row.chat_id, live=live)))
                continue
            self._busy_chats.add(row.chat_id)
            picked.append(row)
        return picked, []

    async def _wait_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    # -- one message -------------------------------------------------------------
    async def _send(self, msg: OutboxMessage, chat_id: str) -> None:
        """Send one claimed row and record the outcome at once."""
        try:
            try:
                reply = Reply.from_payload(msg.payload)
            except Exception as exc:  # a payload no channel can render: never retry it
                log.error("outbox %s: bad payload: %s", msg.id, exc)
                msg.attempts = self.services.settings.outbox_max_attempts
                await self._off_loop(self._finish, msg, SendResult(ok=False, error=f"bad payload: {exc}"))
                return
            try:
                result = await self.transport.send(msg.chat_id, reply)
            except Exception as exc:  # a transport returns errors as data; be safe anyway
                log.warning("outbox %s: transport raised %r", msg.id, exc)
                result = SendResult(ok=False, error=repr(exc)[:300])
            if result.retry_after is not None:
                self.pacer.pause(result.retry_after)
            try:
                await self._off_loop(self._finish, msg, result)
            except Exception:  # the claim stays; the next sender for this channel puts it back
                log.exception("outbox %s: could not record the outcome", msg.id)
        finally:
            self.pacer.chat_sent(chat_id)
            self._busy_chats.discard(chat_id)

    def _candidates(self) -> list[Candidate]:
        with self.services.session_factory() as session:
            return outbox.candidates(session, self.channel, self.services.clock.now(), limit=BATCH)

    def _claim(self, row_ids: list[int]) -> list[OutboxMessage]:
        with transaction(self.services.session_factory) as session:
            return outbox.claim(session, row_ids, self.sender.worker)

    def _finish(self, msg: OutboxMessage, result: SendResult) -> None:
        with transaction(self.services.session_factory) as session:
            outcome = outbox.finish(session, msg, result, worker=self.sender.worker,
                                    now=self.services.clock.now(),
                                    max_attempts=self.services.settings.outbox_max_attempts)
        self.sender.stats.record(self.channel, msg, outcome, result)
        if msg.broadcast_id is not None and outcome.settled:
            self._finished_broadcasts.add(msg.broadcast_id)

    def _report_finished_broadcasts(self) -> None:
        """Queue the delivery report of broadcasts whose last message just settled."""
        ids, self._finished_broadcasts = self._finished_broadcasts, set()
        try:
            with transaction(self.services.session_factory) as session:
                finish_completed(session, self.services.clock.now(), only=ids)
        except Exception:
            log.exception("could not check broadcast completion for %s", sorted(ids))

