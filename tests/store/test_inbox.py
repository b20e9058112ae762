"""The inbox table on SQLite and PostgreSQL: recorded once, oldest first, pruned when old."""

from __future__ import annotations

from datetime import timedelta

from store import inbox
from store.clock import FakeClock
from store.db import make_engine, make_session_factory
from store.inbox import Received
from store.migrate import upgrade


def test_record_once_pending_in_order_and_prune(database_url: str, clock: FakeClock) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    items = [Received(str(n), f"u{n % 2}", {"update_id": n, "text": "xin chào"}) for n in range(1, 6)]
    assert inbox.record(factory, "telegram", items, clock.now()) == 5
    assert inbox.record(factory, "telegram", items[:2], clock.now()) == 0  # redelivered
    assert inbox.record(factory, "zalo", items[:1], clock.now()) == 1  # another channel's key space
    rows = inbox.pending(factory, "telegram")
    assert [r.payload["update_id"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r.id for r in inbox.pending(factory, "telegram", skip={rows[0].id}, limit=2)] == [rows[1].id, rows[2].id]
    inbox.mark_done(factory, rows[0].id, clock.now())
    inbox.mark_attempt(factory, rows[1].id, "boom", clock.now(), give_up=True)
    assert inbox.pending_count(factory) == 4  # 3 telegram + 1 zalo
    assert inbox.prune_handled(factory, clock.now() + timedelta(days=1)) == 2
    assert inbox.state_of(factory, "telegram", "1") is None
    assert inbox.state_of(factory, "telegram", "3") == "pending"
    engine.dispose()
