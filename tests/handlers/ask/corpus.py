"""A bot core on the five sample directives with the search index built, shared by Q&A tests."""

from __future__ import annotations

import pytest

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from store.clock import FakeClock
from store.directives.ingest import load_samples
from store.search.service import ensure_index


def sample_core(tmp_path_factory: pytest.TempPathFactory, name: str) -> BotCore:
    tmp = tmp_path_factory.mktemp(name)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'db.sqlite3'}", data_dir=tmp / "data")
    services = build_services(settings, FakeClock(), startup=False)
    load_samples(services)
    ensure_index(services)
    return BotCore(services, build_router())
