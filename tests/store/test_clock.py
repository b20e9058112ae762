"""Dates are written one way for people: 30/6/2026 and 08:00 30/6/2026, in Vietnam time."""

from __future__ import annotations

from datetime import date, datetime, timezone

from store.clock import vn_date, vn_datetime
from store.vn.numbers import format_date


def test_one_date_format() -> None:
    moment = datetime(2026, 6, 30, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam
    assert vn_date(moment) == "30/6/2026" == vn_date(date(2026, 6, 30)) == format_date(date(2026, 6, 30))
    assert vn_datetime(moment) == "08:00 30/6/2026"
    assert vn_datetime(datetime(2026, 6, 30, 17, 30)) == "00:30 1/7/2026"  # naive: UTC, as SQLite returns it
    assert vn_date(datetime(2026, 6, 30, 17, 30, tzinfo=timezone.utc)) == "1/7/2026"
