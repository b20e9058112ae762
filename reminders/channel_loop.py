"""The sending loop of one channel in this process (reminders/outbox.py starts one per channel).

Per channel, one worker of the whole deployment sends (``store.leader``); each pass claims the
due rows highest priority first a few at a time, sends each in its paced slot and records the
outcome right after the platform call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Optional

from core import metrics
from core import outbox
from core.broadcasts import finish_completed
from core.context import Services
from core.outbox import Candidate, SendResult, Transport
from core.types import Reply
from reminders.pacer import Pacer
from store.db import transaction
from store.leader import Leadership
from store.models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50
CLAIM_BATCH = 8  # claimed in one transaction: about a quarter second of slots at 28/s
PASS_SECONDS = 0.5  # re-read the queue (and check leadership) at least this often while busy
IDLE_POLL_SECONDS = 0.25  # rows queued by another worker are seen within this
LEADER_RETRY_SECONDS = 1.0  # a standby tries for the role this often: takeover within ~1 s



@dataclass
class SenderStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        if outcome == "sent":
            self.sent += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        elif outcome == "blocked":
            self.blocked += 1
        elif outcome == "failed":
            self.failed += 1
        elif outcome == "retry":
            self.retried += 1
        elif outcome == "rate_limited":
            self.rate_limited += 1


class ChannelLoop:
    """The sending loop of one channel in this process."""

    def __init__(self, services: Services, worker: str, stats: SenderStats, channel: str, transport: Transport,
                 pacer: Pacer) -> None:
        self.services = services
        self.worker = worker  # this process's sender id, recorded on every claim
        self.stats = stats  # shared by the sender's loops
        self.channel = channel
        self.transport = transport
        self.pacer = pacer
        self.max_in_flight = max(1, self.services.settings.outbox_max_in_flight)
        self.woken = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy_chats: set[str] = set()
        self._finished_broadcasts: set[int] = set()
        self._next_ready = IDLE_POLL_SECONDS

    # -- the loop --------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        engine = self.services.session_factory.kw["bind"]
        role = Leadership(engine, f"outbox:{self.channel}")
        try:
            while not stop.is_set():
                try:
                    if not await asyncio.to_thread(self._lead, role):
                        await _wait(stop, LEADER_RETRY_SECONDS)
                        continue
                    started = await self.pass_once(stop, wait=False)
                except Exception:
                    log.exception("outbox %s pass failed; retrying shortly", self.channel)
                    started = 0
                    await _wait(stop, 1.0)
                if started == 0 and not stop.is_set():
                    await self._idle(stop)
        finally:
            await self._wait_in_flight()  # SIGTERM: sends in flight are finished and recorded
            if self._finished_broadcasts:  # their last sends settled just now: report them
                await asyncio.to_thread(self._report_finished_broadcasts)
            await asyncio.to_thread(role.release)
            metrics.LEADER.labels(f"outbox:{self.channel}").set(0)

    def _lead(self, role: Leadership) -> bool:
        was = role.held
        held = role.ensure()
        if held and not was:
            with transaction(self.services.session_factory) as session:
                back = outbox.release_orphans(session, self.channel, self.worker)
            log.info("outbox %s: this worker sends now (%d claim(s) of a gone worker put back)", self.channel, back)
        elif was and not held:
            log.warning("outbox %s: lost the sender role; standing by", self.channel)
        metrics.LEADER.labels(f"outbox:{self.channel}").set(1 if held else 0)
        return held

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
        fewer writes competing with the updates being handled); between claims the pass stops
        for a reply that just came in, or after ``PASS_SECONDS``, to re-read the queue."""
        self.woken.clear()
        rows = await asyncio.to_thread(self._candidates)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PASS_SECONDS
        started, self._next_ready = 0, IDLE_POLL_SECONDS
        pending = list(rows)
        while pending and not (stop is not None and stop.is_set()):
            if started and pending[0].priority > 0 and (self.woken.is_set() or (time_box and loop.time() > deadline)):
                break  # a reply came in (or time to re-read): re-read the queue first
            picked, pending = self._pick(pending)
            if not picked:
                break
            claimed = await asyncio.to_thread(self._claim, [row.id for row in picked])
            for row in picked:  # rows another worker took meanwhile
                if all(msg.id != row.id for msg in claimed):
                    self._busy_chats.discard(row.chat_id)
            for msg in claimed:
                while len(self._in_flight) >= self.max_in_flight:
                    await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
                # The attempt is recorded; the call leaves the instant the slot comes.
                await self.pacer.acquire(msg.chat_id)
                task = asyncio.create_task(self._send(msg, msg.chat_id))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
                started += 1
        if wait:
            await self._wait_in_flight()
        if self._finished_broadcasts:
            await asyncio.to_thread(self._report_finished_broadcasts)
        return started

    def _pick(self, rows: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        """The next rows that may go now (one per chat, its interval passed), and the rest."""
        picked: list[Candidate] = []
        for i, row in enumerate(rows):
            if len(picked) >= CLAIM_BATCH:
                return picked, rows[i:]
            if row.chat_id in self._busy_chats or not self.pacer.chat_ready(row.chat_id):
                self._next_ready = min(self._next_ready, max(0.01, self.pacer.chat_wait(row.chat_id)))
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
                await asyncio.to_thread(self._finish, msg, SendResult(ok=False, error=f"bad payload: {exc}"))
                return
            try:
                result = await self.transport.send(msg.chat_id, reply)
            except Exception as exc:  # a transport returns errors as data; be safe anyway
                log.warning("outbox %s: transport raised %r", msg.id, exc)
                result = SendResult(ok=False, error=repr(exc)[:300])
            if result.retry_after is not None:
                self.pacer.pause(result.retry_after)
            try:
                await asyncio.to_thread(self._finish, msg, result)
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
            return outbox.claim(session, row_ids, self.worker)

    def _finish(self, msg: OutboxMessage, result: SendResult) -> None:
        with transaction(self.services.session_factory) as session:
            outcome = outbox.finish(session, msg, result, worker=self.worker,
                                    now=self.services.clock.now(),
                                    max_attempts=self.services.settings.outbox_max_attempts)
        self.stats.count(msg.kind, outcome)
        if outcome == "rate_limited":
            metrics.RATE_LIMITED.labels(self.channel).inc()
        else:
            metrics.MESSAGES.labels(self.channel, msg.kind, outcome).inc()
        level = logging.INFO if msg.kind == "reply" or outcome not in ("sent", "rate_limited") else logging.DEBUG
        log.log(level, "outbox %s %s %s to %s: %s%s", self.channel, msg.kind, msg.dedup_key, msg.chat_id, outcome,
                f" ({result.error})" if result.error and not result.ok else "")
        if msg.broadcast_id is not None and outcome in ("sent", "blocked", "failed"):
            self._finished_broadcasts.add(msg.broadcast_id)

    def _report_finished_broadcasts(self) -> None:
        """Queue the delivery report of broadcasts whose last message just settled."""
        ids, self._finished_broadcasts = self._finished_broadcasts, set()
        try:
            with transaction(self.services.session_factory) as session:
                finish_completed(session, self.services.clock.now(), only=ids)
        except Exception:
            log.exception("could not check broadcast completion for %s", sorted(ids))


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass
