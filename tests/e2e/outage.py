"""PostgreSQL stopped while messages arrive, through Telegram polling, the Telegram webhook or
the Zalo webhook; used by
tests/bot/delivery/test_inbox_outage.py (50 messages, a short outage) and benchmarks/db_outage.py
(200 messages, 20 s).

Each of ``count`` officers sends ``/huy`` (one short reply, no search) while the server is
down; the scenario waits until the bot has visibly refused to take them (polling: records
failed, nothing confirmed; webhook: 503s), keeps the server down for ``down_seconds`` at
least, starts it again and waits until every message is answered and nothing is left in
the inbox or the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Optional

from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bot.channels.telegram.channel import TelegramChannel
from bot.services import build_services
from core.context import Services
from store.runtime import inbox as store_inbox
from store.db import transaction
from store.models import OutboxMessage
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.fakewebhook import WebhookDelivery
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.harness import bot_settings
from tests.e2e.webhook_harness import running_webhook_bot, zalo_webhook_bot
from tests.e2e.zalo_harness import running_zalo
from tests.pgserver import DedicatedServer

FIRST_USER = 700_000_001
MODES = ("polling", "webhook", "zalo-polling", "zalo-webhook")  # Telegram's two, then Zalo's two


@dataclass
class OutageResult:
    mode: str
    messages: int
    down_seconds: float
    refusals: int  # updates refused during the outage: failed records (polling, each retry) or 503s (webhook)
    unconfirmed_while_down: int  # polling: updates Telegram still held when the server came back
    recovery_seconds: float  # from the server's restart to the last reply
    replies: Counter[str] = field(default_factory=Counter)  # chat -> replies received
    queued_after: int = 0  # outbox rows still queued at the end (would be sent again)

    @property
    def lost(self) -> int:
        return sum(1 for n in self.replies.values() if n == 0)

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.replies.values() if n > 1)


@dataclass
class Side:
    """The platform side of one mode: who sends, and what the fake saw."""

    services: Services
    chats: list[str]
    push: Callable[[int], None]  # the n-th officer sends /huy
    replies_to: Callable[[str], int]
    refusals: Callable[[], int]
    pending: Callable[[], int]  # updates the platform still holds or is still delivering
    wait_until: Callable[..., Awaitable[None]]


def _queued(services: Services) -> int:
    with transaction(services.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.state == "queued")) or 0)


def _delivering(webhook: Optional[WebhookDelivery]) -> int:
    return 0 if webhook is None or webhook.idle.is_set() else 1


@contextlib.asynccontextmanager
async def _side(mode: str, count: int, workdir: Path, url: str, retry_cap: float) -> AsyncIterator[Side]:
    """The bot in ``mode`` against its fake platform."""
    if mode.startswith("zalo"):
        async with _zalo_side(mode, count, workdir, url, retry_cap) as side:
            yield side
        return
    users = [FakeUser(id=FIRST_USER + i, first_name=f"Cán bộ {i}") for i in range(count)]
    chats = [str(u.id) for u in users]
    async with FakeBotAPI() as api:
        def side(services: Services, refusals: Callable[[], int]) -> Side:
            return Side(services, chats, lambda n: api.push_command(users[n], "huy") and None,
                        lambda chat: len(api.sent(int(chat))), refusals,
                        lambda: api.pending_updates + _delivering(api.webhook), api.wait_until)

        if mode == "webhook":
            async with running_webhook_bot(workdir, api, database_url=url,
                                           database_retry_max_seconds=retry_cap) as (services, _):
                yield side(services, lambda: api.webhook.answers[503] if api.webhook else 0)
            return
        settings = bot_settings(api, workdir, database_url=url, database_retry_max_seconds=retry_cap)
        channel = TelegramChannel(settings, build_services(settings))
        before = _refused("telegram")
        async with channel.running(poll_timeout=0.5):
            yield side(channel.services, lambda: int(_refused("telegram") - before))


def _refused(channel: str) -> float:
    """Updates the bot could not record so far (each retry counts), from its metrics."""
    return REGISTRY.get_sample_value("bot_inbox_record_refused_total", {"channel": channel}) or 0.0


@contextlib.asynccontextmanager
async def _zalo_side(mode: str, count: int, workdir: Path, url: str, retry_cap: float) -> AsyncIterator[Side]:
    """Zalo by webhook (503s counted by the fake) or by polling (updates taken from getUpdates
    are held in memory until recorded; refusals from the bot's metrics)."""
    zusers = [FakeZaloUser(id=str(FIRST_USER + i), display_name=f"Cán bộ {i}") for i in range(count)]
    chats = [u.id for u in zusers]
    async with FakeZaloAPI() as zapi:
        def side(services: Services, refusals: Callable[[], int]) -> Side:
            return Side(services, chats, lambda n: zapi.push_text(zusers[n], "/huy") and None,
                        lambda chat: len(zapi.sent(chat)), refusals,
                        lambda: zapi.pending_updates + int(zapi.delivering), zapi.wait_until)

        if mode == "zalo-webhook":
            async with zalo_webhook_bot(workdir, zapi, database_url=url,
                                        database_retry_max_seconds=retry_cap) as services:
                yield side(services, lambda: sum(1 for d in zapi.deliveries if d.status == 503))
            return
        before = _refused("zalo")
        async with running_zalo(workdir, api=zapi, database_url=url,
                                database_retry_max_seconds=retry_cap) as (_api, services, _core):
            yield side(services, lambda: int(_refused("zalo") - before))


async def run_outage(mode: str, server: DedicatedServer, workdir: Path, *, count: int, down_seconds: float,
                     retry_cap: float = 2.0, timeout: float = 120.0) -> OutageResult:
    async with _side(mode, count, workdir, server.url, retry_cap) as side:
        await asyncio.to_thread(server.stop)
        stopped = time.monotonic()
        for n in range(count):
            side.push(n)
        await side.wait_until(lambda: side.refusals() >= 3, timeout=timeout)
        await asyncio.sleep(max(0.0, down_seconds - (time.monotonic() - stopped)))  # the outage itself
        unconfirmed, refused = side.pending(), side.refusals()
        await asyncio.to_thread(server.start)
        restarted = time.monotonic()
        await side.wait_until(lambda: all(side.replies_to(chat) for chat in side.chats), timeout=timeout)
        recovery = time.monotonic() - restarted
        await side.wait_until(lambda: store_inbox.pending_count(side.services.session_factory) == 0
                              and _queued(side.services) == 0 and side.pending() == 0, timeout=timeout)
        replies = Counter({chat: side.replies_to(chat) for chat in side.chats})
        return OutageResult(mode, count, restarted - stopped, refused, unconfirmed, recovery,
                            replies, _queued(side.services))
