"""/hanbaocao: an officer sees the commune's deadlines and status; the reminder button opens /baocao."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from core.types import Incoming, UserRef
from tests.reminders.world import add_period, build_world, submit, vn


@pytest.fixture
def core(database_url: str, tmp_path: Path, clock) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return BotCore(build_services(settings, clock, startup=False), build_router())


def who(name: str) -> UserRef:
    return UserRef("test", name, name, name)


async def say(core: BotCore, name: str, n: list[int], **kw):
    n[0] += 1
    return [q.reply for q in await core.handle(Incoming(user=who(name), update_key=f"u{n[0]}", **kw))]


async def test_officer_sees_deadlines_status_and_next_reminder(core: BotCore, clock) -> None:
    services = core.services
    w = build_world(services, real_form=True)
    clock.set(vn(2026, 6, 10, 9).astimezone(clock.now().tzinfo))
    p1 = add_period(services, w, label="6 tháng đầu năm 2026", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17),
                    close_at=vn(2026, 7, 15))
    add_period(services, w, label="Tổng kết năm 2026", open_at=vn(2026, 11, 1), due_at=vn(2026, 12, 10, 17),
               close_at=vn(2027, 1, 15))
    n = [0]
    (reply,) = await say(core, "c1", n, command="hanbaocao")
    assert "Hạn báo cáo của Xã C" in reply.text
    assert "6 tháng đầu năm 2026\n   Hạn: 17:00 15/6/2026 – ⏳ chưa nộp – còn 5 ngày (nhắc tiếp: 08:00 12/6/2026)" \
        in reply.text
    assert "Tổng kết năm 2026\n   Hạn: 17:00 10/12/2026 – chưa mở (mở từ 00:00 1/11/2026)" in reply.text
    assert [b.data for row in reply.buttons for b in row] == [f"rp:o:{p1}"]

    # The reminder's "Làm báo cáo ngay" button opens the reports dialog for that period.
    out = await say(core, "c1", n, button=f"rp:o:{p1}")
    assert "6 tháng đầu năm 2026" in out[0].text and "Câu 1" in out[0].text

    clock.jump(timedelta(days=6))  # the 16th: submitted late
    submit(services, w, p1, "C")
    (reply,) = await say(core, "c1", n, command="hanbaocao")
    assert "✅ đã nộp" in reply.text and "(nộp muộn)" in reply.text


async def test_overdue_and_supervisor_view(core: BotCore, clock) -> None:
    services = core.services
    w = build_world(services)
    clock.set(vn(2026, 6, 17, 9).astimezone(clock.now().tzinfo))
    p1 = add_period(services, w, label="Kỳ 1", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17),
                    close_at=vn(2026, 7, 15))
    submit(services, w, p1, "A")
    n = [0]
    (reply,) = await say(core, "c1", n, command="hanbaocao")
    assert "QUÁ HẠN 2 ngày" in reply.text
    (reply,) = await say(core, "s1", n, command="hanbaocao")
    assert "Kỳ 1" in reply.text and "đã nộp 1/3" in reply.text


async def test_unregistered_user_is_told_politely(core: BotCore) -> None:
    (reply,) = await say(core, "stranger", [0], command="hanbaocao")
    assert "đăng ký" in reply.text
