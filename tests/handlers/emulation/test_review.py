"""/khoicham, giải trình and the ranking through BotCore on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.types import FileRef
from store.models import Evidence, OutboxMessage, ScoreChange, User
from tests.handlers.emulation.scoring import labels, score_and_submit
from tests.handlers.emulation.test_selfscore import _fetch
from tests.handlers.emulation.world import (FOURTH, LEADER, MEMBER, OPEN, OTHER_BLOC, SUPERVISOR, THIRD, EmuWorld,
                                            build)
from tests.handlers.report_setup import Chat


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(OPEN + timedelta(days=3))
    return build(database_url, tmp_path / "data", clock, fetch_file=_fetch)


def _notices(world: EmuWorld, user: int) -> list[OutboxMessage]:
    with world.core.services.session_factory() as s:
        uid = s.scalar(select(User.id).where(User.external_id == str(user)))
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.user_id == uid, OutboxMessage.kind == "notice")
                              .order_by(OutboxMessage.id)))


async def _three_sheets(world: EmuWorld) -> tuple[Chat, Chat, Chat, Chat]:
    leader, member, third, fourth = (Chat(world.core, u) for u in (LEADER, MEMBER, THIRD, FOURTH))
    await score_and_submit(leader, "9", True, "8")      # 27
    await score_and_submit(member, "10", True, "9")     # 29
    await score_and_submit(third, "7", True, "10")      # 27: tie with the leader
    return leader, member, third, fourth


async def test_review_explain_keep_rank_publish(world: EmuWorld) -> None:
    leader, member, third, fourth = await _three_sheets(world)
    await leader.cmd("khoicham")
    assert "Khối thi đua số 1" in leader.said and "đã nộp 3" in leader.said
    assert "Xã Nậm Tăm: chưa nộp" in leader.said
    await leader.press("Xem Xã Bình Lư")
    assert "Tự chấm 29" in leader.said
    await leader.press("3 · 9/10")
    assert "Gõ điểm khối chấm" in leader.said
    await leader.text("11")
    assert "cao hơn điểm chuẩn 10" in leader.said
    await leader.text("5")
    assert "Gõ lý do" in leader.said
    await leader.text("ok")
    assert "Lý do cần rõ hơn" in leader.said
    await leader.text("Thiếu 2 báo cáo quý nộp chậm")
    assert "Đã sửa tiêu chí 3 của Xã Bình Lư: 9 → 5" in leader.said
    notice = _notices(world, MEMBER)[-1]
    assert "Lý do: Thiếu 2 báo cáo quý nộp chậm" in notice.payload["text"]
    explain = notice.payload["buttons"][0][0]["data"]
    await member.send(button=explain)
    assert "Gõ nội dung giải trình" in member.said
    await member.text("Hai báo cáo nộp chậm vì mất điện, có xác nhận của điện lực")
    assert "Đã ghi nội dung giải trình" in member.said
    await member.send(files=(FileRef("xacnhan", "photo"),))
    assert "Đã lưu 1 tệp minh chứng" in member.said
    await member.press("Gửi giải trình")
    assert "Đã gửi giải trình" in member.said
    to_leader = _notices(world, LEADER)[-1]
    assert "Xã Bình Lư giải trình tiêu chí 3" in to_leader.payload["text"]
    keep = next(b["data"] for row in to_leader.payload["buttons"] for b in row if b["text"].startswith("Giữ điểm"))
    await leader.send(button=keep)
    assert "giữ điểm khối chấm tiêu chí 3" in leader.said and "còn ý kiến khác" in leader.said
    assert "còn ý kiến khác" in _notices(world, MEMBER)[-1].payload["text"]
    with world.core.services.session_factory() as s:
        kinds = [c.kind for c in s.scalars(select(ScoreChange).order_by(ScoreChange.id))]
        assert kinds == ["review", "kept"]
        assert s.scalar(select(Evidence).where(Evidence.explanation_id.is_not(None))) is not None

    await leader.cmd("khoicham")
    await leader.press("Đóng chấm điểm")
    assert "Chưa nộp (không được xếp hạng): Xã Nậm Tăm" in leader.said
    await leader.press("Đóng và xếp hạng")
    said = leader.said
    assert "1. Xã Tam Đường: 27 điểm (đồng hạng)" in said
    assert "1. Phường Tân Phong: 27 điểm (đồng hạng)" in said
    assert "3. Xã Bình Lư: 25 điểm (1 tiêu chí còn ý kiến khác)" in said
    assert "– Xã Nậm Tăm: chưa nộp" in said
    sup = Chat(world.core, SUPERVISOR)
    publish = next(b["data"] for b in _notices(world, SUPERVISOR)[-1].payload["buttons"][0])
    await sup.send(button=publish)
    assert "Đã công bố" in sup.said
    placed = _notices(world, MEMBER)[-1].payload["text"]
    assert "xếp thứ" in placed and "Tiêu chí chưa đạt điểm tối đa" in placed and "• 3 " in placed
    await member.cmd("xephang")
    assert "xếp thứ" in member.said
    await sup.press("Mở lại")
    await sup.text("Sai sót")
    assert "Đã mở lại xếp hạng" in sup.said


async def test_only_the_leading_commune_reviews(world: EmuWorld) -> None:
    leader, member, third, _ = await _three_sheets(world)
    await member.cmd("khoicham")
    assert "không là trưởng khối" in member.said
    other = Chat(world.core, OTHER_BLOC)  # leads bloc 2, not bloc 1
    await leader.cmd("khoicham")
    view = leader.find("Xem Xã Bình Lư")
    out = await other.send(button=view)
    assert "Chỉ cán bộ của xã trưởng khối" in out[0].text or "không có quyền" in out[0].text
    await leader.press("Xem Xã Bình Lư")
    adjust = leader.find("3 · 9/10")
    out = await member.send(button=adjust)
    assert "Chỉ cán bộ của xã trưởng khối" in out[0].text or "không có quyền" in out[0].text
    assert labels(leader)


async def test_bloc_question_for_any_date(world: EmuWorld) -> None:
    a = Chat(world.core, MEMBER)
    await a.text("Xã Nậm Tăm thuộc khối nào?")
    assert "thuộc Khối thi đua số 1" in a.said
    await a.text("xa sin ho thuoc khoi thi dua nao ngay 1/3/2026")
    assert "Ngày 1/3/2026, Xã Sìn Hồ thuộc Khối thi đua số 2" in a.said
    await a.text("Xã Tam Đường thuộc khối nào năm 2025?")
    assert "chưa được xếp vào khối thi đua nào năm 2025" in a.said
