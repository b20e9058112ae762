"""``python -m bot outbox`` sends every configured channel's rows, each at its own pace, through
the real transports against the fake Telegram and Zalo APIs on loopback."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.services import build_services
from core import outbox
from core.settings import Settings
from core.types import Reply
from store.db import transaction
from store.models import OutboxMessage, User
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI

REPO = Path(__file__).resolve().parents[2]
ZALO_RATE = 5  # the pacer's sliding cap is then 6 in any second (bot.delivery.pacer)
# The fake's limit leaves room for a loaded machine's arrival jitter (a stalled request lands
# beside the next ones) and still refuses Telegram's 28/s, which would send the 12 in 0.4 s.
ZALO_FAKE_LIMIT = 2 * ZALO_RATE
PER_CHANNEL = 12


def queue_notices(settings: Settings) -> None:
    services = build_services(settings, startup=False)
    now = services.clock.now()
    try:
        with transaction(services.session_factory) as s:
            for channel, chat in [("zalo", f"z{i}") for i in range(PER_CHANNEL)] + \
                                 [("telegram", str(700 + i)) for i in range(PER_CHANNEL)]:
                user = User(channel=channel, external_id=chat, chat_id=chat, display_name="", created_at=now,
                            last_seen_at=now)
                s.add(user)
                s.flush()
                outbox.enqueue(s, user, Reply(text=f"Thông báo họp ({channel})"), key=f"n-{chat}", kind="notice",
                               not_before=now, now=now)
    finally:
        services.session_factory.kw["bind"].dispose()


def states(settings: Settings) -> dict[str, int]:
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            rows = list(s.scalars(select(OutboxMessage.state)))
    finally:
        services.session_factory.kw["bind"].dispose()
    return {state: rows.count(state) for state in set(rows)}


async def test_outbox_worker_sends_telegram_and_zalo_each_at_its_pace(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False)
    queue_notices(settings)
    # Zalo's fake refuses an 11th send within a second: paced at Telegram's 28/s the 12 Zalo
    # notices would meet 429s; at ZALO_RATE_PER_SECOND they meet none.
    async with FakeBotAPI() as telegram, FakeZaloAPI(enforce_limits=True, overall_rate=ZALO_FAKE_LIMIT) as zalo:
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_FAKE_NOW",)}
        env.update(BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.url, ZALO_BOT_TOKEN=zalo.token,
                   ZALO_API_BASE_URL=zalo.url, ZALO_RATE_PER_SECOND=str(ZALO_RATE), DATABASE_URL=settings.database_url,
                   DATA_DIR=str(settings.data_dir), LOAD_SAMPLES="false", QUIET_HOURS="", PYTHONPATH=str(REPO))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "outbox", "--until-empty", "--no-sweep", cwd=REPO, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(), 120)
        output = out.decode("utf-8", "replace")
        assert proc.returncode == 0, output
        zalo_sent = sorted(c.chat_id or "" for c in zalo.sent())
        assert zalo_sent == sorted(f"z{i}" for i in range(PER_CHANNEL))  # each once
        assert sorted(c.chat_id for c in telegram.sent()) == [700 + i for i in range(PER_CHANNEL)]
        assert [c for c in zalo.calls if c.status == 429] == []
        times = sorted(c.time for c in zalo.sent())
        assert times[-1] - times[0] >= (PER_CHANNEL - 1) / (ZALO_RATE + 1) - 0.1  # Zalo's pace, not 28/s
    assert states(settings) == {"sent": 2 * PER_CHANNEL}
    assert "Bộ gửi (telegram, zalo): đã gửi 24," in output
    assert zalo.token not in output and telegram.token not in output
