"""The world every award chat test starts from: the emulation world of tests/handlers/emulation
three days into its scoring period, with the sample title catalogue loaded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store.db import transaction
from tests.handlers.emulation.test_selfscore import _fetch
from tests.handlers.emulation.world import OPEN, EmuWorld, build
from tests.handlers.report_setup import PROVINCE
from tests.store.awards.flow import with_catalogue


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(OPEN + timedelta(days=3))
    w = build(database_url, tmp_path / "data", clock, fetch_file=_fetch)
    with transaction(w.core.services.session_factory) as s:
        with_catalogue(s, PROVINCE, clock.now())
    return w
