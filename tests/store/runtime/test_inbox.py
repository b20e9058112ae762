"""The inbox table on SQLite and PostgreSQL: recorded once, oldest first, pruned when old."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from store.runtime import inbox
from store.clock import FakeClock
from store.db import make_engine, make_session_factory, transaction
from store.runtime.inbox import Received
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
    with transaction(factory) as session:
        assert inbox.prune_handled(session, clock.now() + timedelta(days=1), dry_run=True) == 2
    with transaction(factory) as session:
        assert inbox.prune_handled(session, clock.now() + timedelta(days=1)) == 2
    assert inbox.state_of(factory, "telegram", "1") is None
    assert inbox.state_of(factory, "telegram", "3") == "pending"
    engine.dispose()


LEASE = timedelta(seconds=30)


def _factory(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def test_a_users_updates_are_claimed_by_one_worker_in_order(database_url: str, clock: FakeClock) -> None:
    engine, factory = _factory(database_url)
    items = [Received(key, user, {"k": key}) for key, user in [("x1", "X"), ("x2", "X"), ("y1", "Y"), ("x3", "X")]]
    inbox.record(factory, "telegram", items, clock.now())

    def keys(rows: list[inbox.Pending]) -> list[str]:
        return [r.payload["k"] for r in rows]

    a = inbox.claim(factory, "telegram", "A", clock.now(), lease=LEASE)
    assert keys(a) == ["x1", "y1"]  # each user's oldest only
    assert inbox.claim(factory, "telegram", "B", clock.now(), lease=LEASE) == []  # X is A's until x1 is done
    a2 = inbox.claim(factory, "telegram", "A", clock.now(), lease=LEASE, skip={r.id for r in a})
    assert keys(a2) == ["x2"]  # A holds x1
    inbox.mark_done(factory, a[0].id, clock.now())
    assert inbox.claim(factory, "telegram", "B", clock.now(), lease=LEASE) == []  # x2 still A's: x3 waits
    assert keys(inbox.claim(factory, "telegram", "A", clock.now(), lease=LEASE, skip={a[1].id, a2[0].id})) == ["x3"]
    # A dies: its leases run out and B takes over, in order again.
    clock.jump(LEASE + timedelta(seconds=1))
    b = inbox.claim(factory, "telegram", "B", clock.now(), lease=LEASE)
    assert keys(b) == ["x2", "y1"]
    assert keys(inbox.claim(factory, "telegram", "B", clock.now(), lease=LEASE, skip={r.id for r in b})) == ["x3"]
    assert inbox.renew(factory, "A", clock.now() + LEASE, ids=[a2[0].id]) == 0  # A's lane must stop
    # A clean stop gives claims back at once; a heartbeat keeps them.
    assert inbox.renew(factory, "B", clock.now() + LEASE) == 3
    assert inbox.release(factory, "B") == 3
    assert keys(inbox.claim(factory, "telegram", "C", clock.now(), lease=LEASE)) == ["x2", "y1"]
    engine.dispose()


def test_two_claimers_keep_each_users_order(database_url: str, clock: FakeClock) -> None:
    """Two workers (own engines, own connections) race for 40 users' updates, recorded a user's
    burst at a time: each is handled once, a user's next one only after the previous finished."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two concurrent claimers need a server database")
    engine, factory = _factory(database_url)
    users, per_user = 40, 5
    inbox.record(factory, "telegram", [Received(f"{u}:{n}", f"u{u}", {"user": u, "n": n})
                                       for u in range(users) for n in range(per_user)], clock.now())
    log_lock, events = threading.Lock(), []  # (user, n, "start"|"end") in the order they happened
    start = threading.Barrier(2)

    def work(name: str) -> None:
        own = make_engine(database_url)
        own_factory = make_session_factory(own)
        start.wait()
        while inbox.pending_count(own_factory):
            for row in inbox.claim(own_factory, "telegram", name, clock.now(), lease=LEASE, limit=7):
                # (rows are finished before the next claim: nothing to skip)
                with log_lock:
                    events.append((row.payload["user"], row.payload["n"], "start"))
                inbox.mark_done(own_factory, row.id, clock.now())
                with log_lock:
                    events.append((row.payload["user"], row.payload["n"], "end"))
        own.dispose()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    for u in range(users):
        mine = [(n, what) for user, n, what in events if user == u]
        # start 0, end 0, start 1, end 1, …: once each, in order, never two at a time
        assert mine == [(n, what) for n in range(per_user) for what in ("start", "end")], (u, mine)
    engine.dispose()


def test_record_and_claim_takes_only_what_follows_the_workers_own(database_url: str, clock: FakeClock) -> None:
    """A new update goes straight to the recording worker when every older pending update of
    its user is one the worker holds; else it waits for an ordinary claim."""
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)

    def item(key: str, user: str) -> Received:
        return Received(key, user, {"key": key})

    def keys(rows: list[inbox.Pending]) -> list[str]:
        return [r.payload["key"] for r in rows]

    first = inbox.record_and_claim(factory, "telegram", [item("a1", "A"), item("a2", "A"), item("b1", "B")],
                                   clock.now(), worker="W", lease=LEASE, held=set())
    assert (first.new, keys(first.claimed)) == (3, ["a1", "a2", "b1"])  # nothing older: all W's, in order
    again = inbox.record_and_claim(factory, "telegram", [item("a1", "A")], clock.now(), worker="W", lease=LEASE,
                                   held=set())
    assert (again.new, again.claimed) == (0, [])  # a redelivery is neither recorded nor claimed twice
    held = {r.id for r in first.claimed}
    a3 = inbox.record_and_claim(factory, "telegram", [item("a3", "A")], clock.now(), worker="W", lease=LEASE,
                                held=held)
    assert keys(a3.claimed) == ["a3"]  # a1 and a2 are in W's lanes
    # Another worker may not take A's next: A's older updates are W's.
    a4 = inbox.record_and_claim(factory, "telegram", [item("a4", "A")], clock.now(), worker="V", lease=LEASE,
                                held=set())
    assert (a4.new, a4.claimed) == (1, [])
    # Nor W, once it lets a held update go (not in ``held``): the ordinary claim keeps the order.
    c = inbox.record_and_claim(factory, "telegram", [item("c1", "C")], clock.now(), worker="W", lease=LEASE,
                               held=None)
    assert (c.new, c.claimed) == (1, [])  # held None: record only
    c2 = inbox.record_and_claim(factory, "telegram", [item("c2", "C")], clock.now(), worker="W", lease=LEASE,
                                held=held)
    assert c2.claimed == []  # c1 is pending and not W's yet
    # (c2 comes with the claim after the one that takes c1, as always)
    assert keys(inbox.claim(factory, "telegram", "W", clock.now(), lease=LEASE, skip=held | {a3.claimed[0].id})) \
        == ["a4", "c1"]
    engine.dispose()


def test_mark_done_takes_several_ids_at_once(database_url: str, clock: FakeClock) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    inbox.record(factory, "telegram", [Received(str(n), "u", {"n": n}) for n in range(3)], clock.now())
    rows = inbox.pending(factory, "telegram")
    inbox.mark_done(factory, [rows[0].id, rows[2].id], clock.now())
    assert [r.payload["n"] for r in inbox.pending(factory, "telegram")] == [1]
    engine.dispose()
