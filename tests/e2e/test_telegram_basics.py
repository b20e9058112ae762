"""The real python-telegram-bot stack against the fake Bot API: the everyday paths."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.callbacks import CallbackData
from core.router import Router
from core.text import TELEGRAM_LIMIT, split_message
from core.types import Attachment, Button, Reply
from tests.e2e.fakebotapi import BOT_USERNAME, FakeUser
from tests.e2e.harness import USER, running_bot


async def test_start_help_and_command_menu(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, _services, _core):
        menu = await api.wait_for(method="setMyCommands")
        names = [c["command"] for c in menu[0].params["commands"]]
        assert {"start", "help", "huy"} <= set(names)
        assert all(c["description"] for c in menu[0].params["commands"])

        api.push_command(USER, "start")
        greeting = (await api.wait_for(USER.id))[0]
        assert "Xin chào" in greeting.text or "chào" in greeting.text.lower()

        api.push_command(USER, "help")
        calls = await api.wait_for(USER.id, count=2)
        assert "/huy" in calls[1].text


async def test_command_addressed_to_this_bot_and_deep_link(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, _services, _core):
        api.push_message(USER, f"/help@{BOT_USERNAME}")
        calls = await api.wait_for(USER.id)
        assert "/huy" in calls[0].text
        api.push_message(USER, "/start MA-MOI-123")  # deep link payload goes to the start handler
        await api.wait_for(USER.id, count=2)


async def test_free_text_question_gets_a_polite_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, _services, _core):
        api.push_message(USER, "Chỉ thị 02/CT-UBND ban hành ngày nào?")
        calls = await api.wait_for(USER.id, timeout=20)
        assert calls[0].text.strip()


LONG_TEXT = "\n\n".join(f"Đoạn {i}: " + "thi đua khen thưởng " * 40 for i in range(30))


@dataclass(frozen=True)
class Press(CallbackData, prefix="xtest"):
    what: str


def _router_with_extras() -> Router:
    """The app router plus a long answer and a button, so these tests need no other feature."""
    from handlers.app import build_router

    router = build_router()

    @router.command("dai_test", "Thử tin dài")
    async def long_text(ctx):  # type: ignore[no-untyped-def]
        """Replies with text far over Telegram's limit."""
        return [Reply(text=LONG_TEXT)]

    @router.command("nut_test", "Thử nút")
    async def with_button(ctx):  # type: ignore[no-untyped-def]
        """Offers one button."""
        return [Reply(text="Chọn một:", buttons=[[Press("help").button("Xem trợ giúp")]])]

    @router.callback(Press)
    async def pressed(ctx, data: Press):  # type: ignore[no-untyped-def]
        """Answers the button press."""
        return [Reply(text=f"Đã bấm {ctx.msg.button}")]

    return router


async def test_long_text_is_split_at_paragraphs(tmp_path: Path) -> None:
    from bot.services import build_services
    from core.dispatch import BotCore
    from tests.e2e.fakebotapi import FakeBotAPI
    from tests.e2e.harness import bot_settings

    async with FakeBotAPI() as api:
        services = build_services(bot_settings(api, tmp_path))
        core = BotCore(services, _router_with_extras())
        async with running_bot(tmp_path, api=api, services=services, core=core):
            api.push_command(USER, "dai_test")
            expected = len(split_message(LONG_TEXT))
            assert expected >= 5
            sent = await api.wait_for(USER.id, count=expected)
            assert len(sent) == expected
            assert all(len(c.text) <= TELEGRAM_LIMIT for c in sent)
            assert all(c.text.startswith("Đoạn ") for c in sent)  # each piece begins a paragraph
            assert "\n\n".join(c.text for c in sent) == LONG_TEXT


async def test_button_press_is_answered_and_handled(tmp_path: Path) -> None:
    from bot.services import build_services
    from core.dispatch import BotCore
    from tests.e2e.fakebotapi import FakeBotAPI
    from tests.e2e.harness import bot_settings

    async with FakeBotAPI() as api:
        services = build_services(bot_settings(api, tmp_path))
        core = BotCore(services, _router_with_extras())
        async with running_bot(tmp_path, api=api, services=services, core=core):
            api.push_command(USER, "nut_test")
            offer = (await api.wait_for(USER.id))[0]
            buttons = offer.inline_buttons
            assert buttons and buttons[0]["callback_data"] == "xtest:help"
            api.push_callback(USER, buttons[0]["callback_data"], message_id=offer.result["message_id"])
            done = await api.wait_for(USER.id, lambda c: c.text.startswith("Đã bấm"))
            assert "xtest:help" in done[0].text
            assert await api.wait_for(method="answerCallbackQuery")


async def test_two_users_get_their_own_answers(tmp_path: Path) -> None:
    other = FakeUser(id=444555666, first_name="Minh")
    async with running_bot(tmp_path) as (api, _services, _core):
        api.push_command(USER, "help")
        api.push_command(other, "help")
        await api.wait_for(USER.id)
        await api.wait_for(other.id)


async def test_transport_maps_telegram_errors_to_send_results() -> None:
    """429 → retry_after, 403 → blocked, 400 → error; the fake enforces Telegram's pace."""
    from telegram import Bot

    from bot.channels.telegram.send import TelegramTransport
    from tests.e2e.fakebotapi import FakeBotAPI

    async with FakeBotAPI(enforce_limits=True) as api:
        bot = Bot(api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
        async with bot:
            transport = TelegramTransport(bot)
            assert (await transport.send("1001", Reply(text="Một"))).ok
            limited = await transport.send("1001", Reply(text="Hai"))  # same chat within 1 s
            assert not limited.ok and limited.retry_after == 1 and not limited.blocked
            assert (await transport.send("1002", Reply(text="Chat khác"))).ok
            api.blocked_chats.add(1003)
            blocked = await transport.send("1003", Reply(text="Ba"))
            assert blocked.blocked and not blocked.ok
            # Split by the transport: 2 messages, the button on the last; the fake's 1/s per chat
            # answers 429 to the second piece, which the transport waits out instead of failing.
            long = await transport.send("1004", Reply(text="x" * 5000, buttons=[[Button("A", "a")]]))
            assert long.ok
            sent = api.sent(1004)
            assert len(sent) == 2 and sent[1].inline_buttons and not sent[0].reply_markup
            missing = await transport.send("1005", Reply(text="Tệp", document=Attachment("x.pdf", path="/khong/x.pdf")))
            assert not missing.ok and "x.pdf" in (missing.error or "")
            assert api.sent(1005) == []
        assert api.counts[1001][200] == 1 and api.counts[1001][429] == 1
        assert api.counts[1003][403] == 1
        assert api.counts[1004] == {200: 2, 429: 1}
        assert api.status_totals()[200] == 4  # 1001, 1002 and two pieces to 1004


async def test_overall_rate_limit_is_enforced() -> None:
    import httpx

    from tests.e2e.fakebotapi import FakeBotAPI

    async with FakeBotAPI(enforce_limits=True, overall_rate=30) as api:
        async with httpx.AsyncClient() as client:
            codes = []
            for chat in range(2000, 2040):  # 40 different chats at once: 30 pass, 10 get 429
                r = await client.post(f"{api.url}/bot{api.token}/sendMessage", data={"chat_id": chat, "text": "x"})
                codes.append(r.status_code)
                if r.status_code == 429:
                    assert r.json()["parameters"]["retry_after"] >= 1
        assert codes.count(200) == 30 and codes.count(429) == 10
