"""Table versions: drafts replaced, published ones locked, a new version only for sheets started after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from store.db import transaction
from store.emulation.sheets import open_sheet
from store.emulation.table_spec import parse_table
from store.emulation.tables import PublishError, latest_published, list_tables, load_table, publish_table
from tests.store.emulation.conftest import OPEN, SAMPLE_TABLE, EmuWorld, period_of


def _changed(text: str):
    data = yaml.safe_load(SAMPLE_TABLE.read_text(encoding="utf-8"))
    data["groups"][3]["criteria"][0]["text"] = text
    return parse_table(data)


def test_versions_and_locking(world: EmuWorld, clock) -> None:
    now = OPEN + timedelta(days=1)
    with transaction(world.factory) as s:
        period = period_of(s, world)
        _, early = open_sheet(s, period, 3001, None, now)  # started on v1
        row, what = load_table(s, _changed("Kế hoạch phát động thi đua"), now)
        assert (row.version, what, row.published_at) == (2, "new", None)
        row, what = load_table(s, _changed("Kế hoạch phát động thi đua năm"), now)
        assert (row.version, what) == (2, "replaced")  # a draft is replaced, not versioned
        assert load_table(s, _changed("Kế hoạch phát động thi đua năm"), now)[1] == "unchanged"
        _, before = open_sheet(s, period, 3002, None, now)  # v2 is a draft: still v1
        publish_table(s, "khoi-xa-2026", None, world.supervisor, now)
        with pytest.raises(PublishError, match="đã ban hành từ trước"):
            publish_table(s, "khoi-xa-2026", 2, world.supervisor, now)
        with pytest.raises(PublishError, match="không có bảng"):
            publish_table(s, "khong-co", None, world.supervisor, now)
        _, after = open_sheet(s, period, 3003, None, now)
        assert latest_published(s, "khoi-xa-2026").version == 2
        versions = {t.id: t.version for t in list_tables(s)}
        assert (versions[early.table_pk], versions[before.table_pk], versions[after.table_pk]) == (1, 1, 2)
        # Loading the published content again changes nothing; older v1 cannot be published over v2.
        assert load_table(s, _changed("Kế hoạch phát động thi đua năm"), now)[1] == "unchanged"
