"""Serving Zalo, or Telegram and Zalo together: one event loop, one core, one outbox sender.

``python -m bot`` comes here when ZALO_BOT_TOKEN is set (with or without BOT_TOKEN);
Telegram alone is served by ``run_telegram`` (bot.channels.telegram.channel: its own
long-polling task feeding the durable inbox, not python-telegram-bot's ``run_polling``).
``sender_transports`` is the sending side of the configured channels alone, for
``python -m bot outbox``: the same channels, each at its own pace (bot.delivery.sender).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Optional

from bot.channels.failures import START_FAILURES, serving_failed
from bot.channels.telegram.channel import TelegramChannel, stop_on_signals
from bot.channels.telegram.send import TelegramTransport, sender_bot
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.api import ZaloClient
from bot.channels.zalo.send import ZaloTransport, no_links
from bot.file_links import links_for
from bot.services import build_services
from core.context import Services
from core.outbox import Transport
from core.settings import Settings, reveal
from handlers.app import build_router
from core.dispatch import BotCore
from bot.delivery.background import Background, stop_background

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def background_running(services: Services, transports: dict[str, Any],
                             channels: tuple[Any, ...] = ()) -> AsyncIterator[Background]:
    """The outbox sender (each channel at its own pace) and the reminder sweep; each channel
    gets it as ``.background`` to wake it when an update queued replies."""
    stop = asyncio.Event()
    background = Background(services, transports)
    for channel in channels:
        channel.background = background
    task = asyncio.create_task(background.run(stop), name="background")
    try:
        yield background
    finally:
        await stop_background(task, stop, timeout=15)


@contextlib.asynccontextmanager
async def sender_transports(settings: Settings, services: Services) -> AsyncIterator[dict[str, Transport]]:
    """The sending side of every configured channel, without taking updates: Telegram with
    BOT_TOKEN, Zalo with ZALO_BOT_TOKEN (empty with neither). Zalo's files go out as signed
    links when the deployment has a webhook server to serve them (WEBHOOK_URL)."""
    links = links_for(settings, services)
    if links is not None and services.file_link is None:
        services.file_link = links.link
    transports: dict[str, Transport] = {}
    async with contextlib.AsyncExitStack() as stack:
        if settings.bot_token:
            bot = sender_bot(settings)
            await bot.initialize()
            stack.push_async_callback(bot.shutdown)
            transports["telegram"] = TelegramTransport(bot)
        if settings.zalo_bot_token:
            client = ZaloClient(reveal(settings.zalo_bot_token), settings.zalo_api_base_url)
            stack.push_async_callback(client.aclose)
            transports["zalo"] = ZaloTransport(client, lambda: services.file_link or no_links,
                                               max_in_flight=settings.zalo_max_in_flight)
        yield transports


@contextlib.asynccontextmanager
async def channels_running(settings: Settings, *, poll_zalo: bool = True,
                           services: Any = None, core: Optional[BotCore] = None) -> Any:
    """Start the configured channels and the shared background work; yields the Zalo channel
    (or None). ``poll_zalo=False``: updates come from the webhook server instead."""
    services = services or build_services(settings)
    core = core or BotCore(services, build_router())
    transports: dict[str, Any] = {}
    channels: list[Any] = []
    async with contextlib.AsyncExitStack() as stack:
        if settings.bot_token:
            telegram = TelegramChannel(settings, services, core, background=False)
            await stack.enter_async_context(telegram.running(poll_timeout=10.0))
            transports["telegram"] = telegram.transport
            channels.append(telegram)
        zalo: Optional[ZaloChannel] = None
        if settings.zalo_bot_token:
            zalo = ZaloChannel(settings, services, core)
            stack.push_async_callback(zalo.aclose)
            await zalo.start()
            await stack.enter_async_context(zalo.running(poll=poll_zalo))
            transports["zalo"] = zalo.transport
            channels.append(zalo)
        await stack.enter_async_context(background_running(services, transports, tuple(channels)))
        yield zalo


async def serve(settings: Settings, stop: Optional[asyncio.Event] = None) -> int:
    """Serve until SIGINT/SIGTERM (or ``stop``)."""
    stop = stop or asyncio.Event()
    stop_on_signals(stop)
    try:
        async with channels_running(settings):
            log.info("serving %s", " and ".join(n for n, v in (("Telegram", settings.bot_token),
                                                                ("Zalo", settings.zalo_bot_token)) if v))
            await stop.wait()
    except START_FAILURES as exc:
        return serving_failed(settings, exc)
    return 0


def run_channels(settings: Settings) -> int:
    """Entry point used by ``python -m bot`` when ZALO_BOT_TOKEN is set."""
    return asyncio.run(serve(settings))
