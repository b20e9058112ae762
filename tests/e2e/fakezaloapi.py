"""A fake Zalo Bot Platform API on 127.0.0.1 for end-to-end tests and benchmarks.

It speaks what the bot uses: getMe; getUpdates as a long poll without offsets (an update is
gone once returned, and an empty poll answers ``error_code`` 408 "Request timeout");
setWebhook / deleteWebhook / getWebhookInfo, with updates then POSTed to the webhook URL with
the ``X-Bot-Api-Secret-Token`` header (getUpdates refused meanwhile); sendMessage (1–2,000
characters), sendPhoto (a photo URL and a caption), sendSticker and sendChatAction, all
recorded. Users' photos are served from ``/photos/<name>`` on the same server.

Failures on demand: ``blocked_chats`` answer 403, ``fail_next[method]`` pops forced errors
(``(code, description)``, or ``(code, description, parameters)`` e.g. ``{"retry_after": 3}``),
``fail_chat[chat_id]`` the same for the sends to one chat,
``enforce_limits`` answers 429 past ``overall_rate`` sends per second or more than one send
per ``per_chat_interval`` to a chat (sliding windows over real time).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

import aiohttp
from aiohttp import web

BOT_ID = "2001002003004005006"
SEND_METHODS = {"sendMessage", "sendPhoto", "sendSticker"}
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class FakeZaloUser:
    """A Zalo account on the test side; its private chat id equals its user id (strings)."""

    id: str
    display_name: str = "Cán bộ Zalo"


UserLike = Union[FakeZaloUser, str]


def _user(user: UserLike) -> FakeZaloUser:
    return user if isinstance(user, FakeZaloUser) else FakeZaloUser(id=str(user))


@dataclass
class Call:
    """One request the bot made and the status answered (error_code, or 200)."""

    method: str
    params: dict[str, Any]
    time: float
    status: Optional[int] = None

    @property
    def chat_id(self) -> Optional[str]:
        value = self.params.get("chat_id")
        return str(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class Delivery:
    """One webhook POST made by the fake: the update and the bot's HTTP answer."""

    update: dict[str, Any]
    status: int


