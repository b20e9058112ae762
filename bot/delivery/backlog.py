"""How many live replies wait for their slot in this process's sender, so the handling of new
updates keeps a couple of seconds ahead of what the platform's pace can deliver instead of
racing it: during a burst, handling faster than replies can leave only takes the CPU (and
SQLite's one writer) from the sender, whose slots then go unused or bunch into 429s.

The count is an estimate, corrected at every pass of the sender (it reads the due rows);
in between, replies this process queued are added and each reply send started is taken off.
A process whose sender stands by (another worker sends) never holds anything back.
"""

from __future__ import annotations

import asyncio
import contextlib

SECONDS_AHEAD = 2.0  # replies queued ahead of the sender, in seconds of its pace


class ReplyBacklog:
    def __init__(self, rate_per_second: float) -> None:
        self.limit = max(8, round(SECONDS_AHEAD * rate_per_second)) if rate_per_second > 0 else 0
        self.active = False  # this process's sender is sending for the channel
        self._due = 0
        self._room = asyncio.Event()
        self._room.set()

    @property
    def due(self) -> int:
        return self._due

    def read(self, due: int) -> None:
        """The sender read the queue: this many replies are due."""
        self._set(due)

    def queued(self, n: int) -> None:
        """This process queued ``n`` replies (counted only while its sender sends)."""
        if self.active:
            self._set(self._due + n)

    def started(self) -> None:
        """A reply's send started."""
        self._set(max(0, self._due - 1))

    def stand_by(self) -> None:
        """Another worker sends for the channel: hold nothing back."""
        self.active = False
        self._set(0)

    async def room(self, max_wait: float) -> None:
        """Wait until fewer than ``limit`` replies are due (at most ``max_wait`` seconds, so a
        stalled or mistaken count only slows handling down, never stops it)."""
        if not self.limit:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            async with asyncio.timeout(max_wait):
                while self._due >= self.limit:
                    self._room.clear()
                    await self._room.wait()

    def _set(self, due: int) -> None:
        self._due = due
        if not self.limit or due < self.limit:
            self._room.set()
