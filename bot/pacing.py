"""Each channel at its own pace: Telegram's OUTBOX_* settings, Zalo's ZALO_* settings.

The outbox sender keys chats as ``"<channel>:<chat id>"``; this pacer hands each key to that
channel's ``reminders.outbox.Pacer``. A rate-limit pause (429) from any channel pauses all of
them: the sender reports no channel with it, and erring on the slow side is the safe side.
"""

from __future__ import annotations

from typing import Iterable, Optional

from core.settings import Settings
from reminders.outbox import Pacer


class ChannelPacer:
    """The Pacer interface over one Pacer per channel."""

    def __init__(self, pacers: dict[str, Pacer], default: Pacer) -> None:
        self.pacers = pacers
        self.default = default
        self.interval = default.interval  # for the sender's start-up log line

    def _for(self, chat_key: str) -> Pacer:
        return self.pacers.get(chat_key.split(":", 1)[0], self.default)

    def chat_ready(self, chat_key: str, now: Optional[float] = None) -> bool:
        return self._for(chat_key).chat_ready(chat_key, now)

    def pause(self, seconds: float) -> None:
        for pacer in {id(p): p for p in (*self.pacers.values(), self.default)}.values():
            pacer.pause(seconds)

    async def acquire(self, chat_key: str) -> None:
        await self._for(chat_key).acquire(chat_key)

    def chat_sent(self, chat_key: str) -> None:
        self._for(chat_key).chat_sent(chat_key)


def channel_pacer(settings: Settings, channels: Iterable[str]) -> ChannelPacer:
    """Zalo at ZALO_RATE_PER_SECOND / ZALO_PER_CHAT_INTERVAL_SECONDS, the rest at OUTBOX_*."""
    default = Pacer(settings.outbox_rate_per_second, settings.outbox_per_chat_interval_seconds)
    pacers = {}
    if "zalo" in channels:
        pacers["zalo"] = Pacer(settings.zalo_rate_per_second, settings.zalo_per_chat_interval_seconds)
    return ChannelPacer(pacers, default)
