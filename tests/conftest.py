"""Shared fixtures: settings on a temp dir, a real SQLite file, a real PostgreSQL server."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from core.settings import Settings
from store.clock import FakeClock
from tests.pgserver import postgres_url

SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_report_header(config: pytest.Config) -> str:
    return f"postgres for storage tests: {postgres_url() or 'NOT AVAILABLE (those tests skip)'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = postgres_url()
    if base is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL required (REQUIRE_POSTGRES set) but none available")
        pytest.skip("no PostgreSQL: set TEST_DATABASE_URL or install PostgreSQL binaries")
    from tests.pgserver import fresh_database

    with fresh_database(base) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return Settings(_env_file=None, bot_token=None, database_url=sqlite_url, data_dir=tmp_path / "data")
