"""The outbox sender: drains queued messages at Telegram's pace, records every outcome.

Pacing is real time (a token grid for the overall rate, a next-allowed time per chat, a
global pause on 429); business time (``not_before``, backoff, reply grace) comes from the
injected clock.

Claiming is an atomic ``UPDATE … WHERE state='queued'`` that moves the row to ``sending``
and reuses ``not_before`` as the lease expiry: two processes never send the same row, and
a row claimed by a process that died is taken again once its lease ran out. The only
at-least-once window is between Telegram accepting a message and the ``sent`` commit just
after it, a few milliseconds per message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Optional

from sqlalchemy import and_, case, func, or_, select, update

from core.broadcasts import finish_completed
from core.context import Services
from core.types import Reply
from reminders.transport import SendResult, Transport
from store.db import transaction
from store.models import OutboxMessage, User

log = logging.getLogger(__name__)

# Interactive messages go before reminders, reminders before a 20,000-recipient broadcast.
KIND_PRIORITY = {"reply": 0, "notice": 1, "reminder": 2, "digest": 2, "report": 1, "broadcast": 3}
BATCH = 50  # small, so a new notice never waits long behind a broadcast
IDLE_POLL_SECONDS = 0.5
CATCH_UP_SLOTS = 8
TELEGRAM_MAX_PER_SECOND = 30  # Bot API: about 30 messages a second overall
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` network failures (5 s, 10 s, 20 s … 10 min)."""
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)))


