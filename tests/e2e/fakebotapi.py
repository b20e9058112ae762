"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot: getMe, getUpdates (long polling,
updates confirmed by a later ``offset`` exactly like Telegram), sending methods (recorded,
files kept), callback answers, getFile plus file downloads, setMyCommands. Tests push
updates with ``push_*`` and wait for the bot's calls with ``wait_for``.

Optional limit enforcement mimics Telegram: 429 with ``parameters.retry_after`` past
``overall_rate`` sends per second or, per chat, more than ``per_chat_burst`` sends at once
and then one per ``per_chat_interval`` (a token bucket; 1: one a second, strictly) over real
time, and 403 for chat ids that "blocked" the bot. Per-chat counts of
200/429/403 answers are kept for the broadcast benchmark; every check is O(1) amortized.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from aiohttp import web

from tests.e2e.fakewebhook import WebhookDelivery

BOT_ID = 7000000001
BOT_USERNAME = "thidua_test_bot"
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "sendSticker", "sendLocation",
                "sendVoice", "sendVideo", "sendAnimation", "sendAudio", "sendMediaGroup"}
JSON_KEYS = {"reply_markup", "commands", "scope", "allowed_updates", "entities", "caption_entities",
             "link_preview_options", "reply_parameters", "media"}
INT_KEYS = {"offset", "limit", "timeout", "message_id", "reply_to_message_id"}


@dataclass(frozen=True)
class FakeUser:
    """A Telegram account on the test side; its private chat id equals its user id."""

    id: int
    first_name: str = "Cán bộ"
    last_name: str = ""
    username: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def chat_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


UserLike = Union[FakeUser, int]


def _user(user: UserLike) -> FakeUser:
    return user if isinstance(user, FakeUser) else FakeUser(id=int(user), first_name=f"User{user}")


