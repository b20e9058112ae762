"""Live replies share the broadcast's pacer on Telegram's limits, go first, and the broadcast
still finishes: the real bot against a fake Bot API enforcing 30/s and 1/s per chat."""

from __future__ import annotations

from pathlib import Path

from benchmarks import broadcast as bench
from bot.services import build_services
from core.settings import Settings
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import USER, running_bot


async def test_a_reply_overtakes_a_running_broadcast_which_still_finishes(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False, quiet_hours="",
                        outbox_per_chat_interval_seconds=1.0, outbox_rate_per_second=10.0)
    # About ten seconds of sending at 10/s: long enough that a reply handled slowly on a
    # loaded machine still meets most of the broadcast ahead of it (the claims below count
    # messages, never seconds).
    chats = bench.seed(settings, 100)
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True) as api:
        settings.bot_token, settings.telegram_api_base_url = api.token, api.url
        services = build_services(settings, startup=False)
        async with running_bot(tmp_path, api=api, services=services):
            await api.wait_until(lambda: api.status_totals()[200] >= 10, timeout=60)
            api.push_command(USER, "help")
            api.push_command(USER, "start")  # a second reply to the same chat waits its second
            first, second = (await api.wait_for(USER.id, count=2, timeout=30))[:2]
            await api.wait_until(lambda: all(api.counts[c][200] >= 1 for c in chats), timeout=60)
        broadcast = sorted(c.time for c in api.calls if c.status == 200 and c.chat_id in set(chats))
        # Both replies went out while much of the broadcast was still to send (90 messages,
        # nine seconds, when they were asked): queued behind it they would have come last.
        assert sum(1 for t in broadcast if t > second.time) >= 20
        assert second.time - first.time >= 1.0  # Telegram's per-chat second between the two
        assert [c for c in chats if api.counts[c][200] != 1] == []  # each officer once
