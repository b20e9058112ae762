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

CATCH_UP_SLOTS = 8
TELEGRAM_MAX_PER_SECOND = 30  # Bot API: about 30 messages a second overall


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
