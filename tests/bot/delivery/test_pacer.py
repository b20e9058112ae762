"""The pacer's per-chat spacing keeps a jitter budget, like its overall window."""

from __future__ import annotations

import time

from bot.delivery.pacer import WINDOW_SECONDS, Pacer


async def test_a_chats_next_message_waits_its_interval_plus_the_jitter_budget() -> None:
    # A request reaches the platform some tens of milliseconds after its slot. Two messages to
    # one chat spaced exactly 1 s apart at the sender can arrive under 1 s apart (the first one
    # late, the second on time): Telegram answers 429 and every send pauses for a second. This
    # was most of the burst benchmark's lost time (3 pauses in a 24.5 s run).
    pacer = Pacer(28, 1.0)
    await pacer.acquire("chat")
    sent = time.monotonic()
    assert not pacer.chat_ready("chat", sent + 1.0)
    assert pacer.chat_ready("chat", sent + WINDOW_SECONDS + 0.01)


async def test_no_per_chat_spacing_means_none_at_all() -> None:
    pacer = Pacer(10_000, 0)
    await pacer.acquire("chat")
    assert pacer.chat_ready("chat")
