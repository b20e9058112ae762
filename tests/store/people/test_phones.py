"""Phone numbers typed every way become 0xxxxxxxxx; anything else is refused."""

from __future__ import annotations

import pytest

from store.people.phones import mask_phone, normalize_phone


@pytest.mark.parametrize("raw", [
    "0912345678", "0912 345 678", "0912.345.678", "091-234-5678", "+84912345678", "+84 912 345 678",
    "84912345678", "(+84) 912.345.678", "+84 (0) 912 345 678", "0084912345678", "912345678",
    912345678, 912345678.0, " 0912\u00a0345\u00a0678 ",
])
def test_ways_to_write_one_number(raw: object) -> None:
    assert normalize_phone(raw) == "0912345678"


def test_old_eleven_digit_numbers_are_renumbered() -> None:
    assert normalize_phone("0166 234 5678") == "0362345678"
    assert normalize_phone("+84 1202345678") == "0702345678"


@pytest.mark.parametrize("raw", [None, "", "abc", "12345", "0241234567", "+1 212 555 0100", "0912345",
                                 "091234567890", "0012345678", "09123x5678", 912345678.5])
def test_bad_numbers(raw: object) -> None:
    assert normalize_phone(raw) is None


def test_mask() -> None:
    assert mask_phone("0912345678") == "0912***678"
    assert mask_phone(None) == "—"
