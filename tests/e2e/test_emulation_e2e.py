"""The emulation year end to end through ``python -m bot`` and the fake Telegram and Zalo APIs,
on SQLite and PostgreSQL: three communes self-score (one on Zalo has a score above the maximum
refused, is killed mid-scoring and resumes at the same criterion, and submits late; one sends
evidence photos), the leader lowers a score with a reason, the commune explains, the leader
keeps the change (disputed), the review closes into a ranking with a tie, the province publishes
and gets the workbook (checked cell by cell) and the chart.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from bot.services import build_services
from store.clock import FakeClock
from store.models import Commune, Evidence, Ranking, ScoreChange, Sheet
from tests.e2e.emulation_world import (BEFORE_DUE, LEADER, MEMBER, SUPERVISOR, TWO_DAYS_LATE, ZALO_MEMBER, seed)
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.report_chat import TgChat
from tests.e2e.test_zalo import number_of
from tests.e2e.test_zalo_report import outbox_settled
from tests.e2e.zalo_harness import ZaloBotProcess, ZChat

JPEG = b"\xff\xd8\xff\xe0" + b"minh-chung" * 40
QUIET = {"LOAD_SAMPLES": "false", "QUIET_HOURS": "", "REMINDER_OFFSETS": "", "REMINDER_OVERDUE_TIME": ""}


async def _notice(api: FakeBotAPI, chat: TgChat, words: str) -> None:
    """Wait for a notice to ``chat`` containing ``words`` and make it the chat's last message."""
    calls = await api.wait_for(chat.user.id, predicate=lambda c: words in c.text, timeout=30)
    chat.last = calls[-1]


async def _self_score(chat: TgChat, first: str, third: str, photos: int) -> None:
    await chat.cmd("chamdiem")
    assert "Tiêu chí 1 (1/4)" in chat.said
    await chat.text(first)
    for n in range(photos):
        await chat.photo(JPEG + bytes([n]))
    assert f"Đã nhận {photos} tệp minh chứng" in chat.said
    await chat.press("Tiếp »")
    await chat.press("Đạt")
    await chat.press("Tiếp »")
    await chat.text(third)
    await chat.press("Tiếp »")
    await chat.text("0")
    await chat.press("Tiếp »")
    await chat.press("📤 Nộp bảng tự chấm")
    assert "Nộp đúng hạn" in chat.said


async def _zalo_until_kill(z: ZChat) -> None:
    said = await z.text("/chamdiem")
    assert "Tiêu chí 1 (1/4)" in said and "bấm" not in said.lower()
    said = await z.text("12")
    assert "cao hơn điểm chuẩn 10" in said and "Tiêu chí 1 (1/4)" in said
    said = await z.text("8")
    assert "Tiêu chí 1: 8 điểm" in said and "gõ 1" in said
    said = await z.image(JPEG + b"zalo")
    assert "Đã lưu 1 tệp minh chứng" in said
    said = await z.text(number_of(said, "Tiếp »"))
    assert "Tiêu chí 2 (2/4)" in said
    said = await z.text("đạt")
    said = await z.text(number_of(said, "Tiếp »"))
    assert "Tiêu chí 3 (3/4)" in said


