"""The Telegram channel: python-telegram-bot's Bot in front of the neutral core.

Updates arrive by long polling (bot.channels.telegram.poll) or by the webhook server
(bot.webhook.app); either way each is recorded in the inbox before Telegram is told it was
received, and the inbox worker hands it here: converted to ``Incoming``, handled by the core
(which records it and queues the replies in one transaction), then the outbox sender is
woken: it sends the replies through the same pacer as reminders and broadcasts, ahead of
them. Updates received while the bot was down are handled after restart, and a redelivered
update is recognised and not answered twice. Replies a killed process had queued (or was
sending) are sent by whichever worker sends next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any, AsyncIterator, Optional

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationBuilder

from bot.channels.files import telegram_fetcher
from bot.channels.telegram.convert import COMMAND_RE, GONE_STATUSES, to_incoming
from bot.channels.telegram.poll import poll_into_inbox, received
from bot.channels.telegram.send import TelegramTransport
from bot.delivery.inbox_worker import Inbox
from bot.services import build_services
from bot.webhook.app import WebhookEndpoint
from core.settings import Settings, reveal
from core import messages
from handlers.app import build_router
from core.context import Services
from core.dispatch import BotCore
from core.router import CANCEL_COMMAND
from core.types import UserRef
from bot.delivery.backlog import ReplyBacklog
from bot.channels.failures import START_FAILURES, serving_failed
from bot.delivery.background import Background, stop_background
from store.db import is_unavailable

log = logging.getLogger(__name__)

# PTB's Application with its default context, bot data and job queue types.
App = Application[Any, Any, Any, Any, Any, Any]

EDITED_MESSAGE = "Bot không đọc tin nhắn đã sửa. Anh/chị vui lòng gửi lại thành tin nhắn mới."
CANCEL_DESCRIPTION = "Hủy thao tác đang làm"
REPLY_ROOM_MAX_WAIT = 2.0  # an update waits at most this long for the sender to catch up


def bot_commands(core: BotCore) -> list[BotCommand]:
    """The command menu: public commands plus /huy, in Vietnamese."""
    out: list[BotCommand] = []
    for info in core.router.menu_commands():
        if COMMAND_RE.match(f"/{info.name}") and len(info.name) <= 32 and info.name != CANCEL_COMMAND:
            out.append(BotCommand(info.name, (info.description or info.name)[:256]))
    out.append(BotCommand(CANCEL_COMMAND, CANCEL_DESCRIPTION))
    return out[:100]


class TelegramChannel:
    """Owns the PTB Application, the core it feeds and the background outbox work."""

    def __init__(self, settings: Settings, services: Optional[Services] = None,
                 core: Optional[BotCore] = None, *, background: bool = True) -> None:
        if not settings.bot_token:
            raise ValueError("BOT_TOKEN is required for the Telegram channel")
        self.settings = settings
        self.services = services or build_services(settings)
        self.core = core or BotCore(self.services, build_router())
        base = settings.telegram_api_base_url.rstrip("/")
        self.app: App = (
            ApplicationBuilder().token(reveal(settings.bot_token))
            .base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
            .post_init(self._post_init).post_shutdown(self._post_shutdown)
            .build()
        )
        self.transport = TelegramTransport(self.app.bot)
        self.inbox = Inbox(self.services, "telegram", self.handle_raw,
                           backoff_cap=settings.database_retry_max_seconds, pace=self._reply_room)
        self._tasks: list[asyncio.Task[None]] = []
        self._stop_background = asyncio.Event()
        self.background: Optional[Background] = None
        self._background: Optional[asyncio.Task[None]] = None
        # False when another channel shares this process: bot.serve runs one sender for all.
        self._own_background = background

    # -- one update ----------------------------------------------------------
    async def handle_raw(self, raw: dict[str, Any]) -> None:
        """Handle one recorded raw update (the inbox worker calls this). A database outage
        propagates so the inbox keeps the update; any other error is logged and the user
        gets the polite error reply, never silence."""
        try:
            update = Update.de_json(raw, self.app.bot)
        except Exception:  # never a valid update: retrying cannot help
            log.error("unreadable Telegram update %s dropped", raw.get("update_id"), exc_info=True)
            return
        try:
            await self.handle_update(update)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            log.error("error while handling update %s", update.update_id, exc_info=exc)
            self._say(update, messages.ERROR, f"error:{update.update_id}")

    async def handle_update(self, update: Update) -> None:
        """Converts an update, lets the core handle it, wakes the sender for its replies."""
        bot = self.app.bot
        if update.callback_query is not None:
            # Answer at once so the user's button stops spinning, whatever happens next.
            with contextlib.suppress(Exception):
                await update.callback_query.answer()
        if update.edited_message is not None:
            self._say(update, EDITED_MESSAGE, f"edited:{update.update_id}")
            return
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await self._leave_group(update, chat.id)
            return
        incoming = to_incoming(update, bot.username)
        if incoming is None:
            log.debug("update %s not for the core; ignored", update.update_id)
            return
        queued = await self.core.handle(incoming)
        if queued:
            backlog = self._backlog()
            if backlog is not None:
                backlog.queued(len(queued))
            self._wake_sender()
        # When the core never waits on I/O, back-to-back updates would not suspend: yield once,
        # so the sender on this loop sends between updates during a burst.
        await asyncio.sleep(0)

    def _say(self, update: Update, text: str, key: str) -> None:
        """One line to the sender's private chat, through the outbox like every message
        (queued in a transaction of its own: after a failure, the failed one rolled back)."""
        chat, sender = update.effective_chat, update.effective_user
        if chat is None or sender is None or chat.type != ChatType.PRIVATE:
            return
        ref = UserRef(channel="telegram", external_id=str(sender.id), chat_id=str(chat.id))
        try:
            queued = self.core.say(ref, text, key)
        except Exception as exc:
            if is_unavailable(exc):
                raise  # the inbox keeps the update and retries it when the database is back
            log.exception("could not queue a line for update %s", update.update_id)
            return
        if queued:
            self._wake_sender()

    def _wake_sender(self) -> None:
        if self.background is not None:
            self.background.wake()

    def _backlog(self) -> Optional[ReplyBacklog]:
        return self.background.reply_backlog("telegram") if self.background is not None else None

    async def _reply_room(self) -> None:
        """The inbox handles the next update once fewer than ~2 s of replies wait for the
        sender here (see bot/delivery/backlog.py): a burst's handling keeps pace with sending."""
        backlog = self._backlog()
        if backlog is not None:
            await backlog.room(REPLY_ROOM_MAX_WAIT)

    async def _leave_group(self, update: Update, chat_id: int) -> None:
        """Private chats only: in a group, say so once (through the outbox, which leaves the
        group after sending it) and leave; nothing reaches the core, no user row changes."""
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in GONE_STATUSES:
            return  # the bot was removed: nothing to say
        if self.core.group_notice("telegram", str(chat_id)):
            self._wake_sender()
            return  # the sender leaves right after the notice
        try:  # told long ago, yet here again (added back): just leave
            await self.app.bot.leave_chat(chat_id)
        except Exception as exc:  # the group may already be gone; serving goes on
            log.info("could not leave group %s: %s", chat_id, exc)

    # -- lifecycle -----------------------------------------------------------
    async def _post_init(self, app: App) -> None:
        self.services.fetchers["telegram"] = telegram_fetcher(app.bot)
        self.services.telegram_username = app.bot.username
        try:
            await app.bot.set_my_commands(bot_commands(self.core))
        except Exception:  # the menu is a convenience; serving matters more
            log.exception("setMyCommands failed")
        if self._own_background:
            self._start_background()

    async def _post_shutdown(self, app: App) -> None:
        await self._stop_background_task()

    def _start_background(self) -> None:
        self._stop_background = asyncio.Event()
        transports: dict[str, Any] = {"telegram": self.transport}
        self.background = Background(self.services, transports)
        self._background = asyncio.create_task(self.background.run(self._stop_background), name="background")
        self._background.add_done_callback(_log_task_end)

    async def _stop_background_task(self) -> None:
        if self._background is None:
            return
        await stop_background(self._background, self._stop_background)
        self._background = None

    @contextlib.asynccontextmanager
    async def running(self, poll_timeout: float = 1.0, *, poll: bool = True) -> AsyncIterator["TelegramChannel"]:
        """Serve inside the current event loop: the inbox worker, and long polling unless
        ``poll`` is False (the webhook server then feeds the inbox)."""
        app = self.app
        await app.initialize()
        stop = asyncio.Event()
        try:
            await self._post_init(app)
            self._tasks = [asyncio.create_task(self.inbox.run(stop), name="telegram-inbox")]
            if poll:
                self._tasks.append(asyncio.create_task(
                    poll_into_inbox(app.bot, self.inbox, stop, timeout=poll_timeout), name="telegram-poll"))
            for task in self._tasks:
                task.add_done_callback(_log_task_end)
            try:
                yield self
            finally:
                stop.set()
                await asyncio.wait(self._tasks, timeout=15)
                await self._post_shutdown(app)
        finally:
            await app.shutdown()

    def is_up(self) -> bool:
        """The inbox worker (and the poller, when polling) are running."""
        return bool(self._tasks) and all(not task.done() for task in self._tasks)

    def webhook_endpoint(self) -> WebhookEndpoint:
        """How the webhook server takes Telegram's POSTs (secret in Telegram's header)."""
        # Bandit B106 waived: the name of Telegram's secret header, not a secret.
        return WebhookEndpoint(name="telegram", secret_header="X-Telegram-Bot-Api-Secret-Token",  # nosec B106
                               inbox=self.inbox, received=received, register=self.register_webhook,
                               is_up=self.is_up)

    async def register_webhook(self, url: str, secret: str) -> None:
        await self.app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES,
                                       drop_pending_updates=False)

    def run(self) -> None:
        """Poll until SIGINT/SIGTERM (blocking)."""
        asyncio.run(self._poll_until_signal())

    async def _poll_until_signal(self) -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        async with self.running(poll_timeout=10.0):
            await stop.wait()


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT/SIGTERM set ``stop`` (a graceful finish) instead of killing the loop."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


def _log_task_end(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background work stopped", exc_info=task.exception())


def run_telegram(settings: Settings) -> int:
    """Entry point used by ``python -m bot`` when BOT_TOKEN is set."""
    channel = TelegramChannel(settings)
    log.info("serving Telegram through %s", settings.telegram_api_base_url)
    try:
        channel.run()
    except START_FAILURES as exc:
        return serving_failed(settings, exc)
    return 0
