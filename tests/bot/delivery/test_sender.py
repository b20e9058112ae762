"""The outbox sender on real databases: states, 429, blocked users, backoff, leases, pacing."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.channels import ChannelCapabilities
from core.settings import Settings
from core.context import Services
from core import metrics, outbox
from core.outbox import enqueue
from core.types import Reply
from bot.delivery.sender import OutboxSender
from bot.delivery.pacer import Pacer
from core.outbox import SendResult
from store.db import transaction
from store.models import OutboxMessage, User


class FakeTransport:
    """Records sends; answers from a script per chat (default ok)."""

    channel = "test"

    def __init__(self, script: dict[str, list[SendResult]] | None = None) -> None:
        self.script = script or {}
        self.sent: list[tuple[str, str]] = []
        self.calls = 0

    capabilities = ChannelCapabilities()

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.calls += 1
        answers = self.script.get(chat_id)
        result = answers.pop(0) if answers else SendResult(ok=True)
        if result.ok:
            self.sent.append((chat_id, reply.text))
        return result


def fast_pacer() -> Pacer:
    return Pacer(rate=10_000, per_chat_interval=0.0)


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock) -> Services:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return build_services(settings, clock, startup=False)


def add_users(services: Services, n: int) -> list[int]:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        users = [User(channel="test", external_id=str(i), chat_id=str(i), created_at=now, last_seen_at=now)
                 for i in range(n)]
        s.add_all(users)
        s.flush()
        return [u.id for u in users]


def queue(services: Services, user_id: int, key: str, kind: str = "notice", text: str = "hi",
          delay: timedelta = timedelta(0)) -> None:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        enqueue(s, s.get(User, user_id), Reply(text=text), key=key, kind=kind, not_before=now + delay, now=now)


def states(services: Services) -> dict[str, str]:
    with services.session_factory() as s:
        return {r.dedup_key: r.state for r in s.scalars(select(OutboxMessage))}


async def test_sends_each_row_once_and_records_sent(services: Services) -> None:
    ids = add_users(services, 3)
    for i, uid in enumerate(ids):
        queue(services, uid, f"k{i}", text=f"m{i}")
    queue(services, ids[0], "k0", text="duplicate key")  # the same key is queued once
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    assert await sender.drain_once() == 3
    assert await sender.drain_once() == 0
    assert sorted(transport.sent) == [("0", "m0"), ("1", "m1"), ("2", "m2")]
    assert set(states(services).values()) == {"sent"}


async def test_not_before_is_business_time(services: Services, clock) -> None:
    (uid,) = add_users(services, 1)
    queue(services, uid, "later", delay=timedelta(hours=2))
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    assert await sender.drain_once() == 0
    clock.jump(timedelta(hours=2))
    assert await sender.drain_once() == 1


async def test_blocked_user_marked_unreachable_never_retried(services: Services, clock) -> None:
    (uid,) = add_users(services, 1)
    queue(services, uid, "b")
    transport = FakeTransport({"0": [SendResult(ok=False, blocked=True, error="Forbidden: bot was blocked")]})
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    await sender.drain_once()
    clock.jump(timedelta(days=1))
    await sender.drain_once()
    assert transport.calls == 1
    assert states(services) == {"b": "blocked"}
    with services.session_factory() as s:
        assert s.get(User, uid).reachable is False


async def test_429_requeues_without_spending_an_attempt(services: Services) -> None:
    (uid,) = add_users(services, 1)
    queue(services, uid, "r")
    transport = FakeTransport({"0": [SendResult(ok=False, retry_after=0.05)]})
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    await sender.drain_once()
    with services.session_factory() as s:
        row = s.scalar(select(OutboxMessage))
        assert (row.state, row.attempts) == ("queued", 0)
    await sender.drain_once()  # waits out retry_after (50 ms real time), then sends
    assert states(services) == {"r": "sent"}
    assert sender.stats.rate_limited == 1


async def test_network_errors_back_off_then_fail(services: Services, clock) -> None:
    services.settings.outbox_max_attempts = 3
    (uid,) = add_users(services, 1)
    queue(services, uid, "n")
    errors = [SendResult(ok=False, error="timeout")] * 3
    transport = FakeTransport({"0": list(errors)})
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    await sender.drain_once()
    assert states(services) == {"n": "queued"}
    assert await sender.drain_once() == 0  # backing off (by the injected clock)
    clock.jump(timedelta(seconds=5))
    await sender.drain_once()
    clock.jump(timedelta(seconds=10))
    await sender.drain_once()
    assert states(services) == {"n": "failed"}
    assert transport.calls == 3


async def test_a_gone_workers_claims_are_taken_over_by_the_next_sender(services: Services) -> None:
    ids = add_users(services, 2)
    queue(services, ids[0], "c0")
    queue(services, ids[1], "c1")
    with transaction(services.session_factory) as s:  # claimed (attempt recorded), then the worker died
        (first, _) = outbox.candidates(s, "test", services.clock.now(), limit=5)
        assert outbox.claim(s, [first.id], "dead-worker") != []
    transport = FakeTransport()
    stop = asyncio.Event()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    task = asyncio.create_task(sender.run(stop))
    await wait_for(lambda: len(transport.sent) == 2)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert states(services) == {"c0": "sent", "c1": "sent"}  # no lease to wait out, nothing lost
    with services.session_factory() as s:
        assert {r.attempts for r in s.scalars(select(OutboxMessage))} == {1, 2}


async def test_two_senders_never_send_a_row_twice(services: Services) -> None:
    ids = add_users(services, 40)
    for i, uid in enumerate(ids):
        queue(services, uid, f"k{i}")
    transport = FakeTransport()
    a = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    b = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    await asyncio.gather(a.drain_once(), b.drain_once())
    assert sorted(c for c, _ in transport.sent) == sorted(str(i) for i in range(40))


async def test_replies_go_before_broadcasts_and_reminders(services: Services) -> None:
    ids = add_users(services, 4)
    queue(services, ids[0], "bc", kind="broadcast")
    queue(services, ids[1], "rem", kind="reminder")
    queue(services, ids[2], "reply", kind="reply")
    queue(services, ids[3], "note", kind="notice")
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(rate=10_000, per_chat_interval=0),
                          worker_id="w")
    sender.services.settings.outbox_max_in_flight = 1  # one at a time: the order is observable
    sender.loops["test"].max_in_flight = 1
    await sender.drain_once()
    assert [chat for chat, _ in transport.sent] == ["2", "3", "1", "0"]


async def test_other_channels_rows_stay_queued(services: Services) -> None:
    (uid,) = add_users(services, 1)
    queue(services, uid, "k")
    sender = OutboxSender(services, {"telegram": FakeTransport()}, pacer=fast_pacer())
    assert await sender.drain_once() == 0
    assert states(services) == {"k": "queued"}


async def test_one_message_per_chat_per_interval(services: Services) -> None:
    (uid,) = add_users(services, 1)
    for i in range(3):
        queue(services, uid, f"k{i}")
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(rate=10_000, per_chat_interval=60))
    assert await sender.drain_once() == 1
    assert await sender.drain_once() == 0  # the same chat waits its interval


async def test_pacer_grid_never_bursts() -> None:
    pacer = Pacer(rate=100, per_chat_interval=0)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for i in range(20):
        await pacer.acquire(str(i))
    assert loop.time() - start >= 0.17  # 20 slots at 100/s: at most two slots of catch-up


async def test_pacer_does_not_burst_after_a_stall() -> None:
    """The event loop held up for 0.3 s (a burst being handled): the sends after it go on the
    grid again instead of catching up ten slots at once."""
    pacer = Pacer(rate=30, per_chat_interval=0)
    await pacer.acquire("a")
    time.sleep(0.3)  # the loop is blocked: nothing else can run
    loop = asyncio.get_running_loop()
    start = loop.time()
    for i in range(5):
        await pacer.acquire(str(i))
    assert loop.time() - start >= 1.5 / 30  # two slots caught up (and the current one), the rest on the grid


async def test_run_stops_on_event(services: Services) -> None:
    ids = add_users(services, 2)
    queue(services, ids[0], "a")
    queue(services, ids[1], "b")
    transport = FakeTransport()
    stop = asyncio.Event()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    task = asyncio.create_task(sender.run(stop))
    await wait_for(lambda: len(transport.sent) == 2)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert len(transport.sent) == 2


async def wait_for(condition, timeout: float = 10.0) -> None:
    """Poll a condition with a bound (the sender runs in this loop)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_metrics_count_sends_and_show_the_queue(services: Services, clock) -> None:
    def sample(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    ids = add_users(services, 2)
    queue(services, ids[0], "m0", kind="reminder")
    queue(services, ids[1], "m1", kind="reminder")
    clock.jump(timedelta(seconds=90))
    text = metrics.scrape(services).decode()
    assert 'bot_outbox_depth{channel="test"} 2.0' in text
    assert sample("bot_outbox_oldest_age_seconds", channel="test") == 90.0
    sent_before = sample("bot_messages_total", channel="test", kind="reminder", outcome="sent")
    transport = FakeTransport({"1": [SendResult(ok=False, retry_after=0.01)]})
    limited_before = sample("bot_rate_limited_total", channel="test")
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    await sender.drain_once()
    await sender.drain_once()
    assert sample("bot_messages_total", channel="test", kind="reminder", outcome="sent") == sent_before + 2
    assert sample("bot_rate_limited_total", channel="test") == limited_before + 1
    metrics.scrape(services)
    assert sample("bot_outbox_depth", channel="test") == 0.0


async def test_replies_next_batch_is_claimed_while_this_one_is_paced(services: Services) -> None:
    """A claim slowed by the updates being handled (SQLite's write lock) must not cost slots:
    the next batch of replies is being claimed while the current one waits for its slots."""
    from bot.delivery.sender import CLAIM_BATCH, ChannelLoop

    ids = add_users(services, 2 * CLAIM_BATCH)
    for i, uid in enumerate(ids):
        queue(services, uid, f"r{i}", kind="reply")
    events: list[str] = []
    second_claim_started = asyncio.Event()

    class SlowPacer(Pacer):
        async def acquire(self, chat_key: str) -> None:
            if len([e for e in events if e == "slot"]) == CLAIM_BATCH - 1:
                await second_claim_started.wait()  # the first batch's last slot: the next claim is under way
            events.append("slot")
            await super().acquire(chat_key)

    sender = OutboxSender(services, {"test": FakeTransport()}, pacer=SlowPacer(rate=10_000, per_chat_interval=0.0))
    loop: ChannelLoop = sender.loops["test"]
    real_claim = loop._claim

    def claim(row_ids: list[int]) -> list[OutboxMessage]:
        events.append("claim")
        if events.count("claim") == 2:
            main_loop.call_soon_threadsafe(second_claim_started.set)
        return real_claim(row_ids)

    main_loop = asyncio.get_running_loop()
    loop._claim = claim  # type: ignore[method-assign]
    async with asyncio.timeout(10):  # claiming only after the last slot would never get here
        assert await sender.drain_once() == 2 * CLAIM_BATCH
    slots = [i for i, e in enumerate(events) if e == "slot"]
    assert events.index("claim", 1) < slots[CLAIM_BATCH - 1]
    assert sender.stats.sent == 2 * CLAIM_BATCH


def test_sends_in_flight_come_from_the_transport(services: Services) -> None:
    one_at_a_time = FakeTransport()
    one_at_a_time.capabilities = ChannelCapabilities(max_in_flight=1)
    sender = OutboxSender(services, {"test": FakeTransport(), "slow": one_at_a_time}, pacer=fast_pacer())
    assert sender.loops["test"].max_in_flight == services.settings.outbox_max_in_flight
    assert sender.loops["slow"].max_in_flight == 1


async def test_replies_to_a_chat_go_in_a_burst_reminders_keep_one_per_interval(services: Services) -> None:
    a, b = add_users(services, 2)
    for n in range(3):
        queue(services, a, f"reply{n}", kind="reply")
        queue(services, b, f"rem{n}", kind="reminder")
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(rate=10_000, per_chat_interval=1.0, burst=3))
    sent = 0
    for _ in range(3):  # one pass per message a chat may get: its previous send has finished
        sent += await sender.drain_once()
    assert [t for c, t in transport.sent if c == "0"] == ["hi"] * 3  # three quick replies: all out
    assert [t for c, t in transport.sent if c == "1"] == ["hi"]  # reminders: one, the rest a second later
    assert sent == 4