def _check_workbook(content: bytes, names: dict[int, str]) -> None:
    """The province's workbook, cell by cell: the summary, the ranking, the disputed criterion."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Khối thi đua số 1"]
    summary = [[c.value for c in row] for row in book["Tổng hợp"].iter_rows()]
    assert summary[0][:2] == ["Đợt chấm điểm", "Chấm điểm thi đua năm 2026"]
    assert summary[1][:2] == ["Bảng tiêu chí", "thu-nghiem"]
    assert summary[7] == ["Khối", "Trưởng khối", "Số xã", "Đã nộp", "Trễ hạn", "Khiếu nại", "Tình trạng"]
    assert summary[8] == ["Khối thi đua số 1", names[3001], 4, 3, 1, 1, "đã công bố"]
    bloc = [[c.value for c in row] for row in book["Khối thi đua số 1"].iter_rows()]
    assert bloc[3] == ["Hạng", "Mã xã", "Xã, phường", "Tự chấm", "Khối chấm", "Điểm cuối cùng", "Số minh chứng",
                       "Số ngày trễ", "Tiêu chí khiếu nại", "Ghi chú"]
    ranked = {row[1]: row for row in bloc[4:8]}
    assert ranked[3001] == [1, 3001, names[3001], 27, 27, 27, 1, 0, 0, "đồng hạng"]
    assert ranked[3002] == [1, 3002, names[3002], 29, 27, 27, 2, 0, 1, "đồng hạng, có khiếu nại"]
    assert ranked[3003] == [3, 3003, names[3003], 23, 23, 23, 1, 2, 0, "trễ 2 ngày"]
    assert ranked[3004] == [None, 3004, names[3004], None, None, None, 0, 0, 0, "chưa nộp"]
    details = [row for row in bloc[10:] if row[0] == 3002 and row[2] == "3"]
    assert details == [[3002, names[3002], "3", "Chấp hành chế độ báo cáo", 10, 9, 7, 7, 0, "có"]]
    penalty = [row for row in bloc[10:] if row[0] == 3003 and row[2] == "4"]
    assert penalty == [[3003, names[3003], "4", "Vi phạm kỷ luật", -5, -1, -1, -1, 0, None]]


def _names(services) -> dict[int, str]:
    with services.session_factory() as s:
        return {code: name for code, name in s.execute(select(Commune.code, Commune.name))}


async def test_emulation_year_end_to_end(database_url: str, tmp_path: Path) -> None:
    async with FakeZaloAPI() as zapi, FakeBotAPI() as api:
        proc = ZaloBotProcess(zapi, tmp_path / "bot", telegram=api,
                              env={**QUIET, "BOT_FAKE_NOW": BEFORE_DUE, "DATABASE_URL": database_url,
                                   "OUTBOX_PER_CHAT_INTERVAL_SECONDS": "0"})
        services = build_services(proc.settings(), FakeClock(datetime.fromisoformat(BEFORE_DUE)), startup=False)
        seed(services.session_factory, services.clock.now())
        await proc.start()
        try:
            leader, member, sup = TgChat(api, LEADER), TgChat(api, MEMBER), TgChat(api, SUPERVISOR)
            z = ZChat(zapi, ZALO_MEMBER)
            await _self_score(leader, "9", "8", photos=1)   # 27
            await _self_score(member, "10", "9", photos=2)  # 29, two evidence photos
            await _zalo_until_kill(z)
            await outbox_settled(services)
            proc.kill()  # SIGKILL mid-scoring
            with services.session_factory() as s:
                sheet = s.scalar(select(Sheet).where(Sheet.commune_code == 3003))
                assert sheet.position == "3" and set(sheet.answers) == {"1", "2"}

            proc.env["BOT_FAKE_NOW"] = TWO_DAYS_LATE
            await proc.start()
            said = await z.text("6")  # resumes at the same criterion
            assert "Tiêu chí 3: 6 điểm" in said
            said = await z.text(number_of(said, "Tiếp »"))
            assert "Tiêu chí 4 (4/4)" in said
            said = await z.text("1")  # one point deducted (a number here is the answer)
            said = await z.text(number_of(said, "Tiếp »"))
            assert "Đã quá hạn" in said
            said = await z.text(number_of(said, "📤 Nộp bảng tự chấm"))
            assert "Nộp trễ hạn 2 ngày" in said

            names = _names(services)  # the running bot keeps the official unit names
            await leader.cmd("khoicham")
            assert "đã nộp 3" in leader.said and f"{names[3004]}: chưa nộp (quá hạn)" in leader.said
            await leader.press(f"Xem {names[3002]}")
            await leader.press("3 · 9/10")
            await leader.text("7")
            await leader.text("Hai báo cáo quý nộp chậm")
            assert "9 → 7" in leader.said
            await _notice(api, member, "Lý do: Hai báo cáo quý nộp chậm")
            await member.press("Giải trình")
            await member.text("Nộp chậm do mất điện diện rộng, có xác nhận của điện lực")
            await member.photo(JPEG + b"xac-nhan")
            assert "Đã lưu 1 tệp minh chứng" in member.said
            await member.press("Gửi giải trình")
            await _notice(api, leader, f"{names[3002]} giải trình tiêu chí 3")
            await leader.press("Giữ điểm khối 3")
            assert "còn ý kiến khác" in leader.said
            await _notice(api, member, "giữ điểm khối chấm tiêu chí 3")

            await leader.cmd("khoicham")
            await leader.press("Đóng chấm điểm")
            await leader.press("Đóng và xếp hạng")
            ranking = leader.said
            assert f"1. {names[3001]}: 27 điểm (đồng hạng)" in ranking
            assert f"1. {names[3002]}: 27 điểm (đồng hạng) (1 tiêu chí còn ý kiến khác)" in ranking
            assert f"3. {names[3003]}: 23 điểm (trễ 2 ngày)" in ranking
            assert f"– {names[3004]}: chưa nộp" in ranking
            await _notice(api, sup, "đã đóng chấm điểm")
            await sup.press("Công bố xếp hạng")
            assert "Đã công bố" in sup.said
            placed = await zapi.wait_for(ZALO_MEMBER.id, predicate=lambda c: "xếp thứ 3" in c.text, timeout=30)
            assert "Tiêu chí chưa đạt điểm tối đa" in placed[-1].text
            await _notice(api, member, "xếp thứ 1 (đồng hạng)")
            await sup.cmd("xephang")
            await sup.press("Khối thi đua số 1")
            assert "đã công bố" in sup.said
            before = len(api.sent(SUPERVISOR.id))
            await sup.press("Tải Excel và biểu đồ", replies=2)
            sent = api.sent(SUPERVISOR.id)[before:]
            assert [c.method for c in sent] == ["sendDocument", "sendPhoto"]
            assert sent[1].files["photo"].startswith(b"\x89PNG")
            _check_workbook(sent[0].files["document"], names)
            with services.session_factory() as s:
                assert s.scalar(select(func.count()).select_from(Sheet).where(Sheet.submitted_at.is_not(None))) == 3
                assert [c.kind for c in s.scalars(select(ScoreChange).order_by(ScoreChange.id))] == ["review", "kept"]
                assert s.scalar(select(func.count()).select_from(Evidence)) == 5  # 1 + 2 + 1 on Zalo + 1 explained
                assert s.scalar(select(Ranking)).published_at is not None
        finally:
            await proc.stop()
    assert "Traceback" not in proc.log()
