"""One holder per role on real SQLite and PostgreSQL; a holder that dies frees the role (at once
on SQLite, as soon as the server sees the closed connection on PostgreSQL)."""

from __future__ import annotations

import time

from store.db import make_engine
from store.runtime.leader import Leadership


def test_one_holder_until_it_releases(database_url: str) -> None:
    engine = make_engine(database_url)
    a, b = Leadership(engine, "outbox:telegram"), Leadership(engine, "outbox:telegram")
    other_role = Leadership(engine, "sweep")
    try:
        assert a.ensure() and a.ensure()  # held, and still held on the next check
        assert not b.ensure()
        assert other_role.ensure()  # roles are independent
        a.release()
        assert b.ensure() and not a.ensure()
    finally:
        for lead in (a, b, other_role):
            lead.release()
        engine.dispose()


def test_a_holder_whose_connection_dies_frees_the_role(database_url: str) -> None:
    engine = make_engine(database_url)
    a, b = Leadership(engine, "sweep"), Leadership(engine, "sweep")
    try:
        assert a.ensure() and not b.ensure()
        a._drop()  # what a SIGKILL does: the connection (PostgreSQL) or descriptor (SQLite) closes
        # The server frees the lock when its backend sees the closed socket, a moment later:
        # the standby retries, as a worker does every second (bounded here).
        deadline = time.monotonic() + 5
        while not b.ensure():
            assert time.monotonic() < deadline, "the role was not freed"
            time.sleep(0.05)
    finally:
        a.release()
        b.release()
        engine.dispose()
