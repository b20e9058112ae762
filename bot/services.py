"""Builds the services once: engine, migrations, seed data, search index."""

from __future__ import annotations

import logging
from typing import Callable, Optional

from core.context import Services
from core.settings import Settings
from store.clock import VN_TZ, Clock, FakeClock, SystemClock
from store.db import make_engine, make_session_factory
from store.forms import load_sample_forms
from store.ingest import load_samples
from store.migrate import upgrade
from store.search import ensure_index
from store.units import seed_units

log = logging.getLogger(__name__)

# Start-up steps, run in this order after migrations.
STARTUP_STEPS: tuple[Callable[[Services], object], ...] = (
    seed_units,  # provinces and communes from vietnam-provinces
    load_samples,  # bundled directives on first start
    load_sample_forms,  # bundled report forms
    ensure_index,  # load the persisted index, rebuild only when the corpus changed
)


def _default_clock(settings: Settings) -> Clock:
    """The wall clock, or a frozen FakeClock when the test-only BOT_FAKE_NOW is set."""
    if settings.fake_now is None:
        return SystemClock()
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
        for step in STARTUP_STEPS:
            step(services)
    return services
