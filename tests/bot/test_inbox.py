"""The inbox worker on a real database: one user's updates in order, others side by side,
a failing handler retried then given up, duplicates recorded once."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

from sqlalchemy.exc import OperationalError

from bot.inbox import Inbox
from bot.services import build_services
from core.settings import Settings
from store import inbox as store_inbox
from store.inbox import Received


def _item(key: str, user: str) -> Received:
    return Received(update_key=key, user_key=user, payload={"key": key, "user": user})


@contextlib.asynccontextmanager
async def _working(inbox: Inbox) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(inbox.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def _until(changed: asyncio.Event, condition: Any) -> None:
    """Wait, woken by each handler call, until ``condition()`` holds."""
    async with asyncio.timeout(10):
        while not condition():
            changed.clear()
            await changed.wait()


async def test_one_users_updates_in_order_others_not_held_up(settings: Settings) -> None:
    services = build_services(settings, startup=False)
    order: list[str] = []
    release_a1, changed = asyncio.Event(), asyncio.Event()

    async def handler(raw: dict[str, Any]) -> None:
        if raw["key"] == "a1":
            await release_a1.wait()  # A's first update is slow
        order.append(raw["key"])
        changed.set()

    inbox = Inbox(services, "test", handler)
    async with _working(inbox):
        assert await inbox.accept([_item("a1", "A"), _item("a2", "A"), _item("b1", "B"), _item("a3", "A")]) == 4
        assert await inbox.accept([_item("a2", "A")]) == 0  # a redelivery is recorded once
        await _until(changed, lambda: "b1" in order)
        assert order == ["b1"]  # B went ahead while A's first was still being handled
        release_a1.set()
        await _until(changed, lambda: len(order) == 4)
    assert order == ["b1", "a1", "a2", "a3"]
    assert store_inbox.pending_count(services.session_factory) == 0
    assert inbox.handled == 4


async def test_a_failing_update_is_retried_then_given_up_without_blocking_the_next(settings: Settings) -> None:
    services = build_services(settings, startup=False)
    calls: list[str] = []
    changed = asyncio.Event()

    async def handler(raw: dict[str, Any]) -> None:
        calls.append(raw["key"])
        changed.set()
        if raw["key"] == "bad":
            raise ValueError("handler bug")
        if raw["key"] == "outage" and calls.count("outage") < 3:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    inbox = Inbox(services, "test", handler, backoff_cap=0.05)
    async with _working(inbox):
        await inbox.accept([_item("bad", "A"), _item("after", "A"), _item("outage", "B")])
        await _until(changed, lambda: "after" in calls and calls.count("outage") == 3)
    assert calls.count("bad") == 3  # MAX_ATTEMPTS, then failed for good
    assert calls.count("outage") == 3  # an outage is retried until it passes, never given up
    assert store_inbox.state_of(services.session_factory, "test", "bad") == "failed"
    assert store_inbox.state_of(services.session_factory, "test", "after") == "done"
    assert store_inbox.state_of(services.session_factory, "test", "outage") == "done"
