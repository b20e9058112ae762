"""/dangkythidua through BotCore on SQLite and PostgreSQL: pick, type, sign, review, send, amend."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.types import FileRef
from store.models import AuditLog, Registration
from tests.handlers.emulation.registration_setup import REG_DUE, REG_START, open_registration
from tests.handlers.emulation.world import MEMBER, SUPERVISOR, THIRD, EmuWorld, build
from tests.handlers.report_setup import Chat

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


async def _fetch(ref: FileRef) -> bytes:
    if ref.file_id.startswith("html"):
        return b"<html><body>not a scan</body></html>"
    return (PDF if ref.kind == "document" else JPEG) + ref.file_id.encode()


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(REG_START)
    w = build(database_url, tmp_path / "data", clock, fetch_file=_fetch)
    open_registration(w.core)
    return w


def _versions(world: EmuWorld, commune: int) -> list[Registration]:
    with world.core.services.session_factory() as s:
        return list(s.scalars(select(Registration).where(Registration.commune_code == commune)
                              .order_by(Registration.version)))


async def register(chat: Chat, titles: tuple[str, ...], targets: str, file: FileRef) -> None:
    await chat.cmd("dangkythidua")
    for name in titles:
        await chat.press(f"☐ {name}")
    await chat.press("Tiếp »")
    await chat.text(targets)
    await chat.press("Xong chỉ tiêu »")
    await chat.send(files=(file,))
    await chat.press("Gửi đăng ký")


async def test_walk_refusals_send_once(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("dangkythidua")
    assert "Đăng ký thi đua năm 2026 của" in a.said and "Bước 1/3" in a.said
    await a.press("Tiếp »")
    assert "chọn ít nhất một danh hiệu" in a.said
    await a.press("☐ Tập thể lao động xuất sắc")
    await a.press("☐ Cờ thi đua của UBND tỉnh")
    assert "Đã chọn: Tập thể lao động xuất sắc, Cờ thi đua của UBND tỉnh" in a.said
    await a.press("✓ Cờ thi đua của UBND tỉnh")
    assert "Đã chọn: Tập thể lao động xuất sắc." in a.said
    await a.text("thu ngan sach")
    assert "chọn một lựa chọn" in a.said or "bấm" in a.said
    await a.press("Tiếp »")
    assert "Bước 2/3" in a.said
    await a.text("Thu ngân sách cao lắm")
    assert "chưa có con số" in a.said
    await a.text("Thu ngân sách: 1.250 triệu đồng\nTỷ lệ hộ nghèo giảm: 1,5 %")
    assert "1. Thu ngân sách: 1.250 triệu đồng" in a.said and "2. Tỷ lệ hộ nghèo giảm: 1,5 %" in a.said
    await a.press("Xong chỉ tiêu »")
    assert "Bước 3/3" in a.said
    await a.text("xong")  # a control word is never an answer
    assert "lời điều khiển" in a.said
    await a.send(files=(FileRef("html-1", "document"),))
    assert "Chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF" in a.said
    await a.send(files=(FileRef("ky-1", "document"),))
    assert "Đã nhận trang đăng ký đã ký" in a.said and "Trang đã ký: đã nhận" in a.said
    submit = a.find("Gửi đăng ký")
    await a.press("Gửi đăng ký")
    assert "Đã gửi đăng ký thi đua năm 2026" in a.said and "(bản 1)" in a.said
    await a.send(button=submit)  # a second tap
    assert "đã gửi hoặc đã hủy" in a.said
    [reg] = _versions(world, 3002)
    assert reg.titles == ["tt-ldxs"] and reg.mime_type == "application/pdf"
    assert reg.targets == [{"name": "Thu ngân sách", "value": "1250", "unit": "triệu đồng"},
                           {"name": "Tỷ lệ hộ nghèo giảm", "value": "1.5", "unit": "%"}]


async def test_amend_keeps_versions_and_deadline_refuses(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await register(a, ("Tập thể lao động tiên tiến",), "Thu ngân sách: 900 triệu", FileRef("k1", "photo"))
    await a.cmd("dangkythidua")
    assert "bản 1" in a.said and "thành bản 2" in a.said and "Gửi đăng ký" in [b.text for r in a.last for row in r.buttons for b in row]
    await a.press("Sửa danh hiệu")
    await a.press("☐ Cờ thi đua của UBND tỉnh")
    await a.press("Tiếp »")
    assert "sẽ là bản 2" in a.said
    await a.press("Gửi đăng ký")
    assert "(bản 2)" in a.said
    one, two = _versions(world, 3002)
    assert one.titles == ["tt-ldtt"] and two.titles == ["tt-ldtt", "co-tinh"] and one.sha256 == two.sha256
    world.core.services.clock.set(REG_DUE + timedelta(minutes=1))
    await a.cmd("dangkythidua")
    assert "Đã hết hạn đăng ký thi đua năm 2026" in a.said
    assert len(_versions(world, 3002)) == 2
    with world.core.services.session_factory() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "emulation.register",
                                               AuditLog.outcome == "refused")) is not None


async def test_deadline_passing_mid_dialog_refuses_the_send(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("dangkythidua")
    await a.press("☐ Tập thể lao động tiên tiến")
    await a.press("Tiếp »")
    await a.text("Thu ngân sách: 900 triệu")
    await a.press("Xong chỉ tiêu »")
    await a.send(files=(FileRef("k1", "photo"),))
    world.core.services.clock.set(REG_DUE + timedelta(seconds=1))
    await a.press("Gửi đăng ký")
    assert "Đã hết hạn đăng ký" in a.said
    assert _versions(world, 3002) == []


async def test_province_officer_cannot_register(world: EmuWorld) -> None:
    s = Chat(world.core, SUPERVISOR)
    await s.cmd("dangkythidua")
    assert "dành cho cán bộ xã" in s.said


async def test_stale_and_forged_buttons_do_nothing(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("dangkythidua")
    toggle = a.find("☐ Tập thể lao động tiên tiến")
    nonce = toggle.split(":")[2]
    await a.send(button=f"dk:t:{nonce}:99")  # a title the screen never offered
    assert "Đã chọn" not in a.said
    await a.send(button=f"dk:g:{int(nonce) - 1}")  # the send button of another dialog
    assert "đã gửi hoặc đã hủy" in a.said
    await a.cmd("huy")
    assert "Đã dừng đăng ký thi đua" in a.said
    await a.send(button=toggle)  # the old screen after /huy
    assert "đã gửi hoặc đã hủy" in a.said
    other = Chat(world.core, THIRD)  # another commune's officer pressing the member's button
    await other.send(button=toggle)
    assert "đã gửi hoặc đã hủy" in other.said
    assert _versions(world, 3002) == [] and _versions(world, 3003) == []
