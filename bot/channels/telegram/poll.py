"""Telegram long polling that confirms nothing it has not recorded.

Telegram forgets updates once a later ``offset`` confirms them. python-telegram-bot's own
Updater confirms a batch on its next poll whether or not handling worked, so an update that
arrived while the database was down was lost. Here a batch is written to the inbox first
and only then is the offset advanced; while the database is unreachable the poller keeps
retrying that same batch with backoff and fetches nothing new, so Telegram keeps every
update (and redelivers them to a restarted process).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

from bot.aio import Backoff, until_stopped, wait_or_stop
from bot.delivery.inbox_worker import Inbox, record_until_done
from store.runtime.inbox import Received

log = logging.getLogger(__name__)

# Update kinds that carry a sender, in the order Telegram documents them.
UPDATE_PARTS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member",
                "channel_post", "edited_channel_post", "inline_query", "chosen_inline_result",
                "shipping_query", "pre_checkout_query", "poll_answer", "chat_join_request",
                "message_reaction", "business_message")


def sender_key(raw: dict[str, Any], *keys: str) -> Optional[str]:
    """The id of whoever sent a raw update: ``from.id`` (else ``chat.id``) of its first part
    that has one, looking at ``keys`` in order (a channel's update kinds)."""
    for key in keys:
        part = raw.get(key)
        if isinstance(part, dict):
            for holder in ("from", "chat", "user"):
                who = part.get(holder)
                if isinstance(who, dict) and who.get("id") is not None:
                    return str(who["id"])
    return None


def received(raw: dict[str, Any]) -> list[Received]:
    """The inbox record of one raw Telegram update (none without an update_id)."""
    update_id = raw.get("update_id")
    if not isinstance(update_id, int):
        return []
    return [Received(update_key=str(update_id), user_key=sender_key(raw, *UPDATE_PARTS) or "-", payload=raw)]


async def poll_into_inbox(bot: Bot, inbox: Inbox, stop: asyncio.Event, *, timeout: float) -> None:
    """getUpdates → inbox → next offset, until ``stop``. Network errors back off; a refused
    token is logged and retried (the operator may be rotating it)."""
    await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while one is set
    offset: Optional[int] = None
    backoff = Backoff(first=1.0, cap=30.0)
    while not stop.is_set():
        try:
            updates = await until_stopped(
                bot.get_updates(offset=offset, timeout=int(timeout), allowed_updates=Update.ALL_TYPES), stop)
        except InvalidToken:
            log.error("Telegram refused BOT_TOKEN while polling; retrying")
            await wait_or_stop(stop, backoff.next())
            continue
        except TelegramError as exc:
            log.warning("getUpdates failed (%s); retrying", exc)
            await wait_or_stop(stop, backoff.next())
            continue
        backoff.reset()
        if not updates:
            continue
        items = [item for update in updates for item in received(update.to_dict())]
        if await record_until_done(inbox, items, stop):
            offset = updates[-1].update_id + 1
