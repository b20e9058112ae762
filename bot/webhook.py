"""The webhook server (aiohttp.web): platforms POST updates here in production.

Routes:
  POST /webhook/<channel>  the platform's secret header must equal WEBHOOK_SECRET (else 401,
                           nothing recorded); the update is recorded in the inbox before the
                           200, and 503 when the database cannot take it (the platform retries)
  GET  /healthz            200 when the database answers and every channel is up, else 503
  GET  /metrics            Prometheus text format (prometheus-client's default registry)
  GET  /files/<token>      a file behind a short-lived signed link (bot.file_links)

A channel plugs in with a ``WebhookEndpoint``: its path name, its secret header, its inbox,
how to turn a request body into inbox records, how to register the webhook, whether it is up.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter
from sqlalchemy import text

from bot.file_links import FileLinks, LinkProblem
from bot.delivery.inbox_worker import DatabaseUnavailable, Inbox
from core import metrics as outbox_metrics
from core.context import Services
from store.db import transaction
from store.runtime.inbox import Received

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 3.0
MAX_BODY = 1024 * 1024  # an update is a few KB; anything larger is not from the platform

REQUESTS = Counter("bot_webhook_requests_total", "Webhook POSTs by channel and answer", ["channel", "status"])


@dataclass(frozen=True)
class WebhookEndpoint:
    """One channel's side of the webhook server."""

    name: str  # POST /webhook/<name>
    secret_header: str  # the header the platform puts WEBHOOK_SECRET in
    inbox: Inbox
    received: Callable[[dict[str, Any]], list[Received]]  # body -> inbox records ([] = ignore)
    register: Callable[[str, str], Awaitable[None]]  # (public URL, secret) -> setWebhook
    is_up: Callable[[], bool]


def build_app(endpoints: list[WebhookEndpoint], secret: str, services: Services,
              links: Optional[FileLinks] = None) -> web.Application:
    """The aiohttp application; ``secret`` is WEBHOOK_SECRET."""
    by_name = {endpoint.name: endpoint for endpoint in endpoints}
    expected = secret.encode()

    async def webhook(request: web.Request) -> web.Response:
        endpoint = by_name.get(request.match_info["channel"])
        if endpoint is None:
            raise web.HTTPNotFound()
        status = await _take_update(request, endpoint, expected)
        REQUESTS.labels(endpoint.name, str(status)).inc()
        return web.json_response({"ok": status == 200}, status=status)

    async def healthz(request: web.Request) -> web.Response:
        database = await _database_ok(services)
        channels = {endpoint.name: endpoint.is_up() for endpoint in endpoints}
        healthy = database and all(channels.values())
        return web.json_response({"database": database, "channels": channels}, status=200 if healthy else 503)

    async def metrics(request: web.Request) -> web.Response:
        # The outbox gauges (depth, oldest age) are read from the database at scrape time.
        body = await asyncio.to_thread(outbox_metrics.scrape, services)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def file(request: web.Request) -> web.StreamResponse:
        if links is None:
            raise web.HTTPNotFound()
        try:
            path = links.resolve(request.match_info["token"])
        except LinkProblem as problem:
            return web.Response(status=problem.status, text=problem.public_text)
        return web.FileResponse(path, headers=links.headers(path))

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/webhook/{channel}", webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/files/{token}", file)
    return app


async def _take_update(request: web.Request, endpoint: WebhookEndpoint, expected: bytes) -> int:
    """Check, record, answer: 401 (bad secret), 400 (not JSON), 503 (not recorded), 200."""
    given = request.headers.get(endpoint.secret_header, "").encode()
    if not hmac.compare_digest(given, expected):
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


async def _database_ok(services: Services) -> bool:
    def ping() -> None:
        with transaction(services.session_factory) as session:
            session.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(ping), HEALTH_TIMEOUT_SECONDS)
        return True
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log
        log.warning("health check: database not reachable (%s)", type(exc).__name__)
        return False


class WebServer:
    """The application on a TCP port, inside the running event loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self._runner: Optional[web.AppRunner] = None
        self.port = 0

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
