"""SIGKILL the bot in the middle of a report: after restart the dialog resumes and submits once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.services import build_services
from store.clock import FakeClock
from store.models import Draft, Report
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import BotProcess
from tests.e2e.report_chat import AN, TgChat, seed
from datetime import datetime


def _db(proc: BotProcess):
    return build_services(proc.settings(), FakeClock(datetime.fromisoformat("2026-06-10T09:00:00+07:00")),
                          startup=False)


async def test_sigkill_mid_dialog_then_resume_and_submit(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path / "bot", fake_now="2026-06-10T09:00:00+07:00", env={"LOAD_SAMPLES": "false"})
        services = _db(proc)
        seed(services.session_factory, services.clock.now())
        await proc.start()
        try:
            an = TgChat(api, AN)
            await an.cmd("baocao")
            await an.press("6 tháng")
            await an.press("Không")
            await an.text("12")
            assert "ký kết giao ước" in an.said
            proc.kill()  # SIGKILL: no cleanup at all

            with services.session_factory() as s:
                draft = s.scalar(select(Draft))
                assert draft.answers == {"da_phat_dong": False, "so_hoi_nghi": 12}  # saved as given
            api.push_message(AN, "có")  # answered while the bot is down

            proc.env["BOT_FAKE_NOW"] = "2026-06-13T20:00:00+07:00"  # three days later
            await proc.start()
            await api.wait_for(AN.id, predicate=lambda c: "tiêu chí nông thôn mới" in c.text, timeout=30)
            an.last = api.sent(AN.id)[-1]
            await an.text("18")
            await an.cmd("huy")
            await an.cmd("baocao")
            assert "đang làm dở (4 câu)" in an.said
            await an.press("6 tháng")
            assert "Tiếp tục bản nháp?" in an.said
            await an.press("Tiếp tục")
            assert "Tỷ lệ hộ nghèo" in an.said
            await an.text("4,2")
            await an.press("Hoàn thành")
            await an.press("☐ Chưa phát hiện")
            await an.press("✔ Xong")
            await an.press("Bỏ qua")
            await an.press("Bỏ qua")
            await an.press("Bỏ qua")
            assert "Kiểm tra báo cáo" in an.said
            send = an.find("📤 Gửi")
            proc.kill()  # killed again right before the tap arrives
            api.push_callback(AN, send)
            api.push_callback(AN, send)  # and tapped twice while the bot is down
            await proc.start()
            calls = await api.wait_for(AN.id, predicate=lambda c: "lúc" in c.text and "gửi" in c.text.lower(),
                                       count=2, timeout=30)
            assert "Đã gửi báo cáo" in calls[-2].text and "đã được gửi lúc" in calls[-1].text
            with services.session_factory() as s:
                assert s.scalar(select(func.count()).select_from(Report)) == 1
                report = s.scalar(select(Report))
                assert report.answers["so_hoi_nghi"] == 12 and report.answers["da_ky_giao_uoc"] is True
                assert report.answers["tieu_chi_ntm"] == 18 and report.answers["ty_le_ho_ngheo"] == 4.2
                assert s.scalar(select(func.count()).select_from(Draft)) == 0
        finally:
            await proc.stop()
