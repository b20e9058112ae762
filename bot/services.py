"""Builds the services once: engine, migrations, seed data, search index."""

from __future__ import annotations

import importlib
import logging
from typing import Callable, Optional

from bot.settings import Settings
from handlers.context import Services
from store.clock import VN_TZ, Clock, SystemClock
from store.db import make_engine, make_session_factory
from store.migrate import upgrade

log = logging.getLogger(__name__)

# Feature start-up steps, "module:function" taking Services, run in this order after migrations.
StartupStep = Callable[[Services], None]
STARTUP_STEPS: list[str] = [
    "store.units:seed_units",  # provinces and communes from vietnam-provinces
    "store.ingest:load_samples",  # bundled directives on first start
    "store.forms:load_sample_forms",  # bundled report forms
    "store.search:ensure_index",  # load the persisted index, rebuild only when the corpus changed
]


def _resolve(spec: str) -> StartupStep:
    module_name, func_name = spec.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def _default_clock(settings: Settings) -> Clock:
    """The wall clock, or a frozen FakeClock when the test-only BOT_FAKE_NOW is set."""
    if settings.fake_now is None:
        return SystemClock()
    from store.clock import FakeClock

    log.warning("TEST-ONLY: clock frozen at %s (BOT_FAKE_NOW)", settings.fake_now.isoformat())
    moment = settings.fake_now
    return FakeClock(moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ))


def build_services(settings: Settings, clock: Optional[Clock] = None, *, startup: bool = True) -> Services:
    """Connect, migrate, and run the feature start-up steps."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    services = Services(settings=settings, session_factory=make_session_factory(engine),
                        clock=clock or _default_clock(settings))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if startup:
        for spec in STARTUP_STEPS:
            _resolve(spec)(services)
    return services
