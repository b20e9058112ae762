"""Vietnamese normalisation: NFC/NFD, tone placement, eth repair, folding, Telex leftovers."""

from __future__ import annotations

import unicodedata

import pytest

from store.gazetteer import catalogue
from store.vn import text as vntext


def test_nfd_input_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Tỉnh ủy Lào Cai")
    assert vntext.nfc(nfd) == "Tỉnh ủy Lào Cai"
    assert vntext.normalize(nfd) == unicodedata.normalize("NFC", "Tỉnh ủy Lào Cai")


def test_eth_is_repaired_to_d_with_stroke() -> None:
    assert vntext.nfc("Ðảng ðoàn") == "Đảng đoàn"
    assert vntext.fold("Ðảm bảo") == "dam bao"


@pytest.mark.parametrize("given, expected", [
    ("hoà", "hòa"), ("uỷ", "ủy"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Tỉnh Uỷ", "Tỉnh Ủy"),
    ("hòa", "hòa"), ("ủy", "ủy"),  # already in the chosen style: unchanged
    ("hòan", "hoàn"), ("tóan", "toán"),  # with a final consonant the tone sits on the second vowel
    ("qúy", "quý"), ("quả", "quả"),  # after q the u belongs to the onset
    ("người", "người"), ("ngoài", "ngoài"), ("giữa", "giữa"), ("gìn", "gìn"),
    ("HOÀ BÌNH", "HÒA BÌNH"), ("Covid-19", "Covid-19"),
])
def test_tone_placement_is_consistent(given: str, expected: str) -> None:
    assert vntext.normalize(given) == expected


def test_both_styles_and_nfd_fold_to_the_same_key() -> None:
    keys = {vntext.fold(t) for t in ("hoà", "hòa", unicodedata.normalize("NFD", "hoà"), "hoa")}
    assert keys == {"hoa"}
    assert vntext.fold("Chỉ thị 02/CT-UBND, “Đoàn kết”!") == "chi thi 02 ct ubnd doan ket"


def test_search_key_unifies_i_and_y_spellings() -> None:
    assert vntext.search_key("kí") == vntext.search_key("ký") == "ki"
    assert vntext.search_key("quý") == "quy"  # uy is a real vowel pair, not the i/y variant


def test_has_diacritics() -> None:
    assert vntext.has_diacritics("thi đua")
    assert vntext.has_diacritics(unicodedata.normalize("NFD", "báo cáo"))
    assert not vntext.has_diacritics("thi dua bao cao")


def test_syllables_keep_one_letter_words_and_numbers() -> None:
    assert vntext.syllables("Hạn chế ở Lào Cai năm 2021") == ["hạn", "chế", "ở", "lào", "cai", "năm", "2021"]


@pytest.mark.parametrize("typed, expected", [
    ("traof", "trào"), ("ddua", "đua"), ("nguowif", "người"), ("tinhr", "tỉnh"), ("quyeets", "quyết"),
    ("khoer", "khỏe"), ("duwowngf", "dường"),
])
def test_telex_leftovers_are_decoded(typed: str, expected: str) -> None:
    assert vntext.telex_decode(typed) == expected


def test_plain_words_are_not_telex() -> None:
    assert vntext.telex_decode("thi") is None
    assert vntext.telex_decode("dua") is None


def test_is_syllable() -> None:
    assert vntext.is_syllable("nhắc") and vntext.is_syllable("nghieng") and vntext.is_syllable("ở")
    assert not vntext.is_syllable("phogn") and not vntext.is_syllable("traof") and not vntext.is_syllable("2021")


def test_long_words_cost_linear_time() -> None:
    """A 40,000-letter word took minutes (the toned-word regex rescanned it from every position)."""
    import time

    from store.vn import text as vntext

    start = time.perf_counter()
    assert vntext.normalize("a" * 40_000) == "a" * 40_000
    assert vntext.normalize("hoà " + "b" * 40_000) == "hòa " + "b" * 40_000
    assert time.perf_counter() - start < 0.5  # ~10 ms linear; the quadratic scan needed ~70 s


def test_query_tokens_are_capped_before_repair() -> None:
    from store.search.query import MAX_TOKEN_CHARS, analyze

    seen: list[str] = []

    def repair(folded: str, accented: str) -> tuple[str, str]:
        seen.append(folded)
        return folded, accented

    analyze("a" * 4000 + " hỏi", repair)
    assert seen == ["a" * MAX_TOKEN_CHARS, "hoi"]


def test_one_list_of_former_provinces_covers_every_merged_name() -> None:
    """The 29 names merged away on 1 July 2025 (63 - 34) plus Huế's rename, each to a current province."""
    from store.vn.text import FORMER_PROVINCES, former_province_keys, strip_unit_prefix

    current = {strip_unit_prefix(vntext.fold(p.name)) for p in catalogue.provinces()}
    assert len(FORMER_PROVINCES) == 63 - 34
    assert set(former_province_keys().values()) <= current
    assert not set(former_province_keys()) & current  # a former name is never a current one


def test_fit_lines_keeps_what_fits_and_counts_the_rest() -> None:
    lines = [f"• Xã số {k} – Tập thể lao động tiên tiến" for k in range(30)]
    shown = vntext.fit_lines(lines, 300, "… và {n} hồ sơ nữa.")
    assert len("\n".join(shown)) <= 300 + len("… và 30 hồ sơ nữa.")
    assert shown[-1] == f"… và {30 - (len(shown) - 1)} hồ sơ nữa." and shown[:-1] == lines[:len(shown) - 1]
    assert vntext.fit_lines(lines[:3], 300, "… và {n} hồ sơ nữa.") == lines[:3]
