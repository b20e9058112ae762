"""Numbered choices in the core for channels without buttons (console, Zalo)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from core.choices import numbered_text
from core.outbox import enqueue
from core.types import Button, Reply, UserRef
from reminders.sweep import run_sweep
from store.db import transaction
from store.models import ChoiceMenu, Draft, OutboxMessage, Report, User
from tests.handlers.report_setup import Chat, World, build_world


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    return build_world(database_url, tmp_path / "data", clock)


def zalo_chat(world: World, officer_user: int, channel: str = "zalo") -> Chat:
    """A Zalo (or console) account linked to the officer of test user ``officer_user``."""
    chat = Chat(world.core, officer_user)
    chat.ref = UserRef(channel, f"z{officer_user}", f"z{officer_user}", "Cán bộ Zalo")
    with transaction(world.core.services.session_factory) as s:
        officer_id = s.scalar(select(User.officer_id).where(User.external_id == str(officer_user)))
        now = world.core.services.clock.now()
        s.add(User(channel=channel, external_id=chat.ref.external_id, chat_id=chat.ref.chat_id,
                   officer_id=officer_id, reachable=True, created_at=now, last_seen_at=now))
    return chat


def number(chat: Chat, label: str) -> str:
    """The number a buttonless channel shows in front of the button ``label``."""
    labels = [b.text for r in chat.last for row in r.buttons for b in row]
    return str(labels.index(label) + 1)


def test_numbered_text() -> None:
    reply = Reply(text="Chọn:", buttons=[[Button("Có", "a"), Button("Không", "b")], [Button("Bỏ qua", "c")]])
    assert numbered_text(reply) == "Chọn:\n1. Có\n2. Không\n3. Bỏ qua\nTrả lời 1, 2 hoặc 3."
    question = Reply(text="Số hội nghị?", buttons=[[Button("Giữ nguyên: 12", "k"), Button("« Quay lại", "b")]],
                     numbers_answer=True)
    assert numbered_text(question) == ("Số hội nghị?\n• Giữ nguyên: 12\n• « Quay lại\n"
                                       "Để chọn, gõ chữ của lựa chọn, ví dụ “giữ nguyên”.")


@pytest.mark.parametrize("channel", ["zalo", "console"])
async def test_report_dialog_by_typed_numbers_and_words(world: World, channel: str) -> None:
    z = zalo_chat(world, 1, channel)
    await z.cmd("baocao")
    await z.text("1")  # the first period
    assert "Câu 1/14" in z.said
    await z.text("9")
    assert "Không có lựa chọn số 9. Anh/chị chọn từ 1 đến 2." in z.said
    await z.text("co")  # a choice word without diacritics: the dialog reads it as "Có"
    assert "Số hiệu văn bản" in z.said
    await z.text("15/KH-UBND")
    await z.text("30/6/2026")
    assert "Số hội nghị" in z.said
    await z.text("2")  # a valid number answer wins over button 2
    assert "giao ước" in z.said
    await z.text("quay lai")  # the "« Quay lại" button by its words
    assert "Số hội nghị" in z.said and "Câu trả lời đã lưu: 2" in z.said
    assert z.last[-1].numbers_answer and "• Giữ nguyên: 2" in numbered_text(z.last[-1])  # as the channel shows it
    await z.text("5000")  # a number question: an out-of-range number is a bad answer, not a bad choice
    assert "Vui lòng nhập số từ 0 đến 1.000" in z.said and "Không có lựa chọn" not in z.said
    await z.text("1")  # 1 is a valid answer: it is the answer, not "Giữ nguyên"
    assert "giao ước" in z.said
    await z.text("Không")
    await z.text("10")
    await z.text("3,5")
    await z.text("2")  # select_one: numbered line 2 = "Hoàn thành tốt"
    await z.text("5")  # ☐ Chưa phát hiện (5th line)
    await z.text("6")  # ✔ Xong
    assert "Khó khăn" in z.said
    await z.text("bo qua")  # free text: the words of a button pick the button
    await z.text("2")  # free text: a bare number picks button 2 (Bỏ qua »)
    # The location question is one message there (no keyboard to carry): how to type it and
    # which number skips it; no "Gửi vị trí" button to press.
    assert len(z.last) == 1 and not z.last[0].request_location and "Vị trí" in z.said
    assert "gõ tọa độ (vĩ độ, kinh độ), ví dụ 21.03, 105.85, hoặc gõ “bỏ qua”." in z.said
    assert "Gửi vị trí" not in z.said and number(z, "Bỏ qua »") == "2"
    await z.text("21,03 105")  # not two coordinates: the polite how-to, in one message again
    assert len(z.last) == 1 and "Chưa đọc được vị trí" in z.said and "Gửi vị trí" not in z.said
    await z.text("21.03, 105.85")  # typed coordinates on a channel without location sharing
    await z.text("1")  # photo question: ✔ Xong
    assert "Kiểm tra báo cáo" in z.said and "21.03000, 105.85000" in z.said
    assert "Hoàn thành tốt" in z.said and "Khó khăn, vướng mắc: (bỏ qua)" in z.said
    screen = numbered_text(z.last[-1])
    assert "\n1. Xã đã ban hành" in screen and "Sửa câu" not in screen  # the answers are the menu: N edits question N
    assert screen.index("Gửi") < screen.index("\n1. ") and len(screen) <= 1000  # sending said first; one screen
    await z.text(number(z, "📤 Gửi"))
    assert "Đã gửi báo cáo" in z.said
    await z.text("1")  # the reply had no buttons: an old number says so
    assert "danh sách lựa chọn đã cũ" in z.said
    with world.core.services.session_factory() as s:
        assert len(list(s.scalars(select(Report)))) == 1


async def test_old_menu_number_is_stale_and_telegram_ignores_menus(world: World) -> None:
    z = zalo_chat(world, 1)
    await z.cmd("baocao")
    await z.text("1")
    first_question = z.said
    await z.cmd("huy")
    await z.text("1")  # no menu showing since /huy answered without buttons
    assert "đã cũ" in z.said and "Câu 1/14" not in z.said
    t = Chat(world.core, 2)  # a test-channel (button) user: numbers are never choices
    await t.cmd("baocao")
    await t.text("1")
    assert "đã cũ" not in t.said and "Không có lựa chọn" not in t.said
    with world.core.services.session_factory() as s:
        menus = {m.user_id: m.buttons for m in s.scalars(select(ChoiceMenu))}
        assert len(menus) == 1 and "Câu 1/14" in first_question


async def test_notice_with_buttons_becomes_the_menu(world: World) -> None:
    z = zalo_chat(world, 1)
    services = world.core.services
    with transaction(services.session_factory) as s:
        user = s.scalar(select(User).where(User.channel == "zalo"))
        now = services.clock.now()
        enqueue(s, user, Reply(text="Nhắc hạn", buttons=[[Button("Làm báo cáo", "rp:o:1")]]), key="n1",
                kind="reminder", not_before=now, now=now)
    await z.text("lam bao cao")
    assert "Câu 1/14" in z.said or "báo cáo" in z.said.lower()
    assert "Không có lựa chọn" not in z.said


async def test_reminder_button_is_typed_as_a_number_on_zalo(world: World, clock) -> None:
    z = zalo_chat(world, 1)
    clock.set(datetime(2026, 6, 23, 0, 59, tzinfo=timezone.utc))
    await z.cmd("help")  # Zalo is the account used last: the reminder goes there
    clock.set(datetime(2026, 6, 23, 1, 0, tzinfo=timezone.utc))  # 08:00 in Vietnam, 7 days before the due day
    result = run_sweep(world.core.services)
    assert result.queued >= 1
    with world.core.services.session_factory() as s:
        assert "zalo" in set(s.scalars(select(OutboxMessage.channel).where(OutboxMessage.kind == "reminder")))
    await z.text("1")  # "1. Làm báo cáo ngay" of the reminder
    assert "Câu 1/" in z.said or "Tiếp tục" in z.said


async def test_a_typed_number_never_confirms_starting_over(world: World) -> None:
    z = zalo_chat(world, 1)
    await z.cmd("baocao")
    await z.text("1")
    await z.text("khong")
    await z.text("7")
    await z.cmd("huy")
    await z.cmd("baocao")
    await z.text("1")
    await z.text(number(z, "Làm lại từ đầu"))
    assert "Xóa 2 câu trả lời" in z.said
    shown = numbered_text(z.last[-1])
    assert "• Xóa" in shown and "1." not in shown and "2." not in shown  # picked by its words only
    for typed in ("2", "1", "2"):  # the number typed again, or the first line's number
        await z.text(typed)
        with world.core.services.session_factory() as s:
            assert len(s.scalar(select(Draft.answers))) == 2
    await z.cmd("baocao")
    await z.text("1")
    await z.text(number(z, "Làm lại từ đầu"))
    await z.text("xoa")
    assert "Câu 1/" in z.said
    with world.core.services.session_factory() as s:
        assert s.scalar(select(Draft.answers)) == {}


async def test_a_question_in_a_number_question_shows_no_number_to_type(world: World) -> None:
    z = zalo_chat(world, 1)
    await z.cmd("baocao")
    await z.text("1")
    await z.text("co")
    await z.text("15/KH-UBND")
    await z.text("30/6/2026")
    assert "Số hội nghị" in z.said
    await z.text("Hạn nộp báo cáo 6 tháng là khi nào?")  # a question in the middle of a number question
    shown = "\n".join(numbered_text(r) for r in z.last)
    assert len(z.last) >= 2 and "Số hội nghị" in z.last[-1].text
    assert any(r.buttons for r in z.last[:-1]), shown  # the answer offers choices…
    labels = [b.text for r in z.last for row in r.buttons for b in row]
    assert all(f"• {label}" in shown for label in labels), shown  # …none by a number the question takes
    await z.text("1")  # so 1 is the number of meetings, as the question asks
    with world.core.services.session_factory() as s:
        assert s.scalar(select(Draft.answers))["so_hoi_nghi"] == 1


def _notice(world: World, key: str, not_before: datetime) -> OutboxMessage:
    services = world.core.services
    with transaction(services.session_factory) as s:
        user = s.scalar(select(User).where(User.channel == "zalo"))
        reply = Reply(text="Nhắc hạn", buttons=[[Button("Làm báo cáo", f"rp:o:{world.period_id}")]])
        row = enqueue(s, user, reply, key=key, kind="reminder", not_before=not_before, now=services.clock.now())
        s.flush()
        s.expunge(row)
        return row


async def test_a_superseded_number_is_refused_with_the_menu_as_it_is(world: World) -> None:
    z = zalo_chat(world, 1)
    await z.cmd("baocao")  # 1, 2: the periods
    await z.cmd("help")  # answered without choices: the old numbers are superseded
    notice = _notice(world, "n-sup", world.core.services.clock.now())
    assert "3. Làm báo cáo" in numbered_text(Reply.from_payload(notice.payload))  # never a superseded number
    await z.text("1")
    assert "đã cũ nên chưa làm gì" in z.said and "3. Làm báo cáo" in numbered_text(z.last[-1])
    assert "Câu 1/" not in z.said
    await z.text("3")
    assert "Câu 1/" in z.said


async def test_a_number_never_delivered_is_refused_with_the_fresh_menu(world: World) -> None:
    z = zalo_chat(world, 1)
    await z.cmd("baocao")  # 1, 2: the periods
    notice = _notice(world, "n-failed", world.core.services.clock.now())
    assert "3. Làm báo cáo" in numbered_text(Reply.from_payload(notice.payload))  # notices in a row: next numbers
    with transaction(world.core.services.session_factory) as s:
        s.get(OutboxMessage, notice.id).state = "failed"  # the platform refused it: never on the phone
    await z.text("3")
    fresh = numbered_text(z.last[-1])
    assert "chưa đến được" in z.said and "3. Làm báo cáo" in fresh and "1. 6 tháng" in fresh
    assert "Câu 1/" not in z.said
    await z.text("3")  # now it was shown
    assert "Câu 1/" in z.said


async def test_a_reminder_for_later_is_picked_by_its_words_and_reserves_no_number(world: World) -> None:
    z = zalo_chat(world, 1)
    notice = _notice(world, "n-later", world.core.services.clock.now() + timedelta(hours=1))
    shown = numbered_text(Reply.from_payload(notice.payload))
    assert "• Làm báo cáo" in shown and "1." not in shown  # its number would be unknown when it arrives
    await z.cmd("baocao")
    assert "1. 6 tháng" in numbered_text(z.last[-1])
