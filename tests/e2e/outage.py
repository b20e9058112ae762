"""PostgreSQL stopped while messages arrive, through polling or the webhook; used by
tests/bot/test_inbox_outage.py (50 messages, a short outage) and benchmarks/db_outage.py
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
from typing import AsyncIterator, Callable

from sqlalchemy import func, select

from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from core.context import Services
from store import inbox as store_inbox
from store.db import transaction
from store.models import OutboxMessage
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.harness import bot_settings
from tests.e2e.webhook_harness import running_webhook_bot
from tests.pgserver import DedicatedServer

FIRST_USER = 700_000_001


@dataclass
class OutageResult:
    mode: str
    messages: int
    down_seconds: float
    refusals: int  # failed records (polling) or 503 answers (webhook) during the outage
    unconfirmed_while_down: int  # polling: updates Telegram still held when the server came back
    recovery_seconds: float  # from the server's restart to the last reply
    replies: Counter[int] = field(default_factory=Counter)  # chat -> replies received
    queued_after: int = 0  # outbox rows still queued at the end (would be sent again)

    @property
    def lost(self) -> int:
        return sum(1 for n in self.replies.values() if n == 0)

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.replies.values() if n > 1)


def officers(count: int) -> list[FakeUser]:
    return [FakeUser(id=FIRST_USER + i, first_name=f"Cán bộ {i}") for i in range(count)]


def _queued(services: Services) -> int:
    with transaction(services.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.state == "queued")) or 0)


@contextlib.asynccontextmanager
async def _bot(mode: str, api: FakeBotAPI, workdir: Path, url: str,
               retry_cap: float) -> AsyncIterator[tuple[Services, Callable[[], int]]]:
    """The bot in ``mode``; yields its services and a count of refusals so far."""
    if mode == "webhook":
        async with running_webhook_bot(workdir, api, database_url=url, database_retry_max_seconds=retry_cap) as (services, _):
            yield services, lambda: api.webhook.answers[503] if api.webhook else 0
        return
    settings = bot_settings(api, workdir, database_url=url, database_retry_max_seconds=retry_cap)
    channel = TelegramChannel(settings, build_services(settings))
    async with channel.running(poll_timeout=0.5):
        yield channel.services, lambda: channel.inbox.record_failures


async def run_outage(mode: str, server: DedicatedServer, workdir: Path, *, count: int, down_seconds: float,
                     retry_cap: float = 2.0, timeout: float = 120.0) -> OutageResult:
    users = officers(count)
    async with FakeBotAPI() as api, _bot(mode, api, workdir, server.url, retry_cap) as (services, refusals):
        await asyncio.to_thread(server.stop)
        stopped = time.monotonic()
        for user in users:
            api.push_command(user, "huy")
        await api.wait_until(lambda: refusals() >= 3, timeout=timeout)
        await asyncio.sleep(max(0.0, down_seconds - (time.monotonic() - stopped)))  # the outage itself
        unconfirmed = api.pending_updates
        refused = refusals()
        await asyncio.to_thread(server.start)
        restarted = time.monotonic()
        await api.wait_until(lambda: all(api.sent(u.id) for u in users), timeout=timeout)
        recovery = time.monotonic() - restarted
        await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0
                             and _queued(services) == 0 and (api.webhook is None or api.webhook.idle.is_set()),
                             timeout=timeout)
        replies = Counter({u.id: len(api.sent(u.id)) for u in users})
        return OutageResult(mode, count, restarted - stopped, refused, unconfirmed, recovery,
                            replies, _queued(services))
