"""Where a reply's time goes: monotonic timestamps at each stage of the delivery path.

A benchmark calls ``StageTrace.start(chat)`` when it pushes an update, ``install()`` patches the
stages (class attributes: every channel in the process is traced) and ``finish(chat, t)`` closes
a trip at the time the fake API saw the reply. Keys are the private chat's id, which is the
sender's id, so a chat with one message in flight at a time is traced without ambiguity.
The stages, in order:

    polled       the bot parsed the getUpdates batch holding the update
    recorded     the inbox row is committed (the offset may be confirmed)
    handling     the inbox lane hands the update to the channel (claimed, paced)
    handled      the core answered: the reply is in the outbox
    pass         the sender's next pass began (woken)
    claimed      the sender claimed the outbox row
    slot         the pacer's slot came
    sent         the fake API received sendMessage
"""

from __future__ import annotations

import functools
import statistics
import time
from typing import Any, Callable, Optional

from bot.channels.telegram import poll
from bot.delivery import sender
from bot.delivery.inbox_worker import Inbox
from bot.delivery.pacer import Pacer
from core.dispatch import BotCore

STAGES = ("polled", "recorded", "handling", "handled", "pass", "claimed", "slot", "sent")


class StageTrace:
    """Per chat, the first time each stage was reached since the chat's last ``start``."""

    def __init__(self) -> None:
        self._open: dict[str, dict[str, float]] = {}
        self.trips: list[dict[str, float]] = []
        self._undo: list[Callable[[], None]] = []

    def start(self, chat: object) -> None:
        self._open[str(chat)] = {"pushed": time.monotonic()}

    def mark(self, chat: object, stage: str) -> None:
        trip = self._open.get(str(chat))
        if trip is not None and stage not in trip:
            trip[stage] = time.monotonic()

    def mark_waiting(self, after: str, stage: str) -> None:
        """``stage`` for every open trip that reached ``after`` (a step not tied to one chat)."""
        for trip in self._open.values():
            if after in trip and stage not in trip:
                trip[stage] = time.monotonic()

    def finish(self, chat: object, at: float) -> None:
        trip = self._open.pop(str(chat), None)
        if trip is not None:
            trip["sent"] = at
            self.trips.append(trip)

    def lines(self) -> list[str]:
        """The median and p95 of each stage's share (from the stage before it), in ms."""
        if not self.trips:
            return []
        out = ["  stage breakdown (ms since the previous stage: p50 / p95):"]
        previous = "pushed"
        for stage in STAGES:
            shares = sorted((t[stage] - t[previous]) * 1000 for t in self.trips if stage in t and previous in t)
            if shares:
                p95 = shares[max(0, int(round(0.95 * len(shares))) - 1)]
                out.append(f"    {previous:>10} → {stage:<10} {statistics.median(shares):6.1f} / {p95:6.1f}")
                previous = stage
        return out

    # -- patching ------------------------------------------------------------------
    def install(self) -> "StageTrace":
        trace = self

        def received(raw: dict[str, Any]) -> Any:
            items = original_received(raw)
            for item in items:
                trace.mark(item.user_key, "polled")
            return items

        original_received = poll.received
        poll.received = received
        self._undo.append(lambda: setattr(poll, "received", original_received))
        self._wrap(Inbox, "accept", after=lambda args, _r: [self.mark(i.user_key, "recorded") for i in args[1]])
        self._wrap(Inbox, "_handle", before=lambda args: self.mark(args[1].user_key, "handling"))
        self._wrap(BotCore, "handle", after=lambda args, _r: self.mark(args[1].user.chat_id, "handled"))
        self._wrap(sender.ChannelLoop, "pass_once", before=lambda _a: self.mark_waiting("handled", "pass"))
        self._wrap(sender.ChannelLoop, "_claimed", after=lambda _a, r: [self.mark(m.chat_id, "claimed") for m in r])
        self._wrap(Pacer, "acquire", after=lambda args, _r: self.mark(args[1], "slot"))
        return self

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _wrap(self, cls: type, name: str, *, before: Optional[Callable[[tuple[Any, ...]], Any]] = None,
              after: Optional[Callable[[tuple[Any, ...], Any], Any]] = None) -> None:
        original = getattr(cls, name)

        @functools.wraps(original)
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                before(args)
            result = await original(*args, **kwargs)
            if after is not None:
                after(args, result)
            return result

        setattr(cls, name, wrapped)
        self._undo.append(lambda: setattr(cls, name, original))

