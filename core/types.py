"""The one neutral message type every channel (Telegram, console, Zalo, tests) speaks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

# Telegram limits callback data to 64 bytes; every channel keeps to it.
MAX_BUTTON_DATA = 64


@dataclass(frozen=True)
class UserRef:
    """Who sent a message, as the channel knows them."""

    channel: str  # "telegram", "console", "zalo", "test"
    external_id: str
    chat_id: str
    display_name: str = ""
    username: Optional[str] = None
    # False for a group chat: the bot serves private chats only, and a group's id must never
    # become the chat that private replies (phone numbers, approvals, reminders) go to.
    private: bool = True


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Contact:
    phone: str
    first_name: str = ""
    last_name: str = ""
    external_id: Optional[str] = None  # the contact's own account id, when the channel knows it


@dataclass(frozen=True)
class FileRef:
    """A file the user sent; ``file_id`` is the channel's handle to download it."""

    file_id: str
    kind: str  # photo, document, sticker, voice, video, ...
    file_name: Optional[str] = None
    mime_type: Optional[str] = None
    size: Optional[int] = None


class FileUnavailable(Exception):
    """A file the user sent cannot be read (missing, not a file): ``str()`` is the Vietnamese reply line."""


@dataclass(frozen=True)
class Incoming:
    """One incoming event: a text, a command, a button press, a file, a location or a contact."""

    user: UserRef
    update_key: Optional[str] = None  # channel's unique id for redelivery detection
    text: Optional[str] = None
    command: Optional[str] = None  # "tim" for "/tim abc"
    args: str = ""  # "abc"
    button: Optional[str] = None  # callback data of a pressed button
    files: tuple[FileRef, ...] = ()
    location: Optional[Location] = None
    contact: Optional[Contact] = None
    # Membership changes: "blocked" when the user blocks the bot, "unblocked" when they return.
    membership: Optional[str] = None


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # at most MAX_BUTTON_DATA bytes
    # The list entry this button stands for ("Chỉ thị 02/CT-UBND … – its title"): channels list each
    # entry once, numbered (Zalo, console: the entry is the choice; Telegram: under the text,
    # its button labelled with the number), so a handler never writes the list in its text too.
    detail: str = ""

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_BUTTON_DATA:
            raise ValueError(f"button data over {MAX_BUTTON_DATA} bytes: {self.data!r}")


@dataclass(frozen=True)
class Attachment:
    """A document or image to send: bytes stored on disk or in memory."""

    file_name: str
    path: Optional[str] = None
    content: Optional[bytes] = None
    mime_type: str = "application/octet-stream"


@dataclass
class Reply:
    """One outgoing message: text, optional button rows, optional attachment."""

    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    document: Optional[Attachment] = None
    image: Optional[Attachment] = None
    request_contact: Optional[str] = None  # label of a "share my phone number" button
    request_location: Optional[str] = None  # label of a "share my location" button
    remove_keyboard: bool = False
    # Channels without buttons: typed numbers answer the question (a number question), so the
    # choices are listed without numbers and picked by their words ("quay lại").
    numbers_answer: bool = False
    # Channels without buttons: the number shown in front of each button, unique on the user's
    # screen (set by core.menus when the reply is queued; empty: 1, 2, …).
    numbers: list[int] = field(default_factory=list)
    # Channels without buttons: the choices are picked by their words only, never by a typed
    # number (a confirmation that loses data: a number typed twice must not confirm it).
    words_only: bool = False
    # After this message the bot leaves the chat (a group it does not serve), on channels that
    # can: leaving first would refuse the message.
    leave_chat: bool = False

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe dict for the outbox (attachments must be on disk to be queued)."""
        data = asdict(self)
        for key in ("document", "image"):
            att = data.get(key)
            if att is not None:
                if att.get("content") is not None:
                    raise ValueError("queue attachments by path, not in-memory bytes")
                att.pop("content", None)
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "Reply":
        data = dict(data)
        data["buttons"] = [[Button(**b) for b in row] for row in data.get("buttons", [])]
        for key in ("document", "image"):
            if data.get(key):
                data[key] = Attachment(**data[key])
        return cls(**data)
