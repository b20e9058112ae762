"""Injected clocks: code asks a clock for the time, never ``datetime.now()`` directly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock tests move by hand (like Trio's MockClock): no sleeping in tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

    def now(self) -> datetime:
        return self._now

    def jump(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment


def local(moment: datetime) -> datetime:
    """The moment in Asia/Ho_Chi_Minh time."""
    return moment.astimezone(VN_TZ)


def today(clock: Clock) -> date:
    """Today's date in Vietnam."""
    return local(clock.now()).date()


def as_utc(moment: datetime) -> datetime:
    """Stored datetimes come back naive from SQLite: treat them as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


# -- one way to write dates for people: 30/6/2026 and 08:00 30/6/2026 (Vietnam time) ------
def vn_date(moment: "datetime | date") -> str:
    """``30/6/2026``: a date, or an aware moment's day in Vietnam."""
    if isinstance(moment, datetime):
        moment = local(as_utc(moment)).date()
    return f"{moment.day}/{moment.month}/{moment.year}"


def vn_datetime(moment: datetime) -> str:
    """``08:00 30/6/2026`` in Vietnam time (naive moments are UTC, as SQLite returns them)."""
    loc = local(as_utc(moment))
    return f"{loc:%H:%M} {loc.day}/{loc.month}/{loc.year}"
