"""A crash-leftover reply is leased by its channel at start-up, so an outbox worker cannot send it too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.channels.leftovers import _lease
from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from core.types import Incoming, UserRef
from reminders.outbox import OutboxSender

USER = UserRef("telegram", "42", "42", "An")


async def test_leased_leftover_is_not_taken_by_the_sender(tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, bot_token="1:x", database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
                        data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    core = BotCore(services, build_router())
    channel = TelegramChannel(settings, services, core)
    queued = await core.handle(Incoming(user=USER, update_key="1", command="help"))  # never sent: a crash
    clock.jump(timedelta(minutes=5))  # old enough for the sender's crash-leftover rule
    assert _lease(services, queued[0].outbox_id)
    assert not _lease(services, queued[0].outbox_id)  # a second taker is refused
    sender = OutboxSender(services, {"telegram": channel.transport})
    assert sender._candidates() == []
