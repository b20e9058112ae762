"""/toi, change of unit through approval, /canbo listing and deactivation by supervisors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from store.models import Officer
from tests.handlers.people.regworld import World


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def _active(world: World, uid: int, phone: str):
    who = world.user(uid)
    out = await world.contact(who, phone)
    assert "Đăng ký thành công" in out[0].reply.text
    return who


def _officer_id(world: World, phone: str) -> int:
    with world.services.session_factory() as s:
        return s.scalar(select(Officer.id).where(Officer.phone == phone))


async def test_toi_for_strangers_and_officers(world: World) -> None:
    out = await world.send(world.user(50), command="toi")
    assert "/start" in out[0].reply.text
    lan = await _active(world, 1, "0912345678")
    out = await world.send(lan, command="toi")
    assert "Nguyễn Thị Lan" in out[0].reply.text and "0912345678" in out[0].reply.text
    assert out[0].reply.buttons[0][0].data == "me:move"
    sup = await _active(world, 2, "0987654321")
    out = await world.send(sup, command="toi")
    assert "cán bộ phụ trách tỉnh" in out[0].reply.text and "Điện Biên" in out[0].reply.text
    assert out[0].reply.buttons == []


async def test_change_of_unit_goes_through_the_new_provinces_supervisor(world: World) -> None:
    lan = await _active(world, 1, "0912345678")
    sup_db = await _active(world, 2, "0987654321")  # Điện Biên
    sup_lc = await _active(world, 3, "0933111222")  # Lai Châu
    out = await world.send(lan, button="me:move")
    assert "tỉnh/thành phố" in out[0].reply.text
    await world.text(lan, "Lai Châu")
    out = await world.send(lan, text="ta tong")
    out = await world.send(lan, button=out[0].reply.buttons[0][0].data)
    assert "Đã gửi yêu cầu chuyển sang Xã Tà Tổng" in out[0].reply.text
    out = await world.send(lan, command="toi")
    assert "đang chờ duyệt" in out[0].reply.text
    assert world.notices(sup_db) == []
    notice = world.notices(sup_lc)[-1]
    assert "chuyển đơn vị" in notice["text"]
    out = await world.send(sup_db, button=notice["buttons"][0][0]["data"])
    assert "không có quyền" in out[0].reply.text
    out = await world.send(sup_lc, button=notice["buttons"][0][0]["data"])
    assert "Đã duyệt" in out[0].reply.text
    out = await world.send(lan, command="toi")
    assert "Xã Tà Tổng, Lai Châu" in out[0].reply.text
    assert world.audits("officer.unit_change")[0].detail["new"] == 3463


async def test_supervisor_lists_and_deactivates_officers(world: World) -> None:
    lan = await _active(world, 1, "0912345678")
    sup = await _active(world, 2, "0987654321")
    out = await world.send(sup, command="canbo")
    assert "đang hoạt động" in out[0].reply.text
    out = await world.send(sup, command="canbo", args="tuan giao")
    assert "Nguyễn Thị Lan" in out[0].reply.text
    lan_id = _officer_id(world, "0912345678")
    assert out[0].reply.buttons[0][0].data == f"cb:off:{lan_id}"
    out = await world.send(sup, button=f"cb:off:{lan_id}")
    assert "Đã tạm ngừng" in out[0].reply.text
    assert "tạm ngừng" in world.notices(lan)[-1]["text"]
    # a deactivated officer is a stranger again for permissions
    out = await world.send(lan, command="toi")
    assert "tạm ngừng" in out[0].reply.text
    out = await world.send(lan, button="me:move")
    assert "dành cho cán bộ đã đăng ký" in out[0].reply.text
    out = await world.send(sup, button=f"cb:off:{lan_id}")
    assert "đã ở trạng thái này" in out[0].reply.text
    out = await world.send(sup, button=f"cb:on:{lan_id}")
    assert "Đã mở lại" in out[0].reply.text
    assert [a.action for a in world.audits() if a.action.startswith("officer.") and a.outcome == "done"] == \
        ["officer.deactivate", "officer.activate"]


async def test_officer_of_another_province_cannot_be_touched(world: World) -> None:
    await _active(world, 1, "0912345678")
    sup_lc = await _active(world, 3, "0933111222")  # Lai Châu supervisor
    lan_id = _officer_id(world, "0912345678")  # Điện Biên officer
    out = await world.send(sup_lc, button=f"cb:off:{lan_id}")
    assert "không có quyền" in out[0].reply.text
    out = await world.send(sup_lc, button="cb:c:3253")
    assert "không có quyền" in out[0].reply.text
    out = await world.send(sup_lc, button="cb:off:x; drop table")
    assert "không có quyền" in out[0].reply.text
    refused = [a for a in world.audits() if a.outcome == "refused"]
    assert [a.action for a in refused] == ["officer.deactivate", "officer.list", "button.forged"]
    assert refused[0].target == f"officer:{lan_id}"
    with world.services.session_factory() as s:
        assert s.get(Officer, lan_id).active is True


async def test_leaver_button_and_hidden_phones(world: World, clock) -> None:
    """A suspended officer's phone is not listed; "Đã nghỉ" confirms, removes, and the erasure
    comes OFFICER_ERASE_AFTER_DAYS later with the daily retention run."""
    from datetime import timedelta

    from reminders.retention_job import run_retention_if_due

    lan = await _active(world, 1, "0912345678")
    sup = await _active(world, 2, "0987654321")
    lan_id = _officer_id(world, "0912345678")
    await world.send(sup, button=f"cb:off:{lan_id}")
    out = await world.send(sup, command="canbo", args="tuan giao")
    assert "Nguyễn Thị Lan" in out[0].reply.text and "0912345678" not in out[0].reply.text
    assert out[0].reply.buttons[0][1].data == f"cb:rm:{lan_id}"
    out = await world.send(sup, button=f"cb:rm:{lan_id}")
    assert "Xác nhận đã nghỉ" in out[0].reply.buttons[0][0].text
    out = await world.send(sup, button=f"cb:rmy:{lan_id}")
    assert "sẽ xóa sau 30 ngày" in out[0].reply.text
    assert "không còn phụ trách" in world.notices(lan)[-1]["text"]
    out = await world.send(sup, command="canbo", args="tuan giao")
    assert "Nguyễn Thị Lan" not in out[0].reply.text
    out = await world.send(sup, button=f"cb:on:{lan_id}")  # a removed officer is not simply reopened
    assert "Đã mở lại" not in out[0].reply.text
    clock.jump(timedelta(days=31))
    assert run_retention_if_due(world.services).erased_officers == [lan_id]
    assert run_retention_if_due(world.services) is None  # once a day
    with world.services.session_factory() as s:
        officer = s.get(Officer, lan_id)
        assert (officer.full_name, officer.phone, officer.active) == ("Đã xóa", None, False)
    assert world.db_user(lan) is None  # the chat account no longer points at that person
