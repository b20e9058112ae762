"""Asyncio helpers of the intake."""

from __future__ import annotations

import asyncio

from bot.aio import LoopTurns


async def test_one_start_per_loop_turn_so_timers_run_between_updates() -> None:
    """Eight lanes ready at once: each starts in a loop turn of its own, and callbacks that
    came due (the sender's slot timers) run between them."""
    turns, events = LoopTurns(), []
    loop = asyncio.get_running_loop()
    ticking = True

    def tick() -> None:  # stands for the timers: runs once per loop turn
        events.append("tick")
        if ticking:
            loop.call_soon(tick)

    async def lane(n: int) -> None:
        await turns.take()
        events.append(f"start{n}")

    loop.call_soon(tick)
    await asyncio.gather(*(lane(n) for n in range(8)))
    ticking = False
    starts = [i for i, e in enumerate(events) if e.startswith("start")]
    assert len(starts) == 8
    assert all("tick" in events[a:b] for a, b in zip(starts, starts[1:]))


async def test_a_cancelled_waiter_passes_its_turn_on() -> None:
    turns = LoopTurns()
    first = asyncio.ensure_future(turns.take())
    second = asyncio.ensure_future(turns.take())
    first.cancel()
    async with asyncio.timeout(1):
        await second
