"""Rendering neutral replies for Telegram and sending them: the Telegram side of the outbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, Union

from telegram import (Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from core.settings import Settings
from core.text import TELEGRAM_LIMIT, split_message
from core.types import Attachment, Reply
from core.outbox import SendResult

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
# Within a multi-piece reply (long text before a file): wait out short 429s between pieces.
MID_REPLY_RETRIES = 3
MID_REPLY_MAX_WAIT = 5.0
# Telegram refuses an empty text; a reply that is only buttons gets this line.
BUTTONS_ONLY_TEXT = "Mời anh/chị chọn:"

Markup = Union[InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove]


def markup_for(reply: Reply) -> Optional[Markup]:
    """Inline buttons win; else a one-time reply keyboard for contact/location; else removal."""
    if reply.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                     for row in reply.buttons])
    keys = []
    if reply.request_contact:
        keys.append([KeyboardButton(reply.request_contact, request_contact=True)])
    if reply.request_location:
        keys.append([KeyboardButton(reply.request_location, request_location=True)])
    if keys:
        return ReplyKeyboardMarkup(keys, one_time_keyboard=True, resize_keyboard=True)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


def _seconds(value: Union[int, float, timedelta]) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramTransport:
    """Sends one neutral Reply to a chat; Telegram errors come back as SendResult data."""

    channel = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        """Send a reply; 429 → retry_after, 403 → blocked, other failures → error (retried)."""
        try:
            await self._deliver(int(chat_id), reply)
        except RetryAfter as exc:
            return SendResult(ok=False, retry_after=_seconds(exc.retry_after), error=str(exc))
        except Forbidden as exc:
            return SendResult(ok=False, blocked=True, error=str(exc))
        except (TimedOut, NetworkError) as exc:  # TimedOut is a NetworkError; BadRequest too
            kind = "bad request" if isinstance(exc, BadRequest) else "network"
            return SendResult(ok=False, error=f"{kind}: {exc}")
        except TelegramError as exc:
            return SendResult(ok=False, error=f"telegram: {exc}")
        except (OSError, ValueError) as exc:  # a queued attachment vanished, a bad chat id
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        if reply.leave_chat:  # a group's notice is out: leave it (sent, whatever leaving does)
            try:
                await self.bot.leave_chat(int(chat_id))
            except TelegramError as exc:
                log.info("could not leave chat %s: %s", chat_id, exc)
        return SendResult(ok=True)

    async def _deliver(self, chat_id: int, reply: Reply) -> None:
        """Send the pieces; once one piece is out, short flood waits are waited out here so a
        retry of the whole reply never repeats a piece the user already has."""
        sent_any = False

        async def call(method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> None:
            nonlocal sent_any
            for attempt in range(MID_REPLY_RETRIES + 1):
                try:
                    await method(*args, **kwargs)
                    sent_any = True
                    return
                except RetryAfter as exc:
                    wait = _seconds(exc.retry_after)
                    if not sent_any or attempt == MID_REPLY_RETRIES or wait > MID_REPLY_MAX_WAIT:
                        raise
                    await asyncio.sleep(wait)

        await self._pieces(chat_id, reply, call)

    async def _pieces(self, chat_id: int, reply: Reply, call: Callable[..., Awaitable[None]]) -> None:
        markup = markup_for(reply)
        attachment = reply.image or reply.document
        text = reply.text or ""
        if attachment is None:
            parts = split_message(text, TELEGRAM_LIMIT) if text.strip() else []
            if not parts:
                if markup is None:
                    return  # nothing to show
                parts = [BUTTONS_ONLY_TEXT]
            for part in parts[:-1]:
                await call(self.bot.send_message, chat_id, part)
            await call(self.bot.send_message, chat_id, parts[-1], reply_markup=markup)
            return
        data = _attachment_bytes(attachment)  # a vanished file fails before anything is sent
        caption: Optional[str] = text if text and len(text) <= CAPTION_LIMIT else None
        if text and caption is None:  # too long for a caption: text first, the file after
            for part in split_message(text, TELEGRAM_LIMIT):
                await call(self.bot.send_message, chat_id, part)
        if reply.image is not None:
            await call(self.bot.send_photo, chat_id, photo=data, caption=caption, reply_markup=markup)
        if reply.document is not None:
            await call(self.bot.send_document, chat_id, document=data, filename=reply.document.file_name,
                       caption=caption if reply.image is None else None,
                       reply_markup=markup if reply.image is None else None)


def _attachment_bytes(att: Attachment) -> bytes:
    if att.content is not None:
        return att.content
    if not att.path:
        raise ValueError(f"attachment {att.file_name!r} has neither path nor content")
    return Path(att.path).read_bytes()


def sender_bot(settings: Settings) -> Bot:
    """A Bot for a sender-only worker: a connection pool sized for the outbox's concurrent sends."""
    base = settings.telegram_api_base_url.rstrip("/")
    pool = max(8, settings.outbox_max_in_flight * 2)
    return Bot(settings.bot_token or "", base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
               request=HTTPXRequest(connection_pool_size=pool, read_timeout=30, write_timeout=30,
                                    connect_timeout=10, pool_timeout=10))
