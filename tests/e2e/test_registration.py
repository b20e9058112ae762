"""Registration end to end: the real Telegram stack against the fake Bot API.

An officer list is imported with the CLI; a listed officer registers by sharing their own
contact; an unlisted user files a request the province supervisor approves; an officer
forging another commune's button data is refused and audited; a stranger gets no
supervisor command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main as cli
from store.models import AuditLog, Officer, User
from tests.e2e.fakebotapi import FakeUser
from tests.e2e.harness import running_bot

LIST_CSV = (
    "ho_ten,so_dien_thoai,xa,tinh,vai_tro\n"
    "Nguyễn Thị Lan,0912 345 678,Tuần Giáo,Điện Biên,cán bộ\n"
    "Trần Văn Bình,+84 98.765.4321,,Điện Biên,giám sát\n"
)
LAN = FakeUser(id=1001, first_name="Lan", last_name="Nguyễn")
BINH = FakeUser(id=1002, first_name="Bình", last_name="Trần")
EM = FakeUser(id=1003, first_name="Em", last_name="Hoàng")
STRANGER = FakeUser(id=1004, first_name="Lạ")
ADMIN = FakeUser(id=1005, first_name="Quản trị")


def _audits(services, action: str) -> list[AuditLog]:
    with services.session_factory() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


async def test_registration_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOAD_SAMPLES", "false")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    path = tmp_path / "can_bo.csv"
    path.write_text(LIST_CSV, encoding="utf-8")
    assert cli(["officers", "import", str(path), "--dry-run"]) == 0
    assert cli(["officers", "import", str(path)]) == 0
    assert cli(["officers", "import", str(path)]) == 0  # twice: nothing changes
    # the first admin, by Telegram id
    assert cli(["admin", "grant", "--telegram-id", str(ADMIN.id), "--role", "admin", "--name", "Quản Trị"]) == 0
    assert cli(["admin", "grant", "--phone", "12", "--role", "admin"]) == 2

    async with running_bot(tmp_path, load_samples=False) as (api, services, _core):
        with services.session_factory() as s:
            assert len(list(s.scalars(select(Officer)))) == 3

        # The admin granted by Telegram id is recognised on /start and sees every command.
        api.push_command(ADMIN, "start")
        admin_hello = (await api.wait_for(ADMIN.id))[0]
        assert "Quản Trị" in admin_hello.text and "/canbo" in admin_hello.text

        # 1. A listed officer shares their own contact: active at once.
        api.push_command(LAN, "start")
        offer = (await api.wait_for(LAN.id))[0]
        keyboard = offer.reply_markup["keyboard"]
        assert keyboard[0][0]["request_contact"] is True
        api.push_contact(LAN, "+84912345678", contact_user_id=LAN.id)
        welcome = (await api.wait_for(LAN.id, count=2))[1]
        assert "Đăng ký thành công" in welcome.text and "Xã Tuần Giáo" in welcome.text

        # The supervisor registers the same way and sees supervisor commands.
        api.push_contact(BINH, "0987654321", contact_user_id=BINH.id)
        sup_welcome = (await api.wait_for(BINH.id))[0]
        assert "/canbo" in sup_welcome.text

        # 2. An unlisted user: province → commune → name → position → supervisor approves.
        api.push_contact(EM, "0911111111", contact_user_id=EM.id)
        await api.wait_for(EM.id, predicate=lambda c: "tỉnh/thành phố" in c.text)
        api.push_message(EM, "dien bien")
        await api.wait_for(EM.id, predicate=lambda c: "xã/phường nào" in c.text)
        api.push_message(EM, "xa tuan giao")
        choice = (await api.wait_for(EM.id, predicate=lambda c: bool(c.inline_buttons)))[0]
        assert choice.inline_buttons[0]["text"] == "Xã Tuần Giáo"
        api.push_callback(EM, choice.inline_buttons[0]["callback_data"])
        await api.wait_for(EM.id, predicate=lambda c: "Họ và tên" in c.text)
        api.push_message(EM, "Hoàng Văn Em")
        await api.wait_for(EM.id, predicate=lambda c: "Chức vụ" in c.text)
        api.push_message(EM, "Văn phòng - Thống kê")
        await api.wait_for(EM.id, predicate=lambda c: "Đã gửi yêu cầu" in c.text)
        ask = (await api.wait_for(BINH.id, predicate=lambda c: "Hoàng Văn Em" in c.text, timeout=20))[0]
        approve = ask.inline_buttons[0]["callback_data"]
        assert approve.startswith("reg:ok:")

        # 5. A stranger pressing the approval button, or typing a supervisor command, is refused.
        api.push_callback(STRANGER, approve)
        await api.wait_for(STRANGER.id, predicate=lambda c: "dành cho cán bộ đã đăng ký" in c.text)
        api.push_command(STRANGER, "help")
        help_ = (await api.wait_for(STRANGER.id, predicate=lambda c: "Các lệnh" in c.text))[0]
        assert "/canbo" not in help_.text and "/moi" not in help_.text
        api.push_command(STRANGER, "canbo")
        await api.wait_for(STRANGER.id, count=3)

        api.push_callback(BINH, approve)
        await api.wait_for(BINH.id, predicate=lambda c: "Đã duyệt" in c.text)
        await api.wait_for(EM.id, predicate=lambda c: "Đăng ký thành công" in c.text, timeout=20)

        # 3. An officer forging another commune's button data is refused and audited.
        api.push_callback(LAN, "cb:c:3463")  # officers of Xã Tà Tổng, Lai Châu
        await api.wait_for(LAN.id, predicate=lambda c: "không có quyền" in c.text)
        api.push_callback(LAN, "reg:ok:1")  # and the approval she was never sent
        await api.wait_for(LAN.id, predicate=lambda c: "không có quyền" in c.text, count=2)

        # A user who blocks the bot is unreachable until they return.
        api.push_my_chat_member(LAN, "kicked")
        await api.wait_until(lambda: _reachable(services, LAN.id) is False)
        api.push_my_chat_member(LAN, "member")
        await api.wait_until(lambda: _reachable(services, LAN.id) is True)

    refused = [(a.action, a.target) for a in _audits(services, "officer.list")]
    assert ("officer.list", "commune:3463") in refused
    approvals = [(a.outcome, a.officer_id is None) for a in _audits(services, "officer.approve")]
    assert approvals == [("refused", True), ("refused", False)]
    assert [a.outcome for a in _audits(services, "registration.approve")] == ["done"]
    assert [a.detail["created"] for a in _audits(services, "officers.import")] == [2, 2, 0]
    assert [a.detail["to"] for a in _audits(services, "role.grant")] == ["admin"]
    with services.session_factory() as s:
        em = s.scalar(select(User).where(User.external_id == str(EM.id)))
        assert em.officer_id is not None


def _reachable(services, uid: int):
    with services.session_factory() as s:
        return s.scalar(select(User.reachable).where(User.external_id == str(uid)))
