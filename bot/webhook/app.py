"""The webhook server (aiohttp.web): platforms POST updates here in production.

Routes:
  POST /webhook/<channel>  the platform's secret header must equal that channel's own secret
                           (TELEGRAM_WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET; else 401, nothing
                           recorded); the update is recorded in the inbox before the 200, and
                           503 when the database cannot take it (the platform retries)
  GET  /files/<token>      an export or chart behind a short-lived signed link (bot.file_links)

/metrics and /healthz are not here: they have their own internal listener (bot.ops).

A channel plugs in with a ``WebhookEndpoint``: its path name, its secret header, its inbox,
how to turn a request body into inbox records, how to register the webhook, whether it is up.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional

from aiohttp import web
from prometheus_client import Counter

from bot.file_links import FileLinks, LinkProblem
from bot.delivery.inbox_worker import DatabaseUnavailable, Inbox
from store.runtime.inbox import Received

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # an update is a few KB; anything larger is not from the platform

REQUESTS = Counter("bot_webhook_requests_total", "Webhook POSTs by channel and answer", ["channel", "status"])


@dataclass(frozen=True)
class WebhookEndpoint:
    """One channel's side of the webhook server."""

    name: str  # POST /webhook/<name>
    secret_header: str  # the header the platform puts its webhook secret in
    inbox: Inbox
    received: Callable[[dict[str, Any]], list[Received]]  # body -> inbox records ([] = ignore)
    register: Callable[[str, str], Awaitable[None]]  # (public URL, secret) -> setWebhook
    is_up: Callable[[], bool]


def build_app(endpoints: list[WebhookEndpoint], secrets: Mapping[str, str],
              links: Optional[FileLinks] = None) -> web.Application:
    """The aiohttp application; ``secrets`` maps each endpoint's name to its own secret (an
    endpoint without one refuses every POST)."""
    by_name = {endpoint.name: endpoint for endpoint in endpoints}

    async def webhook(request: web.Request) -> web.Response:
        endpoint = by_name.get(request.match_info["channel"])
        if endpoint is None:
            raise web.HTTPNotFound()
        status = await _take_update(request, endpoint, secrets.get(endpoint.name, "").encode())
        REQUESTS.labels(endpoint.name, str(status)).inc()
        return web.json_response({"ok": status == 200}, status=status)

    async def file(request: web.Request) -> web.StreamResponse:
        if links is None:
            raise web.HTTPNotFound()
        try:  # the officer the link was made for is looked up in the database
            path = await asyncio.to_thread(links.resolve, request.match_info["token"])
        except LinkProblem as problem:
            return web.Response(status=problem.status, text=problem.public_text)
        return web.FileResponse(path, headers=links.headers(path))

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/webhook/{channel}", webhook)
    app.router.add_get("/files/{token}", file)
    return app


async def _take_update(request: web.Request, endpoint: WebhookEndpoint, expected: bytes) -> int:
    """Check, record, answer: 401 (bad secret), 400 (not JSON), 503 (not recorded), 200."""
    given = request.headers.get(endpoint.secret_header, "").encode()
    if not expected or not hmac.compare_digest(given, expected):
        log.warning("webhook %s: refused a request without the right secret", endpoint.name)
        return 401
    try:
        body = await request.json()
    except ValueError:
        return 400
    if not isinstance(body, dict):
        return 400
    try:
        items = endpoint.received(body)
    except (TypeError, ValueError, AttributeError):  # JSON, but not shaped like an update
        log.warning("webhook %s: a body that is not an update was refused", endpoint.name)
        return 400
    try:
        await endpoint.inbox.accept(items)
    except DatabaseUnavailable:
        log.warning("webhook %s: database unavailable, answered 503 (the platform retries)", endpoint.name)
        return 503
    return 200


class WebServer:
    """The application on a TCP port, inside the running event loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self._runner: Optional[web.AppRunner] = None
        self.port = 0
        self.ops: Any = None  # the /metrics and /healthz listener beside it (bot.ops), when started
        self.ops_port = 0

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0 = any free port); returns the port."""
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
