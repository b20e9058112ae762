"""What a chat channel can do, as data its transport declares (``Transport.capabilities``).

The sender reads them from the transport it sends through; code that holds a user row but no
transport (routing a typed number, remembering a numbered menu, the reminder sweep) looks the
channel's capabilities up by name here. Channels not listed (tests, a new channel) get the
defaults: buttons shown, the outbox's usual concurrency, Telegram's message length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core.text import TELEGRAM_LIMIT, ZALO_LIMIT


@dataclass(frozen=True)
class ChannelCapabilities:
    buttonless: bool = False  # buttons are shown as numbered lines the user types (core.choices)
    max_in_flight: Optional[int] = None  # sends at once; None: the outbox's OUTBOX_MAX_IN_FLIGHT
    message_length: int = TELEGRAM_LIMIT  # a longer text is split (core.text.split_message)
    shares_contact: bool = True  # a "share my phone number" button exists (registration)


TELEGRAM = ChannelCapabilities(message_length=TELEGRAM_LIMIT)
# One send in flight by default: Zalo's low pace leaves no room for more (README "Zalo pacing").
ZALO = ChannelCapabilities(buttonless=True, max_in_flight=1, message_length=ZALO_LIMIT, shares_contact=False)
CONSOLE = ChannelCapabilities(buttonless=True)
DEFAULT = ChannelCapabilities()
_BY_NAME = {"telegram": TELEGRAM, "zalo": ZALO, "console": CONSOLE}


def capabilities(channel: str) -> ChannelCapabilities:
    """The capabilities of a channel by name, for code without its transport at hand."""
    return _BY_NAME.get(channel, DEFAULT)


def is_buttonless(channel: str) -> bool:
    return capabilities(channel).buttonless
