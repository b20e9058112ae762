"""Real-time pacing of one channel's sends: an even grid at ``rate`` per second, never more
than ``rate`` sends in any sliding second (Telegram counts that way), one message per chat
per interval, and a global pause when the platform answers 429.

Pacing uses real (monotonic) time: it is about the platform's limits, not business time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Optional

from core.settings import Settings

# Slots a late wake-up may still use (a timer's ordinary lateness). Not more: a stall of the
# event loop (a burst of updates being handled) also delays the requests slotted before it,
# and slots caught up right after would land in the same second as those at the platform —
# one 429 there pauses every send for a second, far more than the stall itself cost.
CATCH_UP_SLOTS = 2
TELEGRAM_MAX_PER_SECOND = 30  # Bot API: about 30 messages a second overall
# Telegram's second plus the jitter between a slot and the request's arrival (up to 70 ms).
WINDOW_SECONDS = 1.07


class Pacer:
    """Real-time pacing: an even grid at ``rate`` per second, a sliding cap so no second at the
    platform sees more than Telegram's 30, one message per chat per interval."""

    def __init__(self, rate: float, per_chat_interval: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        # The grid sets the average; the sliding cap only stops catch-up bursts. It counts over
        # a second plus a jitter budget: a request reaches the platform a little after its slot,
        # so arrivals within any second come from slots within 1 s + jitter. The cap is what
        # the grid itself puts in that span (30 at 28/s: the even grid is never held back),
        # and never more than Telegram's 30.
        self.window_cap = (min(int(rate * WINDOW_SECONDS) + 1, TELEGRAM_MAX_PER_SECOND) if rate > 0 else 0)
        self.per_chat_interval = per_chat_interval
        self.chat_jitter = WINDOW_SECONDS - 1.0 if per_chat_interval > 0 else 0.0
        self._next_slot = time.monotonic()  # no catch-up burst at start
        self._paused_until = 0.0
        self._window: deque[float] = deque()  # send times within the last second
        self._chat_next: dict[str, float] = {}

    def chat_ready(self, chat_key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        return self._chat_next.get(chat_key, 0.0) <= now

    def chat_wait(self, chat_key: str) -> float:
        """Seconds until this chat may get its next message (0 if now)."""
        return max(0.0, self._chat_next.get(chat_key, 0.0) - time.monotonic())

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until ``retry_after`` has passed."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, chat_key: str) -> None:
        """Reserve the next slot and wait for it; call right before sending (concurrent callers queue)."""
        while True:
            now = time.monotonic()
            # A late wake-up may catch up a slot or two; the sliding-second cap below keeps any
            # second under the limit.
            slot = max(self._next_slot, now - CATCH_UP_SLOTS * self.interval, self._paused_until)
            self._next_slot = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
                now = time.monotonic()
            if self._paused_until > now:
                continue
            window = self._window
            while window and now - window[0] >= WINDOW_SECONDS:
                window.popleft()
            if self.window_cap and len(window) >= self.window_cap:
                self._next_slot = max(self._next_slot, window[0] + WINDOW_SECONDS)
                continue
            window.append(now)
            # The same jitter budget per chat: the next message to this chat may reach the
            # platform up to that much earlier after its slot than this one does.
            self._chat_next[chat_key] = now + self.per_chat_interval + self.chat_jitter
            if len(self._chat_next) > 50_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
            return

    def chat_sent(self, chat_key: str) -> None:
        """Count the per-chat interval from the moment the send finished (latency jitter safe)."""
        self._chat_next[chat_key] = max(self._chat_next.get(chat_key, 0.0),
                                        time.monotonic() + self.per_chat_interval)


def channel_pacer(settings: Settings, channel: str) -> Pacer:
    """The pace of one channel's sends, from the settings."""
    if channel == "zalo":
        return Pacer(settings.zalo_rate_per_second, settings.zalo_per_chat_interval_seconds)
    return Pacer(settings.outbox_rate_per_second, settings.outbox_per_chat_interval_seconds)
