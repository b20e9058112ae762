"""/start, a shared contact and blocking the bot (handlers/people/start.py), through the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.handlers.people.regworld import World


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def test_start_offers_contact_button_to_strangers(world: World) -> None:
    out = await world.send(world.user(9), command="start")
    assert out[0].reply.request_contact and "Chia sẻ số điện thoại" in out[0].reply.text


async def test_listed_officer_shares_own_contact_and_is_active(world: World) -> None:
    lan = world.user(1)
    out = await world.contact(lan, "+84 912 345 678")
    text = out[0].reply.text
    assert "Nguyễn Thị Lan" in text and "Xã Tuần Giáo" in text and out[0].reply.remove_keyboard
    assert "/baocao" in text or "/toi" in text
    assert world.db_user(lan).officer_id is not None
    out = await world.send(lan, command="toi")
    assert "Xã Tuần Giáo, Điện Biên" in out[0].reply.text


async def test_listed_telegram_id_is_recognised_on_start(world: World, tmp_path: Path) -> None:
    from store.db import transaction
    from store.people.officers import grant_role

    with transaction(world.services.session_factory) as s:
        grant_role(s, role="officer", telegram_id="4242", commune_code=3253, full_name="Hà Thị Mai",
                   now=world.services.clock.now())
    out = await world.send(world.user(4242), command="start")
    assert "Đăng ký thành công" in out[0].reply.text and "Hà Thị Mai" in out[0].reply.text


async def test_blocking_marks_user_unreachable_and_return_restores(world: World) -> None:
    lan = world.user(1)
    await world.contact(lan, "0912345678")
    assert await world.send(lan, membership="blocked") == []
    assert world.db_user(lan).reachable is False
    await world.send(lan, membership="unblocked")
    assert world.db_user(lan).reachable is True
    assert [a.action for a in world.audits() if a.action.startswith("user.")] == ["user.blocked", "user.unblocked"]
