"""The sender's short path for replies a channel just queued, and its role check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery.sender import OutboxSender
from bot.delivery.sender_role import SenderRole
from bot.services import build_services
from core.context import Services
from core.outbox import Candidate
from core.settings import Settings
from store.db import transaction
from store.models import MessageKind, OutboxMessage
from tests.bot.delivery.test_sender import FakeTransport, add_users, fast_pacer, queue, states


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock) -> Services:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return build_services(settings, clock, startup=False)


def _rows(services: Services) -> dict[str, OutboxMessage]:
    with transaction(services.session_factory) as s:
        return {r.dedup_key: r for r in s.scalars(select(OutboxMessage))}


async def test_fresh_replies_are_claimed_without_reading_the_queue(services: Services,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ids = add_users(services, 2)
    queue(services, ids[0], "r0", kind=MessageKind.REPLY, text="trả lời")
    queue(services, ids[1], "n1", text="thông báo")
    rows = _rows(services)
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    loop = sender.loops["test"]
    reads: list[int] = []
    original = loop._candidates
    monkeypatch.setattr(loop, "_candidates", lambda: reads.append(1) or original())
    sender.wake([Candidate(rows["r0"].id, "test", "0", MessageKind.REPLY),
                 Candidate(999_999, "other", "9", MessageKind.REPLY)])  # another channel's: not ours to send
    assert loop.woken.is_set()
    assert await loop.pass_once(wait=True) == 1
    assert (transport.sent, reads) == ([("0", "trả lời")], [])  # the reply alone, no read of the queue
    assert await loop.pass_once(wait=True) == 1  # the next pass reads the queue: the notice
    assert reads == [1]
    assert states(services) == {"r0": "sent", "n1": "sent"}


async def test_a_stale_fresh_row_is_not_sent_twice(services: Services) -> None:
    (uid,) = add_users(services, 1)
    queue(services, uid, "r", kind=MessageKind.REPLY)
    row = _rows(services)["r"]
    transport = FakeTransport()
    sender = OutboxSender(services, {"test": transport}, pacer=fast_pacer())
    assert await sender.drain_once() == 1
    sender.wake([Candidate(row.id, "test", "0", MessageKind.REPLY)])  # already sent: the claim refuses it
    assert await sender.drain_once() == 0
    assert transport.calls == 1


async def test_a_held_role_is_confirmed_every_half_second_not_every_pass(services: Services) -> None:
    times = iter([100.0, 100.2, 100.4, 100.6])
    calls: list[Any] = []

    async def off_loop(fn: Any, *args: Any) -> Any:
        calls.append(fn)
        return fn(*args)

    role = SenderRole(services, "test", "w1", off_loop, monotonic=lambda: next(times))
    assert [await role.ensure() for _ in range(4)] == [True] * 4
    assert len(calls) == 2  # at 100.0 (taken) and at 100.6 (confirmed); not at 100.2 nor 100.4
    await role.release()
