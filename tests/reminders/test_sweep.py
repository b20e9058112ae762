"""The sweep through a period's whole schedule: who gets what and when, exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from core.context import Services
from bot.delivery.sender import OutboxSender
from bot.delivery.pacer import Pacer
from reminders.sweep import plan_schedule, run_sweep
from store.clock import local
from store.models import OutboxMessage, ReminderLog
from tests.reminders.world import RecordingTransport, add_period, build_world, submit, vn


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock) -> Services:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return build_services(settings, clock, startup=False)


async def step(services, transport, clock, moment) -> list[tuple[str, str]]:
    """Move the clock, sweep, drain; return (chat, first line) of what went out."""
    clock.set(moment.astimezone(clock.now().tzinfo))
    before = len(transport.sent)
    run_sweep(services)
    sender = OutboxSender(services, {"test": transport}, pacer=Pacer(10_000, 0))
    await sender.drain_once()
    return sorted((chat, reply.text.splitlines()[0]) for _, chat, reply in transport.sent[before:])


def logs(services) -> list[tuple[str, str, str, str]]:
    with services.session_factory() as s:
        rows = s.execute(select(ReminderLog.officer_id, ReminderLog.step, ReminderLog.state, ReminderLog.reason)
                         .order_by(ReminderLog.id)).all()
    return [tuple(r) for r in rows]


async def test_whole_schedule_with_submissions_and_downtime(services: Services, clock) -> None:
    w = build_world(services)
    pid = add_period(services, w, label="6 tháng đầu năm 2026", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17),
                     close_at=vn(2026, 7, 15))
    t = RecordingTransport(clock)

    assert await step(services, t, clock, vn(2026, 6, 8, 7, 59)) == []
    # -7 days at 08:00: active, reachable officers of owing communes (not a2 inactive, not b1 unreachable).
    out = await step(services, t, clock, vn(2026, 6, 8, 8, 0))
    assert [c for c, _ in out] == ["a1", "c1"]
    assert all("Còn 7 ngày" in line for _, line in out)
    assert t.sent[-1][2].buttons[0][0].data == f"rp:o:{pid}"
    assert t.sent[-1][2].buttons[0][0].text == "Làm báo cáo ngay"
    assert await step(services, t, clock, vn(2026, 6, 8, 8, 1)) == []  # never twice

    clock.set(vn(2026, 6, 10, 9).astimezone(clock.now().tzinfo))
    submit(services, w, pid, "A")
    out = await step(services, t, clock, vn(2026, 6, 12, 8, 0))
    assert out == [("c1", "⏰ Còn 3 ngày đến hạn nộp báo cáo “6 tháng đầu năm 2026” (hạn 17:00 15/6/2026).")]

    # The bot is down from the 13th to the due day 09:00: -1d is superseded, the due-day one still useful.
    out = await step(services, t, clock, vn(2026, 6, 15, 9, 0))
    assert out == [("c1", "⏰ Hôm nay là hạn nộp báo cáo “6 tháng đầu năm 2026” (hạn 17:00 15/6/2026).")]
    c1 = w.officers["c1"]
    assert (c1, "-1d@08:00", "skipped", "superseded") in logs(services)

    assert await step(services, t, clock, vn(2026, 6, 15, 18)) == []
    # Overdue: daily reminder to c1, one digest to the supervisor listing Xã C only (B too: no report).
    out = await step(services, t, clock, vn(2026, 6, 16, 8, 0))
    assert ("c1", "⚠️ Báo cáo “6 tháng đầu năm 2026” của Xã C đã quá hạn 1 ngày (hạn 17:00 15/6/2026).") in out
    digest = [r for _, chat, r in t.sent if chat == "s1"]
    assert len(digest) == 1
    assert "Xã B" in digest[0].text and "Xã C" in digest[0].text and "Xã A" not in digest[0].text
    assert await step(services, t, clock, vn(2026, 6, 16, 15)) == []  # digest once a day

    # Down again until the 19th: +2d and +3d superseded, +4d sent; a fresh digest for the 19th.
    out = await step(services, t, clock, vn(2026, 6, 19, 10))
    assert [c for c, _ in out] == ["c1", "s1"]
    assert "quá hạn 4 ngày" in out[0][1]
    submit(services, w, pid, "C")
    submit(services, w, pid, "B")
    assert await step(services, t, clock, vn(2026, 6, 20, 8, 0)) == []  # all submitted: silence

    reminders = sorted(((chat, local(at).strftime("%d/%m %H:%M")) for at, chat, r in t.sent if chat != "s1"),
                       key=lambda x: (x[1], x[0]))
    assert reminders == [("a1", "08/06 08:00"), ("c1", "08/06 08:00"), ("c1", "12/06 08:00"),
                         ("c1", "15/06 09:00"), ("c1", "16/06 08:00"), ("c1", "19/06 10:00")]


async def test_stale_pre_due_reminders_are_recorded_skipped(services: Services, clock) -> None:
    w = build_world(services, officers=(("c1", "C", True, True),), supervisors=())
    add_period(services, w, label="Kỳ", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 1))
    t = RecordingTransport(clock)
    # First start long after the due time: every pre-due step is stale, only the overdue one goes.
    out = await step(services, t, clock, vn(2026, 6, 17, 9))
    assert [c for c, _ in out] == ["c1"] and "quá hạn 2 ngày" in out[0][1]
    states = {(s, st, r) for _, s, st, r in logs(services)}
    # Each step is recorded once: the latest useful one of the pre-due steps (the due day) as stale,
    # the earlier ones and the first overdue day as superseded by a later step; +2d goes out.
    assert states == {("-7d@08:00", "skipped", "superseded"), ("-3d@08:00", "skipped", "superseded"),
                      ("-1d@08:00", "skipped", "superseded"), ("0d@08:00", "skipped", "stale"),
                      ("+1d@08:00", "skipped", "superseded"), ("+2d@08:00", "queued", "")}


async def test_quiet_hours_hold_until_morning_or_skip_when_useless(services: Services, clock) -> None:
    services.settings.reminder_offsets = "-12h,-90m"
    services.settings.reminder_overdue_limit = 0
    w = build_world(services, officers=(("c1", "C", True, True),), supervisors=())
    p1 = add_period(services, w, label="Sáng", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 11, 10),
                    close_at=vn(2026, 7, 1))
    p2 = add_period(services, w, label="Tối", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 10, 22, 30),
                    close_at=vn(2026, 7, 1))
    t = RecordingTransport(clock)
    # 21:00 on the 10th: "-90m" of p2 and, at 22:00, "-12h" of p1 fall in quiet hours.
    assert await step(services, t, clock, vn(2026, 6, 10, 21, 0)) == []
    assert await step(services, t, clock, vn(2026, 6, 10, 22, 0)) == []
    with services.session_factory() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key.like(f"rem:{p1}:%")))
        assert local(row.not_before).strftime("%d/%m %H:%M") == "11/06 07:00"
        assert s.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key.like(f"rem:{p2}:%"))) is None
    assert {(st, r) for _, s, st, r in logs(services) if s == "-90m"} == {("skipped", "stale")}
    out = await step(services, t, clock, vn(2026, 6, 11, 7, 0))
    assert out == [("c1", "⏰ Hôm nay là hạn nộp báo cáo “Sáng” (hạn 10:00 11/6/2026).")]


async def test_restart_never_duplicates(services: Services, clock, tmp_path) -> None:
    w = build_world(services)
    add_period(services, w, label="Kỳ", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 1))
    clock.set(vn(2026, 6, 8, 8).astimezone(clock.now().tzinfo))
    first = run_sweep(services)
    # A "restarted" process: new services on the same database, same moment.
    again = build_services(services.settings, clock, startup=False)
    second = run_sweep(again)
    assert (first.queued, second.queued) == (2, 0)
    with services.session_factory() as s:
        assert len(s.scalars(select(OutboxMessage)).all()) == 2


def test_plan_schedule_lists_future_steps(services: Services, clock) -> None:
    w = build_world(services)
    add_period(services, w, label="Kỳ", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 15))
    with services.session_factory() as s:
        plan = plan_schedule(s, services.settings, clock.now())
    # a1 and c1 (2 officers) x (4 pre-due + 5 overdue) steps.
    assert len(plan) == 18


async def test_run_background_sweeps_and_sends(services: Services, clock) -> None:
    import asyncio

    from bot.delivery.background import run_background

    w = build_world(services)
    add_period(services, w, label="Kỳ", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17), close_at=vn(2026, 7, 1))
    clock.set(vn(2026, 6, 8, 8, 0).astimezone(clock.now().tzinfo))
    transport = RecordingTransport(clock)
    stop = asyncio.Event()
    task = asyncio.create_task(run_background(services, {"test": transport}, stop))
    try:
        await transport.wait_sent(2)  # the first sweep runs at start (catch-up after a restart)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert sorted(chat for _, chat, _ in transport.sent) == ["a1", "c1"]
