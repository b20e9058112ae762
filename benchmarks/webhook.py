"""Webhook throughput beside polling: python -m benchmarks.webhook [--updates 300] [--users 50].

The real bot (inbox, core, Q&A handlers, SQLite) in this process; a fake Zalo or Telegram
API on loopback. In webhook mode the fake POSTs each update to the real aiohttp server with
the secret header (Telegram's fake over 8 connections, one sender's updates in order; Zalo's
one update at a time); in
polling mode the bot long-polls it. Every update is a Q&A question from the dev set, asked
by ``--users`` different people round-robin. Printed per mode:

- acknowledged/s: updates recorded and acknowledged (200 / offset confirmed) per second,
- handled/s: updates answered (inbox done, every reply sent) per second, from the first push.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Callable

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.services import build_services  # noqa: E402
from core.context import Services  # noqa: E402
from store.db import transaction  # noqa: E402
from store.models import InboxUpdate, OutboxMessage  # noqa: E402
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from tests.e2e.harness import bot_settings  # noqa: E402
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser  # noqa: E402
from tests.e2e.webhook_harness import running_webhook_bot, zalo_webhook_bot  # noqa: E402
from tests.e2e.zalo_harness import running_zalo  # noqa: E402

QUESTIONS = REPO.parent / "shared" / "eval" / "questions-dev.tsv"


@dataclass
class Figures:
    mode: str
    updates: int
    ack_seconds: float
    done_seconds: float

    def line(self) -> str:
        return (f"{self.mode:<18} {self.updates:>6} updates  acknowledged {self.updates / self.ack_seconds:7.1f}/s"
                f"  handled {self.updates / self.done_seconds:6.1f}/s  (all answered in {self.done_seconds:.1f} s)")


def questions() -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as fh:
        return [row["question"] for row in csv.DictReader(fh, delimiter="\t")]


def finished(services: Services, count: int) -> bool:
    with transaction(services.session_factory) as session:
        done = session.scalar(select(func.count()).select_from(InboxUpdate).where(InboxUpdate.state == "done"))
        queued = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "queued"))
    return done == count and queued == 0


@contextlib.asynccontextmanager
async def telegram_bot(mode: str, api: FakeBotAPI, workdir: Path) -> AsyncIterator[tuple[Services, Callable[[], bool]]]:
    """The bot in ``mode``; yields its services and "has everything been acknowledged"."""
    if mode == "webhook":
        async with running_webhook_bot(workdir, api) as (services, _server):
            yield services, lambda: api.webhook is not None and api.webhook.idle.is_set()
        return
    settings = bot_settings(api, workdir)
    channel = TelegramChannel(settings, build_services(settings))
    async with channel.running(poll_timeout=1.0):
        yield channel.services, lambda: api.pending_updates == 0


async def run_telegram(mode: str, count: int, users: int, workdir: Path) -> Figures:
    asked = questions()
    people = [FakeUser(id=900_000_000 + i, first_name=f"Cán bộ {i}") for i in range(users)]
    async with FakeBotAPI() as api, telegram_bot(mode, api, workdir) as (services, acknowledged):
        start = time.monotonic()
        for n in range(count):
            api.push_message(people[n % users], asked[n % len(asked)])
        await api.wait_until(acknowledged, timeout=600)
        ack = time.monotonic() - start
        await api.wait_until(lambda: finished(services, count), timeout=600)
        return Figures(f"telegram {mode}", count, ack, time.monotonic() - start)


@contextlib.asynccontextmanager
async def zalo_bot(mode: str, api: FakeZaloAPI, workdir: Path) -> AsyncIterator[tuple[Services, Callable[[], bool]]]:
    if mode == "webhook":
        async with zalo_webhook_bot(workdir, api) as services:
            yield services, lambda: not api.delivering
        return
    async with running_zalo(workdir, api=api) as (_api, services, _core):
        yield services, lambda: api.pending_updates == 0


async def run_zalo(mode: str, count: int, users: int, workdir: Path) -> Figures:
    asked = questions()
    people = [FakeZaloUser(id=str(900_000_000 + i), display_name=f"Cán bộ {i}") for i in range(users)]
    async with FakeZaloAPI() as api, zalo_bot(mode, api, workdir) as (services, acknowledged):
        start = time.monotonic()
        for n in range(count):
            api.push_text(people[n % users], asked[n % len(asked)])
        await api.wait_until(acknowledged, timeout=600)
        ack = time.monotonic() - start
        await api.wait_until(lambda: finished(services, count), timeout=600)
        return Figures(f"zalo {mode}", count, ack, time.monotonic() - start)


async def main_async(args: argparse.Namespace) -> None:
    print(f"webhook vs polling: {args.updates} Q&A updates from {args.users} users, real server on loopback")
    for run in (run_zalo, run_telegram):
        for mode in ("webhook", "polling"):
            with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as tmp:
                print((await run(mode, args.updates, args.users, Path(tmp))).line(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    logging.getLogger("bm25s").setLevel(logging.CRITICAL)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
