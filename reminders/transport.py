"""How the outbox sender reaches a channel: one ``send`` per message, errors as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from core.types import Reply


@dataclass(frozen=True)
class SendResult:
    ok: bool
    retry_after: Optional[float] = None  # the channel asked us to wait (Telegram 429)
    blocked: bool = False  # the user blocked the bot (Telegram 403): do not retry
    error: Optional[str] = None  # other failures: retried with backoff


class Transport(Protocol):
    """A channel's sending side (Telegram, console, Zalo, a test double)."""

    channel: str

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...
