"""Webhook mode: ``python -m bot`` with WEBHOOK_URL set (the Procfile's ``web:``).

The channels start without polling, the webhook server listens on PORT, and each channel's
webhook is registered at ``<WEBHOOK_URL>/webhook/<channel>`` with that channel's own secret
(TELEGRAM_WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET); updates then flow platform → POST → inbox →
worker → core. With FILE_LINK_KEY, signed /files links are on, so channels that cannot
receive files (Zalo) get a link instead. /metrics and /healthz listen on METRICS_PORT (bot.ops).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from typing import Any, AsyncIterator, Optional

from bot.channels.failures import LISTEN_FAILURES, serving_failed
from bot.channels.telegram.channel import TelegramChannel, stop_on_signals
from bot.channels.zalo.channel import ZaloChannel
from bot.file_links import links_for
from bot.ops import OpsServer
from bot.serve import background_running
from bot.services import build_services
from bot.webhook.app import WebhookEndpoint, WebServer, build_app
from core.context import Services
from core.dispatch import BotCore
from core.settings import Settings, reveal
from handlers.app import build_router

log = logging.getLogger(__name__)

RETIRED_ONE_KEY = ("WEBHOOK_SECRET không còn dùng: mỗi nền tảng có khóa riêng. Đặt TELEGRAM_WEBHOOK_SECRET, "
                  "ZALO_WEBHOOK_SECRET và FILE_LINK_KEY (mỗi khóa một giá trị khác nhau), rồi bỏ WEBHOOK_SECRET")
KEY_FORMAT = "8–256 ký tự A-Z, a-z, 0-9, _ hoặc -"


def settings_problem(settings: Settings) -> Optional[str]:
    """What keeps webhook mode from starting, in one line for the operator (or None)."""
    if not settings.webhook_url:
        return "chưa đặt WEBHOOK_URL"
    if not settings.bot_token and not settings.zalo_bot_token:
        return "chưa đặt token kênh nào (BOT_TOKEN hoặc ZALO_BOT_TOKEN)"
    missing = [name for name, needed, value in (
        ("TELEGRAM_WEBHOOK_SECRET", settings.bot_token, settings.telegram_webhook_secret),
        ("ZALO_WEBHOOK_SECRET", settings.zalo_bot_token, settings.zalo_webhook_secret),
        ("FILE_LINK_KEY", settings.zalo_bot_token, settings.file_link_key)) if needed and not value]
    if missing and settings.webhook_secret:
        return RETIRED_ONE_KEY
    if missing:
        return f"chưa đặt {', '.join(missing)} ({KEY_FORMAT}; FILE_LINK_KEY ít nhất 43 ký tự ngẫu nhiên)"
    if settings.webhook_secret:
        log.warning("WEBHOOK_SECRET is ignored: each platform has its own secret now; remove it")
    if not settings.webhook_url.startswith("https://"):
        log.warning("WEBHOOK_URL is not https: Telegram and Zalo accept only HTTPS webhooks")
    return None


def webhook_url(settings: Settings, endpoint: WebhookEndpoint) -> str:
    return f"{(settings.webhook_url or '').rstrip('/')}/webhook/{endpoint.name}"


@contextlib.asynccontextmanager
async def webhook_running(settings: Settings, services: Optional[Services] = None,
                          core: Optional[BotCore] = None) -> AsyncIterator[WebServer]:
    """Channels (no polling), the server on PORT, webhooks registered; yields the server."""
    secrets = {"telegram": reveal(settings.telegram_webhook_secret), "zalo": reveal(settings.zalo_webhook_secret)}
    services = services or build_services(settings)
    core = core or BotCore(services, build_router())
    links = links_for(settings, services)
    if links is not None:
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
        ops = OpsServer(services, {endpoint.name: endpoint.is_up for endpoint in endpoints})
        server = WebServer(build_app(endpoints, secrets, links))
        server.ops, server.ops_port = ops, await ops.start(settings.metrics_host, settings.metrics_port)
        stack.push_async_callback(ops.stop)
        await server.start(settings.web_host, settings.port)
        stack.push_async_callback(server.stop)  # stops taking updates before the channels stop
        for endpoint in endpoints:
            await endpoint.register(webhook_url(settings, endpoint), secrets[endpoint.name])
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
