"""The digest's text: only the supervisor's provinces, at most MAX_DIGEST_NAMES names a period."""

from __future__ import annotations

from datetime import date, datetime, timezone

from reminders.digest import MAX_DIGEST_NAMES, digest_text
from store.models import Commune, Period

DUE = datetime(2026, 6, 15, 10, tzinfo=timezone.utc)


def _communes(n: int, province: int, start: int) -> dict[int, Commune]:
    return {code: Commune(code=code, name=f"Xã {code}", province_code=province)
            for code in range(start, start + n)}


def test_lists_late_communes_of_the_supervisors_provinces_only() -> None:
    communes = {**_communes(2, 11, 100), **_communes(2, 12, 200)}
    period = Period(id=1, label="Quý II", due_at=DUE, province_code=None)
    text = digest_text(date(2026, 6, 16), [period], {1: set(communes)}, communes, {11})
    assert text is not None and "Quý II" in text and "2 đơn vị chưa nộp" in text
    assert "Xã 100" in text and "Xã 101" in text and "Xã 200" not in text


def test_long_lists_are_cut_and_other_provinces_periods_skipped() -> None:
    communes = _communes(MAX_DIGEST_NAMES + 5, 11, 100)
    mine = Period(id=1, label="Quý II", due_at=DUE, province_code=11)
    theirs = Period(id=2, label="Kỳ tỉnh khác", due_at=DUE, province_code=12)
    owing = {1: set(communes), 2: set(communes)}
    text = digest_text(date(2026, 6, 16), [mine, theirs], owing, communes, {11})
    assert text is not None and "… và 5 đơn vị khác" in text and "Kỳ tỉnh khác" not in text
    assert digest_text(date(2026, 6, 16), [theirs], owing, communes, {11}) is None
