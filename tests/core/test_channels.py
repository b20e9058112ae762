"""Channel capabilities are declared by the transports and read from there, not from name checks."""

from __future__ import annotations

from io import StringIO

from bot.channels.console.chat import ConsoleTransport
from bot.channels.telegram.send import TelegramTransport
from bot.channels.zalo.api import ZaloClient
from bot.channels.zalo.send import ZaloTransport
from core.channels import CONSOLE, TELEGRAM, ZALO, capabilities, is_buttonless
from core.text import TELEGRAM_LIMIT, ZALO_LIMIT


def test_transports_declare_what_their_channel_can_do() -> None:
    assert TelegramTransport.capabilities == TELEGRAM == capabilities("telegram")
    assert ConsoleTransport(StringIO()).capabilities == CONSOLE == capabilities("console")
    zalo = ZaloTransport(ZaloClient("token", "http://127.0.0.1:9"))
    assert zalo.capabilities == ZALO == capabilities("zalo")
    assert (zalo.capabilities.buttonless, zalo.capabilities.max_in_flight, zalo.capabilities.message_length,
            zalo.capabilities.shares_contact) == (True, 1, ZALO_LIMIT, False)
    assert ZaloTransport(ZaloClient("token", "http://127.0.0.1:9"), max_in_flight=3).capabilities.max_in_flight == 3
    assert (TELEGRAM.buttonless, TELEGRAM.max_in_flight, TELEGRAM.message_length) == (False, None, TELEGRAM_LIMIT)


def test_an_unknown_channel_gets_the_defaults() -> None:
    assert not is_buttonless("test") and is_buttonless("zalo") and is_buttonless("console")
    assert capabilities("test").shares_contact and capabilities("test").max_in_flight is None
