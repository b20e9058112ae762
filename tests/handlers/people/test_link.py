"""Registration without contact sharing (Zalo) and one officer on two channels (/lienket)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.types import UserRef
from core.broadcasts import resolve_audience
from store.models import InviteCode, LinkCode, Officer, RegistrationRequest, User
from tests.handlers.people.regworld import World


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


def zalo(uid: str, name: str = "Zalo") -> UserRef:
    return UserRef("zalo", uid, uid, name)


async def _supervisor(world: World) -> UserRef:
    sup = world.user(2, "Bình")
    await world.contact(sup, "0987654321")
    return sup


async def test_zalo_start_offers_code_or_request_never_contact(world: World) -> None:
    out = await world.send(zalo("z1"), command="start")
    assert not out[0].reply.request_contact
    assert "gõ mã mời" in out[0].reply.text and "/dangky" in out[0].reply.text


async def test_typed_invite_code_registers_on_zalo(world: World) -> None:
    sup = await _supervisor(world)
    out = await world.send(sup, button="inv:3253")
    assert "Trên Zalo" in out[0].reply.text
    with world.services.session_factory() as s:
        code = s.scalar(select(InviteCode.code))
    hoa = zalo("z2", "Hoa")
    assert "Xã Tuần Giáo" in await world.text(hoa, code)
    await world.text(hoa, "Vi Thị Hoa")
    said = await world.text(hoa, "2")  # position 2 by its number
    assert "Đăng ký thành công" in said
    with world.services.session_factory() as s:
        officer = s.get(Officer, world.db_user(hoa).officer_id)
        assert officer.position == "Phụ trách thi đua - khen thưởng" and officer.phone is None
    # an ordinary word is a question, not a code
    assert "Mã mời" not in await world.text(zalo("z3"), "khenthuong")


async def test_request_on_zalo_goes_to_supervisors(world: World) -> None:
    sup = await _supervisor(world)
    em = zalo("z5", "Em")
    out = await world.send(em, command="dangky")
    assert "tỉnh/thành phố" in out[0].reply.text
    await world.text(em, "Điện Biên")
    said = await world.text(em, "Mường Ảng")
    if "chọn đúng xã" in said:
        said = await world.text(em, "1")
    said = await world.text(em, "Lò Văn Em")
    said = await world.text(em, "1")
    assert "Đã gửi yêu cầu đăng ký" in said
    with world.services.session_factory() as s:
        req = s.scalar(select(RegistrationRequest))
        assert req.phone is None and req.state == "pending"
    assert "Lò Văn Em" in world.notices(sup)[-1]["text"]


async def test_link_telegram_officer_to_zalo(world: World, clock) -> None:
    lan_tg = world.user(1, "Lan")
    await world.contact(lan_tg, "0912345678")
    out = await world.send(lan_tg, command="lienket")
    with world.services.session_factory() as s:
        code = s.scalar(select(LinkCode.code))
    assert code in out[0].reply.text and "Zalo" in out[0].reply.text
    assert "không đúng" in await world.text(zalo("z9"), "LK000000")
    lan_z = zalo("z1", "Lan Zalo")
    said = await world.text(lan_z, code.lower())  # typed in lower case still works
    assert "Đã liên kết" in said and "Nguyễn Thị Lan" in said
    assert "không đúng" in await world.text(zalo("z7"), code)  # one use only
    assert world.db_user(lan_z).officer_id == world.db_user(lan_tg).officer_id
    assert "Đã liên kết tài khoản Zalo" in world.notices(lan_tg)[-1]["text"]
    # one officer, two accounts: the broadcast audience takes the one used last
    clock.jump(timedelta(minutes=5))
    await world.text(lan_z, "Chỉ thị 02 ban hành ngày nào?")
    with world.services.session_factory() as s:
        officer_id = world.db_user(lan_z).officer_id
        targets = [t for t in resolve_audience(s, {"kind": "role", "role": "officer"}) if t.officer_id == officer_id]
        assert [t.channel for t in targets] == ["zalo"]
    clock.jump(timedelta(minutes=5))
    await world.send(lan_tg, command="toi")
    with world.services.session_factory() as s:
        targets = [t for t in resolve_audience(s, {"kind": "role", "role": "officer"}) if t.officer_id == officer_id]
        assert [t.channel for t in targets] == ["telegram"]


async def test_link_code_expires_and_needs_an_officer(world: World, clock) -> None:
    out = await world.send(zalo("z1"), command="lienket")
    assert "Chỉ cán bộ đã đăng ký" in out[0].reply.text
    lan_tg = world.user(1, "Lan")
    await world.contact(lan_tg, "0912345678")
    await world.send(lan_tg, command="lienket")
    with world.services.session_factory() as s:
        code = s.scalar(select(LinkCode.code))
    assert "tài khoản còn lại" in await world.text(lan_tg, code)
    clock.jump(timedelta(minutes=16))
    out = await world.send(zalo("z1"), command="lienket", args=code)
    assert "hết hạn" in out[0].reply.text
    with world.services.session_factory() as s:
        assert s.scalar(select(User.officer_id).where(User.external_id == "z1")) is None
