"""Zalo: a typed number approves exactly the registrant its line names (issue 19).

A supervisor on Zalo sees several registration requests at once (notices in a row, /canbo's
list): one numbering across all of them, each approval naming whom it approves; a number
whose message never reached the phone, or that an answer since has superseded, is refused
with the menu as it stands now."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.choices import numbered_text
from core.types import Reply
from store.db import transaction
from store.models import Officer, OfficerProvince, OutboxMessage, RegistrationRequest, User
from store.people.units import resolve_province
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.test_zalo import number_of
from tests.e2e.zalo_harness import ZChat, running_zalo

SUP = FakeZaloUser("7000000000000000011", "Trần Văn Bình")
EM = FakeZaloUser("7000000000000000012", "Em")
GAM = FakeZaloUser("7000000000000000013", "Gấm")
HAI = FakeZaloUser("7000000000000000014", "Hải")


def _supervisor(services) -> None:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        officer = Officer(full_name="Trần Văn Bình", role="supervisor", active=True, created_at=now,
                          provinces=[OfficerProvince(province_code=resolve_province(s, "Điện Biên"))])
        s.add(officer)
        s.flush()
        s.add(User(channel="zalo", external_id=SUP.id, chat_id=SUP.id, officer_id=officer.id,
                   created_at=now, last_seen_at=now))


async def _request(api: FakeZaloAPI, user: FakeZaloUser, name: str) -> None:
    """/dangky on Zalo: province, commune, name, position, all typed."""
    chat = ZChat(api, user)
    assert "tỉnh/thành phố" in await chat.text("/dangky")
    assert "xã/phường nào" in await chat.text("Điện Biên")
    said = await chat.text("Tuần Giáo")
    assert "Họ và tên" in await chat.text(number_of(said, "Xã Tuần Giáo"))
    said = await chat.text(name)
    assert "Đã gửi yêu cầu" in await chat.text(number_of(said, "Văn phòng - Thống kê"))


def _states(services) -> dict[str, str]:
    with services.session_factory() as s:
        return dict(s.execute(select(RegistrationRequest.full_name, RegistrationRequest.state)).all())


async def test_typed_number_approves_the_registrant_it_names(tmp_path: Path) -> None:
    async with running_zalo(tmp_path, load_samples=False) as (api, services, _core):
        _supervisor(services)
        sup = ZChat(api, SUP)
        await _request(api, EM, "Hoàng Văn Em")
        await _request(api, GAM, "Lò Thị Gấm")
        notices = await api.wait_for(SUP.id, count=2, timeout=30)
        # Two notices in a row: one numbering, every approval names its registrant.
        assert "1. Duyệt Hoàng Văn Em" in notices[0].text and "2. Từ chối Hoàng Văn Em" in notices[0].text
        assert "3. Duyệt Lò Thị Gấm" in notices[1].text and "4. Từ chối Lò Thị Gấm" in notices[1].text
        # /canbo lists both requests, each with its own numbers.
        said = await sup.text("/canbo", replies=3)
        em, gam = number_of(said, "Duyệt Hoàng Văn Em"), number_of(said, "Duyệt Lò Thị Gấm")
        assert em != gam and said.count(f"\n{em}. ") == 1
        said = await sup.text(em)  # typed under Em's request
        assert "Đã duyệt yêu cầu của Hoàng Văn Em" in said
        assert _states(services) == {"Hoàng Văn Em": "approved", "Lò Thị Gấm": "pending"}
        # The answer had no choices: Gấm's old number is superseded, refused (no menu is showing).
        said = await sup.text(gam)
        assert "đã cũ" in said and "Duyệt" not in said
        assert _states(services)["Lò Thị Gấm"] == "pending"

        # A notice that never reached the phone: its number is refused, the fresh menu shows it.
        api.fail_chat[SUP.id].append((400, "Bad Request: forced"))
        await _request(api, HAI, "Quàng Văn Hải")
        await api.wait_until(lambda: any(c.chat_id == SUP.id and c.status == 400 for c in api.calls), timeout=30)
        hai = _number_in_outbox(services, "Duyệt Quàng Văn Hải")
        said = await sup.text(hai, replies=2)
        assert "chưa đến được" in said and f"{hai}. Duyệt Quàng Văn Hải" in said
        assert _states(services)["Quàng Văn Hải"] == "pending"
        said = await sup.text(hai)  # now it was shown: the number works
        assert "Đã duyệt yêu cầu của Quàng Văn Hải" in said
        assert _states(services) == {"Hoàng Văn Em": "approved", "Lò Thị Gấm": "pending",
                                     "Quàng Văn Hải": "approved"}


def _number_in_outbox(services, label: str) -> str:
    """The number the failed notice would have shown in front of ``label``."""
    with services.session_factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == SUP.id, OutboxMessage.state == "failed"))
        text = "\n".join(numbered_text(Reply.from_payload(r.payload)) for r in rows)
    return number_of(text, label)
