"""What the erasure scrub replaces: full names and the usual phone spellings, word-bounded;
one-word chat names and short fragments are never searched for."""

from __future__ import annotations

from store.people.scrub import ERASED, Needles, scrub_value, phone_spellings


def test_phone_spellings() -> None:
    assert phone_spellings("0911222333") == {"0911222333", "84911222333", "0911 222 333", "0911.222.333"}


def test_full_names_and_phones_are_replaced_word_bounded_in_nested_values() -> None:
    needles = Needles.of(["Hoàng Văn Em", "Em", "Thành", "Đã xóa"], ["0911222333"], handles=["@em_hv"])
    assert set(needles.words) == {"Hoàng Văn Em", "0911222333", "84911222333", "0911 222 333", "0911.222.333",
                                  "@em_hv"}
    pattern = needles.pattern()
    value = {"text": "Duyệt Hoàng Văn Em (+84911222333, 0911.222.333) ở Thành phố; @em_hv",
             "buttons": [["Hoàng Văn Emma", "10911222333"]]}
    assert scrub_value(value, pattern) == {
        "text": f"Duyệt {ERASED} (+{ERASED}, {ERASED}) ở Thành phố; {ERASED}",
        "buttons": [["Hoàng Văn Emma", "10911222333"]]}  # other words that merely contain them stay
