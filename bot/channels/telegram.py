"""The Telegram channel: python-telegram-bot long polling in front of the neutral core.

Every update goes through one catch-all handler: converted to ``Incoming``, handled by the
core (which records it and queues the replies in one transaction), then the outbox sender is
woken: it sends the replies through the same pacer as reminders and broadcasts, ahead of
them. ``drop_pending_updates=False``: updates received while the bot was down are handled
after restart, and a redelivered update is recognised by the core and not answered twice.
Replies a killed process had queued (or was sending) are sent by whichever worker sends next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Optional

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.files import telegram_fetcher
from bot.channels.telegram_convert import COMMAND_RE, GONE_STATUSES, to_incoming
from bot.channels.telegram_send import TelegramTransport
from bot.services import build_services
from core.settings import Settings
from core import messages
from handlers.app import build_router
from core.context import Services
from core.dispatch import BotCore
from core.router import CANCEL_COMMAND
from reminders.runtime import Background

log = logging.getLogger(__name__)

EDITED_MESSAGE = "Bot không đọc tin nhắn đã sửa. Anh/chị vui lòng gửi lại thành tin nhắn mới."
CANCEL_DESCRIPTION = "Hủy thao tác đang làm"


def bot_commands(core: BotCore) -> list[BotCommand]:
    """The command menu: public commands plus /huy, in Vietnamese."""
    out: list[BotCommand] = []
    for info in core.router.visible_commands(None):
        if COMMAND_RE.match(f"/{info.name}") and len(info.name) <= 32 and info.name != CANCEL_COMMAND:
            out.append(BotCommand(info.name, (info.description or info.name)[:256]))
    out.append(BotCommand(CANCEL_COMMAND, CANCEL_DESCRIPTION))
    return out[:100]


class TelegramChannel:
    """Owns the PTB Application, the core it feeds and the background outbox work."""

    def __init__(self, settings: Settings, services: Optional[Services] = None,
                 core: Optional[BotCore] = None) -> None:
        if not settings.bot_token:
            raise ValueError("BOT_TOKEN is required for the Telegram channel")
        self.settings = settings
        self.services = services or build_services(settings)
        self.core = core or BotCore(self.services, build_router())
        base = settings.telegram_api_base_url.rstrip("/")
        self.app: Application = (
            ApplicationBuilder().token(settings.bot_token)
            .base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
            .post_init(self._post_init).post_shutdown(self._post_shutdown)
            .build()
        )
        self.app.add_handler(TypeHandler(Update, self.on_update))
        self.app.add_error_handler(self.on_error)
        self.transport = TelegramTransport(self.app.bot)
        self._stop_background = asyncio.Event()
        self.background: Optional[Background] = None
        self._background: Optional[asyncio.Task[None]] = None

    # -- PTB callbacks -------------------------------------------------------
    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Converts an update, lets the core handle it, sends the queued replies."""
        if update.callback_query is not None:
            # Answer at once so the user's button stops spinning, whatever happens next.
            with contextlib.suppress(Exception):
                await update.callback_query.answer()
        if update.edited_message is not None:
            chat = update.effective_chat
            if chat is not None and chat.type == "private":
                await context.bot.send_message(chat.id, EDITED_MESSAGE)
            return
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await self._leave_group(update, chat.id)
            return
        incoming = to_incoming(update, context.bot.username)
        if incoming is None:
            log.debug("update %s not for the core; ignored", update.update_id)
            return
        if await self.core.handle(incoming) and self.background is not None:
            self.background.wake()
        # PTB takes queued updates one after another without suspending when the core never
        # waits on I/O: yield once, so the sender on this loop sends between updates (a burst
        # of 600 questions otherwise starved it until the whole batch was handled).
        await asyncio.sleep(0)

    async def _leave_group(self, update: Update, chat_id: int) -> None:
        """Private chats only: in a group, say so once and leave; nothing reaches the core."""
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in GONE_STATUSES:
            return  # the bot was removed: nothing to say
        bot = self.app.bot
        try:
            if self.core.first_group_notice("telegram", str(chat_id)):
                await bot.send_message(chat_id, messages.GROUP_ONLY_PRIVATE)
            await bot.leave_chat(chat_id)
        except Exception as exc:  # the group may already be gone; serving goes on
            log.info("could not leave group %s: %s", chat_id, exc)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs any error of the PTB layer and tells the user politely; polling goes on."""
        log.error("error while handling update %s", getattr(update, "update_id", update), exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(Exception):
                await context.bot.send_message(update.effective_chat.id, messages.ERROR)

    # -- lifecycle -----------------------------------------------------------
    async def _post_init(self, app: Application) -> None:
        self.services.fetchers["telegram"] = telegram_fetcher(app.bot)
        self.services.telegram_username = app.bot.username
        try:
            await app.bot.set_my_commands(bot_commands(self.core))
        except Exception:  # the menu is a convenience; serving matters more
            log.exception("setMyCommands failed")
        self._start_background()

    async def _post_shutdown(self, app: Application) -> None:
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
        self._stop_background.set()
        try:
            await asyncio.wait_for(self._background, timeout=10)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            self._background.cancel()
        except Exception:
            log.exception("background work ended with an error")
        self._background = None

    @contextlib.asynccontextmanager
    async def running(self, poll_timeout: float = 1.0) -> AsyncIterator["TelegramChannel"]:
        """Serve inside the current event loop (tests): what run_polling does, minus signals."""
        app = self.app
        await app.initialize()
        try:
            await self._post_init(app)
            assert app.updater is not None
            await app.updater.start_polling(timeout=poll_timeout, drop_pending_updates=False,
                                            allowed_updates=Update.ALL_TYPES)
            await app.start()
            try:
                yield self
            finally:
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
                await self._post_shutdown(app)
        finally:
            await app.shutdown()

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM (blocking)."""
        self.app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


def _log_task_end(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background work stopped", exc_info=task.exception())


def run_telegram(settings: Settings) -> int:
    """Entry point used by ``python -m bot`` when BOT_TOKEN is set."""
    channel = TelegramChannel(settings)
    log.info("serving Telegram through %s", settings.telegram_api_base_url)
    try:
        channel.run()
    except InvalidToken:
        log.error("Telegram refused BOT_TOKEN: check the token from @BotFather")
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Bot API at %s: %s", settings.telegram_api_base_url, exc)
        return 1
    return 0
