"""Supervisors through BotCore: /tonghop, /xuat, /kybaocao, and what others may not do."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from store.models import Period
from tests.handlers.report_setup import OPEN, Chat, World, build_world


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    clock.set(OPEN + timedelta(days=9))
    return build_world(database_url, tmp_path / "data", clock)


async def _submit(chat: Chat) -> None:
    await chat.cmd("baocao")
    await chat.press("6 tháng")
    await chat.press("Không")
    for text in ("5", "không", "10", "3,5"):
        await chat.text(text)
    await chat.press("Hoàn thành")
    await chat.press("☐ Chưa phát hiện")
    await chat.press("✔ Xong")
    for _ in range(3):
        await chat.press("Bỏ qua")
    await chat.press("📤 Gửi")
    assert "Đã gửi" in chat.said


async def test_summary_with_missing_officers_and_chart(world: World) -> None:
    await _submit(Chat(world.core, 1))
    sup = Chat(world.core, 9)
    await sup.cmd("tonghop")
    assert "Chọn kỳ báo cáo" in sup.said
    await sup.press("6 tháng")
    text = sup.last[0].text
    assert "Đã gửi 1/3 xã (33%): đúng hạn 1, trễ hạn 0. Chưa gửi: 2." in text
    assert "- Xã Bình Lư: Vàng A Chứ (0900000003)" in text
    assert "- Phường Tân Phong: chưa có cán bộ đăng ký" in text
    image = sup.last[1].image
    assert image is not None and Path(image.path).read_bytes()[:4] == b"\x89PNG"
    assert Path(image.path).is_relative_to(world.core.services.settings.files_dir)
    await sup.press("Xuất Excel")
    doc = sup.last[0].document
    assert doc is not None and doc.file_name.endswith(".xlsx")
    wb = openpyxl.load_workbook(doc.path, read_only=True)
    rows = list(wb["Báo cáo"].iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][3] == "Xã Tam Đường" and rows[1][4] == "Đúng hạn"


async def test_xuat_command(world: World) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("xuat")
    await sup.press("6 tháng")
    assert sup.last[0].document is not None


async def test_others_are_refused(world: World) -> None:
    officer, other = Chat(world.core, 1), Chat(world.core, 8)
    await officer.cmd("tonghop")
    assert "không có quyền" in officer.said
    await officer.send(button=f"sv:s:{world.period_id}")
    assert "không có quyền" in officer.said
    await other.send(button=f"sv:x:{world.period_id}")  # a supervisor of another province
    assert "không có quyền" in other.said and other.last[0].document is None
    await other.cmd("tonghop")
    assert "Chưa có kỳ báo cáo nào" in other.said
    stranger = Chat(world.core, 55)
    await stranger.cmd("xuat")
    assert "đã đăng ký" in stranger.said


async def test_create_period_in_chat(world: World, clock) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("kybaocao")
    await sup.press("Báo cáo tổng kết")
    await sup.text("Tổng kết năm 2026 (đợt 2)")
    assert "Chọn tỉnh" in sup.said and [b.text for r in sup.last[0].buttons for b in r] == ["Tỉnh Lai Châu"]
    await sup.send(button="sv:p:11")  # forged: a province they do not oversee
    assert "không có quyền" in sup.said
    await sup.text("3001, 4001")
    assert "ngoài tỉnh" in sup.said
    await sup.text("3001, 3002")
    await sup.press("Mở ngay")
    await sup.text("1/6/2026")
    assert "Hạn nộp phải sau ngày mở" in sup.said
    await sup.text("hôm nay")
    assert "Chưa đọc được ngày" in sup.said
    await sup.text("20/12/2026")
    await sup.text("19/12/2026")
    assert "không được trước hạn nộp" in sup.said
    await sup.press("Sau hạn 7 ngày")
    assert "Tạo kỳ báo cáo?" in sup.said and "2 xã" in sup.said and "23:59 27/12/2026" in sup.said
    await sup.press("Tạo kỳ báo cáo")
    assert "Đã tạo kỳ báo cáo “Tổng kết năm 2026 (đợt 2)”" in sup.said
    with world.core.services.session_factory() as s:
        period = s.scalar(select(Period).order_by(Period.id.desc()))
        assert [u.commune_code for u in period.units] == [3001, 3002] and period.created_by is not None
    officer = Chat(world.core, 1)
    await officer.cmd("baocao")
    assert "Tổng kết năm 2026 (đợt 2)" in officer.said
    await officer.cmd("kybaocao")
    assert "không có quyền" in officer.said


async def test_cancel_period_creation(world: World) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("kybaocao")
    await sup.press("Báo cáo kết quả")
    await sup.cmd("huy")
    assert "chưa tạo kỳ báo cáo" in sup.said


async def test_export_and_chart_run_off_the_loop_after_commit(world: World, monkeypatch) -> None:
    """The XLSX and the chart are made in a worker thread, once the update's transaction committed."""
    import threading

    from handlers.supervise import commands as supervise
    from store.models import ProcessedUpdate

    seen: list[tuple[str, bool, bool]] = []
    loop_thread = threading.current_thread()

    def watch(name: str, real):  # the real functions, observed
        def run(*args, **kwargs):
            with world.core.services.session_factory() as s:
                committed = s.scalar(select(ProcessedUpdate.id).where(ProcessedUpdate.update_key == key)) is not None
            seen.append((name, threading.current_thread() is not loop_thread, committed))
            return real(*args, **kwargs)
        return run

    monkeypatch.setattr(supervise, "write_period_export", watch("xlsx", supervise.write_period_export))
    monkeypatch.setattr(supervise, "render_chart", watch("chart", supervise.render_chart))
    sup = Chat(world.core, 9)
    key = "sv-export"
    await sup.send(button=f"sv:x:{world.period_id}", key=key)
    assert sup.last[0].document is not None and Path(sup.last[0].document.path).is_file()
    key = "sv-summary"
    await sup.send(button=f"sv:s:{world.period_id}", key=key)
    assert sup.last[-1].image is not None and Path(sup.last[-1].image.path).is_file()
    assert seen == [("xlsx", True, True), ("chart", True, True)]
