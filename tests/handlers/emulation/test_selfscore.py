"""/chamdiem through BotCore on SQLite and PostgreSQL: scores, refusals, evidence, review, submit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.types import FileRef
from store.models import AuditLog, Sheet
from tests.handlers.emulation.world import CLOSE, DUE, LEADER, MEMBER, OPEN, SUPERVISOR, EmuWorld, build
from tests.handlers.report_setup import Chat

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


async def _fetch(ref: FileRef) -> bytes:
    return JPEG + ref.file_id.encode()


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(OPEN + timedelta(days=3))
    return build(database_url, tmp_path / "data", clock, fetch_file=_fetch)


def _sheet(world: EmuWorld, commune: int) -> Sheet:
    with world.core.services.session_factory() as s:
        return s.scalar(select(Sheet).where(Sheet.commune_code == commune))


async def _score_all(chat: Chat) -> None:
    """A straight walk: 8 with a photo, đạt, 7,5, no deduction."""
    await chat.cmd("chamdiem")
    assert "Tiêu chí 1 (1/4)" in chat.said
    await chat.text("8")
    await chat.send(files=(FileRef("p1", "photo"),))
    await chat.press("Tiếp »")
    await chat.press("Đạt")
    await chat.press("Tiếp »")
    await chat.text("7,5")
    await chat.press("Tiếp »")
    await chat.text("0")
    await chat.press("Tiếp »")
    assert "Bảng tự chấm" in chat.said


async def test_walk_refusals_running_total_and_submit(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("chamdiem")
    assert "Tiêu chí 1 (1/4): Thu ngân sách đạt dự toán" in a.said and "Điểm chuẩn: 10" in a.said
    await a.text("12")
    assert "cao hơn điểm chuẩn 10" in a.said and "Tiêu chí 1 (1/4)" in a.said
    await a.text("-1")
    assert "không được âm" in a.said
    await a.text("abc")
    assert "không phải là số" in a.said
    await a.text("4,5")
    assert "Tiêu chí 1: 4,5 điểm" in a.said and "Tổng tạm tính: 4,5/30" in a.said
    assert "minh chứng (bắt buộc)" in a.said
    await a.text("Đã có báo cáo thu quý IV")
    assert "Đã lưu ghi chú" in a.said
    await a.send(files=(FileRef("p1", "photo"), FileRef("p2", "photo")))
    assert "Đã lưu 2 tệp minh chứng" in a.said and "Đã nhận 2 tệp" in a.said
    await a.press("Tiếp »")
    assert "Tiêu chí 2 (2/4)" in a.said
    await a.press("Không đạt")
    await a.press("Tiếp »")
    await a.text("10")
    await a.press("Tiếp »")
    assert "trừ tối đa 5" in a.said or "điểm bị trừ" in a.said
    await a.text("7")
    assert "trừ tối đa 5 điểm" in a.said
    await a.text("2")
    assert "Tổng tạm tính: 12,5/30" in a.said
    await a.press("Tiếp »")
    assert "Đã chấm 4/4 tiêu chí" in a.said
    assert a.last[0].buttons[0][0].text == "📤 Nộp bảng tự chấm"  # submit first, then the answers
    assert a.last[0].buttons[1][0].text.startswith("1 · 4,5/10 📎2")
    await a.press("📤 Nộp bảng tự chấm")
    assert "Đã nộp bảng tự chấm" in a.said and "Nộp đúng hạn" in a.said
    sheet = _sheet(world, 3002)
    assert sheet.submitted_at is not None and sheet.answers["1"]["note"] == "Đã có báo cáo thu quý IV"
    assert sheet.answers["4"]["score"] == "-2"


async def test_review_reopens_any_criterion_then_returns(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await _score_all(a)
    await a.press("3 · 7,5/10")
    assert "Tiêu chí 3 (3/4)" in a.said and a.find("Giữ nguyên: 7,5")
    await a.text("9")
    await a.press("Xem lại bảng điểm")
    assert "Đã chấm 4/4" in a.said and a.find("3 · 9/10")


async def test_double_tap_submits_once(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await _score_all(a)
    submit = a.find("📤 Nộp bảng tự chấm")
    first = await a.send(button=submit)
    second = await a.send(button=submit)
    assert "Đã nộp bảng tự chấm" in first[0].text
    assert "đã nộp lúc" in second[0].text
    with world.core.services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "emulation.submit")) == 1


async def test_required_evidence_blocks_submit(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("chamdiem")
    await a.text("8")
    await a.press("Tiếp »")
    await a.press("Đạt")
    await a.press("Tiếp »")
    await a.text("5")
    await a.press("Tiếp »")
    await a.text("0")
    await a.press("Tiếp »")
    await a.press("📤 Nộp bảng tự chấm")
    assert "thiếu minh chứng" in a.said and "Tiêu chí 1 (1/4)" in a.said
    assert _sheet(world, 3002).submitted_at is None


async def test_late_is_flagged_and_closed_points_to_leader(world: EmuWorld, clock) -> None:
    clock.set(DUE + timedelta(days=2, hours=3))
    a = Chat(world.core, MEMBER)
    await _score_all(a)
    assert "Đã quá hạn" in a.said
    await a.press("📤 Nộp bảng tự chấm")
    assert "trễ hạn 2 ngày" in a.said.lower() or "Nộp trễ hạn 2 ngày" in a.said
    assert _sheet(world, 3002).days_late == 2
    clock.set(CLOSE + timedelta(minutes=1))
    b = Chat(world.core, 4)
    await b.cmd("chamdiem")
    assert "đã đóng" in b.said and "trưởng khối (Xã Tam Đường)" in b.said


async def test_draft_survives_and_resumes_at_the_same_criterion(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.cmd("chamdiem")
    await a.text("6")
    await a.press("Tiếp »")
    await a.cmd("huy")
    assert "Đã lưu bảng điểm" in a.said
    await a.cmd("chamdiem")
    assert "đã chấm 1/4" in a.said and "Tiêu chí 2 (2/4)" in a.said


async def test_who_may_score(world: EmuWorld) -> None:
    sup = Chat(world.core, SUPERVISOR)
    await sup.cmd("chamdiem")
    assert "dành cho cán bộ xã" in sup.said
    stranger = Chat(world.core, 777)
    await stranger.cmd("chamdiem")
    assert "đã đăng ký" in stranger.said
    a = Chat(world.core, MEMBER)
    await a.cmd("chamdiem")
    other = Chat(world.core, LEADER)
    await other.cmd("chamdiem")
    # the leader's officer pressing the member's sheet button is refused
    out = await other.send(button=a.find("Xem lại bảng điểm"))
    assert "không có quyền" in out[0].text
