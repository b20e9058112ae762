"""Invite codes (handlers/people/invites.py): /moi, its commune buttons, using a code, expiry."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import messages
from handlers.people.register import STOPPED
from store.models import InviteCode
from tests.handlers.people.regworld import World, register_supervisor


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def test_invite_code_registers_for_the_supervisors_commune(world: World) -> None:
    sup = await register_supervisor(world)
    out = await world.send(sup, command="moi", args="tuan giao")
    assert out[0].reply.buttons[0][0].data == "inv:3253"
    # a commune in another province (forged data) is refused and audited
    out = await world.send(sup, button="inv:3463")  # Xã Tà Tổng, Lai Châu
    assert "không có quyền" in out[0].reply.text
    out = await world.send(sup, button="inv:3253")
    with world.services.session_factory() as s:
        code = s.scalar(select(InviteCode.code))
    assert code in out[0].reply.text
    newbie = world.user(8)
    out = await world.send(newbie, command="start", args=code)
    assert "Xã Tuần Giáo" in out[0].reply.text
    await world.text(newbie, "Vi Thị Hoa")
    out = await world.send(newbie, button="reg:pos:1")
    assert "Đăng ký thành công" in out[0].reply.text
    assert "Vi Thị Hoa" in world.notices(sup)[-1]["text"]
    out = await world.send(world.user(10), command="start", args="WRONGCODE")
    assert "Mã mời không hợp lệ" in out[0].reply.text
    assert [a.outcome for a in world.audits("invite.use")] == ["done", "refused"]


async def test_stranger_gets_no_supervisor_command(world: World) -> None:
    stranger = world.user(99)
    out = await world.send(stranger, command="help")
    assert "/canbo" not in out[0].reply.text and "/moi" not in out[0].reply.text
    for command in ("canbo", "moi"):
        out = await world.send(stranger, command=command)
        assert "dành cho cán bộ đã đăng ký" in out[0].reply.text
    lan = world.user(1)
    await world.contact(lan, "0912345678")
    out = await world.send(lan, command="canbo")
    assert "không có quyền" in out[0].reply.text
    refusals = [(a.action, a.outcome) for a in world.audits() if a.outcome == "refused"]
    assert ("officer.list", "refused") in refusals and ("invite.create", "refused") in refusals
    assert len(refusals) == 3


async def test_invite_expires_and_runs_out(world: World, clock) -> None:
    from datetime import timedelta

    sup = await register_supervisor(world)
    await world.send(sup, button="inv:3253")
    with world.services.session_factory() as s:
        code = s.scalar(select(InviteCode.code))
    for uid in (20, 21, 22):  # three uses allowed
        await world.send(world.user(uid), command="start", args=code)
        await world.text(world.user(uid), f"Người Số {chr(64 + uid - 19)}")
        out = await world.send(world.user(uid), button="reg:pos:0")
        assert "Đăng ký thành công" in out[0].reply.text
    out = await world.send(world.user(23), command="start", args=code)
    assert "Mã mời không hợp lệ" in out[0].reply.text
    await world.send(sup, button="inv:3253")
    with world.services.session_factory() as s:
        fresh = s.scalars(select(InviteCode.code).order_by(InviteCode.id.desc())).first()
    clock.jump(timedelta(days=8))
    out = await world.send(world.user(24), command="start", args=fresh)
    assert "Mã mời không hợp lệ" in out[0].reply.text


async def test_forged_invite_buttons_are_refused_and_audited_once(world: World) -> None:
    sup = await register_supervisor(world)
    lan = world.user(1)
    await world.contact(lan, "0912345678")
    cases = [(sup, "inv:١٢", ("button.forged", "inv:١٢")),  # not ASCII digits
             (sup, "inv:3253:1", ("button.forged", "inv:3253:1")),
             (sup, "inv:99999", ("invite.create", "inv:99999")),  # no such commune
             (sup, "inv:3463", ("invite.create", "commune:3463")),  # another province's commune
             (lan, "inv:3253", ("invite.create", "inv:3253"))]  # a commune officer may not invite
    for who, data, audit in cases:
        before = len(world.audits())
        out = await world.send(who, button=data)
        assert out[0].reply.text == messages.NOT_ALLOWED, data
        assert [(a.action, a.target, a.outcome) for a in world.audits()[before:]] == [(*audit, "refused")], data
    with world.services.session_factory() as s:
        assert s.scalar(select(InviteCode)) is None


async def test_huy_in_an_invite_registration_keeps_the_code_unused(world: World) -> None:
    sup = await register_supervisor(world)
    await world.send(sup, button="inv:3253")
    with world.services.session_factory() as s:
        code = s.scalar(select(InviteCode.code))
    newbie = world.user(8)
    await world.send(newbie, command="start", args=code)
    await world.text(newbie, "Vi Thị Hoa")
    out = await world.send(newbie, command="huy")
    assert out[0].reply.text == STOPPED
    out = await world.send(newbie, button="reg:pos:1")  # the position buttons are stale now
    assert out[0].reply.text == messages.STALE_BUTTON
    with world.services.session_factory() as s:
        assert s.scalar(select(InviteCode.uses)) == 0
    out = await world.send(newbie, command="start", args=code)  # and the code still works
    assert "Xã Tuần Giáo" in out[0].reply.text
