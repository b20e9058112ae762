"""The /baocao dialog through BotCore on real databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.types import FileRef, Location
from store.models import AuditLog, DialogState, Draft, Report, ReportFile, ReportRevision
from tests.handlers.report_setup import CLOSE, DUE, OPEN, Chat, World, build_world


async def _fetch(ref: FileRef) -> bytes:
    return b"\xff\xd8\xff" + ref.file_id.encode() * 10


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    clock.set(OPEN + timedelta(days=9))
    return build_world(database_url, tmp_path / "data", clock, fetch_file=_fetch)


def _count(world: World, model) -> int:
    with world.core.services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


async def _fill_minimal(chat: Chat) -> None:
    """Answer the six-month form the short way (no plan, nothing found, skip optional ones)."""
    await chat.cmd("baocao")
    await chat.press("6 tháng")
    await chat.press("Không")
    await _finish_minimal(chat)


async def _finish_minimal(chat: Chat) -> None:
    for text in ("5", "không", "10", "3,5"):
        await chat.text(text)
    await chat.press("Hoàn thành")
    await chat.press("☐ Chưa phát hiện")
    await chat.press("✔ Xong")
    for _ in range(3):
        await chat.press("Bỏ qua")
    assert "Bấm “Gửi”" in chat.said


async def test_whole_dialog_every_type_bad_answers_back_skip(world: World) -> None:
    a = Chat(world.core, 1)
    await a.cmd("baocao")
    assert "6 tháng đầu năm 2026: hạn 30/6/2026" in a.said and "Tổng kết năm 2026" in a.said
    await a.press("6 tháng")
    assert "Câu 1/14" in a.said and [b.text for b in a.last[0].buttons[0]] == ["Có", "Không"]
    await a.text("có lẽ")
    assert "Vui lòng bấm Có hoặc Không" in a.said
    await a.press("Có")
    assert "Câu 2/14: Số hiệu văn bản kế hoạch" in a.said  # relevant: da_phat_dong == yes
    await a.text("15/KH-UBND")
    await a.text("31/2/2026")
    assert "Chưa đọc được ngày" in a.said
    await a.text("30-6-2026")
    await a.text("nhiều lắm")
    assert "Chưa đọc được số" in a.said and "Vui lòng nhập số từ 0 đến 1.000" in a.said
    await a.text("1.250")
    assert "Vui lòng nhập số từ 0 đến 1.000" in a.said
    await a.text("12")
    await a.press("« Quay lại")
    assert "Câu 4/14" in a.said and "Câu trả lời đã lưu: 12" in a.said
    await a.press("Giữ nguyên")
    await a.press("Không")
    await a.text("25")
    assert "Vui lòng nhập số từ 0 đến 19" in a.said
    await a.text("12,5")
    assert "số nguyên" in a.said
    await a.text("19")
    await a.text("12,5%")
    await a.press("Hoàn thành tốt")
    assert "Bỏ qua »" not in [b.text for r in a.last[0].buttons for b in r]  # required: no skip
    await a.send(button=a.find("✔ Xong").replace("rp:m:", "rp:s:"))  # a crafted skip is refused
    assert "bắt buộc, không bỏ qua được" in a.said
    await a.press("☐ Kinh tế")
    await a.press("☐ Xây dựng Đảng")
    await a.press("☑ Kinh tế")  # untick
    assert "☑ Xây dựng Đảng" in [b.text for r in a.last[0].buttons for b in r]
    await a.press("✔ Xong")
    await a.text("3")
    await a.press("Bỏ qua »")
    await a.text("Cần thêm kinh phí tuyên truyền")
    # Telegram: the "share location" keyboard with the question, the navigation after it.
    assert a.last[0].request_location and "Bấm nút “Gửi vị trí”" in a.last[0].text
    assert [r.text for r in a.last[1:]] == ["Hoặc:"]
    await a.send(location=Location(21.39, 103.42))
    await a.text("ảnh đây")
    assert "cần ảnh" in a.said
    await a.send(files=(FileRef("photo-1", "photo", mime_type="image/jpeg"),))
    await a.send(files=(FileRef("doc-2", "document", file_name="bien-ban.png", mime_type="image/png"),))
    await a.send(files=(FileRef("doc-3", "document", file_name="x.pdf", mime_type="application/pdf"),))
    assert "Chỉ nhận ảnh" in a.said
    await a.press("✔ Xong")
    said = a.said
    assert "Kiểm tra báo cáo" in said and "1. Xã đã ban hành" in said and ": Có" in said
    assert "Lĩnh vực có điển hình tiên tiến, mô hình…: Xây dựng Đảng" in said
    assert "Tỷ lệ hộ nghèo hiện nay (%): 12,5" in said and "Khó khăn, vướng mắc: (bỏ qua)" in said
    assert "21.39000, 103.42000" in said and "2 ảnh" in said
    await a.press("Sửa câu 4")
    await a.text("15")
    assert "Số hội nghị, buổi tuyên truyền về thi…: 15" in a.said  # straight back to the summary
    await a.press("📤 Gửi")
    assert "Đã gửi báo cáo “6 tháng đầu năm 2026”" in a.said and "đúng hạn" in a.said
    with world.core.services.session_factory() as s:
        report = s.scalar(select(Report))
        assert report.answers["so_hoi_nghi"] == 15 and report.answers["ty_le_ho_ngheo"] == 12.5
        assert report.answers["linh_vuc"] == ["Xây dựng Đảng"] and report.answers["kho_khan"] is None
        assert report.answers["ngay_ban_hanh"] == "2026-06-30"
        files = list(s.scalars(select(ReportFile)))
        assert len(files) == 2 and [p["file"] for p in report.answers["anh"]] == [f.id for f in files]
        stored = world.core.services.settings.files_dir / files[0].path
        assert stored.read_bytes().startswith(b"\xff\xd8\xff")
        assert files[0].path.startswith(f"reports/{world.period_id}/3001/")
        assert s.get(DialogState, 1) is None


async def test_cancel_keeps_the_draft_and_resume_asks(world: World, clock) -> None:
    a = Chat(world.core, 1)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Không")
    assert "Câu 2/11 (bớt 3 câu không áp dụng):" in a.said  # skip logic said, so the total's drop is no bug
    await a.text("7")
    await a.cmd("huy")
    assert "Đã lưu bản nháp" in a.said
    await a.text("8")  # no dialog any more: goes to Q&A, not into the report
    assert _count(world, Draft) == 1
    clock.jump(timedelta(days=3))
    await a.cmd("baocao")
    assert "đang làm dở (2 câu)" in a.said
    await a.press("6 tháng")
    assert "Tiếp tục bản nháp?" in a.said
    await a.press("Tiếp tục")
    assert "Đã tổ chức ký kết giao ước thi đua chưa?" in a.said
    await a.cmd("huy")
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Làm lại từ đầu")
    await a.press("Xóa")
    assert "Câu 1/" in a.said


def _answers(world: World) -> dict:
    with world.core.services.session_factory() as s:
        return s.scalar(select(Draft.answers))


async def test_starting_over_asks_first_and_names_what_is_lost(world: World, clock) -> None:
    a, b = Chat(world.core, 1), Chat(world.core, 2)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Không")
    await a.text("7")
    await a.cmd("huy")
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Làm lại từ đầu")  # one tap wipes nothing
    assert "Xóa 2 câu trả lời" in a.said and "Câu 1/" not in a.said and len(_answers(world)) == 2
    confirm = a.find("Xóa")
    clock.jump(timedelta(minutes=5))
    await b.cmd("baocao")  # meanwhile a colleague answers one more question
    await b.press("6 tháng")
    await b.press("Tiếp tục")
    await b.press("Có")
    assert len(_answers(world)) == 3
    await a.send(button=confirm)  # the confirmation named 2 answers: it is stale now
    assert "vừa thay đổi" in a.said and "Xóa 3 câu trả lời" in a.said and len(_answers(world)) == 3
    await a.press("Không")
    assert "Tiếp tục bản nháp" in a.said and len(_answers(world)) == 3
    await a.send(button=confirm)  # an old confirmation never wipes
    assert len(_answers(world)) == 3
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Làm lại từ đầu")
    await a.press("Xóa")
    assert "Câu 1/" in a.said and _answers(world) == {}


async def test_double_tap_and_retried_update_give_one_report(world: World) -> None:
    a = Chat(world.core, 1)
    await _fill_minimal(a)
    send = a.find("📤 Gửi")
    first = await a.send(button=send, key="tap-1")
    assert "Đã gửi báo cáo" in first[0].text
    assert await a.send(button=send, key="tap-1") == []  # the same update redelivered
    second = await a.send(button=send, key="tap-2")  # a real second tap
    assert "đã được gửi lúc" in second[0].text and "Lò Văn An" in second[0].text
    assert _count(world, Report) == 1 and _count(world, ReportRevision) == 1


async def test_two_officers_of_one_commune(world: World) -> None:
    a, b = Chat(world.core, 1), Chat(world.core, 2)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Không")
    await b.cmd("baocao")
    await b.press("6 tháng")
    assert "Tiếp tục bản nháp?" in b.said and "Lò Văn An" in b.said  # the commune's shared draft
    await b.press("Tiếp tục")
    await _finish_minimal(a)
    a_send = a.find("📤 Gửi")
    await a.press("📤 Gửi")
    assert "Đã gửi" in a.said
    await b.text("4")
    assert "đã được gửi lúc" in b.said and "Lò Văn An" in b.said
    await b.cmd("baocao")
    assert "đã gửi" in b.said
    await b.press("6 tháng")
    assert "đã được gửi lúc" in b.said and "Lò Văn An" in b.said
    await b.press("Xem báo cáo")
    assert "Gửi lúc" in b.said and "sửa" not in b.said.split("Gửi lúc", 1)[1].split("\n")[0]  # not an edit yet
    await b.press("Sửa báo cáo")
    assert "Sửa báo cáo" in b.said
    await b.press("Sửa câu 2")
    await b.text("9")
    await b.press("📤 Gửi")
    assert "Đã lưu bản sửa lần 1" in b.said
    await a.send(button=a_send)  # A's old button: still one report, now revision 2
    assert "Đã sửa 1 lần" in a.said and "Tòng Thị Bình" in a.said
    await b.cmd("baocao")
    await b.press("6 tháng")
    await b.press("Xem báo cáo")
    assert "đã sửa 1 lần, lần cuối" in b.said
    with world.core.services.session_factory() as s:
        report = s.scalar(select(Report))
        assert report.revision == 2 and report.answers["so_hoi_nghi"] == 9
        assert [r.answers["so_hoi_nghi"] for r in s.scalars(select(ReportRevision).order_by(ReportRevision.revision))] == [5, 9]


async def test_other_commune_cannot_see_or_amend(world: World) -> None:
    a, c = Chat(world.core, 1), Chat(world.core, 3)
    await a.cmd("baocao")
    await a.press("6 tháng")
    choose = a.find("Có")
    draft_id = int(choose.split(":")[2])
    await c.send(button=choose)  # forged: another commune's draft
    assert "không có quyền" in c.said
    for forged in (f"rp:g:{draft_id}:{world.period_id}", f"rp:w:{draft_id}", f"rp:e:{draft_id}:0",
                   f"rp:z:{draft_id}:{world.period_id}"):
        await c.send(button=forged)
        assert "không có quyền" in c.said, forged
    await c.send(button="rp:c:abc:1:1")
    assert "Nút này đã cũ" in c.said
    await c.send(button=f"rp:o:{world.period_id}:9")
    assert "Nút này đã cũ" in c.said
    await _fill_minimal(a)
    await a.press("📤 Gửi")
    with world.core.services.session_factory() as s:
        report_id = s.scalar(select(Report.id))
    await c.send(button=f"rp:v:{report_id}")
    assert "không có quyền" in c.said and "Số hội nghị" not in c.said
    await c.send(button=f"rp:a:{report_id}")
    assert "không có quyền" in c.said
    with world.core.services.session_factory() as s:
        refused = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.outcome == "refused"))
        assert refused >= 7
    await a.send(button=f"rp:v:{report_id}")
    assert "Số hội nghị" in a.said
    supervisor = Chat(world.core, 9)
    await supervisor.send(button=f"rp:v:{report_id}")
    assert "Số hội nghị" in supervisor.said
    other_province = Chat(world.core, 8)
    await other_province.send(button=f"rp:v:{report_id}")
    assert "không có quyền" in other_province.said


async def test_amend_refused_after_close_and_late_submission(world: World, clock) -> None:
    a = Chat(world.core, 1)
    clock.set(DUE + timedelta(hours=2))
    await _fill_minimal(a)
    await a.press("📤 Gửi")
    assert "trễ hạn" in a.said
    await a.cmd("baocao")
    await a.press("6 tháng")
    amend = a.find("Sửa báo cáo")
    clock.set(CLOSE + timedelta(minutes=1))
    await a.send(button=amend)
    assert "đã đóng lúc" in a.said and "không nhận hoặc sửa" in a.said
    await a.cmd("baocao")
    assert "6 tháng đầu năm 2026" not in a.said


async def test_period_closes_mid_dialog(world: World, clock) -> None:
    a = Chat(world.core, 1)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Không")
    clock.set(CLOSE)
    await a.text("5")
    assert "đã đóng" in a.said


async def test_photos_without_a_channel_download(database_url: str, tmp_path: Path, clock) -> None:
    clock.set(OPEN + timedelta(days=9))
    world = build_world(database_url, tmp_path / "data", clock, fetch_file=None)
    a = Chat(world.core, 1)
    await _fill_minimal(a)
    await a.press("Sửa câu 10")
    await a.send(files=(FileRef("p", "photo"),))
    assert "chưa nhận được ảnh" in a.said


async def test_last_period_value_is_offered(world: World, clock) -> None:
    a = Chat(world.core, 1)
    await _fill_minimal(a)
    await a.press("📤 Gửi")
    with world.core.services.session_factory() as s:
        from store.models import Form, Period
        from store.reporting.periods import create_period

        period = s.get(Period, world.period_id)
        create_period(s, form=s.get(Form, period.form_pk), label="6 tháng cuối năm 2026", province_code=period.province_code,
                      open_at=CLOSE, due_at=CLOSE + timedelta(days=150), close_at=CLOSE + timedelta(days=170),
                      now=clock.now())
        s.commit()
    clock.set(CLOSE + timedelta(days=1))
    await a.cmd("baocao")
    await a.press("6 tháng cuối")
    await a.press("Không")
    assert "Dùng số kỳ trước: 5" in [b.text for r in a.last[0].buttons for b in r]
    await a.press("Dùng số kỳ trước")
    assert "Đã tổ chức ký kết giao ước" in a.said


async def test_not_registered_and_supervisor(world: World) -> None:
    stranger = Chat(world.core, 77)
    await stranger.cmd("baocao")
    assert "dành cho cán bộ đã đăng ký" in stranger.said
    supervisor = Chat(world.core, 9)
    await supervisor.cmd("baocao")
    assert "/tonghop" in supervisor.said
