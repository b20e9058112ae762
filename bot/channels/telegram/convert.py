"""Turning a python-telegram-bot Update into the neutral Incoming message."""

from __future__ import annotations

import re
from typing import Optional

from telegram import Message, Update
from telegram.constants import ChatType

from core.types import Contact, FileRef, Incoming, Location, UserRef

# "/tim abc", "/tim@botname abc", "/start CODE" (deep link)
COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.S)
MEMBER_STATUSES = {"member", "administrator", "creator"}
GONE_STATUSES = {"kicked", "left"}


def user_ref(update: Update) -> Optional[UserRef]:
    """Who sent the update and in which chat; None for updates without a person (channel posts)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot:
        return None
    chat_id = chat.id if chat is not None else user.id
    private = chat is None or chat.type == ChatType.PRIVATE
    return UserRef(channel="telegram", external_id=str(user.id), chat_id=str(chat_id),
                   display_name=user.full_name or "", username=user.username, private=private)


def parse_command(text: str, bot_username: Optional[str]) -> Optional[tuple[str, str]]:
    """("tim", "abc") for "/tim@bot abc"; None when not a command or addressed to another bot."""
    m = COMMAND_RE.match(text.strip())
    if m is None:
        return None
    name, target, args = m.group(1).lower(), m.group(2), (m.group(3) or "").strip()
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return name, args


def files_of(message: Message) -> tuple[FileRef, ...]:
    """The files a message carries: the largest photo size, documents, stickers, voice, ..."""
    out: list[FileRef] = []
    if message.photo:
        big = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        out.append(FileRef(file_id=big.file_id, kind="photo", mime_type="image/jpeg", size=big.file_size))
    if message.document is not None:
        d = message.document
        out.append(FileRef(file_id=d.file_id, kind="document", file_name=d.file_name, mime_type=d.mime_type,
                           size=d.file_size))
    for kind in ("sticker", "voice", "video", "animation", "audio", "video_note"):
        media = getattr(message, kind, None)
        if media is not None:
            out.append(FileRef(file_id=media.file_id, kind=kind, file_name=getattr(media, "file_name", None),
                               mime_type=getattr(media, "mime_type", None), size=getattr(media, "file_size", None)))
    # An animation also sets ``document``: keep only the animation.
    if message.animation is not None:
        out = [f for f in out if f.kind != "document"]
    return tuple(out)


def to_incoming(update: Update, bot_username: Optional[str]) -> Optional[Incoming]:
    """The neutral message for an update, or None when the update is not for the core."""
    ref = user_ref(update)
    if ref is None:
        return None
    key = str(update.update_id)
    if update.my_chat_member is not None:
        chat = update.my_chat_member.chat
        if chat.type != ChatType.PRIVATE:
            return None
        status = update.my_chat_member.new_chat_member.status
        if status in GONE_STATUSES:
            return Incoming(user=ref, update_key=key, membership="blocked")
        if status in MEMBER_STATUSES:
            return Incoming(user=ref, update_key=key, membership="unblocked")
        return None
    if update.callback_query is not None:
        return Incoming(user=ref, update_key=key, button=update.callback_query.data or "")
    message = update.message
    if message is None:
        return None  # edits, channel posts, polls... handled (or ignored) by the caller
    if message.chat.type != ChatType.PRIVATE and not _addressed_to_bot(message, bot_username):
        return None  # in groups only commands reach the bot
    text = message.text if message.text is not None else message.caption
    contact = None
    if message.contact is not None:
        c = message.contact
        contact = Contact(phone=c.phone_number, first_name=c.first_name or "", last_name=c.last_name or "",
                          external_id=str(c.user_id) if c.user_id is not None else None)
    location = None
    if message.location is not None:
        location = Location(message.location.latitude, message.location.longitude)
    command = args = None
    if message.text is not None and message.text.startswith("/"):
        parsed = parse_command(message.text, bot_username)
        if parsed is not None:
            command, args = parsed
    return Incoming(user=ref, update_key=key, text=text, command=command, args=args or "",
                    files=files_of(message), location=location, contact=contact)


def _addressed_to_bot(message: Message, bot_username: Optional[str]) -> bool:
    text = message.text or ""
    return text.startswith("/") and parse_command(text, bot_username) is not None
