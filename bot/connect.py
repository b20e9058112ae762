"""The services every process needs (engine, migrations, clock) without the feature start-up.

``bot.services.build_services`` adds the start-up steps (units, samples, search index); a
sender-only worker (``python -m bot outbox``) uses this alone, so a restarted worker is
sending again in about a second instead of loading search first.
"""

from __future__ import annotations

import logging
from typing import Optional

from core.context import Services
from core.settings import Settings
from store.clock import VN_TZ, Clock, FakeClock, SystemClock
from store.db import make_engine, make_session_factory
from store.migrate import upgrade

log = logging.getLogger(__name__)


def default_clock(settings: Settings) -> Clock:
    """The wall clock, or a frozen FakeClock when the test-only BOT_FAKE_NOW is set."""
    if settings.fake_now is None:
        return SystemClock()
    log.warning("TEST-ONLY: clock frozen at %s (BOT_FAKE_NOW)", settings.fake_now.isoformat())
    moment = settings.fake_now
    return FakeClock(moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ))


def connect_services(settings: Settings, clock: Optional[Clock] = None) -> Services:
    """Connect and migrate; no feature start-up steps."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    services = Services(settings=settings, session_factory=make_session_factory(engine),
                        clock=clock or default_clock(settings))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return services