class Pacer:
    """Real-time pacing: an even grid at ``rate`` per second, never more than ``rate`` sends in
    any sliding second (Telegram counts that way), one message per chat per interval."""

    def __init__(self, rate: float, per_chat_interval: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        # The grid sets the average; the sliding-second cap only stops bursts. One slot of
        # headroom absorbs scheduling jitter (a cap equal to the rate turned every late wake-up
        # into a full-second wait and cost ~4% of throughput) while staying under Telegram's 30.
        self.window_cap = max(1, min(int(rate) + 1, TELEGRAM_MAX_PER_SECOND - 1)) if rate > 0 else 0
        self.per_chat_interval = per_chat_interval
        self._next_slot = time.monotonic()  # no catch-up burst at start
        self._paused_until = 0.0
        self._window: deque[float] = deque()  # send times within the last second
        self._chat_next: dict[str, float] = {}

    def chat_ready(self, chat_key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        return self._chat_next.get(chat_key, 0.0) <= now

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until ``retry_after`` has passed."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_key: str) -> None:
        """Reserve the next slot and wait for it; call right before sending (concurrent callers queue)."""
        while True:
            now = time.monotonic()
            # A late wake-up may catch up a few slots; the sliding-second cap below keeps any
            # second under the limit, so catching up never turns into a burst Telegram punishes.
            slot = max(self._next_slot, now - CATCH_UP_SLOTS * self.interval, self._paused_until)
            self._next_slot = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
                now = time.monotonic()
            if self._paused_until > now:
                continue
            window = self._window
            while window and now - window[0] >= 1.0:
                window.popleft()
            if self.window_cap and len(window) >= self.window_cap:
                self._next_slot = max(self._next_slot, window[0] + 1.0)
                continue
            window.append(now)
            self._chat_next[chat_key] = now + self.per_chat_interval
            if len(self._chat_next) > 50_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
            return

    def chat_sent(self, chat_key: str) -> None:
        """Count the per-chat interval from the moment the send finished (latency jitter safe)."""
        self._chat_next[chat_key] = max(self._chat_next.get(chat_key, 0.0),
                                        time.monotonic() + self.per_chat_interval)


@dataclass
class SenderStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class OutboxSender:
    """Sends queued outbox rows through the channels' transports."""

    def __init__(self, services: Services, transports: dict[str, Transport], *,
                 pacer: Optional[Pacer] = None) -> None:
        self.services = services
        self.transports = transports
        s = services.settings
        self.pacer = pacer or Pacer(s.outbox_rate_per_second, s.outbox_per_chat_interval_seconds)
        self.max_attempts = s.outbox_max_attempts
        self.lease = timedelta(seconds=s.outbox_lease_seconds)
        self.reply_grace = timedelta(seconds=s.outbox_reply_grace_seconds)
        self.max_in_flight = max(1, s.outbox_max_in_flight)
        self.stats = SenderStats()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy_chats: set[str] = set()
        self._finished_broadcasts: set[int] = set()

    # -- main loop ---------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set; waits briefly when the queue is empty."""
        log.info("outbox sender started (%.1f msg/s, %d in flight)",
                 1 / self.pacer.interval if self.pacer.interval else 0, self.max_in_flight)
        try:
            while not stop.is_set():
                try:
                    started = await self.drain_once(stop, wait=False)
                except Exception:
                    log.exception("outbox drain failed; retrying shortly")
                    started = 0
                if started == 0 and not stop.is_set():
                    try:
                        await asyncio.wait_for(stop.wait(), IDLE_POLL_SECONDS)
                    except asyncio.TimeoutError:
                        pass
        finally:
            await self._wait_in_flight()
            log.info("outbox sender stopped")

    async def drain_once(self, stop: Optional[asyncio.Event] = None, *, wait: bool = True) -> int:
        """Send the rows that are due now (one batch); return how many sends were started.

        With ``wait`` (tests) it returns once those sends finished, so the database can be
        checked right after; the run loop does not wait, keeping the pace even across batches
        (rows in flight are leased, so the next batch never picks them again).
        """
        rows = await asyncio.to_thread(self._candidates)
        started = 0
        for row_id, channel, chat_id in rows:
            if stop is not None and stop.is_set():
                break
            chat_key = f"{channel}:{chat_id}"
            if chat_key in self._busy_chats or not self.pacer.chat_ready(chat_key):
                continue  # pacing this chat: a later drain takes it
            while len(self._in_flight) >= self.max_in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            self._busy_chats.add(chat_key)
            task = asyncio.create_task(self._process(row_id, chat_key))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            started += 1
        if wait:
            await self._wait_in_flight()
        await asyncio.to_thread(self._report_finished_broadcasts)
        return started

    async def _wait_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    # -- database ----------------------------------------------------------------
    def _candidates(self) -> list[tuple[int, str, str]]:
        now = self.services.clock.now()
        if not self.transports:
            return []
        priority = case(KIND_PRIORITY, value=OutboxMessage.kind, else_=2)
        due = or_(OutboxMessage.state == "queued", OutboxMessage.state == "sending")
        not_reply_or_old = or_(OutboxMessage.kind != "reply", OutboxMessage.created_at <= now - self.reply_grace)
        stmt = (select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.chat_id)
                .where(due, OutboxMessage.not_before <= now, not_reply_or_old,
                       OutboxMessage.channel.in_(list(self.transports)))
                .order_by(priority, OutboxMessage.not_before, OutboxMessage.id).limit(BATCH))
        with self.services.session_factory() as session:
            return [(r[0], r[1], r[2]) for r in session.execute(stmt)]

    def _claim(self, row_id: int) -> Optional[OutboxMessage]:
        """Atomically take one row: queued, or sending with an expired lease."""
        now = self.services.clock.now()
        with transaction(self.services.session_factory) as session:
            res = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id,
                       or_(OutboxMessage.state == "queued",
                           and_(OutboxMessage.state == "sending", OutboxMessage.not_before <= now)))
                .values(state="sending", not_before=now + self.lease, attempts=OutboxMessage.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if res.rowcount != 1:
                return None
            msg = session.get(OutboxMessage, row_id)
            session.expunge(msg)
            return msg

    def _finish(self, msg: OutboxMessage, result: SendResult) -> None:
        now = self.services.clock.now()
        values: dict = {}
        reachable_false = False
        if result.ok:
            values = {"state": "sent", "sent_at": now, "last_error": None}
            self.stats.sent += 1
            self.stats.by_kind[msg.kind] = self.stats.by_kind.get(msg.kind, 0) + 1
        elif result.blocked:
            values = {"state": "blocked", "last_error": (result.error or "blocked by the user")[:500]}
            reachable_false = True
            self.stats.blocked += 1
        elif result.retry_after is not None:
            # Not the message's fault: requeue without spending an attempt.
            values = {"state": "queued", "not_before": now, "attempts": msg.attempts - 1,
                      "last_error": f"429 retry_after={result.retry_after}"}
            self.stats.rate_limited += 1
        elif msg.attempts >= self.max_attempts:
            values = {"state": "failed", "last_error": (result.error or "failed")[:500]}
            self.stats.failed += 1
        else:
            values = {"state": "queued", "not_before": now + backoff(msg.attempts),
                      "last_error": (result.error or "error")[:500]}
            self.stats.retried += 1
        with transaction(self.services.session_factory) as session:
            session.execute(update(OutboxMessage)
                            .where(OutboxMessage.id == msg.id, OutboxMessage.state == "sending")
                            .values(**values).execution_options(synchronize_session=False))
            if reachable_false and msg.user_id is not None:
                session.execute(update(User).where(User.id == msg.user_id).values(reachable=False)
                                .execution_options(synchronize_session=False))
        if msg.broadcast_id is not None and values.get("state") in ("sent", "blocked", "failed"):
            self._finished_broadcasts.add(msg.broadcast_id)

    async def _process(self, row_id: int, chat_key: str) -> None:
        """Claim, wait for a slot, send, record. Database work runs in a thread so the event
        loop (and the moment each request leaves) never waits on a commit."""
        try:
            msg = await asyncio.to_thread(self._claim, row_id)
            if msg is None:  # another process took it, or the channel sent it meanwhile
                return
            transport = self.transports[msg.channel]
            try:
                reply = Reply.from_payload(msg.payload)
            except Exception as exc:  # a payload no channel can render: never retry it
                log.error("outbox %s: bad payload: %s", msg.id, exc)
                await asyncio.to_thread(self._finish_failed_for_good, msg, f"bad payload: {exc}")
                return
            await self.pacer.acquire(chat_key)
            try:
                result = await transport.send(msg.chat_id, reply)
            except Exception as exc:  # a transport should return errors as data; be safe anyway
                log.warning("outbox %s: transport raised %r", msg.id, exc)
                result = SendResult(ok=False, error=repr(exc)[:300])
            if result.retry_after is not None:
                self.pacer.pause(result.retry_after)
            try:
                # Recorded right after the send returns: the only at-least-once window.
                await asyncio.to_thread(self._finish, msg, result)
            except Exception:
                log.exception("outbox %s: could not record the outcome (lease will retry it)", msg.id)
        finally:
            self.pacer.chat_sent(chat_key)
            self._busy_chats.discard(chat_key)

    def _finish_failed_for_good(self, msg: OutboxMessage, error: str) -> None:
        msg.attempts = self.max_attempts
        self._finish(msg, SendResult(ok=False, error=error))

    def _report_finished_broadcasts(self) -> None:
        """Queue the delivery report of broadcasts whose last message just settled."""
        if not self._finished_broadcasts:
            return
        ids, self._finished_broadcasts = self._finished_broadcasts, set()
        try:
            with transaction(self.services.session_factory) as session:
                finish_completed(session, self.services.clock.now(), only=ids)
        except Exception:
            log.exception("could not check broadcast completion for %s", sorted(ids))


def outbox_counts(services: Services, *, broadcast_id: Optional[int] = None) -> dict[str, int]:
    """How many outbox rows are in each state (optionally for one broadcast)."""

    stmt = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    if broadcast_id is not None:
        stmt = stmt.where(OutboxMessage.broadcast_id == broadcast_id)
    with services.session_factory() as session:
        return {state: n for state, n in session.execute(stmt)}
