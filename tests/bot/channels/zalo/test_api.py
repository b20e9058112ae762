"""The Zalo client and transport against the fake Zalo Bot API: polling, rendering, error mapping."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.zalo.channel import ZaloChannel
from bot.serve import background_running
from bot.channels.zalo.api import ZaloClient, ZaloError
from bot.channels.zalo.convert import convert
from bot.channels.zalo.send import ZaloTransport
from bot.services import build_services
from core import outbox
from core.dispatch import BotCore
from core.outbox import SendResult
from core.settings import Settings
from core.types import Attachment, Button, Reply
from handlers.app import build_router
from bot.delivery.sender import OutboxSender
from store.runtime import inbox as store_inbox
from store.db import transaction
from store.models import OutboxMessage, User
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser

USER = FakeZaloUser("123", "An")


async def test_polling_empty_single_object_and_webhook() -> None:
    async with FakeZaloAPI(single_object=True) as api:
        client = ZaloClient(api.token, api.url)
        assert await client.get_updates(timeout=0) == []  # 408 "Request timeout" is no error
        api.push_text(USER, "a")
        api.push_text(USER, "b")
        first = await client.get_updates(timeout=1)
        assert [u["message"]["text"] for u in first] == ["a"]  # one object, read as a list of one
        assert [u["message"]["text"] for u in await client.get_updates(timeout=1)] == ["b"]
        assert await client.get_updates(timeout=0) == []  # gone once returned: no offsets
        await client.set_webhook("https://bot.example.vn/webhook/zalo", "s3cret-token")
        with pytest.raises(ZaloError):
            await client.get_updates(timeout=0)
        assert (await client.get_webhook_info())["url"].endswith("/webhook/zalo")
        await client.delete_webhook()
        with pytest.raises(ValueError):
            await client.set_webhook("https://x", "short")
        await client.aclose()


async def test_bad_token_is_reported_without_the_token() -> None:
    async with FakeZaloAPI() as api:
        client = ZaloClient("wrong-token-123", api.url)
        with pytest.raises(ZaloError) as err:
            await client.get_me()
        assert err.value.bad_token and "wrong-token" not in str(err.value)
        result = await ZaloTransport(client).send("1", Reply(text="x"))
        assert not result.ok and not result.blocked and result.retry_after is None and "bad token" in result.error
        await client.aclose()


async def test_transport_renders_for_zalo_and_maps_errors(tmp_path: Path) -> None:
    async with FakeZaloAPI() as api:
        client = ZaloClient(api.token, api.url)
        links = {}
        transport = ZaloTransport(client, lambda: links.get)
        long_text = " ".join(f"Câu {i} về phong trào thi đua." for i in range(300))
        reply = Reply(text=long_text, buttons=[[Button("Có", "a"), Button("Không", "b")]], request_location="Gửi")
        assert (await transport.send("1", reply)).ok
        pieces = [c.text for c in api.sent("1")]
        assert len(pieces) >= 4 and all(len(p) <= 2000 for p in pieces)
        assert pieces[-1].endswith("1. Có\n2. Không\nTrả lời 1 hoặc 2.\n(Zalo chưa gửi được vị trí: anh/chị gõ "
                                   "vĩ độ, kinh độ, ví dụ 21.03, 105.85.)")
        chart = tmp_path / "chart.png"
        chart.write_bytes(b"png")
        assert (await transport.send("2", Reply(text="Biểu đồ", image=Attachment("bieudo.png", path=str(chart))))).ok
        assert "“bieudo.png” đã sẵn sàng" in api.sent("2")[-1].text  # no webhook server: no link
        links[str(chart)] = "https://bot.example.vn/files/abc"
        assert (await transport.send("2", Reply(text="Biểu đồ", image=Attachment("bieudo.png", path=str(chart))))).ok
        photo = api.sent("2", "sendPhoto")[-1]
        assert photo.params == {"chat_id": "2", "photo": "https://bot.example.vn/files/abc", "caption": "Biểu đồ"}
        xlsx = tmp_path / "t.xlsx"
        xlsx.write_bytes(b"x")
        links[str(xlsx)] = "https://bot.example.vn/files/def"
        assert (await transport.send("2", Reply(text="Bảng", document=Attachment("t.xlsx", path=str(xlsx))))).ok
        assert "https://bot.example.vn/files/def" in api.sent("2")[-1].text
        api.blocked_chats.add("3")
        assert (await transport.send("3", Reply(text="x"))).blocked
        api.fail_next["sendMessage"].append((429, "Too Many Requests"))
        limited = await transport.send("4", Reply(text="x"))
        assert not limited.ok and limited.retry_after == 1.0
        api.fail_next["sendMessage"].append((500, "Internal error"))
        failed = await transport.send("4", Reply(text="x"))
        assert not failed.ok and not failed.blocked and failed.retry_after is None
        assert (await transport.send("4", Reply(text="x"))).ok
        await client.aclose()


def test_convert_updates() -> None:
    base = {"message_id": "m1", "date": 1733000000000, "from": {"id": "9", "display_name": "Hoa"},
            "chat": {"id": "9", "chat_type": "PRIVATE"}}
    text = convert({"event_name": "message.text.received", "message": {**base, "text": "/tim  khen thưởng"}})
    assert (text.incoming.command, text.incoming.args, text.incoming.user.channel) == ("tim", "khen thưởng", "zalo")
    wrapped = convert({"ok": True, "result": {"event_name": "message.image.received",
                                              "message": {**base, "photo": "https://x/p.jpg", "caption": "ảnh"}}})
    ref = wrapped.incoming.files[0]
    assert (ref.file_id, ref.kind, wrapped.incoming.text) == ("https://x/p.jpg", "photo", "ảnh")
    group = convert({"event_name": "message.text.received",
                     "message": {**base, "chat": {"id": "g1", "chat_type": "GROUP"}, "text": "hi"}})
    assert group.group and group.incoming is None
    assert convert({"event_name": "x"}) is None


async def test_polling_backs_off_on_errors_and_goes_on(tmp_path: Path) -> None:
    async with FakeZaloAPI() as api:
        settings = Settings(_env_file=None, zalo_bot_token=api.token, zalo_api_base_url=api.url,
                            zalo_poll_timeout_seconds=1, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
                            data_dir=tmp_path / "d", load_samples=False)
        services = build_services(settings, startup=False)
        channel = ZaloChannel(settings, services, BotCore(services, build_router()))
        channel.backoff_first = 0.01
        api.fail_next["getUpdates"] += [(502, "Bad Gateway"), (500, "Internal"), (401, "Unauthorized")]
        api.push_text(USER, "/help")
        # The poller records into the inbox, its worker answers, the sender sends.
        async with channel.running(), background_running(services, {"zalo": channel.transport}, (channel,)):
            calls = await api.wait_for(USER.id)
        await channel.aclose()
    assert "/lienket" in calls[0].text and channel.polls >= 4  # three failed polls, then the update


async def test_error_codes_map_to_rate_limit_blocked_bad_token_refused_or_transient() -> None:
    """The mapping documented in bot/channels/zalo/api.py, through the real client and transport."""
    async with FakeZaloAPI() as api:
        client = ZaloClient(api.token, api.url)
        transport = ZaloTransport(client)
        fail = api.fail_next["sendMessage"]

        async def send() -> SendResult:
            return await transport.send("7", Reply(text="x"))

        fail += [(429, "Too Many Requests"), (429, "Too Many Requests"), (400, "Too many requests, slow down")]
        assert [(await send()).retry_after for _ in range(3)] == [1.0, 2.0, 4.0]  # no wait given: doubling
        assert (await send()).ok  # a success ends the streak
        fail += [(429, "Too Many Requests", {"retry_after": 3}), (429, "Too Many Requests")]
        assert [(await send()).retry_after for _ in range(2)] == [3.0, 2.0]  # the platform's wait wins; the streak goes on
        fail.append((403, "Forbidden"))
        assert (await send()).blocked
        for code in (401, 404):
            fail.append((code, "Unauthorized"))
            result = await send()
            assert not result.permanent and result.retry_after is None and result.error == f"bad token: {code}"
        fail.append((400, "Bad Request: text must be 1 to 2000 characters"))
        refused = await send()
        assert refused.permanent and not refused.blocked and refused.retry_after is None
        for code, description in ((500, "Internal"), (502, "Bad Gateway"), (408, "Request timeout")):
            fail.append((code, description))
            transient = await send()
            assert not transient.ok and not transient.permanent and transient.retry_after is None, code
        await client.aclose()


async def test_a_refused_send_fails_at_once_and_a_transient_one_is_retried(tmp_path: Path) -> None:
    async with FakeZaloAPI() as api:
        settings = Settings(_env_file=None, zalo_bot_token=api.token, zalo_api_base_url=api.url,
                            database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", data_dir=tmp_path / "d",
                            load_samples=False)
        services = build_services(settings, startup=False)
        client = ZaloClient(api.token, api.url)
        sender = OutboxSender(services, {"zalo": ZaloTransport(client)})
        now = services.clock.now()
        with transaction(services.session_factory) as s:
            for chat in ("refused", "flaky"):
                user = User(channel="zalo", external_id=chat, chat_id=chat, display_name="", created_at=now,
                            last_seen_at=now)
                s.add(user)
                s.flush()
                outbox.enqueue(s, user, Reply(text="Thông báo"), key=f"k-{chat}", kind="notice", not_before=now,
                               now=now)
        api.fail_next["sendMessage"] += [(400, "Bad Request: chat_id is invalid"), (500, "Internal")]
        await sender.drain_once()
        with services.session_factory() as s:
            rows = {m.chat_id: (m.state, m.attempts) for m in s.scalars(select(OutboxMessage))}
        assert rows == {"refused": ("failed", 1), "flaky": ("queued", 1)}  # the 500 waits for its backoff
        await client.aclose()


async def test_a_polled_update_is_recorded_before_anything_else_and_survives_a_kill(tmp_path: Path) -> None:
    """getUpdates takes no offset: the poller's first act is the inbox record, so a process that
    dies right after it loses nothing; the next one answers the update once."""
    async with FakeZaloAPI() as api:
        settings = Settings(_env_file=None, zalo_bot_token=api.token, zalo_api_base_url=api.url,
                            zalo_poll_timeout_seconds=1, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
                            data_dir=tmp_path / "d", load_samples=False)
        services = build_services(settings, startup=False)
        first = ZaloChannel(settings, services, BotCore(services, build_router()))
        stop = asyncio.Event()
        poller = asyncio.create_task(first.poll(stop))  # the poller alone: no inbox worker, no sender
        malformed = api.push_text(FakeZaloUser("456"), "xin chào")
        malformed["message"]["chat"] = "not an object"  # must not stop the poller
        api.push_text(USER, "/help")
        deadline = asyncio.get_running_loop().time() + 10
        while store_inbox.pending_count(services.session_factory) < 2:
            assert asyncio.get_running_loop().time() < deadline, "the polled updates were not recorded"
            await asyncio.sleep(0.02)
        stop.set()  # the process ends right after the record: nothing else has run
        await asyncio.wait_for(poller, 10)
        await first.aclose()
        assert api.pending_updates == 0 and api.sent() == []  # gone from the platform, not answered yet
        second = ZaloChannel(settings, services, BotCore(services, build_router()))
        async with second.running(poll=False), background_running(services, {"zalo": second.transport}, (second,)):
            await api.wait_for(USER.id, lambda c: "/lienket" in c.text)
            await api.wait_for("456")
            await api.wait_until(lambda: store_inbox.pending_count(services.session_factory) == 0)
        await second.aclose()
    assert len(api.sent(USER.id)) == 1 and len(api.sent("456")) == 1  # each answered once
