"""store/db.py: a pooled PostgreSQL connection that died while idle is replaced before use."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store import db


def test_idle_connection_killed_by_the_server_is_replaced(database_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose")
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            first_pid = conn.execute(text("select pg_backend_pid()")).scalar_one()
        killer = db.make_engine(database_url, pool_size=1, max_overflow=0)
        with killer.begin() as conn:
            conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": first_pid})
        killer.dispose()
        # The connection has been idle "long enough": the checkout pings it and replaces it.
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as conn:
            assert conn.execute(text("select pg_backend_pid()")).scalar_one() != first_pid
    finally:
        engine.dispose()


def test_busy_connections_are_not_pinged(database_url: str) -> None:
    """A connection back in the pool a moment ago is used as it is: no extra round trip."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is never pinged")
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda conn: pings.append(conn) or real_ping(conn)  # type: ignore[method-assign]
    try:
        for _ in range(3):
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        assert pings == []
    finally:
        engine.dispose()
