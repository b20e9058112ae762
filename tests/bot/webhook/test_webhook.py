"""The webhook server end to end on loopback: the fake Bot API registers the webhook the bot
sets and delivers pushed updates to it with the secret header, like Telegram."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select

from bot.channels.telegram.channel import TelegramChannel
from bot.services import build_services
from bot.webhook.app import WebServer, build_app
from core import messages
from store.runtime import inbox as store_inbox
from store.db import transaction
from store.models import InboxUpdate
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.harness import USER
from bot.webhook.serve import webhook_running
from tests.e2e.webhook_harness import (SECRET, SECRETS, TELEGRAM_HEADER, ZALO_SECRET, free_port, get, post,
                                       running_webhook_bot, webhook_settings)
from tests.e2e.zalo_harness import ZUSER, zalo_settings


def _raw_message(update_id: int, user: FakeUser, text: str) -> dict[str, object]:
    message: dict[str, object] = {"message_id": update_id, "date": int(time.time()), "chat": user.chat_json(),
                                  "from": user.to_json(), "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def _inbox_rows(services: object) -> int:
    with transaction(services.session_factory) as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(InboxUpdate)) or 0)


async def test_updates_arrive_by_webhook_and_are_answered(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (services, server):
            registered = api.calls_of("setWebhook")[-1].params
            assert registered["url"] == f"http://127.0.0.1:{server.port}/webhook/telegram"
            assert registered["secret_token"] == SECRET
            api.push_command(USER, "help")
            call = (await api.wait_for(USER.id))[0]
            assert "/huy" in call.text
            assert api.webhook is not None and api.webhook.answers[200] == 1
            assert api.get_updates_calls == 0  # no polling in webhook mode
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
            assert store_inbox.state_of(services.session_factory, "telegram", "1") == "done"


async def test_wrong_or_missing_secret_is_refused_and_nothing_handled(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (services, server):
            url = f"http://127.0.0.1:{server.port}/webhook/telegram"
            assert await post(url, _raw_message(900, USER, "/help"), {TELEGRAM_HEADER: "wrong-secret-123"}) == 401
            assert await post(url, _raw_message(901, USER, "/help")) == 401
            assert await post(url, _raw_message(902, USER, "/help"), {"X-Bot-Api-Secret-Token": SECRET}) == 401
            assert _inbox_rows(services) == 0
            right = {TELEGRAM_HEADER: SECRET}
            assert await post(url, ["not", "an", "update"], right) == 400
            assert await post(url, {"update_id": 904, "message": "not a message"}, right) == 200  # recorded, ignored
            # The right secret right after: only that update is answered.
            assert await post(url, _raw_message(903, USER, "/help"), {TELEGRAM_HEADER: SECRET}) == 200
            await api.wait_for(USER.id)
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
            assert len(api.sent(USER.id)) == 1
            assert _inbox_rows(services) == 2
            assert store_inbox.state_of(services.session_factory, "telegram", "904") == "done"


async def test_a_redelivered_update_is_handled_once(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (services, server):
            url = f"http://127.0.0.1:{server.port}/webhook/telegram"
            update = _raw_message(77, USER, "/help")
            for _ in range(3):
                assert await post(url, update, {TELEGRAM_HEADER: SECRET}) == 200
            await api.wait_for(USER.id)
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
            assert len(api.sent(USER.id)) == 1
            assert _inbox_rows(services) == 1


async def test_recorded_update_survives_a_crash_right_after_the_200(tmp_path: Path) -> None:
    """The 200 goes out once the row is written: a process that dies before handling it (no
    worker ran here at all) leaves it pending, and the next start answers it once."""
    async with FakeBotAPI() as api:
        settings = webhook_settings(api, tmp_path)
        services = build_services(settings)
        channel = TelegramChannel(settings, services)  # not running: nothing handles updates
        server = WebServer(build_app([channel.webhook_endpoint()], {"telegram": SECRET}))
        port = await server.start("127.0.0.1", 0)
        status = await post(f"http://127.0.0.1:{port}/webhook/telegram", _raw_message(5, USER, "/help"),
                            {TELEGRAM_HEADER: SECRET})
        await server.stop()  # the "crash": answered 200, never handled
        assert status == 200
        assert store_inbox.state_of(services.session_factory, "telegram", "5") == "pending"
        assert api.sent(USER.id) == []
        async with running_webhook_bot(tmp_path, api):
            await api.wait_for(USER.id)
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
        assert len(api.sent(USER.id)) == 1


async def test_healthz_and_metrics_on_their_own_port_only(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (_services, server):
            assert server.ops_port and server.ops_port != server.port
            base = f"http://127.0.0.1:{server.ops_port}"
            status, body, _ = await get(f"{base}/healthz")
            assert status == 200
            assert b'"database": true' in body and b'"telegram": true' in body
            # The queue gauges exist from the first scrape, at 0 while nothing was ever queued.
            status, body, headers = await get(f"{base}/metrics")
            assert status == 200 and headers["Content-Type"].startswith("text/plain")
            assert b'bot_outbox_depth{channel="telegram"} 0.0' in body
            assert b'bot_outbox_oldest_age_seconds{channel="telegram"} 0.0' in body
            for path in ("/metrics", "/healthz"):  # not on the public webhook port
                assert (await get(f"http://127.0.0.1:{server.port}{path}"))[0] == 404


async def test_an_error_in_the_channel_layer_is_answered_politely(tmp_path: Path, monkeypatch: object) -> None:
    import bot.channels.telegram.channel as tg

    def broken(update: object, username: object) -> None:
        raise ValueError("conversion exploded")

    monkeypatch.setattr(tg, "to_incoming", broken)  # type: ignore[attr-defined]
    async with FakeBotAPI() as api:
        async with running_webhook_bot(tmp_path, api) as (services, _server):
            api.push_message(USER, "xin chào")
            assert (await api.wait_for(USER.id))[0].text == messages.ERROR
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
            assert store_inbox.state_of(services.session_factory, "telegram", "1") == "done"


async def test_telegram_and_zalo_share_one_webhook_server_each_with_its_secret(tmp_path: Path) -> None:
    async with FakeZaloAPI() as zalo, FakeBotAPI() as telegram:
        port = free_port()
        settings = zalo_settings(zalo, tmp_path, bot_token=telegram.token, telegram_api_base_url=telegram.url,
                                 webhook_url=f"http://127.0.0.1:{port}", port=port, web_host="127.0.0.1", **SECRETS)
        services = build_services(settings)
        async with webhook_running(settings, services) as server:
            assert zalo.webhook_url == f"http://127.0.0.1:{port}/webhook/zalo" and zalo.webhook_secret == ZALO_SECRET
            registered = telegram.calls_of("setWebhook")[-1].params
            assert registered["url"] == f"http://127.0.0.1:{port}/webhook/telegram"
            assert registered["secret_token"] == SECRET != ZALO_SECRET
            # Neither platform's secret opens the other's door.
            assert await post(f"http://127.0.0.1:{port}/webhook/telegram", _raw_message(1000, USER, "/help"),
                              {TELEGRAM_HEADER: ZALO_SECRET}) == 401
            zalo.push_text(ZUSER, "/help")
            telegram.push_command(USER, "help")
            await zalo.wait_for(ZUSER.id)
            await telegram.wait_for(USER.id)
            await telegram.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
            status, body, _ = await get(f"http://127.0.0.1:{server.ops_port}/healthz")
            assert status == 200 and b'"zalo": true' in body and b'"telegram": true' in body
