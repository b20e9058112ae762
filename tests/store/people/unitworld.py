"""Services on a scratch database with the country's provinces and communes loaded."""

from __future__ import annotations

from pathlib import Path

from bot.services import build_services
from core.context import Services
from core.settings import Settings
from store.clock import Clock
from store.people.units import seed_units


def services_with_units(database_url: str, tmp_path: Path, clock: Clock) -> Services:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    seed_units(services)
    return services
