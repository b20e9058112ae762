"""Reminders to register (đăng ký thi đua) in the sweep: communes of the year's blocs that have
not registered, once per step, quiet hours respected, none after the deadline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.types import FileRef
from reminders.sweep import run_sweep
from store.models import OutboxMessage
from tests.handlers.emulation.registration_setup import REG_DUE, REG_START, open_registration
from tests.handlers.emulation.test_registration import _fetch, register
from tests.handlers.emulation.world import MEMBER, EmuWorld, build
from tests.handlers.report_setup import Chat
from tests.reminders.test_emulation_reminders import _vn


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(REG_START)
    w = build(database_url, tmp_path / "data", clock, fetch_file=_fetch)
    open_registration(w.core)
    return w


def _reminders(world: EmuWorld) -> list[OutboxMessage]:
    with world.core.services.session_factory() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("reg-rem:%"))
                              .order_by(OutboxMessage.id)))


async def test_once_per_step_for_who_has_not_registered(world: EmuWorld, clock) -> None:
    await register(Chat(world.core, MEMBER), ("Tập thể lao động tiên tiến",), "Thu ngân sách: 900 triệu",
                   FileRef("k1", "photo"))
    services = world.core.services
    run_sweep(services)
    assert _reminders(world) == []  # no step has passed yet
    clock.set(_vn("2026-01-28T08:00"))  # the -3d@08:00 step of a deadline 31/1
    run_sweep(services)
    first = _reminders(world)
    communes = {m.dedup_key.split(":")[2] for m in first}
    assert communes == {"3001", "3003", "3004", "3005"}  # Bình Lư (3002) registered
    assert "Còn 3 ngày đến hạn đăng ký thi đua năm 2026" in first[0].payload["text"]
    assert "/dangkythidua" in first[0].payload["text"]
    run_sweep(services)
    clock.set(_vn("2026-01-28T15:00"))
    run_sweep(services)  # later the same day: nothing twice
    assert len(_reminders(world)) == len(first)
    clock.set(REG_DUE + timedelta(hours=2))
    run_sweep(services)
    assert len(_reminders(world)) == len(first)  # after the deadline: nothing (registration is refused)


async def test_quiet_hours_move_it_to_the_morning(world: EmuWorld, clock) -> None:
    services = world.core.services
    services.settings.quiet_hours = "21:00-07:00"
    clock.set(_vn("2026-01-28T23:30"))
    run_sweep(services)
    rows = _reminders(world)
    assert rows and all(m.not_before == _vn("2026-01-29T07:00") for m in rows)