@dataclass
class Call:
    """One request the bot made; ``status`` is the HTTP-like code answered (None while hung)."""

    method: str
    params: dict[str, Any]
    time: float
    status: Optional[int] = None
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None

    @property
    def chat_id(self) -> Optional[int]:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def reply_markup(self) -> Optional[dict[str, Any]]:
        return self.params.get("reply_markup")

    @property
    def inline_buttons(self) -> list[dict[str, Any]]:
        markup = self.reply_markup or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class FakeBotAPI:
    """The server plus its test-side controls. Use as ``async with FakeBotAPI() as api``."""

    def __init__(self, token: str = "123456:TEST-TOKEN", *, enforce_limits: bool = False,
                 overall_rate: int = 30, per_chat_interval: float = 1.0, retry_after: int = 1,
                 per_chat_burst: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self.token = token
        self.clock = clock  # what the rate windows are measured on (a test may freeze it)
        self.enforce_limits = enforce_limits
        self.overall_rate = overall_rate
        self.per_chat_interval = per_chat_interval
        self.per_chat_burst = per_chat_burst
        self.retry_after = retry_after
        self.blocked_chats: set[int] = set()
        self.calls: list[Call] = []
        self.commands: list[dict[str, Any]] = []
        self.counts: dict[int, Counter[int]] = defaultdict(Counter)  # chat -> {200: n, 429: n, 403: n}
        self._totals: Counter[int] = Counter()
        self._calls_by_chat: dict[int, list[Call]] = defaultdict(list)  # so per-chat lookups stay O(chat)
        self.hang_methods: set[str] = set()  # requests of these methods never get an answer
        self.delay: dict[str, float] = {}  # method -> seconds to wait before answering
        # A slow network: file downloads arrive in this many (chunks, seconds between them).
        self.file_trickle: Optional[tuple[int, float]] = None
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._files: dict[str, bytes] = {}
        self._file_seq = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._release_hung = asyncio.Event()
        self._recent_sends: deque[float] = deque()  # send times within the last second
        self._chat_tokens: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when counted)
        self._runner: Optional[web.AppRunner] = None
        self.port = 0
        self.get_updates_calls = 0
        # While True, offsets do not confirm updates: a bot killed now gets them again on restart
        # (as when it dies before its next poll; python-telegram-bot polls again at once).
        self.hold_confirmations = False
        # setWebhook turns delivery on: pushed updates are POSTed to the bot, retried until 200.
        self.webhook: Optional[WebhookDelivery] = None
        self.webhook_connections = 8

    # -- lifecycle -----------------------------------------------------------
    async def start(self) -> "FakeBotAPI":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self._drop_webhook()
        self._new_update.set()
        self._release_hung.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeBotAPI":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}"

    # -- test side: incoming updates -------------------------------------------
    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue a raw update body (without update_id); returns the update id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **payload}
        if self.webhook is not None:
            self.webhook.push(update, _sender(update))
            return update_id
        self._updates.append(update)
        self._new_update.set()
        return update_id

    def _message(self, user: FakeUser, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids[user.id]), "date": int(time.time()),
                "chat": user.chat_json(), "from": user.to_json(), **content}

    def push_message(self, user: UserLike, text: str) -> int:
        u = _user(user)
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push_update({"message": self._message(u, **content)})

    def push_command(self, user: UserLike, command: str, args: str = "", *, botname: Optional[str] = None) -> int:
        text = f"/{command}" + (f"@{botname}" if botname else "") + (f" {args}" if args else "")
        return self.push_message(user, text)

    def push_group_message(self, user: UserLike, group_id: int, text: str) -> int:
        """A message typed in a group chat (``group_id`` negative, as Telegram's are)."""
        u = _user(user)
        msg = self._message(u, text=text)
        msg["chat"] = {"id": group_id, "type": "group", "title": "Nhóm cán bộ xã"}
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push_update({"message": msg})

    def push_added_to_group(self, user: UserLike, group_id: int) -> int:
        """``user`` adds the bot to a group."""
        u = _user(user)
        return self.push_update({"my_chat_member": {
            "chat": {"id": group_id, "type": "group", "title": "Nhóm cán bộ xã"}, "from": u.to_json(),
            "date": int(time.time()),
            "old_chat_member": {"user": self._bot_json(), "status": "left"},
            "new_chat_member": {"user": self._bot_json(), "status": "member"}}})

    def push_edited_message(self, user: UserLike, text: str) -> int:
        u = _user(user)
        msg = self._message(u, text=text)
        msg["edit_date"] = int(time.time())
        return self.push_update({"edited_message": msg})

    def push_callback(self, user: UserLike, data: str, message_id: int = 1) -> int:
        u = _user(user)
        message = {"message_id": message_id, "date": int(time.time()), "chat": u.chat_json(),
                   "from": self._bot_json(), "text": "…"}
        return self.push_update({"callback_query": {
            "id": f"cb{next(self._file_seq)}", "from": u.to_json(), "chat_instance": f"ci{u.id}",
            "data": data, "message": message}})

    def push_contact(self, user: UserLike, phone: str, contact_user_id: Optional[int] = None,
                     first_name: str = "Cán bộ") -> int:
        u = _user(user)
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.push_update({"message": self._message(u, contact=contact)})

    def register_file(self, content: bytes, *, file_id: Optional[str] = None) -> str:
        """Make bytes downloadable through getFile; returns the file_id."""
        file_id = file_id or f"file{next(self._file_seq)}"
        self._files[file_id] = content
        return file_id

    def push_photo(self, user: UserLike, content: bytes = b"\xff\xd8fake-jpeg", caption: Optional[str] = None) -> int:
        u = _user(user)
        big = self.register_file(content)
        small = self.register_file(content[:10])
        sizes = [{"file_id": small, "file_unique_id": f"u{small}", "width": 90, "height": 60, "file_size": len(content[:10])},
                 {"file_id": big, "file_unique_id": f"u{big}", "width": 1280, "height": 853, "file_size": len(content)}]
        extra = {"caption": caption} if caption else {}
        return self.push_update({"message": self._message(u, photo=sizes, **extra)})

    def push_document(self, user: UserLike, content: bytes = b"%PDF-1.4 fake", file_name: str = "baocao.pdf",
                      mime_type: str = "application/pdf") -> int:
        u = _user(user)
        fid = self.register_file(content)
        doc = {"file_id": fid, "file_unique_id": f"u{fid}", "file_name": file_name, "mime_type": mime_type,
               "file_size": len(content)}
        return self.push_update({"message": self._message(u, document=doc)})

    def push_sticker(self, user: UserLike) -> int:
        u = _user(user)
        fid = self.register_file(b"RIFFwebp")
        sticker = {"file_id": fid, "file_unique_id": f"u{fid}", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular", "emoji": "👍"}
        return self.push_update({"message": self._message(u, sticker=sticker)})

    def push_voice(self, user: UserLike, content: bytes = b"OggS") -> int:
        u = _user(user)
        fid = self.register_file(content)
        voice = {"file_id": fid, "file_unique_id": f"u{fid}", "duration": 2, "mime_type": "audio/ogg"}
        return self.push_update({"message": self._message(u, voice=voice)})

    def push_location(self, user: UserLike, latitude: float, longitude: float) -> int:
        u = _user(user)
        return self.push_update({"message": self._message(u, location={"latitude": latitude, "longitude": longitude})})

    def push_my_chat_member(self, user: UserLike, status: str) -> int:
        """``status``: "kicked" (the user blocked the bot) or "member" (unblocked)."""
        u = _user(user)
        old = "member" if status == "kicked" else "kicked"

        def member(s: str) -> dict[str, Any]:
            data: dict[str, Any] = {"user": self._bot_json(), "status": s}
            if s == "kicked":
                data["until_date"] = 0
            return data

        return self.push_update({"my_chat_member": {
            "chat": u.chat_json(), "from": u.to_json(), "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(status)}})

    async def _set_webhook(self, params: Optional[dict[str, Any]]) -> None:
        await self._drop_webhook()
        if params is None or not params.get("url"):
            return
        self.webhook = await WebhookDelivery(
            str(params["url"]), "X-Telegram-Bot-Api-Secret-Token", str(params.get("secret_token") or ""),
            connections=self.webhook_connections, on_delivered=self._new_call.set).start()
        for update in self._updates:  # what polling left unconfirmed now goes to the webhook
            self.webhook.push(update, _sender(update))
        self._updates.clear()

    async def _drop_webhook(self) -> None:
        if self.webhook is not None:
            webhook, self.webhook = self.webhook, None
            await webhook.stop()

    def wake_pollers(self) -> None:
        """Make waiting long polls return now (speeds up a bot's graceful shutdown)."""
        self._new_update.set()

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (a later offset)."""
        return len(self._updates)

    # -- test side: outgoing calls ---------------------------------------------
    def sent(self, chat_id: Optional[int] = None, method: Optional[str] = None) -> list[Call]:
        """Answered (status 200) sending calls, optionally for one chat / method."""
        pool = self.calls if chat_id is None else self._calls_by_chat.get(int(chat_id), [])
        return [c for c in pool if c.status == 200 and c.method in SEND_METHODS
                and (method is None or c.method == method)]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, chat_id: Optional[int] = None, predicate: Optional[Callable[[Call], bool]] = None,
                       count: int = 1, timeout: float = 10.0, method: Optional[str] = None) -> list[Call]:
        """Wait until ``count`` answered sends to ``chat_id`` match ``predicate``; return them all.

        Without ``method`` it matches every sending method; with ``method`` any recorded call
        of that method (e.g. "answerCallbackQuery", "setMyCommands").
        """
        deadline = asyncio.get_running_loop().time() + timeout

        def matching() -> list[Call]:
            if method is not None and method not in SEND_METHODS:
                pool = [c for c in self.calls if c.method == method and c.status is not None]
            else:
                pool = self.sent(chat_id, method)
            return [c for c in pool if predicate is None or predicate(c)]

        while True:
            self._new_call.clear()  # before checking, so a call landing meanwhile wakes us
            found = matching()
            if len(found) >= count:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [(c.method, c.chat_id, c.status, c.text[:80]) for c in self.calls[-10:]]
                raise AssertionError(f"timed out waiting for {count} call(s) to chat {chat_id}; "
                                     f"got {len(found)}; last calls: {seen}")
            try:
                await asyncio.wait_for(self._new_call.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds, re-checking on every call the bot makes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self._new_call.clear()
            if condition():
                return
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError("timed out waiting for condition")
            try:
                await asyncio.wait_for(self._new_call.wait(), min(remaining, 0.2))
            except asyncio.TimeoutError:
                pass

    def status_totals(self) -> Counter[int]:
        """Answers to sending calls over all chats, by status (200/429/403/400); O(1)."""
        return Counter(self._totals)

    def _count(self, chat_id: int, status: int, delta: int = 1) -> None:
        self.counts[chat_id][status] += delta
        self._totals[status] += delta

    # -- server side -------------------------------------------------------------
    def _bot_json(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý thi đua", "username": BOT_USERNAME}

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.json()
            params.update(body or {})
            return params, files
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:  # type: ignore[union-attr]
                    files[part.name or "file"] = bytes(await part.read())  # type: ignore[union-attr]
                    params.setdefault("_filenames", {})[part.name] = part.filename  # type: ignore[union-attr]
                    params.setdefault("_content_types", {})[part.name] = part.headers.get(  # type: ignore[union-attr]
                        "Content-Type", "")
                else:
                    params[part.name or ""] = await part.text()  # type: ignore[union-attr]
        elif request.can_read_body:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if key in JSON_KEYS and value[:1] in "[{":
                params[key] = json.loads(value)
            elif key in INT_KEYS or key == "chat_id":
                try:
                    params[key] = int(value)
                except ValueError:
                    pass
        return params, files

    def _record(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Call:
        call = Call(method=method, params=params, time=time.monotonic(), files=files)
        self.calls.append(call)
        if call.chat_id is not None:
            self._calls_by_chat[call.chat_id].append(call)
        return call

    def _finish(self, call: Call, status: int, result: Any = None) -> None:
        call.status, call.result = status, result
        self._new_call.set()

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str, **parameters: Any) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params, files = await self._params(request)
        if method == "getUpdates":
            if self.webhook is not None:  # like Telegram: polling and a webhook exclude each other
                return self._error(409, "Conflict: can't use getUpdates method while webhook is active")
            return await self._get_updates(params)
        call = self._record(method, params, files)
        if method in ("setWebhook", "deleteWebhook"):
            await self._set_webhook(params if method == "setWebhook" else None)
        if method in self.hang_methods:
            # Never answered (status stays None): the bot is killed while waiting, or the
            # server stops and drops the request.
            self._new_call.set()
            await self._release_hung.wait()
            return self._error(503, "Service Unavailable: fake server stopping")
        if self.delay.get(method):
            await asyncio.sleep(self.delay[method])
        try:
            status, response, result = self._answer(method, params, files)
        except Exception as exc:  # a malformed request: answer like Telegram does
            status, response, result = 400, self._error(400, f"Bad Request: {exc}"), None
        self._finish(call, status, result)
        return response

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, web.Response, Any]:
        if method == "getMe":
            bot = {**self._bot_json(), "can_join_groups": True, "can_read_all_group_messages": False,
                   "supports_inline_queries": False}
            return 200, self._ok(bot), bot
        if method in ("setWebhook", "deleteWebhook", "close", "logOut", "leaveChat", "sendChatAction", "answerCallbackQuery",
                      "setMyDescription", "setMyShortDescription", "deleteMyCommands", "setChatMenuButton"):
            return 200, self._ok(True), True
        if method == "getWebhookInfo":
            info = {"url": self.webhook.url if self.webhook else "", "has_custom_certificate": False,
                    "pending_update_count": len(self._updates)}
            return 200, self._ok(info), info
        if method == "setMyCommands":
            self.commands = list(params.get("commands") or [])
            return 200, self._ok(True), True
        if method == "getMyCommands":
            return 200, self._ok(self.commands), self.commands
        if method == "getFile":
            fid = str(params.get("file_id"))
            if fid not in self._files:
                return 400, self._error(400, "Bad Request: invalid file_id"), None
            result = {"file_id": fid, "file_unique_id": f"u{fid}", "file_size": len(self._files[fid]),
                      "file_path": f"files/{fid}"}
            return 200, self._ok(result), result
        if method in SEND_METHODS:
            return self._send(method, params, files)
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            chat_id = int(params.get("chat_id", 0))
            result = {"message_id": int(params.get("message_id", 0)), "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private"}, "from": self._bot_json(),
                      "text": params.get("text", "…")}
            return 200, self._ok(result), result
        return 404, self._error(404, "Not Found: method not found"), None

    def _tokens(self, chat_id: int, now: float) -> float:
        """The chat's sends allowed now (a bucket of ``per_chat_burst``, one back per interval)."""
        counted = self._chat_tokens.get(chat_id)
        if counted is None or self.per_chat_interval <= 0:
            return float(self.per_chat_burst)
        tokens, at = counted
        return min(float(self.per_chat_burst), tokens + (now - at) / self.per_chat_interval)

    def _send(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, web.Response, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            self._count(chat_id, 403)
            return 403, self._error(403, "Forbidden: bot was blocked by the user"), None
        if self.enforce_limits:
            now = self.clock()
            recent = self._recent_sends
            while recent and now - recent[0] >= 1.0:
                recent.popleft()
            tokens = self._tokens(chat_id, now)
            if len(recent) >= self.overall_rate or tokens < 1.0:
                self._count(chat_id, 429)
                wait = self.retry_after if len(recent) >= self.overall_rate else max(
                    1, math.ceil((1.0 - tokens) * self.per_chat_interval))
                return 429, self._error(429, f"Too Many Requests: retry after {wait}", retry_after=wait), None
            recent.append(now)
            self._chat_tokens[chat_id] = (tokens - 1.0, now)
        self._count(chat_id, 200)
        message: dict[str, Any] = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                                   "chat": {"id": chat_id, "type": "private"}, "from": self._bot_json()}
        if method == "sendMessage":
            if not str(params.get("text", "")).strip():
                self._count(chat_id, 200, -1)
                return 400, self._error(400, "Bad Request: message text is empty"), None
            if len(str(params["text"])) > 4096:
                self._count(chat_id, 200, -1)
                return 400, self._error(400, "Bad Request: message is too long"), None
            message["text"] = params["text"]
        elif method == "sendPhoto":
            fid = self.register_file(files.get("photo", b""))
            message["photo"] = [{"file_id": fid, "file_unique_id": f"u{fid}", "width": 800, "height": 600}]
        elif method == "sendDocument":
            fid = self.register_file(files.get("document", b""))
            name = (params.get("_filenames") or {}).get("document", "file")
            message["document"] = {"file_id": fid, "file_unique_id": f"u{fid}", "file_name": name}
        if params.get("caption"):
            message["caption"] = params["caption"]
        return 200, self._ok(message), message

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        self.get_updates_calls += 1
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if offset and not self.hold_confirmations:
            # Like Telegram: an offset confirms every update with a smaller id.
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()

        def batch() -> list[dict[str, Any]]:
            fresh = (u for u in self._updates if u["update_id"] >= offset)  # skips only held ones
            return list(itertools.islice(fresh, limit))

        found = batch()
        if not found and timeout > 0:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except asyncio.TimeoutError:
                pass
            found = batch()
        return self._ok(found)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        fid = path.rsplit("/", 1)[-1]
        self._record("downloadFile", {"path": path}, {})
        if request.match_info["token"] != self.token or fid not in self._files:
            return web.Response(status=404)
        if self.file_trickle is None:
            return web.Response(body=self._files[fid], content_type="application/octet-stream")
        return await self._trickle(request, self._files[fid], *self.file_trickle)

    @staticmethod
    async def _trickle(request: web.Request, body: bytes, chunks: int, interval: float) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.content_length = len(body)
        await response.prepare(request)
        size = -(-len(body) // chunks)
        for start in range(0, len(body), size):
            await asyncio.sleep(interval)
            await response.write(body[start:start + size])
        await response.write_eof()
        return response


def _sender(update: dict[str, Any]) -> Any:
    """Who sent an update (its webhook connection keeps that sender's updates in order)."""
    for value in update.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return value["from"].get("id")
    return None
