"""A thin client of the Zalo Bot Platform API over httpx.

``POST {base}/bot<TOKEN>/<method>`` with a JSON body; answers are ``{"ok": true, "result": …}``
or ``{"ok": false, "error_code": …, "description": …}``. Only the methods the bot uses are
here. The token is part of every URL, so it is among ``Settings.secrets()`` (redacted from
every log line) and never put in an exception message by this module.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
TEXT_LIMIT = 2000  # sendMessage text and sendPhoto caption: 1 to 2,000 characters
POLL_EMPTY = 408  # getUpdates found nothing before its timeout: not an error
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


# Error codes. The Zalo Bot Platform documents its answer envelope ({"ok": false,
# "error_code", "description"}) but publishes no table of error codes: none in the API pages
# as integrators quote them (one reference "verified against official Zalo Bot documentation"
# warns not to invent meanings for undocumented codes), nor in issue trackers. The codes seen
# follow HTTP statuses (401 for a bad token, 408 for an empty getUpdates). The platform's own
# Python SDK, python-zalo-bot (zalo_bot/request/_base_request.py, a port of
# python-telegram-bot's request layer), and zalo-bot-js (KaiyoDev/zalo-bot-js,
# src/request/BaseRequest.ts) map them Telegram's way: 403 → Forbidden, 401 and 404 →
# InvalidToken, 400 → BadRequest, 409 → Conflict, ``parameters.retry_after`` → RetryAfter,
# anything else → NetworkError. We follow that mapping; for the rest (undocumented) we keep
# safe defaults: a 429, a ``retry_after`` or a description saying "too many" is a rate limit
# (back off, retry without spending an attempt); any other 4xx is a request the platform will
# never take (failed at once, not retried); 5xx, 408 on a send and network errors are
# transient (retried with backoff, a bounded number of times).
BAD_TOKEN_CODES = frozenset({401, 404})
BLOCKED_CODE = 403  # Forbidden: for a send, the user blocked the bot or cannot be messaged
RATE_LIMIT_CODE = 429


class ZaloError(Exception):
    """An error answer of the API (or a transport failure, error_code None)."""

    def __init__(self, error_code: Optional[int], description: str,
                 retry_after: Optional[float] = None) -> None:
        super().__init__(f"{error_code}: {description}" if error_code is not None else description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @property
    def bad_token(self) -> bool:
        return self.error_code in BAD_TOKEN_CODES

    @property
    def blocked(self) -> bool:
        """The user blocked the bot or cannot be messaged (do not retry)."""
        return self.error_code == BLOCKED_CODE

    @property
    def rate_limited(self) -> bool:
        return (self.error_code == RATE_LIMIT_CODE or self.retry_after is not None
                or "too many" in self.description.lower())

    @property
    def network(self) -> bool:
        return self.error_code is None

    @property
    def permanent(self) -> bool:
        """A request the platform refuses as such (bad chat id, text too long…): retrying
        cannot help. Every 4xx but the ones above and 408 (a timeout)."""
        code = self.error_code
        return (code is not None and 400 <= code < 500 and code != POLL_EMPTY and not self.bad_token
                and not self.blocked and not self.rate_limited)


def _code(value: Any, status: int) -> int:
    """The answer's error_code as an int, else the HTTP status."""
    try:
        return int(value) or status
    except (TypeError, ValueError):
        return status


def _seconds(value: Any) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class ZaloClient:
    """One bot token; share one instance (it keeps a connection pool)."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *,
                 http: Optional[httpx.AsyncClient] = None, request_timeout: float = 20.0) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self._timeout = request_timeout
        self._http = http or httpx.AsyncClient(timeout=request_timeout,
                                               limits=httpx.Limits(max_connections=32))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, params: Optional[dict[str, Any]] = None, *,
                   timeout: Optional[float] = None) -> Any:
        """One API call; returns ``result`` or raises ZaloError (never with the URL in it)."""
        try:
            response = await self._http.post(self._prefix + method, json=params or {},
                                             timeout=timeout or self._timeout)
        except httpx.HTTPError as exc:  # connect, read timeout, protocol: the URL stays out
            raise ZaloError(None, f"network: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, f"not JSON (HTTP {response.status_code})") from None
        if isinstance(body, dict) and body.get("ok"):
            return body.get("result")
        body = body if isinstance(body, dict) else {}
        raw = body.get("parameters")
        parameters: dict[str, Any] = raw if isinstance(raw, dict) else {}
        raise ZaloError(_code(body.get("error_code"), response.status_code), str(body.get("description") or "error"),
                        _seconds(parameters.get("retry_after")))

    # -- methods --------------------------------------------------------------------
    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """Long poll; an empty poll (408 "Request timeout") is an empty list. The platform has
        been seen to answer one update object instead of a list: both come back as a list."""
        try:
            result = await self.call("getUpdates", {"timeout": timeout}, timeout=timeout + 10)
        except ZaloError as exc:
            if exc.error_code == POLL_EMPTY:
                return []
            raise
        if result is None:
            return []
        if isinstance(result, dict):
            return [result]
        return [u for u in result if isinstance(u, dict)]

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("the webhook secret must be 8 to 256 characters")
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Any:
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: Optional[str] = None) -> Any:
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return await self.call("sendPhoto", params)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
        """A user's photo by its URL (streamed, refused past ``max_bytes``)."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("not a photo URL")
        async with self._http.stream("GET", url, follow_redirects=True) as response:
            if response.status_code != 200:
                raise ZaloError(response.status_code, "photo download failed")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ValueError(f"photo over {max_bytes} bytes")
                chunks.append(chunk)
        return b"".join(chunks)
