"""/denghi through BotCore on SQLite and PostgreSQL: the leader nominates the top commune from
the published ranking, the dossier is refused while a document is missing, completed, returned
with a reason, fixed, approved (a stale button approves nothing); the decision is recorded and
the lookup questions are answered from the records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.types import FileRef
from store.awards.decisions import record_decision
from store.db import transaction
from store.models import AwardDecision, Nomination, OutboxMessage, User
from tests.handlers.emulation.scoring import score_and_submit
from tests.handlers.emulation.world import LEADER, MEMBER, SUPERVISOR, THIRD, EmuWorld
from tests.handlers.report_setup import PROVINCE, Chat


def _notices(world: EmuWorld, user: int) -> list[OutboxMessage]:
    with world.core.services.session_factory() as s:
        uid = s.scalar(select(User.id).where(User.external_id == str(user)))
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.user_id == uid, OutboxMessage.kind == "notice")
                              .order_by(OutboxMessage.id)))


def _button(notice: OutboxMessage, label: str) -> str:
    return next(b["data"] for row in notice.payload["buttons"] for b in row if b["text"].startswith(label))


async def _published(world: EmuWorld) -> tuple[Chat, Chat, Chat]:
    leader, member, third, sup = (Chat(world.core, u) for u in (LEADER, MEMBER, THIRD, SUPERVISOR))
    await score_and_submit(leader, "9", True, "8")     # 27
    await score_and_submit(member, "10", True, "10")   # 30: first
    await score_and_submit(third, "5", True, "5")      # 20
    await leader.cmd("khoicham")
    await leader.press("Đóng chấm điểm")
    await leader.press("Đóng và xếp hạng")
    await sup.send(button=_button(_notices(world, SUPERVISOR)[-1], "Công bố"))
    assert "Đã công bố" in sup.said
    return leader, member, sup


async def _upload(chat: Chat, label: str, name: str) -> None:
    await chat.press(label)
    assert "Gửi tệp" in chat.said
    await chat.send(files=(FileRef(name, "photo"),))
    assert "Đã lưu 1 tệp" in chat.said, chat.said


async def _decision_in_chat(world: EmuWorld, sup: Chat, member: Chat) -> None:
    """The province records the decision: a future day is refused, a typed word at the
    confirmation records nothing, a second confirmation records nothing more."""
    await member.send(button=_button(_notices(world, MEMBER)[-1], "Xem hồ sơ"))
    assert "tỉnh đã duyệt" in member.said
    assert "Ghi quyết định khen thưởng" not in [b.text for r in member.last for row in r.buttons for b in row]
    await sup.press("Ghi quyết định khen thưởng")
    assert "Gõ số quyết định" in sup.said
    await sup.text("125/QĐ-UBND")
    await sup.text("20/1/2027")
    assert "không thể sau hôm nay" in sup.said
    await sup.text("3/11/2026")
    await sup.text("UBND tỉnh Lai Châu")
    assert "Ghi quyết định số 125/QĐ-UBND ngày 3/11/2026 của UBND tỉnh Lai Châu" in sup.said
    assert "không sửa được" in sup.said
    confirm = sup.find("Xác nhận ghi")
    await sup.text("có")
    assert "Bấm “Xác nhận ghi”" in sup.said
    with world.core.services.session_factory() as s:
        assert s.scalars(select(AwardDecision)).all() == []
    await sup.send(button=confirm)
    assert "Đã ghi quyết định" in sup.said and "Quyết định số 125/QĐ-UBND ngày 3/11/2026" in sup.said
    assert "quyết định số 125/QĐ-UBND" in _notices(world, MEMBER)[-1].payload["text"]
    await sup.send(button=confirm)  # a second tap on the same confirmation
    assert "Nút này đã cũ" in sup.said
    with world.core.services.session_factory() as s:
        assert len(s.scalars(select(AwardDecision)).all()) == 1


async def test_nominate_refuse_return_fix_approve_lookup(world: EmuWorld) -> None:
    leader, member, sup = await _published(world)
    await leader.cmd("denghi")
    assert "1. Xã Bình Lư – 30 điểm" in leader.said
    await leader.press("Xã Bình Lư")
    await leader.press("Cờ thi đua của UBND tỉnh")
    assert "Đã lập đề nghị" in leader.said and "✗ Tờ trình đề nghị khen thưởng" in leader.said
    assert "chưa đăng ký" not in leader.said  # no registration round: the bot cannot see, it does not warn
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Hồ sơ chưa đủ nên chưa gửi được" in leader.said and "Báo cáo thành tích" in leader.said
    await _upload(leader, "Gửi Tờ trình", "tt")
    await _upload(leader, "Gửi Biên bản họp bình xét", "bb")
    await member.cmd("denghi")
    await member.press("Xã Bình Lư – Cờ thi đua")
    assert "Gửi hồ sơ lên tỉnh" not in [b.text for r in member.last for row in r.buttons for b in row]
    await _upload(member, "Gửi Báo cáo thành tích", "bc")
    await leader.cmd("denghi")
    await leader.press("Xã Bình Lư – Cờ thi đua")
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Hồ sơ chưa đủ" in leader.said and "Xác nhận hoàn thành nghĩa vụ" in leader.said
    await _upload(leader, "Gửi Xác nhận", "xn")
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Đã gửi hồ sơ lên tỉnh" in leader.said

    await sup.send(button=_button(_notices(world, SUPERVISOR)[-1], "Xem hồ sơ"))
    assert "đã gửi tỉnh, chờ thẩm định" in sup.said
    old_approve = sup.find("Duyệt")
    await sup.press("Trả lại")
    await sup.text("Biên bản thiếu chữ ký của trưởng khối")
    assert "Đã trả lại hồ sơ" in sup.said
    told = _notices(world, MEMBER)[-1].payload["text"]
    assert "trả lại hồ sơ" in told and "Biên bản thiếu chữ ký của trưởng khối" in told
    await sup.send(button=old_approve)  # the menu from before the return
    assert "Hồ sơ đã thay đổi" in sup.said
    with world.core.services.session_factory() as s:
        assert s.scalars(select(Nomination.state)).one() == "returned"

    await leader.send(button=_button(_notices(world, LEADER)[-1], "Xem và bổ sung"))
    assert "Lý do trả lại: Biên bản thiếu chữ ký" in leader.said
    await _upload(leader, "Gửi Biên bản họp bình xét", "bb-ky")
    await leader.press("Gửi hồ sơ lên tỉnh")
    await sup.send(button=_button(_notices(world, SUPERVISOR)[-1], "Xem hồ sơ"))
    await sup.press("Duyệt")
    assert "Hồ sơ sẽ khóa" in sup.said
    await sup.press("Xác nhận duyệt")
    assert "Đã duyệt" in sup.said and "tỉnh đã duyệt" in sup.said
    assert "Tỉnh đã duyệt đề nghị Cờ thi đua" in _notices(world, MEMBER)[-1].payload["text"]

    await _decision_in_chat(world, sup, member)
    now = world.core.services.clock.now()
    with transaction(world.core.services.session_factory) as s:
        earlier = Nomination(province_code=PROVINCE, year=2025, bloc_id=None, commune_code=3002, title_code="co-tinh",
                             title_name="Cờ thi đua của UBND tỉnh", required=[], hints=[], state="approved",
                             proposed_by=None, created_at=now, updated_at=now)
        s.add(earlier)
        s.flush()
        record_decision(s, earlier, number="30/QĐ-UBND", signed_on=date(2026, 1, 15), level="UBND tỉnh Lai Châu",
                        officer_id=None, now=now)

    await member.text("Xa Binh Lu nam 2026 dat danh hieu gi?")
    assert "Xã Bình Lư năm 2026 đạt:" in member.said
    assert "Cờ thi đua của UBND tỉnh (Quyết định số 125/QĐ-UBND ngày 3/11/2026 của UBND tỉnh Lai Châu)" in member.said
    await member.text("Khối 1 năm nay xã nào dẫn đầu?")
    assert "Khối thi đua số 1 năm 2026: dẫn đầu là Xã Bình Lư" in member.said and "125/QĐ-UBND" in member.said
    await sup.text("Những xã nào đạt Cờ thi đua của UBND tỉnh hai năm liền?")
    assert "Xã Bình Lư (2025–2026; 2025: QĐ 30/QĐ-UBND; 2026: QĐ 125/QĐ-UBND)" in sup.said


async def test_other_communes_refused_typed_numbers_never_approve_and_export(world: EmuWorld) -> None:
    leader, member, sup = await _published(world)
    await leader.cmd("denghi")
    await leader.press("Xã Bình Lư")
    await leader.press("Bằng khen của Chủ tịch UBND tỉnh")
    dossier = leader.find("Gửi Tờ trình")
    for label in ("Gửi Tờ trình", "Gửi Biên bản họp bình xét", "Gửi Báo cáo thành tích"):
        await leader.press(label)
        await leader.send(files=(FileRef(label, "photo"),))
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Đã gửi hồ sơ lên tỉnh" in leader.said
    third = Chat(world.core, THIRD)  # Phường Tân Phong: neither the nominated commune nor the leader
    await third.send(button=dossier, key="third-not-theirs")  # a new Chat: its own update key
    assert "không có quyền" in third.said
    await member.send(button=dossier)  # the nominated commune, once the dossier is sent: nothing more to add
    assert "Hồ sơ đã gửi tỉnh nên không thêm giấy tờ được nữa" in member.said
    await sup.send(button=_button(_notices(world, SUPERVISOR)[-1], "Xem hồ sơ"))
    await sup.text("1")  # a typed number on Telegram approves nothing
    await sup.text("Duyệt")
    with world.core.services.session_factory() as s:
        assert s.scalars(select(Nomination.state)).one() == "sent"
    await sup.cmd("denghi")
    assert "Hồ sơ chờ thẩm định:" in sup.said
    out = await sup.press("Tải Excel đề nghị năm 2026")
    assert any(r.document is not None and r.document.file_name.endswith(".xlsx") for r in out), sup.said


async def test_lookup_without_records_and_other_questions_untouched(world: EmuWorld) -> None:
    member = Chat(world.core, MEMBER)
    await member.text("Khối 2 năm nay xã nào dẫn đầu?")
    assert "Khối thi đua số 2 năm 2026 chưa có xếp hạng được tỉnh công bố" in member.said
    await member.text("khoi 9 nam nay xa nao dan dau")
    assert "Không tìm thấy khối thi đua này trong năm 2026" in member.said
    await member.text("Xã Bình Lư năm 2025 đạt danh hiệu gì?")
    assert "Bot chưa có quyết định khen thưởng nào của Xã Bình Lư năm 2025" in member.said
    await member.text("Nhung xa nao dat tap the lao dong xuat sac ba nam lien?")  # the catalogue names it
    assert "Bot chưa có quyết định nào tặng danh hiệu “Tập thể lao động xuất sắc”" in member.said
    await member.text("Xã Bình Lư thuộc khối nào?")  # the bloc question keeps its own answer
    assert "Khối thi đua số 1" in member.said and "danh hiệu" not in member.said
