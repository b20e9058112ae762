"""The platform side of a webhook, for the fake APIs: POST each update to the bot's URL with
the secret header and retry until it is answered 200, as Telegram and Zalo do.

Updates of one sender always go through the same connection, one after another, so they
reach the bot in the order they were pushed; different senders' go side by side over
``connections`` connections.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import Counter
from typing import Any, Callable, Optional

import aiohttp


class WebhookDelivery:
    def __init__(self, url: str, header: str, secret: str, *, connections: int = 8,
                 retry_seconds: float = 0.2, on_delivered: Optional[Callable[[], None]] = None) -> None:
        self.url = url
        self.header = header
        self.secret = secret
        self.retry_seconds = retry_seconds
        self.answers: Counter[int] = Counter()  # HTTP status -> how many times (0: no connection)
        self.delivered = 0
        self._on_delivered = on_delivered
        self._queues: list[asyncio.Queue[dict[str, Any]]] = [asyncio.Queue() for _ in range(connections)]
        self._session: Optional[aiohttp.ClientSession] = None
        self._workers: list[asyncio.Task[None]] = []
        self.idle = asyncio.Event()
        self.idle.set()
        self._in_flight = 0

    async def start(self) -> "WebhookDelivery":
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._workers = [asyncio.create_task(self._work(queue)) for queue in self._queues]
        return self

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def push(self, update: dict[str, Any], sender: Any) -> None:
        """Queue ``update``; ``sender`` picks the connection (one sender, one connection)."""
        self._in_flight += 1
        self.idle.clear()
        self._queues[zlib.crc32(str(sender).encode()) % len(self._queues)].put_nowait(update)

    async def _work(self, queue: "asyncio.Queue[dict[str, Any]]") -> None:
        while True:
            update = await queue.get()
            while await self._post(update) != 200:
                await asyncio.sleep(self.retry_seconds)
            self.delivered += 1
            self._in_flight -= 1
            if self._in_flight == 0:
                self.idle.set()
            if self._on_delivered is not None:
                self._on_delivered()

    async def _post(self, update: dict[str, Any]) -> int:
        assert self._session is not None
        try:
            async with self._session.post(self.url, json=update, headers={self.header: self.secret}) as response:
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError):
            status = 0  # the bot is down or restarting: retried like any failure
        self.answers[status] += 1
        return status
