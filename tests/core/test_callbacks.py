"""Typed button data: packed and parsed in one place; anything else is BadCallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pytest

from core.callbacks import BadCallback, CallbackData, OpenPeriod, Rest, parse, report_button
from core.types import MAX_BUTTON_DATA


@dataclass(frozen=True)
class _Pick(CallbackData, prefix="zz", action="p"):
    item: int
    keep: bool
    code: str


def test_pack_and_parse_round_trip() -> None:
    data = _Pick(42, True, "ab-1").pack()
    assert data == "zz:p:42:1:ab-1"
    assert parse(data) == _Pick(42, True, "ab-1")
    assert report_button(7).data == "rp:o:7" and parse("rp:o:7") == OpenPeriod(7)


@pytest.mark.parametrize("data", [
    "", "zz", "zz:q:1", "zz:p:1:1", "zz:p:1:1:ab:extra", "zz:p:x:1:ab", "zz:p:-1:1:ab", "zz:p:01:1:ab",
    "zz:p:٤٢:1:ab", "zz:p:４２:1:ab", "zz:p:1:2:ab", "zz:p:99999999999:1:ab", "zz:p:1:1:á", "zz:p:1:1:",
    "zz:p:1:1:" + "a" * 70,
])
def test_garbled_forged_or_foreign_data_is_refused(data: str) -> None:
    with pytest.raises(BadCallback):
        parse(data)


@dataclass(frozen=True)
class _Wide(CallbackData, prefix="zz", action="w"):
    a: str
    b: str


def test_the_64_byte_limit_and_duplicate_declarations() -> None:
    assert len(_Wide("a" * 25, "b" * 25).pack().encode()) <= MAX_BUTTON_DATA
    with pytest.raises(ValueError, match="64 bytes"):
        _Wide("a" * 40, "b" * 40).pack()
    with pytest.raises(ValueError, match="out of range"):
        _Pick(2**31, False, "a").pack()
    with pytest.raises(ValueError, match="declared twice"):
        @dataclass(frozen=True)
        class _Again(CallbackData, prefix="zz", action="p"):
            item: int


@dataclass(frozen=True)
class _Page(CallbackData, prefix="zp"):
    item: int
    page: Optional[int] = None


def test_no_action_and_optional_trailing_values() -> None:
    assert _Page(5).pack() == "zp:5" and _Page(5, 2).pack() == "zp:5:2" and _Page(5, 0).pack() == "zp:5:0"
    assert parse("zp:5") == _Page(5) and parse("zp:5:2") == _Page(5, 2)
    for bad in ("zp", "zp:5:2:1", "zp:x", "zp::5", "zp:5:"):
        with pytest.raises(BadCallback):
            parse(bad)


@dataclass(frozen=True)
class _Words(CallbackData, prefix="zw"):
    key: str
    page: int
    words: Rest


def test_a_rest_field_takes_the_rest_of_the_data() -> None:
    """Free text (folded search keywords) as the last field: spaces and ":" kept, 64 bytes still."""
    assert _Words("ab12", 2, Rest("thi dua khen thuong")).pack() == "zw:ab12:2:thi dua khen thuong"
    assert parse("zw:ab12:2:thi dua: 2026") == _Words("ab12", 2, Rest("thi dua: 2026"))
    for bad in ("zw:ab12:2", "zw:ab12:2:", "zw:ab12:x:thi", "zw:ab 12:2:thi", "zw:ab12:2:a\nb", "zw:ab12:2:" + "a" * 60):
        with pytest.raises(BadCallback):
            parse(bad)
    for value in ("", "a\tb", "a" * 60):
        with pytest.raises(ValueError):
            _Words("ab12", 2, Rest(value)).pack()
    with pytest.raises(ValueError):
        _Wide("a b", "c").pack()  # a plain text field stays a short ASCII token


def test_a_base_without_prefix_shares_fields_and_is_never_parsed() -> None:
    @dataclass(frozen=True)
    class Pair(CallbackData):
        a: int
        b: int

    @dataclass(frozen=True)
    class Triple(Pair, prefix="zz", action="t"):
        c: int

    assert Triple(1, 2, 3).pack() == "zz:t:1:2:3"
    assert parse("zz:t:1:2:3") == Triple(1, 2, 3)
    with pytest.raises(BadCallback):
        parse("zz:1:2")
