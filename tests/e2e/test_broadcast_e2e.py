"""Broadcasts end to end: the /thongbao dialog on Telegram, limits, and a sender killed mid-broadcast."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import broadcast as bench
from bot.services import build_services
from core.settings import Settings
from store.models import OutboxMessage, User
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.harness import running_bot
from tests.reminders.world import build_world

S1 = FakeUser(id=505, first_name="Giám sát")
OFFICERS = (("a1", "A", True, True), ("a2", "A", False, True), ("b1", "B", True, False), ("c1", "C", True, True),
            ("c2", "C", True, True))
CHATS = {"a1": "501", "a2": "502", "b1": "503", "c1": "504", "s1": "505", "c2": "506"}


async def test_thongbao_dialog_on_telegram_delivers_and_reports(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False, quiet_hours="")
    services = build_services(settings, startup=False)
    build_world(services, officers=OFFICERS, channel="telegram", chat_ids=CHATS)
    async with FakeBotAPI() as api:
        api.blocked_chats = {506}  # c2 blocked the bot on Telegram; the database does not know yet
        settings.bot_token, settings.telegram_api_base_url = api.token, api.url
        async with running_bot(tmp_path, api=api, services=services):
            api.push_command(S1, "thongbao")
            await api.wait_for(505, lambda c: "nhập nội dung" in c.text, timeout=30)
            api.push_message(S1, "Đề nghị các xã nộp báo cáo 6 tháng trước ngày 15/6.")
            await api.wait_for(505, lambda c: "đính kèm" in c.text, timeout=30)
            api.push_callback(S1, "bc:na")
            await api.wait_for(505, lambda c: "Gửi tới ai?" in c.text, timeout=30)
            api.push_callback(S1, "bc:a:p")
            preview = await api.wait_for(505, lambda c: "Xem trước" in c.text, timeout=30)
            assert "Tỉnh Thử – 3 người" in preview[0].text  # a1, c1, c2 (a2 inactive, b1 unreachable)
            api.push_callback(S1, "bc:ok")
            report = await api.wait_for(505, lambda c: "Đã gửi xong" in c.text, timeout=60)
        assert "Gửi được: 2/3" in report[0].text and "đã chặn bot: 1" in report[0].text
        for chat in (501, 504):
            (msg,) = [c for c in api.sent(chat) if "15/6" in c.text]
        assert api.sent(502) == api.sent(503) == [] and api.counts[506][403] == 1
    with services.session_factory() as s:
        assert s.scalar(select(User.reachable).where(User.chat_id == "506")) is False


async def test_limits_respected_nothing_lost_or_doubled(tmp_path: Path) -> None:
    result = await bench.run(120, 0.05, kill=False, workdir=tmp_path, progress=False)
    print("\n".join(result.lines()))
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.share_429 < 0.01
    assert result.marked_unreachable == result.blocked == 6
    assert result.states == {"sent": 114, "blocked": 6}


IN_FLIGHT = 4  # the killed worker's concurrent sends


async def test_sender_killed_mid_broadcast_resumes_exactly_once(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", data_dir=tmp_path / "d",
                        load_samples=False)
    chats = bench.seed(settings, 80)
    blocked = set(chats[::20])
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True) as api:
        api.blocked_chats = set(blocked)
        env = bench.worker_env(settings, api.url) | {"OUTBOX_MAX_IN_FLIGHT": str(IN_FLIGHT)}
        proc = bench.start_worker(env, tmp_path / "worker.log")
        try:
            await api.wait_until(lambda: api.status_totals()[200] >= 30, timeout=60)
            # Requests from now on never get an answer: the sender is killed with them in flight.
            api.hang_methods.add("sendMessage")
            await api.wait_until(lambda: any(c.status is None for c in api.calls), timeout=30)
            # Kill only once every send the fake answered was also recorded: a send answered in
            # the instant before a kill may legitimately go out twice (at-least-once), which would
            # make this test flaky. Once all IN_FLIGHT slots hold hung calls, the worker has no
            # other request outstanding, so no answer can arrive after the check.
            watcher = build_services(settings, startup=False)

            def every_answer_recorded() -> bool:
                if sum(1 for c in api.calls if c.status is None) < IN_FLIGHT:
                    return False
                totals = api.status_totals()
                with watcher.session_factory() as s:
                    settled = s.scalar(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.state.in_(("sent", "blocked"))))
                return settled == totals[200] + totals[403]

            await api.wait_until(every_answer_recorded, timeout=30)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            in_flight = sum(1 for c in api.calls if c.status is None)
            api.hang_methods.clear()
            proc = bench.start_worker(env, tmp_path / "worker.log")
            await asyncio.wait_for(asyncio.to_thread(proc.wait), 120)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, (tmp_path / "worker.log").read_text()[-2000:]
        assert in_flight >= 1
        got = {chat: api.counts[chat][200] for chat in chats}
    assert [c for c in chats if c not in blocked and got[c] != 1] == []  # each exactly once
    assert all(got[c] == 0 for c in blocked)
    services = build_services(settings, startup=False)
    with services.session_factory() as s:
        unreachable = set(s.scalars(select(User.chat_id).where(User.reachable.is_(False))))
    assert unreachable == {str(c) for c in blocked}
