"""Odd and hostile input through the real Telegram stack: always a short polite reply, never silence."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import select

from bot.channels.telegram.channel import EDITED_MESSAGE
from core import messages
from core.types import Reply
from store.db import transaction
from store.models import OutboxMessage, User
from tests.e2e.fakebotapi import Call, FakeBotAPI
from tests.e2e.harness import USER, running_bot

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)


async def reply_to(api: FakeBotAPI, push: Callable[[], int], timeout: float = 20) -> Call:
    """Push one update and return the single new message the bot sends for it."""
    before = len(api.sent(USER.id))
    push()
    calls = await api.wait_for(USER.id, count=before + 1, timeout=timeout)
    return calls[before]


def assert_polite(call: Call) -> None:
    assert call.text.strip(), "empty reply"
    assert len(call.text) < 600, call.text
    assert VIETNAMESE.search(call.text), call.text
    assert "Traceback" not in call.text


async def test_odd_messages_get_short_polite_replies(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, services, _core):
        cases: list[tuple[str, Callable[[], int], str | None]] = [
            ("whitespace", lambda: api.push_message(USER, "   \n  "), messages.EMPTY),
            ("10,000 chars", lambda: api.push_message(USER, "thi đua " * 1250), "quá dài"),
            ("unknown command", lambda: api.push_message(USER, "/khongcolenhnay abc"), "/khongcolenhnay"),
            ("sticker", lambda: api.push_sticker(USER), messages.FILE_OUTSIDE_DIALOG),
            ("photo", lambda: api.push_photo(USER), messages.FILE_OUTSIDE_DIALOG),
            ("document", lambda: api.push_document(USER), messages.FILE_OUTSIDE_DIALOG),
            ("voice", lambda: api.push_voice(USER), messages.FILE_OUTSIDE_DIALOG),
            ("location", lambda: api.push_location(USER, 21.03, 105.85), messages.LOCATION_OUTSIDE_DIALOG),
            ("edited message", lambda: api.push_edited_message(USER, "sửa lại"), EDITED_MESSAGE),
            ("emoji only", lambda: api.push_message(USER, "👍🎉🙏"), None),
            ("lone slash", lambda: api.push_message(USER, "/"), None),
        ]
        for name, push, expected in cases:
            call = await reply_to(api, push)
            assert_polite(call)
            if expected is not None:
                assert expected in call.text, (name, call.text)
        # Still serving normally afterwards.
        assert "/huy" in (await reply_to(api, lambda: api.push_message(USER, "/help"))).text
        # the edit notice went through the outbox (its outcome is recorded right after the call)
        await api.wait_until(lambda: _said(services) == [(EDITED_MESSAGE, "sent")])


async def test_stale_and_malformed_buttons(tmp_path: Path) -> None:
    rng = random.Random(7)
    async with running_bot(tmp_path) as (api, _services, core):
        junk = [
            "".join(chr(rng.randrange(1, 255)) for _ in range(20)),  # random bytes (as Latin-1)
            "khongco:123",  # unknown prefix
            "",  # empty data
            ":::",
        ]
        # Every registered prefix with nonsense after it: features must refuse politely too.
        junk += [f"{prefix}:%%rác%%:999999999" for prefix in sorted({t.prefix for t in core.router.callbacks})]
        for data in junk:
            call = await reply_to(api, lambda data=data: api.push_callback(USER, data, message_id=42))
            assert_polite(call)
        answered = [c for c in api.calls if c.method == "answerCallbackQuery" and c.status == 200]
        assert len(answered) == len(junk)  # every press stops the button spinner
        assert "/huy" in (await reply_to(api, lambda: api.push_message(USER, "/help"))).text


async def test_handler_crash_is_logged_and_answered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from bot.services import build_services
    from handlers.app import build_router
    from core.dispatch import BotCore
    from tests.e2e.harness import bot_settings

    router = build_router()

    @router.command("hong_test", "Lệnh hỏng")
    async def broken(ctx):  # type: ignore[no-untyped-def]
        """Always fails."""
        raise RuntimeError("boom in handler")

    async with FakeBotAPI() as api:
        services = build_services(bot_settings(api, tmp_path))
        core = BotCore(services, router)
        with caplog.at_level(logging.ERROR):
            async with running_bot(tmp_path, api=api, services=services, core=core):
                call = await reply_to(api, lambda: api.push_message(USER, "/hong_test"))
                assert call.text == messages.ERROR
                assert "boom in handler" in caplog.text
                assert "/huy" in (await reply_to(api, lambda: api.push_message(USER, "/help"))).text


async def test_channel_layer_crash_is_logged_and_answered(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.channels.telegram.channel as tg

    real = tg.to_incoming
    calls = {"n": 0}

    def flaky(update, username):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("conversion exploded")
        return real(update, username)

    monkeypatch.setattr(tg, "to_incoming", flaky)
    with caplog.at_level(logging.ERROR):
        async with running_bot(tmp_path) as (api, services, _core):
            call = await reply_to(api, lambda: api.push_message(USER, "xin chào"))
            assert call.text == messages.ERROR
            assert "conversion exploded" in caplog.text
            assert "/huy" in (await reply_to(api, lambda: api.push_message(USER, "/help"))).text
            # through the outbox, like every message (the outcome is recorded right after the call)
            await api.wait_until(lambda: _said(services) == [(messages.ERROR, "sent")])


def _said(services) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The lines a channel queued itself (``BotCore.say``): text and state."""
    with services.session_factory() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("say:%"))
                               .order_by(OutboxMessage.id))
        return [(Reply.from_payload(r.payload).text, r.state) for r in rows]


