"""Asyncio helpers of the channels' intake: backoff, waits that end on stop, loop turns."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any, Awaitable


class Backoff:
    """Exponential waits between retries: first, 2×first, … up to cap."""

    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first, self.cap = first, cap
        self._next = first

    def next(self) -> float:
        delay, self._next = self._next, min(self.cap, self._next * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def until_stopped(call: Awaitable[Any], stop: asyncio.Event) -> Any:
    """Await a long poll, abandoning it as soon as ``stop`` is set (then None)."""
    task = asyncio.ensure_future(call)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        task.cancel()
        return None
    finally:
        stopper.cancel()


class LoopTurns:
    """At most one update starts being handled per event-loop turn.

    Handling an update is mostly synchronous (the database, the search): eight lanes ready at
    once would run back to back and hold the loop for their sum, so the outbox sender's
    slot timers on the same loop fire late and its sends go out in bunches. Taking a turn
    puts each start in a loop turn of its own, with the timers that came due in between."""

    def __init__(self) -> None:
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._scheduled = False

    async def take(self) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self._schedule()
        await future

    def _schedule(self) -> None:
        if not self._scheduled and self._waiters:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._grant)

    def _grant(self) -> None:
        self._scheduled = False
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():  # a cancelled waiter gives its turn on
                future.set_result(None)
                break
        self._schedule()
