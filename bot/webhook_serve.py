"""Webhook mode: ``python -m bot`` with WEBHOOK_URL set (the Procfile's ``web:``).

The channels start without polling, the webhook server listens on PORT, and each channel's
webhook is registered at ``<WEBHOOK_URL>/webhook/<channel>`` with WEBHOOK_SECRET; updates
then flow platform → POST → inbox → worker → core. Signed /files links are on, so channels
that cannot receive files (Zalo) get a link instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import re
from typing import Any, AsyncIterator, Optional

from bot.channels.failures import LISTEN_FAILURES, serving_failed
from bot.channels.telegram.channel import TelegramChannel, stop_on_signals
from bot.channels.zalo.channel import ZaloChannel
from bot.file_links import links_for
from bot.serve import background_running
from bot.services import build_services
from bot.webhook import WebhookEndpoint, WebServer, build_app
from core.context import Services
from core.dispatch import BotCore
from core.settings import Settings
from handlers.app import build_router

log = logging.getLogger(__name__)

# Telegram allows 1-256 of these in secret_token; Zalo asks for 8-256 characters.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,256}")


def settings_problem(settings: Settings) -> Optional[str]:
    """What keeps webhook mode from starting, in one line for the operator (or None)."""
    if not settings.webhook_url:
        return "chưa đặt WEBHOOK_URL"
    if not settings.webhook_secret or not SECRET_PATTERN.fullmatch(settings.webhook_secret):
        return "WEBHOOK_SECRET phải dài 8–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ hoặc -"
    if not settings.bot_token and not settings.zalo_bot_token:
        return "chưa đặt token kênh nào (BOT_TOKEN hoặc ZALO_BOT_TOKEN)"
    if not settings.webhook_url.startswith("https://"):
        log.warning("WEBHOOK_URL is not https: Telegram and Zalo accept only HTTPS webhooks")
    return None


def webhook_url(settings: Settings, endpoint: WebhookEndpoint) -> str:
    return f"{(settings.webhook_url or '').rstrip('/')}/webhook/{endpoint.name}"


@contextlib.asynccontextmanager
async def webhook_running(settings: Settings, services: Optional[Services] = None,
                          core: Optional[BotCore] = None) -> AsyncIterator[WebServer]:
    """Channels (no polling), the server on PORT, webhooks registered; yields the server."""
    secret = settings.webhook_secret or ""
    services = services or build_services(settings)
    core = core or BotCore(services, build_router())
    links = links_for(settings, services.clock)
    if links is None:  # settings_problem() refuses webhook mode without them
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    services.file_link = links.link
    async with contextlib.AsyncExitStack() as stack:
        endpoints: list[WebhookEndpoint] = []
        transports: dict[str, Any] = {}
        channels: list[Any] = []
        both = bool(settings.bot_token and settings.zalo_bot_token)
        if settings.bot_token:
            # With Zalo too, one background sender serves both channels (below).
            telegram = TelegramChannel(settings, services, core, background=not both)
            await stack.enter_async_context(telegram.running(poll=False))
            endpoints.append(telegram.webhook_endpoint())
            transports["telegram"] = telegram.transport
            if both:
                channels.append(telegram)
        if settings.zalo_bot_token:
            zalo = ZaloChannel(settings, services, core)
            stack.push_async_callback(zalo.aclose)
            await zalo.start()
            await stack.enter_async_context(zalo.running(poll=False))
            endpoints.append(zalo.webhook_endpoint())
            transports["zalo"] = zalo.transport
            channels.append(zalo)
        if settings.zalo_bot_token:
            await stack.enter_async_context(background_running(services, transports, tuple(channels)))
        server = WebServer(build_app(endpoints, secret, services, links))
        await server.start(settings.web_host, settings.port)
        stack.push_async_callback(server.stop)  # stops taking updates before the channels stop
        for endpoint in endpoints:
            await endpoint.register(webhook_url(settings, endpoint), secret)
            log.info("webhook for %s registered", endpoint.name)
        yield server


async def serve_webhook(settings: Settings, stop: Optional[asyncio.Event] = None) -> int:
    """Serve until SIGINT/SIGTERM (or ``stop``)."""
    stop = stop or asyncio.Event()
    stop_on_signals(stop)
    try:
        async with webhook_running(settings) as server:
            log.info("webhook server listening on port %d", server.port)
            await stop.wait()
    except LISTEN_FAILURES as exc:
        return serving_failed(settings, exc)
    return 0


def run_webhook(settings: Settings) -> int:
    """Entry point used by ``python -m bot`` when WEBHOOK_URL is set."""
    problem = settings_problem(settings)
    if problem:
        print(f"LỖI: không chạy được chế độ webhook: {problem}", file=sys.stderr)
        return 2
    return asyncio.run(serve_webhook(settings))
