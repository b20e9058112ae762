"""Registration requests decided by the province's supervisors (handlers/approvals.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from store.models import RegistrationRequest
from tests.handlers.regworld import World, register_supervisor


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return World(database_url, tmp_path, clock)


async def test_someone_elses_contact_needs_approval_and_rejection_is_told(world: World) -> None:
    sup = await register_supervisor(world)
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
