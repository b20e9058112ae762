"""Supervisors on Zalo (/tonghop with its chart and Excel), and a broadcast reaching Telegram and
Zalo officers once each with both channels served by one process."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from bot.services import build_services
from core.settings import Settings
from store.db import transaction
from store.models import User
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.test_zalo import number_of
from tests.e2e.zalo_harness import ZChat, running_zalo
from tests.handlers.report_setup import build_world
from tests.reminders.world import build_world as build_reminder_world

SUP = FakeZaloUser("7100000000000000009", "Nguyễn Thị Giám Sát")


def _to_zalo(services, external_id: str, zalo_id: str) -> None:
    with transaction(services.session_factory) as s:
        s.execute(update(User).where(User.external_id == external_id)
                  .values(channel="zalo", external_id=zalo_id, chat_id=zalo_id))


async def test_tonghop_on_zalo_chart_and_excel_by_link_or_ready_note(tmp_path: Path, clock) -> None:
    world = build_world(f"sqlite:///{tmp_path / 'bot.sqlite3'}", tmp_path / "data", clock)
    services = world.core.services
    _to_zalo(services, "9", SUP.id)
    async with FakeZaloAPI() as api:
        async with running_zalo(tmp_path, api=api, services=services):
            sup = ZChat(api, SUP)
            said = await sup.text("/tonghop")
            said = await sup.text(number_of(said, "6 tháng đầu năm 2026"), replies=2)
            assert "Đã gửi 0/3 xã" in said and "1. Xuất Excel" in said
            assert "Zalo chưa gửi được tệp" in said and ".png" in said  # no webhook server: no link
            links: list[str] = []
            services.file_link = lambda path, channel, chat: links.append(path) or f"{api.url}/photos/signed-{len(links)}"
            said = await sup.text("/tonghop")
            await sup.text(number_of(said, "6 tháng đầu năm 2026"), replies=2)
            photo = api.sent(SUP.id, "sendPhoto")[-1]
            assert photo.params["photo"].endswith("/photos/signed-1") and photo.params["caption"] == "Biểu đồ mức độ hoàn thành"
            assert links[0].endswith(".png")
            said = await sup.text("1")  # "Xuất Excel": the menu of the summary, not of the chart
            assert "Tệp Excel" in said and f"{api.url}/photos/signed-2" in said and links[1].endswith(".xlsx")


async def test_broadcast_reaches_telegram_and_zalo_officers_once_each(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False, quiet_hours="")
    services = build_services(settings, startup=False)
    build_reminder_world(services, officers=(("a1", "A", True, True), ("c1", "C", True, True)), channel="telegram",
                         chat_ids={"a1": "501", "c1": "504", "s1": "505"})
    _to_zalo(services, "504", "z504")  # c1 uses Zalo
    _to_zalo(services, "505", SUP.id)  # the supervisor too
    async with FakeBotAPI() as telegram, FakeZaloAPI() as api:
        async with running_zalo(tmp_path, api=api, telegram=telegram, services=services, quiet_hours=""):
            sup = ZChat(api, SUP)
            assert "nhập nội dung" in await sup.text("/thongbao")
            said = await sup.text("Đề nghị các xã nộp báo cáo 6 tháng trước ngày 15/6.")
            said = await sup.text(number_of(said, "Không đính kèm"))
            said = await sup.text(number_of(said, "Toàn tỉnh của tôi"))
            assert "Xem trước" in said and "2 người" in said
            await sup.text(number_of(said, "Gửi (2)"))
            await api.wait_for(SUP.id, lambda c: "Đã gửi xong" in c.text, timeout=60)
            await api.wait_for("z504", lambda c: "15/6" in c.text)
            await telegram.wait_for(501, lambda c: "15/6" in c.text)
        assert len([c for c in api.sent("z504") if "15/6" in c.text]) == 1
        assert len([c for c in telegram.sent(501) if "15/6" in c.text]) == 1
        assert telegram.sent(504) == [] and api.sent("501") == []
    with services.session_factory() as s:
        assert s.scalar(select(User.channel).where(User.chat_id == "z504")) == "zalo"