class FakeZaloAPI:
    """The server plus its test-side controls. Use as ``async with FakeZaloAPI() as api``."""

    def __init__(self, token: str = "zalo-bot-TEST-TOKEN-0001", *, enforce_limits: bool = False,
                 overall_rate: int = 30, per_chat_interval: float = 1.0, single_object: bool = False,
                 wrap_webhook: bool = True) -> None:
        self.token = token
        self.enforce_limits = enforce_limits
        self.overall_rate = overall_rate
        self.per_chat_interval = per_chat_interval
        self.single_object = single_object  # getUpdates answers one object, not a list
        self.wrap_webhook = wrap_webhook  # webhook body {"ok": true, "result": update}
        self.blocked_chats: set[str] = set()
        self.fail_next: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.fail_chat: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # forced errors for one chat's sends
        self.calls: list[Call] = []
        self.deliveries: list[Delivery] = []
        self.totals: Counter[int] = Counter()
        self.webhook_url: Optional[str] = None
        self.webhook_secret: Optional[str] = None
        self.get_updates_calls = 0
        self._updates: deque[dict[str, Any]] = deque()
        self._photos: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._recent: deque[float] = deque()
        self._last_by_chat: dict[str, float] = {}
        self._runner: Optional[web.AppRunner] = None
        self._http: Optional[aiohttp.ClientSession] = None
        self._delivering: Optional[asyncio.Task[None]] = None
        self.webhook_retry_seconds = 0.2
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------
    async def start(self) -> "FakeZaloAPI":
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/photos/{name}", self._photo)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._delivering is not None:
            self._delivering.cancel()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeZaloAPI":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The value for ZALO_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}"

    # -- test side: incoming updates -----------------------------------------------
    def _message(self, user: FakeZaloUser, chat: Optional[dict[str, Any]] = None, **content: Any) -> dict[str, Any]:
        return {"message_id": f"m{next(self._ids):08d}", "date": int(time.time() * 1000),
                "from": {"id": user.id, "display_name": user.display_name, "is_bot": False},
                "chat": chat or {"id": user.id, "chat_type": "PRIVATE"}, **content}

    def push(self, event_name: str, message: dict[str, Any]) -> dict[str, Any]:
        update = {"event_name": event_name, "message": message}
        self._updates.append(update)
        self._new_update.set()
        if self.webhook_url and (self._delivering is None or self._delivering.done()):
            self._delivering = asyncio.get_running_loop().create_task(self._deliver())
        return update

    def push_text(self, user: UserLike, text: str) -> dict[str, Any]:
        return self.push("message.text.received", self._message(_user(user), text=text))

    def push_group_text(self, user: UserLike, group_id: str, text: str) -> dict[str, Any]:
        chat = {"id": group_id, "chat_type": "GROUP"}
        return self.push("message.text.received", self._message(_user(user), chat, text=text))

    def add_photo(self, content: bytes) -> str:
        """Serve bytes as a user's photo; returns its URL."""
        name = f"p{next(self._ids)}.jpg"
        self._photos[name] = content
        return f"{self.url}/photos/{name}"

    def push_image(self, user: UserLike, content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
                   caption: Optional[str] = None) -> dict[str, Any]:
        extra = {"caption": caption} if caption else {}
        return self.push("message.image.received", self._message(_user(user), photo=self.add_photo(content), **extra))

    def push_sticker(self, user: UserLike) -> dict[str, Any]:
        return self.push("message.sticker.received", self._message(_user(user), sticker="sticker-123"))

    def push_unsupported(self, user: UserLike) -> dict[str, Any]:
        return self.push("message.unsupported.received", self._message(_user(user)))

    def wake_pollers(self) -> None:
        self._new_update.set()

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # -- test side: outgoing calls ---------------------------------------------------
    def sent(self, chat_id: Optional[str] = None, method: Optional[str] = None) -> list[Call]:
        return [c for c in self.calls if c.status == 200 and c.method in SEND_METHODS
                and (chat_id is None or c.chat_id == str(chat_id)) and (method is None or c.method == method)]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, chat_id: Optional[str] = None, predicate: Optional[Callable[[Call], bool]] = None,
                       count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``count`` answered sends to ``chat_id`` match ``predicate``; return them all."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self._new_call.clear()
            found = [c for c in self.sent(chat_id) if predicate is None or predicate(c)]
            if len(found) >= count:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [(c.method, c.chat_id, c.status, c.text[:80]) for c in self.calls[-8:]]
                raise AssertionError(f"timed out waiting for {count} send(s) to {chat_id}; got {len(found)}; "
                                     f"last calls: {seen}")
            try:
                await asyncio.wait_for(self._new_call.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting for condition")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), 0.2)
            except asyncio.TimeoutError:
                pass

    # -- server side -------------------------------------------------------------------
    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, parameters: Optional[dict[str, Any]] = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            return self._error(400, "Bad Request: body is not JSON")
        if method == "getUpdates":
            forced_poll = self.fail_next.get(method)
            if forced_poll:
                self.get_updates_calls += 1
                code, description, *parameters = forced_poll.pop(0)
                return self._error(code, description, *parameters)
            return await self._get_updates(request, params or {})
        call = Call(method, params or {}, time.monotonic())
        self.calls.append(call)
        forced = self.fail_next.get(method)
        if forced:
            code, description, *parameters = forced.pop(0)
            status, response = code, self._error(code, description, *parameters)
        else:
            status, response = self._answer(method, params or {})
        call.status = status
        if method in SEND_METHODS:
            self.totals[status] += 1
        self._new_call.set()
        return response

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, web.Response]:
        if method == "getMe":
            return 200, self._ok({"id": BOT_ID, "account_name": "bot.thidua", "account_type": "BASIC",
                                  "can_join_groups": False, "display_name": "Trợ lý thi đua"})
        if method == "setWebhook":
            url, secret = str(params.get("url") or ""), str(params.get("secret_token") or "")
            if not url.startswith(("https://", "http://127.0.0.1")) or not 8 <= len(secret) <= 256:
                return 400, self._error(400, "Bad Request: invalid url or secret_token")
            self.webhook_url, self.webhook_secret = url, secret
            return 200, self._ok({"url": url, "updated_at": int(time.time() * 1000)})
        if method == "deleteWebhook":
            self.webhook_url = self.webhook_secret = None
            return 200, self._ok({"url": "", "updated_at": int(time.time() * 1000)})
        if method == "getWebhookInfo":
            return 200, self._ok({"url": self.webhook_url or "", "updated_at": int(time.time() * 1000)})
        if method == "sendChatAction":
            return 200, self._ok(True)
        if method in SEND_METHODS:
            return self._send(method, params)
        return 404, self._error(404, "Not Found: method not found")

    def _limited(self, chat_id: str) -> bool:
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        last = self._last_by_chat.get(chat_id)
        if len(self._recent) >= self.overall_rate or (last is not None and now - last < self.per_chat_interval):
            return True
        self._recent.append(now)
        self._last_by_chat[chat_id] = now
        return False

    def _send(self, method: str, params: dict[str, Any]) -> tuple[int, web.Response]:
        chat_id = str(params.get("chat_id") or "")
        if not chat_id:
            return 400, self._error(400, "Bad Request: chat_id is required")
        if chat_id in self.blocked_chats:
            return 403, self._error(403, "Forbidden: the user has blocked the bot")
        if self.fail_chat.get(chat_id):
            code, description, *parameters = self.fail_chat[chat_id].pop(0)
            return code, self._error(code, description, *parameters)
        if method == "sendMessage":
            text = params.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > TEXT_LIMIT:
                return 400, self._error(400, "Bad Request: text must be 1 to 2000 characters")
        if method == "sendPhoto":
            photo, caption = params.get("photo"), params.get("caption")
            if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
                return 400, self._error(400, "Bad Request: photo must be a URL")
            if caption is not None and len(str(caption)) > TEXT_LIMIT:
                return 400, self._error(400, "Bad Request: caption too long")
        if self.enforce_limits and self._limited(chat_id):
            return 429, self._error(429, "Too Many Requests")
        return 200, self._ok({"message_id": f"b{next(self._ids)}", "date": int(time.time() * 1000)})

    async def _get_updates(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        self.get_updates_calls += 1
        if self.webhook_url:
            return self._error(400, "Bad Request: getUpdates is unavailable while a webhook is set")
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        if request.transport is None or request.transport.is_closing():
            # The poller died (a killed bot): keep the updates for the next poller. What the
            # real platform does with a dropped poll is not documented; polling is for
            # development, the webhook (retried by Zalo) is the production path.
            return self._error(408, "Request timeout")
        if not self._updates:
            return self._error(408, "Request timeout")
        if self.single_object:
            return self._ok(self._updates.popleft())  # gone once returned
        batch = list(self._updates)
        self._updates.clear()
        return self._ok(batch)

    @property
    def delivering(self) -> bool:
        """Updates are waiting for, or in, a webhook delivery."""
        return bool(self._updates) or (self._delivering is not None and not self._delivering.done())

    async def _deliver(self) -> None:
        """POST queued updates to the webhook one by one, with the secret header, each retried
        until it is answered 200."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        while self._updates and self.webhook_url:
            update = self._updates.popleft()
            body = {"ok": True, "result": update} if self.wrap_webhook else update
            headers = {"X-Bot-Api-Secret-Token": self.webhook_secret or ""}
            while True:  # like Zalo: an update not answered 200 is delivered again, in order
                try:
                    async with self._http.post(self.webhook_url, json=body, headers=headers) as response:
                        status = response.status
                except aiohttp.ClientError:
                    status = 0
                self.deliveries.append(Delivery(update, status))
                self._new_call.set()
                if status == 200 or not self.webhook_url:
                    break
                await asyncio.sleep(self.webhook_retry_seconds)

    async def _photo(self, request: web.Request) -> web.StreamResponse:
        content = self._photos.get(request.match_info["name"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="image/jpeg")
