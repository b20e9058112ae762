"""The registration dialog (handlers/people/register.py) through the core: steps, buttons, /huy, old state."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Optional

import pytest
from sqlalchemy import select

from bot.channels.console.chat import chat
from core import messages
from core.types import UserRef
from handlers.people.register import NOT_OFFERED, OUTDATED, STOPPED
from store.db import transaction
from store.models import DialogState, Officer, RegistrationRequest, User
from tests.handlers.people.regworld import World, register_supervisor


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def test_unlisted_user_goes_through_supervisor_approval(world: World) -> None:
    sup = await register_supervisor(world)
    other_sup = await register_supervisor(world, 3, "0933111222")  # Lai Châu
    em = world.user(5, "Em")
    await world.send(em, command="start")
    out = await world.contact(em, "0911 111 111")
    assert "chưa có trong danh sách" in out[0].reply.text
    assert "Điện Biên: anh/chị công tác ở xã/phường nào" in await world.text(em, "dien bien")
    out = await world.send(em, text="tuan giao")
    buttons = [b for row in out[0].reply.buttons for b in row]
    assert buttons[0].text == "Xã Tuần Giáo" and buttons[-1].data == "reg:com:0"
    # a commune that was not offered is refused and audited
    out = await world.send(em, button="reg:com:4")
    assert "không có trong danh sách" in out[0].reply.text
    assert world.audits("button.forged")
    out = await world.send(em, button=buttons[0].data)
    assert "Họ và tên" in out[0].reply.text
    assert "đầy đủ họ và tên" in await world.text(em, "Em")
    out = await world.send(em, text="Hoàng Văn Em")
    assert out[0].reply.buttons
    out = await world.send(em, text="Phó Chủ tịch UBND")
    assert "Đã gửi yêu cầu" in out[0].reply.text
    # the Điện Biên supervisor gets Approve / Reject; the Lai Châu one gets nothing
    notice = world.notices(sup)[-1]
    assert "Hoàng Văn Em" in notice["text"] and "0911111111" in notice["text"]
    approve = notice["buttons"][0][0]["data"]
    assert world.notices(other_sup) == []
    # a supervisor of another province pressing (forging) the button is refused and audited
    out = await world.send(other_sup, button=approve)
    assert "không có quyền" in out[0].reply.text
    assert [a.outcome for a in world.audits("officer.approve")] == ["refused"]
    # an unregistered user too
    out = await world.send(world.user(77), button=approve)
    assert "dành cho cán bộ đã đăng ký" in out[0].reply.text
    out = await world.send(sup, button=approve)
    assert "Đã duyệt" in out[0].reply.text
    out = await world.send(sup, button=approve)
    assert out[0].reply.text == "Yêu cầu này đã được xử lý."
    assert "Đăng ký thành công" in world.notices(em)[-1]["text"]
    out = await world.send(em, command="toi")
    assert "Hoàng Văn Em" in out[0].reply.text and "Phó Chủ tịch UBND" in out[0].reply.text
    with world.services.session_factory() as s:
        officer = s.scalar(select(Officer).where(Officer.phone == "0911111111"))
        assert officer.commune_code == 3253 and officer.telegram_id == "5"
    assert world.audits("registration.approve")[0].outcome == "done"


async def test_dialog_can_be_cancelled_and_stale_buttons_refused(world: World) -> None:
    em = world.user(5)
    await world.contact(em, "0911111111")
    out = await world.send(em, command="huy")
    assert "Đã dừng" in out[0].reply.text
    out = await world.send(em, button="reg:prov:11")
    assert "đã cũ" in out[0].reply.text
    out = await world.send(em, button="reg:ok:abc")
    assert "đã cũ" in out[0].reply.text
    assert world.audits("button.stale") and world.audits("button.forged")


async def test_province_choice_by_buttons_when_unclear(world: World) -> None:
    em = world.user(5)
    await world.contact(em, "0911111111")
    out = await world.send(em, text="Lai")
    data = [b.data for row in out[0].reply.buttons for b in row]
    assert "reg:prov:12" in data
    assert "Lai Châu" in "\n".join(q.reply.text for q in await world.send(em, button="reg:prov:12"))


def _state(world: World, who: UserRef) -> Optional[DialogState]:
    with world.services.session_factory() as s:
        return s.scalar(select(DialogState).join(User, User.id == DialogState.user_id)
                        .where(User.external_id == who.external_id))


def _once(world: World, action: str, target: str) -> bool:
    return [a.target for a in world.audits(action) if a.target == target] == [target]


async def _to_step(world: World, em: UserRef, step: str) -> list[str]:
    """Walk a new user's registration to ``step``; the button data offered on the way."""
    offered: list[str] = []
    await world.contact(em, "0911111111")
    if step == "province":
        return offered
    out = await world.send(em, text="Lai")  # more than one province: buttons
    offered += [b.data for row in out[0].reply.buttons for b in row]
    await world.send(em, button="reg:prov:12")  # Lai Châu
    if step == "commune":
        return offered
    out = await world.send(em, text="ta tong")
    offered += [b.data for row in out[0].reply.buttons for b in row]
    await world.send(em, button=offered[-2])  # the last commune offered
    if step == "name":
        return offered
    out = await world.send(em, text="Hoàng Văn Em")
    return offered + [b.data for row in out[0].reply.buttons for b in row]


