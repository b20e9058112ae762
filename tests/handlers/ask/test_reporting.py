"""An officer's questions about their own reporting are answered from the commune's calendar."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services import build_services
from core.dispatch import BotCore
from core.settings import Settings
from core.types import Incoming, UserRef
from handlers.app import build_router
from handlers.ask.reporting import is_own_reporting
from tests.reminders.world import add_period, build_world, submit, vn


@pytest.fixture
def core(database_url: str, tmp_path: Path, clock) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return BotCore(build_services(settings, clock, startup=False), build_router())


async def say(core: BotCore, name: str, n: list[int], text: str):
    n[0] += 1
    out = await core.handle(Incoming(user=UserRef("test", name, name, name), update_key=f"r{n[0]}", text=text))
    return out[-1].reply


def test_own_reporting_is_told_from_a_directive_question() -> None:
    for text in ("Khi nào phải nộp báo cáo?", "hạn nộp báo cáo 6 tháng", "xã tôi nộp báo cáo chưa?",
                 "han nop bao cao khi nao", "Báo cáo của xã mình hạn cuối ngày nào?"):
        assert is_own_reporting(text, names_place_or_document=False), text
    assert not is_own_reporting("Tuần Giáo yêu cầu chế độ báo cáo định kỳ thế nào?", names_place_or_document=True)
    assert not is_own_reporting("Chỉ thị yêu cầu nộp báo cáo khi nào?", names_place_or_document=False)
    assert not is_own_reporting("Khi nào tổ chức Đại hội thi đua?", names_place_or_document=False)


async def test_officer_gets_due_dates_status_and_a_report_button(core: BotCore, clock) -> None:
    services = core.services
    w = build_world(services)
    clock.set(vn(2026, 6, 10, 9).astimezone(clock.now().tzinfo))
    p1 = add_period(services, w, label="6 tháng đầu năm 2026", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17),
                    close_at=vn(2026, 7, 15))
    add_period(services, w, label="Tổng kết năm 2026", open_at=vn(2026, 11, 1), due_at=vn(2026, 12, 10, 17),
               close_at=vn(2027, 1, 15))
    n = [0]
    reply = await say(core, "c1", n, "Khi nào phải nộp báo cáo?")
    assert reply.text.startswith("📅 Báo cáo của Xã C") and "Nguồn:" not in reply.text
    assert "6 tháng đầu năm 2026\n   Hạn nộp: 17:00 15/6/2026 – ⏳ chưa nộp – còn 5 ngày" in reply.text
    assert "Tổng kết năm 2026" in reply.text and "chưa mở" in reply.text
    assert [b.data for row in reply.buttons for b in row] == [f"rp:o:{p1}"]

    only = await say(core, "c1", n, "hạn nộp báo cáo 6 tháng")
    assert "6 tháng đầu năm 2026" in only.text and "Tổng kết" not in only.text

    clock.jump(timedelta(days=6))  # the 16th: submitted late
    submit(services, w, p1, "C")
    done = await say(core, "c1", n, "xã tôi nộp báo cáo chưa?")
    assert "✅ đã nộp" in done.text and "(nộp muộn)" in done.text and not done.buttons


async def test_supervisors_and_strangers_are_pointed_elsewhere(core: BotCore, clock) -> None:
    build_world(core.services)
    n = [0]
    assert "/hanbaocao" in (await say(core, "s1", n, "Khi nào phải nộp báo cáo?")).text
    stranger = await say(core, "nobody", n, "hạn nộp báo cáo của xã tôi là khi nào?")
    assert "/start" in stranger.text and "Nguồn:" not in stranger.text
