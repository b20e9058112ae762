"""The real python-telegram-bot stack against the fake Bot API: the everyday paths."""

from __future__ import annotations

from pathlib import Path

from handlers.router import Router
from handlers.text import TELEGRAM_LIMIT, split_message
from handlers.types import Button, Reply
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
        return [Reply(text="Chọn một:", buttons=[[Button("Xem trợ giúp", "xtest:help")]])]

    @router.button("xtest")
    async def pressed(ctx):  # type: ignore[no-untyped-def]
        """Answers the button press."""
        return [Reply(text=f"Đã bấm {ctx.msg.button}")]

    return router


async def test_long_text_is_split_at_paragraphs(tmp_path: Path) -> None:
    from bot.services import build_services
    from handlers.core import BotCore
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
    from handlers.core import BotCore
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
