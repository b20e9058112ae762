"""What core/dialogs.py gives every declared dialog, seen through BotCore on real databases:
the accepts() hook, the action re-checked at every step, stale and legacy state."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.context import Context
from core.types import Incoming
from store.db import transaction
from store.models import DialogState, Draft, Officer, User
from tests.handlers.report_setup import OPEN, Chat, World, build_world, user_ref


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    clock.set(OPEN + timedelta(days=9))
    return build_world(database_url, tmp_path / "data", clock)


def _accepts(world: World, user: int, text: str) -> bool:
    services = world.core.services
    with transaction(services.session_factory) as s:
        row = s.scalar(select(User).where(User.external_id == str(user)))
        officer = s.get(Officer, row.officer_id) if row.officer_id else None
        ctx = Context(services, s, Incoming(user=user_ref(user), text=text), row, officer)
        return world.core.router.accepts(ctx, text)


async def test_accepts_tells_answers_from_other_text(world: World) -> None:
    a = Chat(world.core, 1)
    assert not _accepts(world, 1, "5")  # no dialog
    await a.cmd("baocao")
    await a.press("6 tháng")
    assert _accepts(world, 1, "có") and _accepts(world, 1, "khong") and not _accepts(world, 1, "5")
    assert not _accepts(world, 1, "1")  # a bare number on a choice names the numbered line
    await a.press("Có")
    assert _accepts(world, 1, "bất kỳ chữ gì")  # free text
    assert not _accepts(world, 1, "2") and not _accepts(world, 1, "Bỏ qua")  # ... but not a button's number or word
    await a.text("15/KH-UBND")
    assert _accepts(world, 1, "30/6/2026") and not _accepts(world, 1, "hôm qua")
    await a.text("30/6/2026")
    assert _accepts(world, 1, "5") and not _accepts(world, 1, "5000")  # a number question takes numbers


async def test_a_role_taken_away_mid_dialog_ends_it(world: World) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("kybaocao")
    await sup.press("Báo cáo tổng kết")
    with transaction(world.core.services.session_factory) as s:
        s.scalar(select(Officer).where(Officer.full_name == "Nguyễn Thị Giám Sát")).role = "officer"
    await sup.text("Tổng kết năm 2026 (đợt 2)")
    assert "không có quyền" in sup.said
    with world.core.services.session_factory() as s:
        assert s.scalar(select(DialogState)) is None


async def test_stale_and_legacy_state(world: World) -> None:
    a = Chat(world.core, 1)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Không")
    with transaction(world.core.services.session_factory) as s:
        state = s.scalar(select(DialogState))
        draft, period = state.data["draft"], state.data["period"]
        state.data = {"d": draft, "p": period, "f": 3, "edit": False}  # as stored before typed state
    await a.text("12")
    assert "Đã tổ chức ký kết giao ước" in a.said
    with transaction(world.core.services.session_factory) as s:
        s.scalar(select(DialogState)).data = {"step": "nowhere"}
    await a.text("12")
    assert "Nút này đã cũ" in a.said
    with world.core.services.session_factory() as s:
        assert s.scalar(select(DialogState)) is None


async def test_a_question_in_a_date_step_is_answered_then_the_date_asked_again(world: World) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("kybaocao")
    await sup.press("Báo cáo tổng kết")
    await sup.text("Tổng kết năm 2026 (đợt 2)")
    await sup.text("3001, 3002")
    await sup.text("Ngày mở kỳ báo cáo thường là ngày nào?")
    assert len(sup.last) == 2 and "Chưa đọc được ngày" not in sup.said
    assert sup.last[-1].text.startswith("Gõ ngày mở") and sup.last[-1].buttons  # "Mở ngay" again
    await sup.text("mai")  # not a date, not a question: the rule
    assert "Chưa đọc được ngày" in sup.said
    await sup.press("Mở ngay")
    assert "Gõ hạn nộp" in sup.said


async def test_a_due_date_in_any_form_is_the_end_of_that_day(world: World) -> None:
    sup = Chat(world.core, 9)
    await sup.cmd("kybaocao")
    await sup.press("Báo cáo tổng kết")
    await sup.text("Tổng kết năm 2026 (đợt 2)")
    await sup.text("3001, 3002")
    await sup.text("2026-07-01")
    assert "Gõ hạn nộp" in sup.said
    await sup.text("2026-12-31")  # ISO means what 31/12/2026 means: the end of that day
    assert "Gõ ngày đóng" in sup.said
    await sup.press("Sau hạn 7 ngày")
    assert "23:59 31/12/2026" in sup.said and "00:00 1/7/2026" in sup.said


def _draft_answers(world: World) -> dict:
    with world.core.services.session_factory() as s:
        return s.scalar(select(Draft.answers))


@pytest.mark.parametrize("word", ["bỏ qua", "Bo qua", "quay lại", "xong", "hủy"])
async def test_a_control_word_is_never_saved_as_a_text_answer(world: World, word: str) -> None:
    a = Chat(world.core, 1)
    await a.cmd("baocao")
    await a.press("6 tháng")
    await a.press("Có")
    assert "Số hiệu văn bản" in a.said  # a required text question
    await a.text(word)
    assert "so_hieu" not in _draft_answers(world)
    assert "không được lưu làm câu trả lời" in a.said and "Số hiệu văn bản" in a.said
    await a.text("15/KH-UBND")
    assert _draft_answers(world)["so_hieu"] == "15/KH-UBND"


async def test_a_control_word_is_no_name_in_registration(world: World) -> None:
    stranger = Chat(world.core, 77)
    await stranger.cmd("dangky")
    await stranger.text("Lai Châu")
    await stranger.text("Tân Phong")
    if "chọn đúng xã" in stranger.said:
        await stranger.press("Phường Tân Phong")
    assert "Họ và tên" in stranger.said
    await stranger.text("bỏ qua")
    assert "không được lưu làm câu trả lời" in stranger.said and "Họ và tên" in stranger.said
    with world.core.services.session_factory() as s:
        assert s.scalar(select(DialogState.data))["full_name"] in (None, "")