@pytest.mark.parametrize("step", ["province", "commune", "name", "position"])
async def test_huy_mid_registration_ends_it_and_its_buttons_go_stale(world: World, step: str) -> None:
    em = world.user(5)
    offered = await _to_step(world, em, step)
    assert _state(world, em).data["step"] == step
    out = await world.send(em, command="huy")
    assert out[0].reply.text == STOPPED and out[0].reply.remove_keyboard
    assert _state(world, em) is None
    for data in offered[-1:]:
        out = await world.send(em, button=data)
        assert out[0].reply.text == messages.STALE_BUTTON and _once(world, "button.stale", data)
    assert "Không tìm thấy" not in await world.text(em, "Lai Châu")  # plain text again, not an answer
    with world.services.session_factory() as s:
        assert s.scalar(select(RegistrationRequest)) is None
    out = await world.send(em, command="huy")
    assert out[0].reply.text == messages.NOTHING_TO_CANCEL


async def test_forged_and_stale_registration_buttons_are_refused_and_audited_once(world: World) -> None:
    em = world.user(5)
    await _to_step(world, em, "commune")
    out = await world.send(em, text="ta tong")  # Xã Tà Tổng and its neighbours offered
    first = out[0].reply.buttons[0][0].data
    cases = [("reg:com:3253", NOT_OFFERED, "button.forged"),  # a commune of another province, not offered
             ("reg:pos:1", messages.STALE_BUTTON, "button.stale"),  # a button of another step
             ("reg:prov:12", messages.STALE_BUTTON, "button.stale"),  # a step already passed
             ("reg:com:١٢", messages.STALE_BUTTON, "button.forged"),  # not ASCII digits
             ("reg:com:-3", messages.STALE_BUTTON, "button.forged"),
             ("reg:zz:1", messages.STALE_BUTTON, "button.forged")]  # no such button
    for data, text, action in cases:
        before = len(world.audits())
        out = await world.send(em, button=data)
        assert out[0].reply.text == text, data
        assert len(world.audits()) == before + 1 and _once(world, action, data), data
    assert _state(world, em).data["step"] == "commune"  # refused presses change nothing
    await world.send(em, button=first)
    await world.text(em, "Hoàng Văn Em")
    out = await world.send(em, button="reg:pos:9")  # past the end of the positions
    assert out[0].reply.text == messages.STALE_BUTTON and _once(world, "button.forged", "reg:pos:9")
    out = await world.send(em, button="reg:pos:2")
    assert "Đã gửi yêu cầu" in out[0].reply.text


async def test_old_dialog_state_and_buttons_are_still_understood(world: World) -> None:
    """State stored before it was typed ("claimed" for the other person's number) resumes;
    state that no longer fits ends with a polite word, not an error."""
    sup = await register_supervisor(world)
    mallory = world.user(6)
    await world.send(mallory, command="start")
    with transaction(world.services.session_factory) as s:
        uid = s.scalar(select(User.id).where(User.external_id == mallory.external_id))
        s.add(DialogState(user_id=uid, name="reg", updated_at=world.services.clock.now(), data={
            "step": "name", "kind": "register", "phone": None, "claimed": "0912345678", "province": 11,
            "candidates": [3253], "commune": 3253}))
    out = await world.send(mallory, text="Nguyễn Thị Lan")
    assert [b.data for row in out[0].reply.buttons for b in row] == ["reg:pos:0", "reg:pos:1", "reg:pos:2"]
    out = await world.send(mallory, button="reg:pos:0")
    assert "Đã gửi yêu cầu đăng ký cán bộ Xã Tuần Giáo" in out[0].reply.text
    assert "0912***678" in world.notices(sup)[-1]["text"]
    with world.services.session_factory() as s:
        assert s.scalar(select(RegistrationRequest.detail)) == {"claimed_phone": "0912345678"}
    with transaction(world.services.session_factory) as s:
        s.add(DialogState(user_id=uid, name="reg", updated_at=world.services.clock.now(),
                          data={"step": "email", "kind": "register"}))
    assert await world.text(mallory, "abc@example.com") == OUTDATED
    assert _state(world, mallory) is None


async def test_registration_dialog_end_to_end_on_the_console(world: World) -> None:
    """The console (no buttons: numbered choices) through bot.channels.console.chat.chat: contact,
    province, a commune by number, name, a position by number; the supervisor is asked."""
    sup = await register_supervisor(world)
    stdin = io.StringIO("/sdt 0911 111 111\ndien bien\ntuan giao\n1\nHoàng Văn Em\n2\n/toi\n")
    stdout = io.StringIO()
    await chat(world.core, stdin, stdout, echo=True)
    out = stdout.getvalue()
    assert "chưa có trong danh sách" in out and "Điện Biên: anh/chị công tác ở xã/phường nào" in out
    assert "1. Xã Tuần Giáo" in out and "Đã chọn Xã Tuần Giáo. Họ và tên" in out
    assert "2. Phụ trách thi đua - khen thưởng" in out
    assert "Đã gửi yêu cầu đăng ký cán bộ Xã Tuần Giáo, Điện Biên" in out
    assert "Yêu cầu đăng ký của anh/chị đang chờ duyệt." in out  # /toi
    assert "Traceback" not in out and messages.ERROR not in out
    with world.services.session_factory() as s:
        req = s.scalar(select(RegistrationRequest))
        assert (req.full_name, req.position, req.commune_code, req.phone) == (
            "Hoàng Văn Em", "Phụ trách thi đua - khen thưởng", 3253, "0911111111")
    assert "Hoàng Văn Em" in world.notices(sup)[-1]["text"]
