"""Zalo end to end through the fake Zalo Bot API, polling: the real client, channel, core and outbox."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from core import messages
from store.db import transaction
from store.models import InviteCode, Officer, OfficerProvince, OutboxMessage, User
from store.people.units import resolve_province
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.zalo_harness import ZUSER, ZaloBotProcess, ZChat, running_zalo


def number_of(text: str, label: str) -> str:
    """The number the bot put in front of a choice whose label starts with ``label``."""
    m = re.search(rf"^(\d+)\. (?:\d+\. )?{re.escape(label)}", text, re.M)
    assert m, f"no choice {label!r} in:\n{text}"
    return m.group(1)


async def test_question_with_citation_and_documents_by_numbers(tmp_path: Path) -> None:
    async with running_zalo(tmp_path) as (api, services, core):
        hoa = ZChat(api, ZUSER)
        said = await hoa.text("/start")
        assert "gõ mã mời" in said and "Chia sẻ số điện thoại" not in said
        said = await hoa.text("Chỉ thị 02/CT-UBND ban hành ngày nào?")
        assert "30" in said and "Nguồn: Chỉ thị 02/CT-UBND" in said and "1. Xem văn bản" in said
        said = await hoa.text("/vanban")
        assert "Trả lời 1, 2, 3, 4 hoặc 5." in said and "1. 1. " not in said
        said = await hoa.text(number_of(said, "Chỉ thị 02/CT-UBND ngày 30/1/2020"))
        assert "Chỉ thị 02/CT-UBND" in said
        assert "Các phần (trang 1/2)" in said
        said = await hoa.text(number_of(said, "Sau ▶"))  # paging by the number
        assert "Các phần (trang 2/2)" in said
        said = await hoa.text("truoc")  # "◀ Trước" by its word, without diacritics
        assert "Các phần (trang 1/2)" in said
        said = await hoa.text("99")
        assert said.startswith("Không có lựa chọn số 99. Anh/chị chọn từ 1 đến")
        said = await hoa.text("/help")
        assert "/lienket" in said and "/dangky" in said
        said = await hoa.text("1")  # /help showed no choices: the old number is stale
        assert "đã cũ" in said
        assert all(len(c.text) <= 2000 for c in api.sent(ZUSER.id))


async def test_group_chats_stickers_and_unsupported(tmp_path: Path) -> None:
    async with running_zalo(tmp_path, api=await FakeZaloAPI(single_object=True).start()) as (api, services, core):
        api.push_group_text(ZUSER, "g-77", "chào bot")
        api.push_group_text(ZUSER, "g-77", "bot ơi")
        await api.wait_for("g-77")
        hoa = ZChat(api, ZUSER)
        assert messages.FILE_OUTSIDE_DIALOG in await hoa.text_after(api.push_sticker)
        assert messages.FILE_OUTSIDE_DIALOG in await hoa.text_after(api.push_unsupported)
        assert [c.text for c in api.sent("g-77")] == [messages.GROUP_ONLY_PRIVATE]  # once, nothing else
        with services.session_factory() as s:
            assert s.scalar(select(User).where(User.chat_id == "g-77")) is None
        await api.stop()


async def test_registration_by_invite_code_typed_on_zalo(tmp_path: Path) -> None:
    sup = FakeZaloUser("7000000000000000001", "Trần Văn Bình")
    async with running_zalo(tmp_path) as (api, services, core):
        now = services.clock.now()
        with transaction(services.session_factory) as s:
            officer = Officer(full_name="Trần Văn Bình", role="supervisor", active=True, created_at=now,
                              provinces=[OfficerProvince(province_code=resolve_province(s, "Điện Biên"))])
            s.add(officer)
            s.flush()
            s.add(User(channel="zalo", external_id=sup.id, chat_id=sup.id, officer_id=officer.id,
                       created_at=now, last_seen_at=now))
        binh = ZChat(api, sup)
        said = await binh.text("/moi tuan giao")
        said = await binh.text(number_of(said, "Xã Tuần Giáo"))
        with services.session_factory() as s:
            code = s.scalar(select(InviteCode.code))
        assert code in said and f"Trên Zalo: cán bộ xã gõ {code}" in said
        hoa = ZChat(api, ZUSER)
        assert "Xã Tuần Giáo" in await hoa.text(code)
        said = await hoa.text("Lò Thị Hoa")
        said = await hoa.text(number_of(said, "Phụ trách thi đua"))
        assert "Đăng ký thành công" in said and "Lò Thị Hoa" in said
        await api.wait_for(sup.id, lambda c: "đã đăng ký cán bộ" in c.text, timeout=60)


async def test_blocked_user_and_rate_limited_reply(tmp_path: Path) -> None:
    """403: the reply is marked blocked and the user unreachable; 429: the reply stays queued
    and the outbox sender delivers it once after the reply grace."""
    async with running_zalo(tmp_path, outbox_reply_grace_seconds=0.5) as (api, services, core):
        api.blocked_chats.add(ZUSER.id)
        api.push_text(ZUSER, "/help")
        await api.wait_until(lambda: any(c.status == 403 for c in api.calls))

        def state() -> str:
            with services.session_factory() as s:
                return s.scalar(select(OutboxMessage.state))

        await api.wait_until(lambda: state() == "blocked")
        with services.session_factory() as s:
            assert s.scalar(select(User.reachable).where(User.external_id == ZUSER.id)) is False
        other = FakeZaloUser("55", "Bình")
        api.fail_next["sendMessage"].append((429, "Too Many Requests"))
        api.push_text(other, "/help")
        calls = await api.wait_for(other.id, timeout=30)
        assert len(calls) == 1 and "/lienket" in calls[0].text
        assert [c.status for c in api.calls_of("sendMessage") if c.chat_id == other.id] == [429, 200]


async def test_bad_zalo_token_stops_python_m_bot_without_printing_it(tmp_path: Path) -> None:
    async with FakeZaloAPI() as api:
        proc = ZaloBotProcess(api, tmp_path, env={"ZALO_BOT_TOKEN": "wrong-SECRET-zalo-token", "LOAD_SAMPLES": "false"})
        run = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot"], cwd=tmp_path, env=proc.env,
                                      capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    output = run.stdout + run.stderr
    assert "LỖI: không chạy được bot: Zalo từ chối ZALO_BOT_TOKEN" in output and "wrong-SECRET-zalo-token" not in output


async def test_python_m_bot_serves_telegram_and_zalo_in_one_process(tmp_path: Path) -> None:
    lan = FakeUser(id=424242, first_name="Lan")
    async with FakeZaloAPI() as api, FakeBotAPI() as telegram:
        proc = ZaloBotProcess(api, tmp_path, telegram=telegram, env={"LOAD_SAMPLES": "false"})
        await proc.start()
        try:
            telegram.push_command(lan, "help")
            api.push_text(ZUSER, "/help")
            tg = await telegram.wait_for(lan.id, timeout=30)
            zl = await api.wait_for(ZUSER.id, timeout=30)
            assert "/lienket" in tg[0].text and "/lienket" in zl[0].text
            assert telegram.calls_of("setMyCommands")  # the Telegram side started fully
        finally:
            assert await proc.stop() == 0
    assert "Traceback" not in proc.log()
