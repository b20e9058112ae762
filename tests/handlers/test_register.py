"""Registration through the core: contact sharing, the request dialog, approvals, invites, blocking."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from store.models import InviteCode, Officer, RegistrationRequest
from tests.handlers.regworld import World


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def _register_supervisor(world: World, uid: int = 2, phone: str = "0987654321"):
    sup = world.user(uid, "Bình")
    await world.send(sup, command="start")
    out = await world.contact(sup, phone)
    assert "Đăng ký thành công" in out[0].reply.text
    return sup


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
    from store.officers import grant_role

    with transaction(world.services.session_factory) as s:
        grant_role(s, role="officer", telegram_id="4242", commune_code=3253, full_name="Hà Thị Mai",
                   now=world.services.clock.now())
    out = await world.send(world.user(4242), command="start")
    assert "Đăng ký thành công" in out[0].reply.text and "Hà Thị Mai" in out[0].reply.text


async def test_unlisted_user_goes_through_supervisor_approval(world: World) -> None:
    sup = await _register_supervisor(world)
    other_sup = await _register_supervisor(world, 3, "0933111222")  # Lai Châu
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


async def test_someone_elses_contact_needs_approval_and_rejection_is_told(world: World) -> None:
    sup = await _register_supervisor(world)
    mallory = world.user(6)
    out = await world.contact(mallory, "0912345678", own=False)  # Lan's number, not Mallory's
    assert "không phải số điện thoại của chính tài khoản này" in out[0].reply.text
    assert world.db_user(mallory).officer_id is None
    assert world.audits("registration.contact")[-1].outcome == "foreign_contact"
    await world.text(mallory, "Điện Biên")
    out = await world.send(mallory, text="Tuần Giáo")
    await world.send(mallory, button=out[0].reply.buttons[0][0].data)
    await world.text(mallory, "Nguyễn Thị Lan")
    await world.send(mallory, button="reg:pos:0")
    notice = world.notices(sup)[-1]
    assert "của người khác" in notice["text"] and "0912***678" in notice["text"]
    out = await world.send(sup, button=notice["buttons"][0][1]["data"])
    assert "Đã từ chối" in out[0].reply.text
    assert "chưa được chấp nhận" in world.notices(mallory)[-1]["text"]
    with world.services.session_factory() as s:
        assert s.scalar(select(RegistrationRequest.state)) == "rejected"


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


async def test_invite_code_registers_for_the_supervisors_commune(world: World) -> None:
    sup = await _register_supervisor(world)
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


async def test_blocking_marks_user_unreachable_and_return_restores(world: World) -> None:
    lan = world.user(1)
    await world.contact(lan, "0912345678")
    assert await world.send(lan, membership="blocked") == []
    assert world.db_user(lan).reachable is False
    await world.send(lan, membership="unblocked")
    assert world.db_user(lan).reachable is True
    assert [a.action for a in world.audits() if a.action.startswith("user.")] == ["user.blocked", "user.unblocked"]


async def test_invite_expires_and_runs_out(world: World, clock) -> None:
    from datetime import timedelta

    sup = await _register_supervisor(world)
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
