"""The daily retention run: once per local day across workers, and what the sweep job calls."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.services import build_services
from core.settings import Settings
from reminders.retention_job import run_retention_if_due
from reminders.scheduler import SweepJob


def test_once_per_local_day(database_url: str, tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    first = build_services(settings, clock, startup=False)
    second = build_services(settings, clock, startup=False)  # another worker on the same database
    assert run_retention_if_due(first) is not None
    assert run_retention_if_due(second) is None
    assert run_retention_if_due(first) is None
    clock.jump(timedelta(days=1))
    assert SweepJob(second)._work() is not None  # the sweep, then today's retention run
    assert run_retention_if_due(first) is None
