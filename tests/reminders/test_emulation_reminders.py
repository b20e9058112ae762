"""Scoring-period reminders in the sweep: communes that have not submitted, once per step,
quiet hours respected, nothing after the point where it would be useless."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from reminders.sweep import run_sweep
from store.clock import VN_TZ
from store.models import ChoiceMenu, OutboxMessage, User
from tests.handlers.emulation.scoring import score_and_submit
from tests.handlers.emulation.test_selfscore import _fetch
from tests.handlers.emulation.world import CLOSE, MEMBER, OPEN, EmuWorld, build
from tests.handlers.report_setup import Chat


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(OPEN + timedelta(days=3))
    return build(database_url, tmp_path / "data", clock, fetch_file=_fetch)


def _reminders(world: EmuWorld) -> list[OutboxMessage]:
    with world.core.services.session_factory() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("emu-rem:%"))
                              .order_by(OutboxMessage.id)))


def _vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


async def test_pre_due_and_overdue_once_each_for_who_has_not_submitted(world: EmuWorld, clock) -> None:
    await score_and_submit(Chat(world.core, MEMBER), "9", True, "8")  # Bình Lư is done
    services = world.core.services
    clock.set(_vn("2026-11-27T08:00"))  # the -3d@08:00 step of a due day 30/11
    run_sweep(services)
    first = _reminders(world)
    communes = {m.dedup_key.split(":")[2] for m in first}
    assert communes == {"3001", "3003", "3004", "3005"}  # officers with a chat; Bình Lư submitted
    assert all(":-3d@08:00" in m.dedup_key for m in first)
    assert "Còn 3 ngày đến hạn nộp bảng tự chấm" in first[0].payload["text"]
    assert first[0].payload["buttons"][0][0]["data"].startswith("cd:o:")
    run_sweep(services)
    clock.set(_vn("2026-11-27T15:00"))
    run_sweep(services)  # a second sweep, later that day: nothing twice
    assert len(_reminders(world)) == len(first)
    clock.set(_vn("2026-12-02T08:00"))  # overdue: the +2d step
    run_sweep(services)
    overdue = _reminders(world)[len(first):]
    assert overdue and all("quá hạn 2 ngày" in m.payload["text"] for m in overdue)
    with services.session_factory() as s:  # the console and Zalo would show the button as "1."
        zalo_like = s.scalar(select(User).where(User.external_id == "3"))
        assert zalo_like is not None and s.get(ChoiceMenu, zalo_like.id) is None  # Bình Lư: no reminder


async def test_quiet_hours_move_it_to_the_morning_and_close_ends_them(world: EmuWorld, clock) -> None:
    services = world.core.services
    services.settings.quiet_hours = "21:00-07:00"
    clock.set(_vn("2026-12-01T23:30"))  # overdue steps have passed; it is night
    run_sweep(services)
    rows = _reminders(world)
    assert rows and all(m.not_before == _vn("2026-12-02T07:00") for m in rows)
    clock.set(CLOSE + timedelta(hours=1))
    before = len(_reminders(world))
    run_sweep(services)
    assert len(_reminders(world)) == before  # closed: no reminder any more
