"""Vietnamese numbers and dates as officers type them."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from store.clock import VN_TZ
from store.vn.numbers import NumberFormatError, format_number, parse_date, parse_moment, parse_number


@pytest.mark.parametrize("text,value,percent", [
    ("1.250", "1250", False), ("12,5", "12.5", False), ("12.5%", "12.5", True), ("1.250,5", "1250.5", False),
    ("1,250.5", "1250.5", False), ("1.250.000", "1250000", False), ("1,250,000", "1250000", False),
    ("0,75", "0.75", False), ("12.5", "12.5", False), ("-3", "-3", False), ("1 250", "1250", False),
    ("12,5 %", "12.5", True), ("  7 ", "7", False), ("0.5", "0.5", False), ("1\u00a0250", "1250", False),
])
def test_numbers(text: str, value: str, percent: bool) -> None:
    assert parse_number(text) == (Decimal(value), percent)


@pytest.mark.parametrize("text", ["", "abc", "1..2", "1.2.3,4,5", "12a", "%", "1,2,3", "--1", "1.25.0"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(text)


@pytest.mark.parametrize("text,expected", [
    ("30/6/2026", date(2026, 6, 30)), ("30-6-2026", date(2026, 6, 30)), ("30.6.2026", date(2026, 6, 30)),
    ("01/07/2026", date(2026, 7, 1)), ("30/6/26", date(2026, 6, 30)), ("ngày 30 tháng 6 năm 2026", date(2026, 6, 30)),
])
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/2/2026", "2026-06-30x", "30/13/2026", "hôm qua", ""])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_format_number_the_vietnamese_way() -> None:
    assert format_number(1250) == "1.250"
    assert format_number(12.5) == "12,5"
    assert format_number(-1234567.25) == "-1.234.567,25"
    assert format_number(3, places=1) == "3,0"


@pytest.mark.parametrize("text", ["31/12/2026", "31-12-2026", "31.12.2026", "31/12/26", "2026-12-31",
                                  "ngày 31 tháng 12 năm 2026"])
def test_every_date_form_means_the_same_day_and_moment(text: str) -> None:
    assert parse_date(text) == date(2026, 12, 31)
    assert parse_moment(text, end_of_day=True) == datetime(2026, 12, 31, 23, 59, tzinfo=VN_TZ)
    assert parse_moment(text, end_of_day=False) == datetime(2026, 12, 31, 0, 0, tzinfo=VN_TZ)


def test_a_moment_with_its_time_keeps_it() -> None:
    assert parse_moment("2026-06-30T17:00", end_of_day=True) == datetime(2026, 6, 30, 17, 0, tzinfo=VN_TZ)
    assert parse_moment("2026-06-30T17:00+00:00", end_of_day=True) == datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)
    assert parse_moment("2026-02-30", end_of_day=True) is None and parse_moment("mai", end_of_day=True) is None
