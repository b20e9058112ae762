"""Erasure that erases: after a removed officer is erased, neither their name nor their phone
is anywhere in the database — not in the supervisor's approval notices, not in raw inbox
updates (theirs or a colleague's), not in the registration request, audit or menus. The
probe searches every text and JSON column of every table, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from store.db import Base, transaction
from store.runtime.inbox import Received, record
from store.models import Officer
from store.people.leavers import erase_due, find_officer, remove_officer
from tests.handlers.people.regworld import World, register_supervisor

NAME, PHONE = "Hoàng Văn Em", "0911111111"
# What the search looks for: the name, and the phone's digits after the leading 0, which
# every spelling contains (0911111111, +84911111111, 84911111111).
NEEDLES = (NAME, PHONE[1:], "0911 111 111")


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


def _telegram_contact(update_id: int, user_id: int) -> dict[str, Any]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Em", "last_name": "Hoàng Văn"}
    return {"update_id": update_id, "message": {
        "message_id": 7, "date": 0, "chat": {"id": user_id, "type": "private"}, "from": sender,
        "contact": {"phone_number": "+84911111111", "first_name": "Em", "last_name": "Hoàng Văn",
                    "user_id": user_id}}}


def _colleague_message(update_id: int, user_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 8, "date": 0, "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Bình"},
        "text": f"/tim anh {NAME} (0911 111 111) chưa nộp báo cáo"}}


def found_anywhere(world: World) -> list[str]:
    """Every (table.column = value) holding a needle, JSON values in both their escaped and
    their plain spelling."""
    hits = []
    with world.services.session_factory() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, (int, float, bool)) or hasattr(value, "isoformat"):
                        continue
                    texts = ({value} if isinstance(value, str)
                             else {json.dumps(value, ensure_ascii=False), json.dumps(value)})
                    if any(n in t or json.dumps(n)[1:-1] in t for n in NEEDLES for t in texts):
                        hits.append(f"{table.name}.{column} = {str(value)[:120]}")
    return hits


async def test_erased_officer_is_nowhere_in_the_database(world: World, clock) -> None:
    sup = await register_supervisor(world)
    em = world.user(5, "Em")
    await world.contact(em, PHONE)
    await world.text(em, "Điện Biên")
    out = await world.send(em, text="tuan giao")
    await world.send(em, button=out[0].reply.buttons[0][0].data)
    await world.text(em, NAME)
    await world.send(em, button="reg:pos:0")
    notice = world.notices(sup)[-1]
    assert NAME in notice["text"]
    await world.send(sup, button=notice["buttons"][0][0]["data"])  # approve: notices name Em again
    await world.send(sup, command="canbo", args="tuan giao")  # the supervisor's list shows Em
    with world.services.session_factory() as s:
        assert s.scalar(select(Officer.full_name).where(Officer.phone == PHONE)) == NAME
    record(world.services.session_factory, "telegram",
           [Received("901", "5", _telegram_contact(901, 5)), Received("902", "2", _colleague_message(902, 2))],
           clock.now())
    assert found_anywhere(world)  # the probe sees the copies before the erasure

    with transaction(world.services.session_factory) as s:
        assert remove_officer(s, find_officer(s, PHONE), now=clock.now(), reason="nghỉ việc")
    clock.jump(timedelta(days=31))
    with transaction(world.services.session_factory) as s:
        assert len(erase_due(s, now=clock.now(), after_days=30).officers) == 1
    assert found_anywhere(world) == []
    with world.services.session_factory() as s:  # the colleague's update keeps its other words
        payloads = [p for p in s.scalars(select(Base.metadata.tables["inbox"].c.payload)) if p]
    assert payloads and "chưa nộp báo cáo" in payloads[0]["message"]["text"]
