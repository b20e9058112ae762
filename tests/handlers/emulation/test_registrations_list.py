"""/dsdangky, /giaouoc and the registrations XLSX through BotCore on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.types import FileRef
from handlers.emulation.words import screens
from store.db import transaction
from store.models import BlocPledge, OutboxMessage
from tests.handlers.emulation.registration_setup import REG_DUE, REG_START, open_registration
from tests.handlers.emulation.test_registration import _fetch, register
from tests.handlers.emulation.world import LEADER, MEMBER, OTHER_BLOC, SUPERVISOR, THIRD, EmuWorld, build
from tests.handlers.report_setup import Chat, add_officer


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(REG_START)
    w = build(database_url, tmp_path / "data", clock, fetch_file=_fetch)
    open_registration(w.core)
    return w


def labels(chat: Chat) -> list[str]:
    return [b.text for r in chat.last for row in r.buttons for b in row]


async def test_leader_sees_own_bloc_province_sees_all_and_exports(world: EmuWorld) -> None:
    await register(Chat(world.core, MEMBER), ("Tập thể lao động tiên tiến",), "Thu ngân sách: =1+1 triệu",
                   FileRef("k2", "photo"))
    await register(Chat(world.core, THIRD), ("Cờ thi đua của UBND tỉnh",), "Thu ngân sách: 1.250 triệu",
                   FileRef("k3", "photo"))
    with world.core.services.session_factory() as s:  # the leading commune heard of both
        notices = list(s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("reg-sent:%"))))
        assert len(notices) == 2 and all("đã gửi đăng ký thi đua năm 2026 (bản 1)" in n.payload["text"]
                                         for n in notices)
    leader = Chat(world.core, LEADER)
    await leader.cmd("dsdangky")
    assert "chưa đăng ký thi đua năm 2026" in leader.said
    assert labels(leader) == ["Đăng ký của Khối thi đua số 1"]
    await leader.press("Đăng ký của Khối thi đua số 1")
    said = leader.said
    assert "(2/4 xã)" in said and "✓ Xã" in said and "Tập thể lao động tiên tiến" in said
    assert "✗" in said and "Giao ước thi đua: chưa có" in said
    other = Chat(world.core, OTHER_BLOC)  # leads bloc 2: no button for bloc 1, a forged one refused
    await other.cmd("dsdangky")
    assert labels(other) == ["Đăng ký của Khối thi đua số 2"]
    await other.send(button=f"dk:l:1:{world.bloc_id}")
    assert "✓" not in other.said and "không có quyền" in other.said
    sup = Chat(world.core, SUPERVISOR)
    await sup.cmd("dsdangky")
    assert "Khối thi đua số 1: 2/4 xã đã đăng ký" in sup.said and "Khối thi đua số 2: 0/2" in sup.said
    await sup.press("Tải Excel đăng ký năm 2026")
    doc = next(r.document for r in sup.last if r.document is not None)
    book = openpyxl.load_workbook(doc.path)
    rows = list(book["Đăng ký thi đua"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Khối", "Mã xã", "Xã, phường", "Tình trạng")
    assert sum(1 for r in rows if r[3] == "Đã đăng ký") == 2 and sum(1 for r in rows if r[3] == "Chưa đăng ký") == 4
    targets = [r[7] for r in rows if r[7]]
    assert "Thu ngân sách: =1+1 triệu" not in targets  # "=1+1" is no number: the line was refused
    cell = book["Đăng ký thi đua"]["B2"]
    assert cell.data_type == "s"  # the commune code is text


async def test_pledge_once_per_year_versions_kept(world: EmuWorld) -> None:
    member = Chat(world.core, MEMBER)
    await member.cmd("giaouoc")
    assert "dành cho cán bộ của xã trưởng khối" in member.said
    leader = Chat(world.core, LEADER)
    await leader.cmd("giaouoc")
    assert "giao ước thi đua đã ký của Khối thi đua số 1" in leader.said
    await leader.text("đây là giao ước")
    assert "cần ảnh hoặc tệp PDF" in leader.said
    await leader.send(files=(FileRef("gu-1", "document"),))
    assert "(bản 1)" in leader.said
    await leader.cmd("giaouoc")
    assert "bản 1" in leader.said
    await leader.send(files=(FileRef("gu-1", "document"),))
    assert "không có gì thay đổi" in leader.said
    await leader.cmd("giaouoc")
    await leader.send(files=(FileRef("gu-2", "photo"),))
    assert "(bản 2)" in leader.said
    with world.core.services.session_factory() as s:
        assert [p.version for p in s.scalars(select(BlocPledge).order_by(BlocPledge.version))] == [1, 2]
    world.core.services.clock.set(REG_DUE + timedelta(days=1))
    await leader.cmd("dsdangky")
    await leader.press("Đăng ký của Khối thi đua số 1")
    assert "Giao ước thi đua: bản 2" in leader.said and "quá hạn" in leader.said


def test_long_lists_are_cut_into_phone_screens() -> None:
    lines = [f"✓ Xã số {n} (bản 1, 08:00 10/01/2026): Tập thể lao động tiên tiến, Cờ thi đua của UBND tỉnh"
             for n in range(30)]
    texts = screens(lines)
    assert len(texts) > 1 and all(len(t) <= 900 for t in texts)
    assert "\n".join(texts).splitlines() == lines


async def test_an_administrator_without_provinces_sees_every_province_with_a_round(world: EmuWorld) -> None:
    with transaction(world.core.services.session_factory) as s:
        add_officer(s, world.core.services.clock.now(), user=77, name="Quản Trị Viên", role="admin")
    admin = Chat(world.core, 77)
    await admin.cmd("dsdangky")
    assert "Đăng ký thi đua năm 2026" in admin.said and "chưa mở" not in admin.said
    assert "Tải Excel đăng ký năm 2026" in labels(admin)
