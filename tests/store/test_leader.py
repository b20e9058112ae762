"""One holder per role on real SQLite and PostgreSQL; a holder that dies frees the role at once."""

from __future__ import annotations

from store.db import make_engine
from store.leader import Leadership


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
        assert b.ensure()
    finally:
        a.release()
        b.release()
        engine.dispose()
