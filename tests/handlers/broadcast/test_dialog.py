"""/thongbao: write, (attach), choose the audience, preview with the count, confirm; permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core import outbox
from core.dispatch import BotCore
from core.types import FileRef, Incoming, Reply, UserRef
from bot.delivery.sender import OutboxSender
from bot.delivery.pacer import Pacer
from store.db import transaction
from store.models import AuditLog, Broadcast, OutboxMessage
from tests.reminders.world import RecordingTransport, add_period, build_world, submit, vn

OFFICERS = (("a1", "Tam Đường", True, True), ("a2", "Tam Đường", False, True), ("b1", "Bình Lư", True, False),
            ("c1", "Nà Tăm", True, True), ("c2", "Nà Tăm", True, True))


@pytest.fixture
def built(database_url: str, tmp_path: Path, clock) -> tuple[BotCore, Any]:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    world = build_world(services, communes=("Tam Đường", "Bình Lư", "Nà Tăm"),
                        officers=OFFICERS, supervisors=("s1", "s2"))
    return BotCore(services, build_router()), world


@pytest.fixture
def core(built: tuple[BotCore, Any]) -> BotCore:
    return built[0]


class Chat:
    def __init__(self, core: BotCore, name: str) -> None:
        self.core, self.user, self.n = core, UserRef("test", name, name, name), 0

    async def __call__(self, **kw) -> list[Reply]:
        self.n += 1
        out = await self.core.handle(Incoming(user=self.user, update_key=f"{self.user.external_id}-{self.n}", **kw))
        with transaction(self.core.services.session_factory) as s:  # shown to the test, as the console does
            outbox.mark_shown(s, [q.outbox_id for q in out], self.core.services.clock.now())
        return [q.reply for q in out]


def buttons(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


async def test_officer_may_not_broadcast(core: BotCore) -> None:
    out = await Chat(core, "a1")(command="thongbao")
    assert "không có quyền" in out[0].text
    with core.services.session_factory() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "broadcast.send")).outcome == "refused"


async def test_province_broadcast_preview_confirm_deliver_report(core: BotCore, clock) -> None:
    s1 = Chat(core, "s1")
    out = await s1(command="thongbao")
    assert "nhập nội dung" in out[-1].text
    out = await s1(text="Kính gửi các xã: nộp báo cáo 6 tháng trước 15/6.")
    assert buttons(out[0]) == ["bc:na"]
    out = await s1(button="bc:na")
    assert "bc:a:p" in buttons(out[0])
    out = await s1(button="bc:a:p")
    # a1, c1, c2: active officers with a reachable chat (a2 inactive, b1 blocked the bot).
    assert "Người nhận: Tỉnh Thử – 3 người." in out[0].text
    assert buttons(out[0]) == ["bc:ok", "bc:x"]
    out = await s1(button="bc:ok")
    assert "tới 3 người" in out[0].text
    assert (await s1(button="bc:ok"))[0].text.startswith("Nút này đã cũ")  # no second broadcast

    services = core.services
    transport = RecordingTransport(clock)
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(10_000, 0))
    await sender.drain_once()
    assert sorted(c for _, c, _ in transport.sent) == ["a1", "c1", "c2"]
    await sender.drain_once()  # the delivery report to the sender
    report = [r for _, c, r in transport.sent if c == "s1"]
    assert len(report) == 1 and "Gửi được: 3/3" in report[0].text and "chặn bot: 0" in report[0].text
    with services.session_factory() as s:
        assert s.scalar(select(Broadcast)).state == "done"


async def test_chosen_communes_with_an_unknown_name(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1(command="thongbao")
    await s1(text="Họp trực tuyến lúc 14:00")
    await s1(button="bc:na")
    out = await s1(button="bc:a:c")
    assert "Gõ tên các xã" in out[0].text
    out = await s1(text="nà tăm, Xã Không Có")
    assert "Không tìm thấy: Xã Không Có." in out[0].text
    assert "Người nhận: Xã Nà Tăm – 2 người." in out[0].text


async def test_units_not_reported_for_a_period(built: tuple[BotCore, Any], clock) -> None:
    core, w = built
    pid = add_period(core.services, w, label="6 tháng 2026", open_at=vn(2026, 5, 1), due_at=vn(2026, 6, 15, 17),
                     close_at=vn(2026, 7, 15))
    submit(core.services, w, pid, "Nà Tăm")
    s1 = Chat(core, "s1")
    await s1(command="thongbao")
    await s1(text="Đề nghị các xã chưa nộp khẩn trương hoàn thành.")
    await s1(button="bc:na")
    out = await s1(button="bc:a:l")
    assert buttons(out[0]) == [f"bc:l:{pid}"]
    out = await s1(button=f"bc:l:{pid}")
    assert "xã chưa nộp “6 tháng 2026” – 1 người." in out[0].text  # a1 only


async def test_role_audience_and_empty_audience(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1(command="thongbao")
    await s1(text="Thông báo cho cán bộ tỉnh")
    await s1(button="bc:na")
    await s1(button="bc:a:r")
    out = await s1(button="bc:r:supervisor")
    assert "cán bộ giám sát (cấp tỉnh) – 1 người." in out[0].text  # s2 (the sender is left out)
    await s1(button="bc:a:r")
    out = await s1(button="bc:r:officer")
    assert "3 người" in out[0].text


async def test_attachment_and_cancel(core: BotCore, tmp_path: Path) -> None:
    async def fetch(ref: FileRef) -> bytes:
        return b"%PDF-1.4 test"

    core.services.fetchers["test"] = fetch
    s1 = Chat(core, "s1")
    await s1(command="thongbao")
    out = await s1(text="Kế hoạch thi đua 2026 (đính kèm)",
                   files=(FileRef("f1", "document", "ke-hoach.pdf", "application/pdf", 13),))
    assert "Gửi tới ai?" in out[0].text
    out = await s1(button="bc:a:p")
    assert "📎 Đính kèm: ke-hoach.pdf" in out[0].text
    await s1(button="bc:ok")
    with core.services.session_factory() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).first()
        path = Path(row.payload["document"]["path"])
        assert path.read_bytes() == b"%PDF-1.4 test"

    await s1(command="thongbao")
    await s1(text="Bản nháp sẽ hủy")
    out = await s1(command="huy")
    assert "Đã hủy thông báo" in out[0].text
    out = await s1(command="thongbao")
    assert "Thông báo đang gửi:" in out[0].text and "đã xử lý 0/3" in out[0].text


async def test_forged_and_stale_buttons(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    out = await s1(button="bc:ok")
    assert out[0].text.startswith("Nút này đã cũ")
    await s1(command="thongbao")
    await s1(text="x")
    await s1(button="bc:na")
    await s1(button="bc:a:l")
    out = await s1(button="bc:l:999")
    assert "không có quyền" in out[0].text or out[0].text.startswith("Nút này đã cũ")