async def test_apology_is_queued_after_the_failed_transaction_rolled_back(tmp_path: Path) -> None:
    """A failure after replies were queued: those replies vanish with the rollback, and the
    apology, queued in a transaction of its own, is all the user gets."""
    from bot.services import build_services
    from core.dispatch import BotCore
    from core.outbox import enqueue
    from handlers.app import build_router
    from tests.e2e.harness import bot_settings

    class HalfwayCore(BotCore):
        async def handle(self, msg):  # type: ignore[no-untyped-def]
            if msg.text != "hỏng":
                return await super().handle(msg)
            with transaction(self.services.session_factory) as session:
                user = session.scalar(select(User))
                assert user is not None
                now = self.services.clock.now()
                enqueue(session, user, Reply(text="nửa chừng"), key="halfway", kind="reply", not_before=now, now=now)
                session.flush()
                raise RuntimeError("failed after queueing")

    async with FakeBotAPI() as api:
        services = build_services(bot_settings(api, tmp_path))
        async with running_bot(tmp_path, api=api, services=services, core=HalfwayCore(services, build_router())):
            await reply_to(api, lambda: api.push_message(USER, "/help"))
            call = await reply_to(api, lambda: api.push_message(USER, "hỏng"))
            assert call.text == messages.ERROR
            assert "/huy" in (await reply_to(api, lambda: api.push_message(USER, "/help"))).text
            assert all(c.text != "nửa chừng" for c in api.sent(USER.id))
            await api.wait_until(lambda: _said(services) == [(messages.ERROR, "sent")])
            with services.session_factory() as session:
                assert session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == "halfway")) is None


async def test_blocked_user_is_marked_unreachable_and_back(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, services, _core):
        api.push_command(USER, "help")
        await api.wait_for(USER.id)

        def reachable() -> bool:
            with transaction(services.session_factory) as session:
                return bool(session.scalar(select(User.reachable).where(User.external_id == str(USER.id))))

        api.push_my_chat_member(USER, "kicked")
        await api.wait_until(lambda: not reachable())
        api.push_my_chat_member(USER, "member")
        await api.wait_until(reachable)

        # A 403 from Telegram marks the reply blocked instead of retrying it forever.
        api.blocked_chats.add(USER.id)
        api.push_command(USER, "help")

        def blocked_rows() -> int:
            with transaction(services.session_factory) as session:
                return len(session.scalars(select(OutboxMessage).where(OutboxMessage.state == "blocked")).all())

        await api.wait_until(lambda: blocked_rows() == 1)
        assert not reachable()
        assert api.counts[USER.id][403] == 1


async def test_reply_rendering_keyboards_and_files(tmp_path: Path) -> None:
    """Contact/location keyboards, keyboard removal, a document and a photo reach Telegram."""
    from bot.services import build_services
    from handlers.app import build_router
    from core.dispatch import BotCore
    from core.types import Attachment
    from tests.e2e.harness import bot_settings

    doc = tmp_path / "bao-cao.xlsx"
    doc.write_bytes(b"PK\x03\x04 fake xlsx")
    img = tmp_path / "bieu-do.png"
    img.write_bytes(b"\x89PNG fake")
    router = build_router()

    @router.command("hienthi_test", "Thử hiển thị")
    async def show(ctx):  # type: ignore[no-untyped-def]
        """Sends every kind of reply."""
        return [Reply(text="Gửi số điện thoại", request_contact="📱 Gửi số của tôi"),
                Reply(text="Gửi vị trí", request_location="📍 Gửi vị trí"),
                Reply(text="Xong", remove_keyboard=True),
                Reply(text="Tệp báo cáo", document=Attachment("bao-cao.xlsx", path=str(doc))),
                Reply(text="Biểu đồ", image=Attachment("bieu-do.png", path=str(img)))]

    @router.command("anh_test", "Thử tải ảnh")
    async def fetch(ctx):  # type: ignore[no-untyped-def]
        """Downloads the file named in the args through the channel's fetcher."""
        from core.types import FileRef

        data = await ctx.services.fetch_file(ctx.user.channel, FileRef(file_id=ctx.msg.args, kind="photo"))
        return [Reply(text=f"Đã nhận {len(data)} byte")]

    async with FakeBotAPI() as api:
        services = build_services(bot_settings(api, tmp_path))
        async with running_bot(tmp_path, api=api, services=services, core=BotCore(services, router)):
            api.push_command(USER, "hienthi_test")
            calls = await api.wait_for(USER.id, count=5)
            contact, location, done, document, photo = calls
            assert contact.reply_markup["keyboard"][0][0]["request_contact"] is True
            assert contact.reply_markup["one_time_keyboard"] is True
            assert location.reply_markup["keyboard"][0][0]["request_location"] is True
            assert done.reply_markup == {"remove_keyboard": True}
            assert document.method == "sendDocument" and document.files["document"] == doc.read_bytes()
            assert document.params["caption"] == "Tệp báo cáo"
            assert photo.method == "sendPhoto" and photo.files["photo"] == img.read_bytes()

            content = b"\xff\xd8 photo bytes 123"
            file_id = api.register_file(content)
            call = await reply_to(api, lambda: api.push_command(USER, "anh_test", file_id))
            assert call.text == f"Đã nhận {len(content)} byte"
