"""The real bot in webhook mode against the fake Bot API, which delivers pushed updates to it
over loopback with the secret header (tests.e2e.fakewebhook)."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any, AsyncIterator, Optional

import aiohttp

from bot.services import build_services
from bot.webhook.app import WebServer
from bot.webhook.serve import webhook_running
from core.context import Services
from core.settings import Settings
from store.clock import Clock
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.harness import bot_settings
from tests.e2e.zalo_harness import zalo_settings

SECRET = "test-webhook-secret_0123"  # Telegram's
ZALO_SECRET = "test-zalo-secret_4567"
LINK_KEY = "kT3v9Qx2LmZp7RsW4yHc8NdB1fGj6AeUoXi5KqVb0Mt"  # 43 characters: 32 random bytes
SECRETS: dict[str, Any] = dict(telegram_webhook_secret=SECRET, zalo_webhook_secret=ZALO_SECRET,
                               file_link_key=LINK_KEY, metrics_port=0, metrics_host="127.0.0.1")
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_settings(api: FakeBotAPI, workdir: Path, port: Optional[int] = None, **overrides: Any) -> Settings:
    port = port or free_port()
    values: dict[str, Any] = dict(webhook_url=f"http://127.0.0.1:{port}", port=port, web_host="127.0.0.1",
                                  **SECRETS)
    values.update(overrides)
    return bot_settings(api, workdir, **values)


def webhook_env(port: int) -> dict[str, str]:
    """Environment for ``python -m bot`` in webhook mode on ``port``."""
    return {"WEBHOOK_URL": f"http://127.0.0.1:{port}", "TELEGRAM_WEBHOOK_SECRET": SECRET, "PORT": str(port),
            "WEB_HOST": "127.0.0.1", "FILE_LINK_KEY": LINK_KEY, "METRICS_PORT": "0"}


@contextlib.asynccontextmanager
async def running_webhook_bot(workdir: Path, api: FakeBotAPI, *, clock: Optional[Clock] = None,
                              services: Optional[Services] = None,
                              **overrides: Any) -> AsyncIterator[tuple[Services, WebServer]]:
    """Telegram in webhook mode in this event loop; the fake API delivers to it."""
    settings = webhook_settings(api, workdir, **overrides)
    services = services or build_services(settings, clock)
    async with webhook_running(settings, services) as server:
        yield services, server


@contextlib.asynccontextmanager
async def zalo_webhook_bot(workdir: Path, api: FakeZaloAPI, **overrides: Any) -> AsyncIterator[Services]:
    """Zalo in webhook mode; the fake Zalo API delivers to it (retrying until 200)."""
    port = free_port()
    settings = zalo_settings(api, workdir, webhook_url=f"http://127.0.0.1:{port}", port=port,
                             web_host="127.0.0.1", **{**SECRETS, **overrides})
    services = build_services(settings)
    async with webhook_running(settings, services):
        yield services


async def post(url: str, body: Any, headers: Optional[dict[str, str]] = None) -> int:
    """One POST as a platform (or a forger) would send it; returns the HTTP status."""
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers=headers or {}) as response:
            return response.status


async def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status, await response.read(), dict(response.headers)
