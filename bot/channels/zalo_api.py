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
        return self.error_code == 401

    @property
    def blocked(self) -> bool:
        """The user blocked the bot or cannot be messaged (do not retry)."""
        return self.error_code == 403

    @property
    def rate_limited(self) -> bool:
        return self.error_code == 429

    @property
    def network(self) -> bool:
        return self.error_code is None


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
        code = body.get("error_code") or response.status_code
        retry = (body.get("parameters") or {}).get("retry_after") if isinstance(body.get("parameters"), dict) else None
        raise ZaloError(int(code), str(body.get("description") or "error"),
                        float(retry) if retry is not None else None)

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
