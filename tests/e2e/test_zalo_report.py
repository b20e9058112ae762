"""The whole report dialog on Zalo through ``python -m bot`` and the fake Zalo API, with a SIGKILL.

Every field type by typing (numbers for choices, words for buttons), a bad answer, back,
skip, a photo downloaded from its URL, typed coordinates, SIGKILL mid-dialog and resume,
and a double submit that makes one report.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.services import build_services
from store.clock import FakeClock
from store.db import transaction
from store.forms.versions import load_form
from store.models import Draft, OutboxMessage, Report, ReportFile, User
from store.reporting.periods import create_period
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.test_zalo import number_of
from tests.e2e.zalo_harness import ZaloBotProcess, ZChat
from tests.handlers.report_setup import CLOSE, DUE, OPEN, PROVINCE, SAMPLE_FORMS, add_officer, seed_units

NOW = "2026-06-10T09:00:00+07:00"
AN = FakeZaloUser("9100000000000000001", "Lò Văn An")
JPEG = b"\xff\xd8\xff\xe0" + b"zalo-photo" * 50


def seed(services) -> None:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        seed_units(s)
        add_officer(s, now, user=5001, name="Lò Văn An", commune=3001)
        user = s.scalar(select(User).where(User.external_id == "5001"))
        user.channel, user.external_id, user.chat_id = "zalo", AN.id, AN.id
        form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), now)
        create_period(s, form=form, label="6 tháng đầu năm 2026", province_code=PROVINCE,
                      open_at=OPEN, due_at=DUE, close_at=CLOSE, now=now)


async def outbox_settled(services, timeout: float = 10.0) -> None:
    """Until no outbox row is queued or being sent (bounded poll of the bot's database)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        with services.session_factory() as s:
            busy = s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.state.in_(("queued", "sending"))))
        if not busy:
            return
        assert loop.time() < deadline, f"{busy} outbox row(s) still unsettled after {timeout} s"
        await asyncio.sleep(0.05)


async def test_report_dialog_on_zalo_survives_sigkill_and_submits_once(tmp_path: Path) -> None:
    async with FakeZaloAPI() as api:
        proc = ZaloBotProcess(api, tmp_path / "bot", env={"LOAD_SAMPLES": "false", "BOT_FAKE_NOW": NOW})
        services = build_services(proc.settings(), FakeClock(datetime.fromisoformat(NOW)), startup=False)
        seed(services)
        await proc.start()
        try:
            an = ZChat(api, AN)
            said = await an.text("/baocao")
            said = await an.text(number_of(said, "6 tháng"))
            assert "Câu 1/" in said and "1. Có\n2. Không" in said
            assert "Vui lòng gõ Có hoặc Không" in await an.text("có lẽ")  # a bad answer, in typing words
            assert "Số hiệu văn bản" in await an.text("co")
            await an.text("15/KH-UBND")
            assert "Số hội nghị" in await an.text("30/6/2026")
            assert "giao ước" in await an.text("12")
            said = await an.text("quay lại")  # back
            assert "Số hội nghị" in said and "Câu trả lời đã lưu: 12" in said and "• Giữ nguyên: 12" in said
            # a number question lists "• Giữ nguyên: 12": typed numbers are answers, words choose
            assert "giao ước" in await an.text("giữ nguyên")
            # Kill mid-dialog, not mid-send: once the platform has the question, wait until its
            # outcome is recorded too (a send killed in flight is re-sent: at-least-once).
            await outbox_settled(services)
            proc.kill()  # SIGKILL mid-dialog: no cleanup at all

            with services.session_factory() as s:
                assert s.scalar(select(Draft)).answers["so_hoi_nghi"] == 12  # saved as given
            await proc.start()
            assert "tiêu chí nông thôn mới" in await an.text("không")  # the dialog resumes where it was
            await an.text("18")
            said = await an.text("4,2")
            said = await an.text(number_of(said, "Hoàn thành tốt"))
            said = await an.text(number_of(said, "☐ Chưa phát hiện"))
            said = await an.text(number_of(said, "✔ Xong"))
            assert "Khó khăn" in said
            assert "Đề xuất" in await an.text("bỏ qua")  # skip an optional question by its word
            # the location question: one message that says how to type it and how to skip it
            said = await an.text("Cần thêm kinh phí tuyên truyền")
            assert "Vị trí" in said and "gõ tọa độ (vĩ độ, kinh độ), ví dụ 21.03, 105.85, hoặc gõ “bỏ qua”." in said
            assert "1. « Quay lại\n2. Bỏ qua »" in said and "Gửi vị trí" not in said and "Hoặc:" not in said
            said = await an.text("210, 105")  # a bad answer: the reason and the question, one message
            assert "Vị trí không hợp lệ" in said and "hoặc gõ “bỏ qua”." in said
            said = await an.text("21.03, 105.85")
            assert "Ảnh minh chứng" in said
            said = await an.image(JPEG)
            assert "Đã lưu ảnh" in said
            said = await an.text(number_of(said, "✔ Xong"))
            assert "Kiểm tra báo cáo" in said and "21.03000, 105.85000" in said and "1 ảnh" in said
            send = number_of(said, "📤 Gửi")
            before = len(api.sent(AN.id))
            api.push_text(AN, send)
            api.push_text(AN, send)  # a double submit
            calls = await api.wait_for(AN.id, count=before + 2, timeout=30)
            assert "Đã gửi báo cáo" in calls[before].text
            with services.session_factory() as s:
                assert s.scalar(select(func.count()).select_from(Report)) == 1
                report = s.scalar(select(Report))
                assert report.answers["so_hoi_nghi"] == 12 and report.answers["tieu_chi_ntm"] == 18
                assert report.answers["vi_tri"] == {"lat": 21.03, "lon": 105.85} and report.answers["kho_khan"] is None
                stored = s.scalar(select(ReportFile))
                assert (services.settings.files_dir / stored.path).read_bytes() == JPEG
        finally:
            await proc.stop()
    assert "Traceback" not in proc.log()
