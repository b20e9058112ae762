"""The operator's endpoints on a listener of their own (METRICS_HOST:METRICS_PORT, loopback by
default), never on the public webhook port:

  GET /metrics  Prometheus text format, as last rendered by the refresh tick
  GET /healthz  200 when the database answered the last tick and every channel is up, else 503

They run in a thread with its own event loop, and answer from a cache that one tick refreshes
every REFRESH_SECONDS (the outbox gauges from the database, a database ping, the rendered
exposition text): a request never runs a query, and however many scrapers or probes call, the
webhook's event loop never waits on them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from core import metrics
from core.context import Services
from store.db import transaction

log = logging.getLogger(__name__)

REFRESH_SECONDS = 5.0
HEALTH_TIMEOUT_SECONDS = 3.0
START_TIMEOUT_SECONDS = 10.0


@dataclass
class Snapshot:
    """What the last tick saw; requests read only this."""

    body: bytes = b""
    database: bool = False
    taken_at: float = 0.0  # time.monotonic() of the tick


class OpsServer:
    """/metrics and /healthz in a daemon thread; ``channels`` maps a channel name to its is-up check."""

    def __init__(self, services: Services, channels: Mapping[str, Callable[[], bool]],
                 refresh_seconds: Optional[float] = None) -> None:
        self.services = services
        self.channels = dict(channels)
        self.refresh_seconds = refresh_seconds or REFRESH_SECONDS
        self.snapshot = Snapshot()
        self.port = 0
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop: Optional[asyncio.Event] = None
        self._error: Optional[BaseException] = None

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0 = any free port) after a first refresh; returns the port."""
        self._thread = threading.Thread(target=self._run, args=(host, port), name="ops-server", daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._ready.wait, START_TIMEOUT_SECONDS)
        if self._error is not None:
            raise self._error
        return self.port

    async def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, START_TIMEOUT_SECONDS)
            self._thread = None

    def healthy(self) -> tuple[bool, dict[str, object]]:
        fresh = time.monotonic() - self.snapshot.taken_at <= 3 * self.refresh_seconds + HEALTH_TIMEOUT_SECONDS
        channels = {name: bool(is_up()) for name, is_up in self.channels.items()}
        database = self.snapshot.database and fresh
        return database and all(channels.values()), {"database": database, "channels": channels}

    def _run(self, host: str, port: int) -> None:
        try:
            asyncio.run(self._main(host, port))
        except BaseException as exc:  # reported to start(); the bot runs on without metrics
            self._error = exc
            self._ready.set()

    async def _main(self, host: str, port: int) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        await self.refresh()
        runner = web.AppRunner(self._app(), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        try:
            while True:
                try:
                    await asyncio.wait_for(self._stop.wait(), self.refresh_seconds)
                    return
                except asyncio.TimeoutError:
                    await self.refresh()
        finally:
            await runner.cleanup()

    async def refresh(self) -> None:
        """One tick: ping the database, refresh the queue gauges, render the exposition text."""
        database = await _database_ok(self.services)
        body = await asyncio.to_thread(metrics.scrape, self.services, self.channels)
        self.snapshot = Snapshot(body=body, database=database, taken_at=time.monotonic())

    def _app(self) -> web.Application:
        async def metrics_page(request: web.Request) -> web.Response:
            return web.Response(body=self.snapshot.body, headers={"Content-Type": CONTENT_TYPE_LATEST})

        async def healthz(request: web.Request) -> web.Response:
            healthy, body = self.healthy()
            return web.json_response(body, status=200 if healthy else 503)

        app = web.Application()
        app.router.add_get("/metrics", metrics_page)
        app.router.add_get("/healthz", healthz)
        return app


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

