"""``python -m bot`` on a PostgreSQL whose password needs URL-encoding, through an outage:
it connects, keeps the message unconfirmed while the server is down, answers it once the
server is back, and its log never shows the password (raw or encoded)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import USER, BotProcess
from tests.pgserver import DedicatedServer

PASSWORD = "Mật@khẩu:/%40#?"
KEPT = "kept unconfirmed"


@pytest.fixture
def server() -> Iterator[DedicatedServer]:
    pg = DedicatedServer(Path(tempfile.mkdtemp(prefix="pgpassword-")), password=PASSWORD)
    try:
        pg.create()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but cannot start one: {exc}")
        pytest.skip(f"no PostgreSQL: {exc}")
    try:
        yield pg
    finally:
        pg.destroy()


async def _log_says(proc: BotProcess, text: str, timeout: float = 30.0) -> None:
    """The subprocess's only outward sign of a refused record is its log: read it, bounded."""
    deadline = time.monotonic() + timeout
    while text not in proc.log():
        assert time.monotonic() < deadline, f"log never said {text!r}:\n{proc.log()[-2000:]}"
        await asyncio.sleep(0.1)


async def test_encoded_password_works_through_an_outage_and_never_shows(server: DedicatedServer,
                                                                         tmp_path: Path) -> None:
    assert quote(PASSWORD, safe="") in server.url
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path, env={"DATABASE_URL": server.url, "DATABASE_RETRY_MAX_SECONDS": "1"})
        await proc.start()
        try:
            await asyncio.to_thread(server.stop)
            api.push_command(USER, "help")
            await _log_says(proc, KEPT)
            assert api.pending_updates == 1  # not confirmed while it could not be recorded
            await asyncio.to_thread(server.start)
            assert "/huy" in (await api.wait_for(USER.id, timeout=60))[0].text
        finally:
            assert await proc.stop() == 0
        assert len(api.sent(USER.id)) == 1
    log = proc.log()
    for form in (PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD)):
        assert form not in log
    assert "database unavailable" in log
