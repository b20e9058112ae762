"""Enum columns (outbox state and kind, officer role) keep the strings databases already hold:
rows written before the enums read back as members, new rows store the same plain strings,
and a value outside the enum is refused before it reaches the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from store.db import make_engine, make_session_factory, transaction
from store.migrate import upgrade
from store.models import MessageKind, Officer, OutboxMessage, OutboxState
from store.roles import Role


def test_stored_strings_stay_and_read_back_as_members(database_url: str, clock) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    now = clock.now()
    with engine.begin() as conn:  # a row as an older release wrote it: plain strings
        conn.execute(text("INSERT INTO outbox (dedup_key, channel, chat_id, kind, payload, state, attempts, "
                          "not_before, created_at) VALUES ('old', 'test', '1', 'broadcast', '{}', 'skipped', 0, "
                          ":now, :now)"), {"now": now})
    with transaction(factory) as s:
        old = s.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == "old"))
        assert old.state is OutboxState.SKIPPED and old.kind is MessageKind.BROADCAST
        s.add(OutboxMessage(dedup_key="new", channel="test", chat_id="1", kind=MessageKind.REPLY, payload={},
                            not_before=now, created_at=now))
        s.add(Officer(full_name="Lò Văn An", role=Role.SUPERVISOR, position="", active=True, created_at=now))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind, state FROM outbox WHERE dedup_key = 'new'")).one() == ("reply", "queued")
        assert conn.execute(text("SELECT role FROM officers")).scalar_one() == "supervisor"
    with factory() as s:
        assert s.scalar(select(Officer.role)) is Role.SUPERVISOR
        s.add(OutboxMessage(dedup_key="bad", channel="test", chat_id="1", kind="chatter", payload={},
                            not_before=now, created_at=now))
        with pytest.raises(StatementError):
            s.flush()
    engine.dispose()
