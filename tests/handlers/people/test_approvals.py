"""Registration requests decided by the province's supervisors (handlers/people/approvals.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import messages
from core.types import UserRef
from handlers.people.approvals import DECIDED
from store.models import RegistrationRequest
from tests.handlers.people.regworld import World, register_supervisor


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


async def _pending_request(world: World) -> tuple[UserRef, str]:
    """A new user's request to Điện Biên's supervisor; the Approve button's data."""
    sup = await register_supervisor(world)
    em = world.user(5)
    await world.contact(em, "0911111111")
    await world.text(em, "Điện Biên")
    out = await world.send(em, text="tuan giao")
    await world.send(em, button=out[0].reply.buttons[0][0].data)
    await world.text(em, "Hoàng Văn Em")
    await world.send(em, button="reg:pos:0")
    return sup, world.notices(sup)[-1]["buttons"][0][0]["data"]


async def test_forged_and_stale_decisions_are_refused_and_audited_once(world: World) -> None:
    sup, approve = await _pending_request(world)
    request_id = int(approve.rsplit(":", 1)[1])
    cases = [(f"reg:ok:{request_id + 50}", "button.stale"),  # no such request (any more)
             ("reg:no:١٢", "button.forged"), ("reg:ok:-1", "button.forged"), ("reg:ok:1:2", "button.forged")]
    for data, action in cases:
        before = len(world.audits())
        out = await world.send(sup, button=data)
        assert out[0].reply.text == messages.STALE_BUTTON, data
        new = world.audits()[before:]
        assert [(a.action, a.target) for a in new] == [(action, data)], data
    with world.services.session_factory() as s:
        assert s.scalar(select(RegistrationRequest.state)) == "pending"


async def test_a_decision_is_taken_once_and_outsiders_are_refused_once(world: World) -> None:
    sup, approve = await _pending_request(world)
    reject = approve.replace(":ok:", ":no:")
    lan = world.user(1)
    await world.contact(lan, "0912345678")  # a commune officer: may not approve
    before = len(world.audits())
    out = await world.send(lan, button=approve)
    assert out[0].reply.text == messages.NOT_ALLOWED
    assert [(a.action, a.outcome) for a in world.audits()[before:]] == [("officer.approve", "refused")]
    out = await world.send(sup, button=reject)
    assert "Đã từ chối" in out[0].reply.text
    out = await world.send(sup, button=approve)
    assert out[0].reply.text == DECIDED
    with world.services.session_factory() as s:
        assert s.scalar(select(RegistrationRequest.state)) == "rejected"
    assert len(world.audits("registration.reject")) == 1 and not world.audits("registration.approve")
