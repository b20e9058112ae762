"""PostgreSQL stopped while messages arrive (issue 12): nothing is acknowledged before it is
recorded, and once the server is back every message is answered exactly once, through
polling and through the webhook. The server's password needs URL-encoding and never shows
in a log line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.outage import MODES, run_outage
from tests.e2e.webhook_harness import get, running_webhook_bot
from tests.pgserver import DedicatedServer

PASSWORD = "p@ss:w/rd%40#x"  # every character that must be URL-encoded in DATABASE_URL
MESSAGES = 50


@pytest.fixture
def server() -> Iterator[DedicatedServer]:
    # Not under tmp_path: the server runs as the postgres user, who cannot enter pytest's dirs.
    pg = DedicatedServer(Path(tempfile.mkdtemp(prefix="pgoutage-")), password=PASSWORD)
    try:
        pg.create()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but cannot start one: {exc}")
        pytest.skip(f"no PostgreSQL for the outage test: {exc}")
    assert quote(PASSWORD, safe="") in pg.url
    try:
        yield pg
    finally:
        pg.destroy()


def _no_password_in(text: str) -> None:
    for form in (PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD)):
        assert form not in text


@pytest.mark.parametrize("mode", MODES)
async def test_messages_sent_while_the_database_is_down_are_answered_once(
        mode: str, server: DedicatedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = await run_outage(mode, server, tmp_path / "bot", count=MESSAGES, down_seconds=0, retry_cap=1.0)
    assert result.refusals >= 3
    if mode == "polling":
        assert result.unconfirmed_while_down == MESSAGES  # Telegram still held every one of them
    assert (result.lost, result.duplicated) == (0, 0)
    assert set(result.replies.values()) == {1}
    assert result.queued_after == 0  # nothing left that a sender would send again
    assert "database unavailable" in caplog.text
    _no_password_in(caplog.text)


async def test_healthz_says_503_while_the_database_is_down(server: DedicatedServer, tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api, database_url=server.url) as (_services, web):
            health = f"http://127.0.0.1:{web.port}/healthz"
            assert (await get(health))[0] == 200
            await asyncio.to_thread(server.stop)
            status, body, _ = await get(health)
            assert status == 503 and b'"database": false' in body
            await asyncio.to_thread(server.start)
            assert (await get(health))[0] == 200
