"""Title catalogues stored as versions per province and year, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from store.db import transaction
from store.emulation.titles import (catalogue_version, current_catalogue, load_catalogue, parse_catalogue,
                                    parse_catalogue_text)
from tests.handlers.report_setup import PROVINCE
from tests.store.emulation.conftest import EmuWorld
from tests.store.emulation.test_title_spec import SAMPLE, sample


def test_load_keeps_versions_and_ignores_the_same_content(world: EmuWorld, clock) -> None:
    cat = parse_catalogue_text(SAMPLE.read_text(encoding="utf-8"))
    with transaction(world.factory) as s:
        assert current_catalogue(s, PROVINCE, 2026) is None
        row, what = load_catalogue(s, PROVINCE, cat, clock.now())
        assert (row.version, what) == (1, "new")
        again, what = load_catalogue(s, PROVINCE, cat, clock.now())
        assert (again.id, what) == (row.id, "unchanged")
    data = sample()
    data["titles"] = data["titles"][:2]
    with transaction(world.factory) as s:
        row, what = load_catalogue(s, PROVINCE, parse_catalogue(data), clock.now() + timedelta(days=1))
        assert (row.version, what) == (2, "new")
    with world.factory() as s:
        current = current_catalogue(s, PROVINCE, 2026)
        assert current is not None and [t.code for t in current.titles] == ["tt-ldtt", "tt-ldxs"]
        first = catalogue_version(s, PROVINCE, 2026, 1)
        assert first is not None and len(first.titles) == 4
        assert current_catalogue(s, PROVINCE, 2027) is None
