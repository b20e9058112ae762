"""/metrics and /healthz on the internal port: answered from the tick's cache, so a crowd of
scrapers never runs a query nor touches the webhook's event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.ops as ops
from core import metrics
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.webhook_harness import get, running_webhook_bot


async def test_many_concurrent_scrapes_run_no_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "REFRESH_SECONDS", 3600.0)  # only the first tick, at start
    scrapes: list[int] = []
    pings: list[int] = []
    real_scrape, real_ping = metrics.scrape, ops._database_ok

    def counted_scrape(*args: object) -> bytes:
        scrapes.append(1)
        return real_scrape(*args)  # type: ignore[arg-type]

    async def counted_ping(services: object) -> bool:
        pings.append(1)
        return await real_ping(services)  # type: ignore[arg-type]

    monkeypatch.setattr(metrics, "scrape", counted_scrape)
    monkeypatch.setattr(ops, "_database_ok", counted_ping)
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (_services, server):
            base = f"http://127.0.0.1:{server.ops_port}"
            answers = await asyncio.gather(*(get(f"{base}/metrics") for _ in range(150)),
                                           *(get(f"{base}/healthz") for _ in range(50)))
            assert {status for status, _body, _headers in answers} == {200}
            assert (scrapes, pings) == ([1], [1])  # the start-up tick; no request queried anything


async def test_healthz_turns_503_when_the_tick_stops(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (_services, server):
            base = f"http://127.0.0.1:{server.ops_port}/healthz"
            assert (await get(base))[0] == 200
            server.ops.snapshot.taken_at -= 3600  # the refresh tick stopped an hour ago
            status, body, _ = await get(base)
            assert status == 503 and b'"database": false' in body
