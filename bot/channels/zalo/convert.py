"""Zalo Bot API updates → neutral ``Incoming`` messages.

An update: ``{"event_name": "message.text.received", "message": {"message_id": "…",
"from": {"id": "…", "display_name": "…"}, "chat": {"id": "…", "chat_type": "PRIVATE"},
"date": 1733000000000, "text": "…"}}``; images carry ``photo`` (a URL) and ``caption``,
stickers ``sticker``. Ids are strings; ``date`` is in milliseconds. Updates may also come
wrapped as ``{"result": {...}}`` or ``{"ok": true, "result": {...}}`` (webhook bodies).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Optional

from core.types import FileRef, Incoming, UserRef
from store.runtime.inbox import Received

CHANNEL = "zalo"
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:\s+(.*))?$", re.S)
MAX_KEY = 64  # processed_updates.update_key


@dataclass(frozen=True)
class ZaloUpdate:
    """The parts of an update the channel needs before the core sees it."""

    event_name: str
    chat_id: str
    group: bool
    incoming: Optional[Incoming]  # None for a group chat or an update without a sender


def unwrap(raw: dict[str, Any]) -> dict[str, Any]:
    """The update object itself, whether given bare or inside ``result``."""
    inner = raw.get("result")
    if "message" not in raw and isinstance(inner, dict):
        return inner
    return raw


def _part(message: dict[str, Any], key: str) -> dict[str, Any]:
    """``from`` or ``chat`` when it is an object (a malformed update must not stop the poller)."""
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def update_key(message: dict[str, Any], chat_id: str) -> str:
    """The core's redelivery key: the message id (hashed when too long for the column)."""
    key = f"{chat_id}:{message.get('message_id') or ''}"
    if len(key) <= MAX_KEY:
        return key
    return "h:" + hashlib.sha256(key.encode()).hexdigest()[:60]


def _content(event: str, message: dict[str, Any]) -> dict[str, Any]:
    """The Incoming fields for one event kind."""
    text = message.get("text")
    if event == IMAGE or message.get("photo"):
        url = str(message.get("photo") or message.get("photo_url") or "")
        files = (FileRef(file_id=url, kind="photo", mime_type="image/jpeg"),) if url else ()
        caption = message.get("caption")
        return {"files": files, "text": caption if isinstance(caption, str) else None}
    if event == STICKER:
        sticker = str(message.get("sticker") or message.get("url") or "sticker")
        return {"files": (FileRef(file_id=sticker, kind="sticker"),)}
    if event == TEXT and isinstance(text, str):
        m = COMMAND_RE.match(text.strip())
        if m is not None:
            return {"command": m.group(1).lower(), "args": (m.group(2) or "").strip(), "text": text}
        return {"text": text}
    # Voice, video, files, locations…: Zalo says "unsupported"; the core answers an empty message.
    return {"files": (FileRef(file_id=str(message.get("message_id") or "?"), kind="unsupported"),)}


def convert(raw: dict[str, Any]) -> Optional[ZaloUpdate]:
    """Read one raw update; None when it is not a message the bot can answer."""
    update = unwrap(raw)
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender, chat = _part(message, "from"), _part(message, "chat")
    chat_id = str(chat.get("id") or sender.get("id") or "")
    if not chat_id:
        return None
    event = str(update.get("event_name") or "")
    group = str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE"
    if group or not sender.get("id"):
        return ZaloUpdate(event, chat_id, group, None)
    user = UserRef(channel=CHANNEL, external_id=str(sender["id"]), chat_id=chat_id,
                   display_name=str(sender.get("display_name") or sender.get("name") or "")[:200])
    incoming = Incoming(user=user, update_key=update_key(message, chat_id), **_content(event, message))
    return ZaloUpdate(event, chat_id, group, incoming)


def received(raw: dict[str, Any]) -> list[Received]:
    """The inbox record of one raw Zalo update (none without a message): keyed by chat and
    message id, so a webhook retry or a re-polled update is recorded once."""
    update = unwrap(raw)
    message = update.get("message")
    if not isinstance(message, dict):
        return []
    chat, sender = _part(message, "chat"), _part(message, "from")
    chat_id = str(chat.get("id") or sender.get("id") or "")
    if not chat_id or not message.get("message_id"):
        return []
    return [Received(update_key=update_key(message, chat_id), user_key=str(sender.get("id") or chat_id),
                     payload=update)]
