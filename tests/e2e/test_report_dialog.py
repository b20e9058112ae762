"""/baocao end to end through the real Telegram stack and the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.services import build_services
from store.clock import FakeClock
from store.models import AuditLog, Report, ReportFile
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import bot_settings, running_bot
from tests.e2e.report_chat import AN, BINH, CHU, TgChat, seed
from tests.handlers.report_setup import OPEN

JPEG = b"\xff\xd8\xff\xe0" + b"evidence-photo" * 50


async def _start(api: FakeBotAPI, tmp_path: Path):
    clock = FakeClock(OPEN + timedelta(days=9))
    services = build_services(bot_settings(api, tmp_path, load_samples=False), clock, startup=False)
    period_id = seed(services.session_factory, clock.now())
    return services, period_id


async def test_whole_dialog_every_field_type(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        services, _ = await _start(api, tmp_path)
        async with running_bot(tmp_path, api=api, services=services) as (api, services, _core):
            an = TgChat(api, AN)
            await an.cmd("baocao")
            assert "6 tháng đầu năm 2026" in an.said
            await an.press("6 tháng")
            assert "Câu 1/14" in an.said
            await an.text("chưa biết")  # not yes/no
            assert "Vui lòng bấm Có hoặc Không" in an.said
            await an.text("co")  # typed without diacritics works too
            assert "Số hiệu văn bản kế hoạch" in an.said  # skip logic: asked because yes
            await an.press("« Quay lại")
            await an.press("Không")
            assert "Số hội nghị" in an.said  # skip logic: plan questions gone
            await an.text("1.250")
            assert "Vui lòng nhập số từ 0 đến 1.000" in an.said
            await an.text("120")
            await an.press("Có")
            await an.text("20")
            assert "Vui lòng nhập số từ 0 đến 19" in an.said
            await an.text("17")
            await an.text("12.5%")
            await an.press("Hoàn thành tốt")
            await an.press("☐ Kinh tế")
            await an.press("☐ Quốc phòng")
            await an.press("✔ Xong")
            await an.text("4")
            await an.press("Bỏ qua")
            await an.text("Kinh phí tuyên truyền còn ít")
            await an.cmd("huy")  # leave for a while: the draft stays
            assert "Đã lưu bản nháp" in an.said
            await an.cmd("baocao")
            await an.press("6 tháng")
            assert "Tiếp tục bản nháp?" in an.said
            await an.press("Tiếp tục")
            assert "Ảnh minh chứng" in an.said  # location is not relevant: no plan was launched
            await an.photo(JPEG)
            assert "Đã nhận 1 ảnh" in an.said
            await an.document(JPEG + b"2", "bien-ban.jpg", "image/jpeg")
            assert "Đã nhận 2 ảnh" in an.said
            await an.press("✔ Xong")
            assert "Kiểm tra báo cáo" in an.said and "2 ảnh" in an.said and "12,5" in an.said
            await an.press("Sửa câu 1")
            await an.press("Có")  # now the plan questions are relevant and unanswered
            assert "Số hiệu văn bản kế hoạch" in an.said
            await an.text("15/KH-UBND")
            await an.text("30/6/2026")
            await an.location(22.39, 103.46, replies=2)  # question + navigation
            assert "Vị trí nơi tổ chức lễ phát động" in an.texts(2)
            await an.location(22.39, 103.46)
            assert "Kiểm tra báo cáo" in an.said and "22.39000, 103.46000" in an.said
            send = an.find("📤 Gửi")
            api.push_callback(AN, send)
            api.push_callback(AN, send)  # double tap
            calls = await api.wait_for(AN.id, predicate=lambda c: "gửi" in c.text.lower() and "lúc" in c.text, count=2)
            assert "Đã gửi báo cáo" in calls[-2].text and "đã được gửi lúc" in calls[-1].text
            with services.session_factory() as s:
                assert s.scalar(select(func.count()).select_from(Report)) == 1
                report = s.scalar(select(Report))
                assert report.answers["so_hieu"] == "15/KH-UBND" and report.answers["vi_tri"]["lat"] == 22.39
                files = list(s.scalars(select(ReportFile)))
                assert len(files) == 2
                assert (services.settings.files_dir / files[0].path).read_bytes() == JPEG  # downloaded via getFile


async def test_two_officers_and_another_commune(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        services, period_id = await _start(api, tmp_path)
        async with running_bot(tmp_path, api=api, services=services) as (api, services, _core):
            an, binh, chu = TgChat(api, AN), TgChat(api, BINH), TgChat(api, CHU)
            await an.cmd("baocao")
            await an.press("6 tháng")
            choose = an.find("Có")
            await an.press("Không")
            for text in ("5", "không", "10", "3,5"):
                await an.text(text)
            await an.press("Hoàn thành")
            await an.press("☐ Chưa phát hiện")
            await an.press("✔ Xong")
            await an.press("Bỏ qua")
            await an.press("Bỏ qua")
            await an.press("Bỏ qua")
            draft_send = an.find("📤 Gửi")
            # Another commune's officer with forged button data: refused and audited.
            await chu.data(choose)
            assert "không có quyền" in chu.said
            await chu.data(draft_send)
            assert "không có quyền" in chu.said
            await an.press("📤 Gửi")
            assert "Đã gửi báo cáo" in an.said
            # The second officer of the same commune is told who submitted it and when.
            await binh.cmd("baocao")
            await binh.press("6 tháng")
            assert "đã được gửi lúc" in binh.said and "Lò Văn An" in binh.said
            await binh.press("Sửa báo cáo")
            await binh.press("Sửa câu 2")
            await binh.text("6")
            await binh.press("📤 Gửi")
            assert "Đã lưu bản sửa lần 1" in binh.said
            with services.session_factory() as s:
                report = s.scalar(select(Report))
                assert report.revision == 2 and report.answers["so_hoi_nghi"] == 6
                report_id = report.id
            await chu.data(f"rp:v:{report_id}")
            assert "không có quyền" in chu.said and "Số hội nghị" not in chu.said
            await chu.data(f"rp:a:{report_id}")
            assert "không có quyền" in chu.said
            with services.session_factory() as s:
                refused = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.outcome == "refused"))
                assert refused >= 4
