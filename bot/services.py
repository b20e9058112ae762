"""Builds the services once: engine, migrations, seed data, search index."""

from __future__ import annotations

import logging
from typing import Callable, Optional

from bot.settings import Settings
from handlers.context import Services
from store.clock import Clock, SystemClock
from store.db import make_engine, make_session_factory
from store.migrate import upgrade

log = logging.getLogger(__name__)

# Feature start-up steps, run in order after migrations: seed units, load samples, build index.
StartupStep = Callable[[Services], None]
STARTUP_STEPS: list[StartupStep] = []


def build_services(settings: Settings, clock: Optional[Clock] = None, *, startup: bool = True) -> Services:
    """Connect, migrate, and run the feature start-up steps."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    services = Services(settings=settings, session_factory=make_session_factory(engine),
                        clock=clock or SystemClock())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if startup:
        for step in STARTUP_STEPS:
            step(services)
    return services
