"""Builds the services once: engine, migrations, seed data, search index."""

from __future__ import annotations

import logging
from typing import Callable, Optional

from bot.connect import connect_services
from core.context import Services
from core.settings import Settings
from store.clock import Clock
from store.forms.versions import load_sample_forms
from store.directives.ingest import load_samples
from store.search.service import ensure_index
from store.people.units import seed_units

log = logging.getLogger(__name__)

# Start-up steps, run in this order after migrations.
STARTUP_STEPS: tuple[Callable[[Services], object], ...] = (
    seed_units,  # provinces and communes from vietnam-provinces
    load_samples,  # bundled directives on first start
    load_sample_forms,  # bundled report forms
    ensure_index,  # load the persisted index, rebuild only when the corpus changed
)


def build_services(settings: Settings, clock: Optional[Clock] = None, *, startup: bool = True) -> Services:
    """Connect, migrate, and run the feature start-up steps."""
    services = connect_services(settings, clock)
    if startup:
        for step in STARTUP_STEPS:
            step(services)
    return services
