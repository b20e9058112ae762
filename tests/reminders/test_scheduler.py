"""The minute sweep runs on one worker of the deployment; another takes over when it stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.services import build_services
from core import metrics
from core.settings import Settings
from reminders.scheduler import SweepJob


def sweeps_done() -> float:
    return metrics.REGISTRY.get_sample_value("bot_sweeps_total", {"outcome": "done"}) or 0.0


async def test_only_the_role_holder_sweeps_and_a_standby_takes_over(database_url: str, tmp_path: Path,
                                                                     clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    first, second = SweepJob(services), SweepJob(services)
    try:
        before = sweeps_done()
        await first.run()
        await second.run()  # same minute on another worker: skipped
        assert sweeps_done() == before + 1
        assert first.role.held and not second.role.held
        first.role._drop()  # the holder dies (its connection or lock file closes)
        # PostgreSQL frees the lock once its backend sees the closed socket, a moment later;
        # a worker retries every tick (bounded here).
        for _ in range(100):
            await second.run()
            if second.role.held:
                break
            await asyncio.sleep(0.05)
        assert sweeps_done() == before + 2 and second.role.held
        assert metrics.REGISTRY.get_sample_value("bot_sweep_lag_seconds") is not None
    finally:
        first.release()
        second.release()
        services.session_factory.kw["bind"].dispose()
