"""The inbox worker on a real database: one user's updates in order, others side by side,
a failing handler retried then given up, duplicates recorded once."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from sqlalchemy.exc import OperationalError

from bot.delivery.inbox_worker import Inbox
from bot.services import build_services
from core.settings import Settings
from store.runtime import inbox as store_inbox
from store.runtime.inbox import Received


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


async def test_two_workers_on_one_postgresql_keep_each_users_order(database_url: str, tmp_path: Path) -> None:
    """Webhook mode with two processes: both record, both handle; every update once, and
    a user's updates one after the other, in the order received."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two workers share a server database")
    events: list[tuple[str, int, str]] = []
    changed, all_recorded = asyncio.Event(), asyncio.Event()

    async def handler(raw: dict[str, Any]) -> None:
        events.append((raw["user"], raw["n"], "start"))
        if raw["n"] == 0:
            await all_recorded.wait()  # first updates still running while the next ones arrive
        events.append((raw["user"], raw["n"], "end"))
        changed.set()

    workers = []
    for name in ("a", "b"):
        settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / name, load_samples=False)
        workers.append(Inbox(build_services(settings, startup=False), "test", handler))
    users, per_user = 30, 4
    async with _working(workers[0]), _working(workers[1]):
        for n in range(per_user):  # each update reaches one of the two, as a load balancer spreads them
            for u in range(users):
                key = f"u{u}:{n}"
                await workers[(u + n) % 2].accept([Received(key, f"u{u}", {"user": f"u{u}", "n": n})])
        all_recorded.set()
        await _until(changed, lambda: len(events) == 2 * users * per_user)
    for u in range(users):
        mine = [(n, what) for user, n, what in events if user == f"u{u}"]
        assert mine == [(n, what) for n in range(per_user) for what in ("start", "end")], (u, mine)
    assert workers[0].handled + workers[1].handled == users * per_user
    assert workers[0].handled and workers[1].handled  # both took part


async def test_each_update_waits_for_the_pace_first(settings: Settings) -> None:
    services = build_services(settings, startup=False)
    handled: list[str] = []
    changed, asked, go = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def handler(raw: dict[str, Any]) -> None:
        handled.append(raw["key"])
        changed.set()

    async def pace() -> None:
        asked.set()
        await go.wait()  # the sender has replies enough to send: hold on

    inbox = Inbox(services, "test", handler, pace=pace)
    async with _working(inbox):
        await inbox.accept([_item("a1", "A"), _item("b1", "B")])
        async with asyncio.timeout(10):
            await asked.wait()
        assert handled == []
        go.set()
        await _until(changed, lambda: len(handled) == 2)
