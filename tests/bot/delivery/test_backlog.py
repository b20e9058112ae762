"""The reply backlog that lets a burst's handling keep pace with sending."""

from __future__ import annotations

import asyncio

from bot.delivery.backlog import ReplyBacklog


async def test_handling_waits_while_two_seconds_of_replies_are_due() -> None:
    backlog = ReplyBacklog(rate_per_second=10)
    assert backlog.limit == 20
    backlog.active = True
    backlog.read(19)
    async with asyncio.timeout(1):
        await backlog.room(max_wait=5)  # room: goes at once
    backlog.queued(1)
    waiting = asyncio.ensure_future(backlog.room(max_wait=5))
    await asyncio.sleep(0)
    assert not waiting.done()  # 20 due: the next update waits
    backlog.started()  # the sender started one: room again
    async with asyncio.timeout(1):
        await waiting


async def test_a_stalled_or_standby_sender_never_stops_handling() -> None:
    backlog = ReplyBacklog(rate_per_second=10)
    backlog.active = True
    backlog.read(100)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await backlog.room(max_wait=0.05)  # a wrong count only slows handling down
    assert loop.time() - start < 1
    backlog.stand_by()  # another worker sends: nothing is held back, nothing counted
    backlog.queued(100)
    assert backlog.due == 0
    async with asyncio.timeout(1):
        await backlog.room(max_wait=5)
