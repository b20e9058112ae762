"""Reminders across crashes: SIGKILL in the middle of a sweep, and a bot killed between two steps."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.services import build_services
from core.settings import Settings
from bot.delivery.sender import OutboxSender
from bot.delivery.pacer import Pacer
from store.db import make_engine, make_session_factory, transaction
from store.models import OutboxMessage, ReminderLog
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import BotProcess
from tests.reminders.world import RecordingTransport, add_period, build_world, submit, vn

REPO = Path(__file__).resolve().parents[2]
COMMUNES = tuple(f"Thử {i}" for i in range(40))
OFFICERS = tuple((f"o{i}-{k}", name, True, True) for i, name in enumerate(COMMUNES) for k in range(2))

# Runs one sweep but stops, forever, after its rows were written and before the commit.
STALLED_SWEEP = """
import sys, time
import reminders.sweep as sweep
real = sweep.write_plan
def stalled(session, planned, now):
    real(session, planned, now)
    session.flush()
    print("MID", len(planned), flush=True)
    time.sleep(300)
sweep.write_plan = stalled
from bot.cli import main
sys.exit(main(["reminders", "sweep"]))
"""


def env_for(settings: Settings, fake_now: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": settings.database_url, "DATA_DIR": str(settings.data_dir),
            "BOT_FAKE_NOW": fake_now, "LOAD_SAMPLES": "false", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(REPO), "BOT_TOKEN": ""}


def counts(settings: Settings) -> tuple[int, int]:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as s:
            return (s.scalar(select(func.count()).select_from(ReminderLog)),
                    s.scalar(select(func.count()).select_from(OutboxMessage)))
    finally:
        engine.dispose()


async def test_sigkill_during_a_sweep_loses_and_doubles_nothing(database_url: str, tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    w = build_world(services, communes=COMMUNES, officers=OFFICERS, supervisors=())
    add_period(services, w, label="Kỳ thử", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 1))
    now = "2026-06-08T08:00:00+07:00"
    proc = subprocess.Popen([sys.executable, "-c", STALLED_SWEEP], cwd=tmp_path, env=env_for(settings, now),
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "sweep.log", "wb"))
    try:
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 120)
        assert line.startswith(b"MID 80"), line
    finally:
        proc.kill()  # SIGKILL with 80 reminders written but not committed
        proc.wait()
    assert counts(settings) == (0, 0)  # rolled back: nothing half-done is visible

    def sweep() -> str:
        out = subprocess.run([sys.executable, "-m", "bot", "reminders", "sweep"], cwd=tmp_path,
                             env=env_for(settings, now), capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    assert "Đã xếp 80 lời nhắc" in sweep()  # the restarted sweep does the whole job
    assert "Đã xếp 0 lời nhắc" in sweep()  # and a second one finds it done
    assert counts(settings) == (80, 80)
    transport = RecordingTransport(clock)
    clock.set(vn(2026, 6, 8, 8))
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(10_000, 0))
    while await sender.drain_once():
        pass
    assert sorted(chat for _, chat, _ in transport.sent) == sorted(name for name, *_ in OFFICERS)


async def test_bot_killed_between_steps_sends_each_reminder_once(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path / "bot", fake_now="2026-06-12T08:01:00+07:00",
                          env={"LOAD_SAMPLES": "false", "QUIET_HOURS": "21:00-07:00"})
        settings = proc.settings()
        services = build_services(settings, startup=False)
        chat_ids = {"a1": "501", "a2": "502", "b1": "503", "c1": "504", "s1": "505"}
        w = build_world(services, channel="telegram", chat_ids=chat_ids)
        pid = add_period(services, w, label="6 tháng đầu năm 2026", open_at=vn(2026, 6, 1),
                         due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 15))
        services.session_factory.kw["bind"].dispose()

        def reminders(chat: str) -> list[str]:
            return [c.text for c in api.sent(int(chat)) if c.inline_buttons
                    and c.inline_buttons[0]["text"] == "Làm báo cáo ngay"]

        def all_sent() -> bool:
            engine = make_engine(settings.database_url)
            try:
                with transaction(make_session_factory(engine)) as s:
                    return not s.scalars(select(OutboxMessage).where(OutboxMessage.state != "sent")).all()
            finally:
                engine.dispose()

        await proc.start()
        try:
            await api.wait_for(504, lambda c: "Còn 3 ngày" in c.text, timeout=60)
            await api.wait_for(501, lambda c: "Còn 3 ngày" in c.text, timeout=60)
            assert api.sent(int(chat_ids["c1"]))[0].inline_buttons[0]["callback_data"] == f"rp:o:{pid}"
            await api.wait_until(all_sent, timeout=30)
            proc.kill()

            # While the bot is down, Xã C reports; the bot comes back at the next step (-1 day).
            services = build_services(settings, startup=False)
            submit(services, w, pid, "C")
            services.session_factory.kw["bind"].dispose()
            proc.env["BOT_FAKE_NOW"] = "2026-06-14T08:00:30+07:00"
            await proc.start()
            await api.wait_for(501, lambda c: "Còn 1 ngày" in c.text, timeout=60)
            await api.wait_until(all_sent, timeout=30)
        finally:
            await proc.stop()
        assert [t.splitlines()[0][:20] for t in reminders(chat_ids["a1"])] == ["⏰ Còn 3 ngày đến hạn", "⏰ Còn 1 ngày đến hạn"]
        assert len(reminders(chat_ids["c1"])) == 1  # reported meanwhile: no second reminder
        assert reminders(chat_ids["a2"]) == reminders(chat_ids["b1"]) == []  # inactive / unreachable
