"""Vietnamese text normalisation shared by every feature (search, names, answers).

Public API (everything else is internal):

- ``nfc(text)``: Unicode NFC with the legacy ``Ð/ð`` (eth) repaired to ``Đ/đ``.
- ``normalize(text)``: ``nfc`` plus one consistent tone placement (the classic style:
  ``hoà``→``hòa``, ``uỷ``→``ủy``, ``thuỷ``→``thủy``, ``khoẻ``→``khỏe``; ``hòan``→``hoàn``).
  Use it for stored text and for comparing accented strings.
- ``fold(text)``: the search key: no marks, ``đ``→``d``, lowercase, punctuation→space.
- ``search_key(text)``: ``fold`` with the i/y spelling variants unified (``ký``/``kí`` → ``ki``).
- ``has_diacritics(text)``: did the user type any Vietnamese mark (or ``đ``)?
- ``syllables(text)``: normalised lowercase syllables (one-letter ones kept, digits kept).
- ``telex_decode(token)``: ``traof``→``trào``, ``ddua``→``đua`` (None when not Telex).
- ``place_tone(syllable)``: re-place the tone mark of one syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

import vn_text

__all__ = ["nfc", "normalize", "fold", "has_diacritics", "syllables", "telex_decode", "place_tone",
           "is_syllable", "search_key"]

# Combining tone marks (NFD): sắc, huyền, hỏi, ngã, nặng.
_TONES = "\u0301\u0300\u0309\u0303\u0323"
# Vowel-quality marks: circumflex, breve, horn.
_QUALITY = "\u0302\u0306\u031b"
_VOWELS = set("aeiouy")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A whole word holding a non-ASCII letter. The look-behind starts matches at word starts only:
# without it a long ASCII word ("aaaa…" × 4,000) is rescanned from every position (quadratic,
# ~0.7 s for one such message).
_TONED_WORD = re.compile(r"(?<![^\W_])[^\W_]*[^\x00-\x7f\W][^\W_]*", re.UNICODE)


def nfc(text: str) -> str:
    """NFC, with Icelandic eth (seen in legacy Vietnamese text) repaired to Đ/đ."""
    return vn_text.repair_mojibake(unicodedata.normalize("NFC", text))


def normalize(text: str) -> str:
    """``nfc`` plus consistent (classic) tone placement on every syllable."""
    text = nfc(text)
    # Only words with a non-ASCII letter can carry a tone mark.
    return _TONED_WORD.sub(lambda m: place_tone(m.group(0)), text)


def fold(text: str) -> str:
    """Search key: no marks, đ→d, lowercase, runs of punctuation/symbols → one space."""
    return vn_text.fold(nfc(text))


_CONS_Y = re.compile(r"\b([bcdghklmnprstvx]+)y\b")


def search_key(text: str) -> str:
    """``fold`` plus i/y spelling unified after a consonant (``kí``/``ký``, ``lí``/``lý`` → ``ki``, ``li``)."""
    return _CONS_Y.sub(r"\1i", fold(text))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark or đ (the user typed accents)."""
    decomposed = unicodedata.normalize("NFD", nfc(text))
    return any(ch in _TONES or ch in _QUALITY for ch in decomposed) or "đ" in decomposed.lower()


def syllables(text: str, *, normalized: bool = False) -> list[str]:
    """Lowercase normalised syllables; keeps one-letter syllables (``ở``) and numbers.

    ``normalized=True`` skips normalisation for text that already went through ``normalize``.
    """
    return [w.lower() for w in _WORD.findall(text if normalized else normalize(text))]


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """Put the tone mark of one syllable where the classic style puts it (NFC in, NFC out)."""
    decomposed = unicodedata.normalize("NFD", word)
    letters: list[list[str]] = []  # [base, quality marks]
    tone = ""
    for ch in decomposed:
        if ch in _TONES:
            tone = ch
        elif unicodedata.combining(ch):
            if not letters:
                return word
            letters[-1][1] += ch
        else:
            letters.append([ch, ""])
    if not tone or not letters:
        return word
    lower = [b.lower() for b, _ in letters]
    if not all(ch.isalpha() and ch.isascii() or ch == "đ" for ch in lower):
        return word
    # Onset: leading consonants; "qu" and "gi"+vowel count the u / i as consonants.
    i = 0
    while i < len(lower) and lower[i] not in _VOWELS:
        i += 1
    if i > 0 and lower[i - 1] == "q" and i < len(lower) and lower[i] == "u":
        i += 1
    elif i == 1 and lower[0] == "g" and lower[i] == "i" and i + 1 < len(lower) and lower[i + 1] in _VOWELS:
        i += 1
    start = i
    while i < len(lower) and lower[i] in _VOWELS:
        i += 1
    cluster = list(range(start, i))
    has_final = i < len(lower)
    if not cluster:
        return word
    marked = [k for k in cluster if letters[k][1]]
    if marked:
        pos = marked[-1]  # ươ → ơ, iê → ê, uô → ô
    elif has_final:
        pos = cluster[-1]  # hoàn, toán, huỳnh
    elif len(cluster) >= 3:
        pos = cluster[1]  # ngoài, khuỷu
    else:
        pos = cluster[0]  # hòa, thủy, khỏe, mùa, tài
    out = []
    for k, (base, quality) in enumerate(letters):
        out.append(base + quality + (tone if k == pos else ""))
    return unicodedata.normalize("NFC", "".join(out))


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|oai|oay|oeo|uay|uai|uao|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui"
    r"|uo|uu|uy|ye|ya|a|e|i|o|u|y)"
    r"(?:ch|ng|nh|c|m|n|p|t)?$"
)


def is_syllable(token: str) -> bool:
    """Could this (folded or accented) token be a Vietnamese syllable? ``nhac`` yes, ``phogn`` no."""
    return bool(_SYLLABLE.match(fold(token)))


# -- Telex leftovers ---------------------------------------------------------
_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_DOUBLE = {"aa": "â", "ee": "ê", "oo": "ô", "dd": "đ", "aw": "ă", "ow": "ơ", "uw": "ư"}
_TELEX_SHAPE = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=65536)
def telex_decode(token: str) -> Optional[str]:
    """Decode a Telex-typed syllable (``traof``→``trào``); None when nothing Telex-like is in it."""
    if not _TELEX_SHAPE.match(token) or len(token) < 2:
        return None
    chars: list[str] = []
    tone = ""
    changed = False
    idx = 0
    while idx < len(token):
        ch = token[idx]
        pair = (chars[-1] + ch) if chars else ""
        if ch == "w" and len(chars) >= 2 and chars[-2:] == ["u", "o"]:
            chars[-2:] = ["ư", "ơ"]  # "uow" → ươ
            changed = True
        elif pair in _TELEX_DOUBLE:
            chars[-1] = _TELEX_DOUBLE[pair]
            changed = True
        elif ch in _TELEX_TONES and chars and any(c in "aeiouyâêôăơư" for c in chars) and not tone \
                and (idx == len(token) - 1 or not any(c in "aeiouy" for c in token[idx + 1:])):
            tone = _TELEX_TONES[ch]
            changed = True
        else:
            chars.append(ch)
        idx += 1
    if not changed:
        return None
    word = "".join(chars)
    if tone:
        # Put the tone on the first vowel, then let place_tone move it where it belongs.
        for k, c in enumerate(word):
            if unicodedata.normalize("NFD", c)[0] in _VOWELS:
                word = word[:k] + unicodedata.normalize("NFC", c + tone) + word[k + 1:]
                break
        word = place_tone(word)
    return unicodedata.normalize("NFC", word)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary under ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def fit_lines(lines: list[str], budget: int, rest: str) -> list[str]:
    """As many of ``lines`` as fit in ``budget`` characters (a phone screen's share), then
    ``rest`` with ``{n}`` the number left out ("… và {n} hồ sơ nữa.")."""
    used = 0
    for k, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return lines[:k] + [rest.format(n=len(lines) - k)]
    return lines


# -- administrative units: the one list of each ------------------------------------------
# Unit words in front of a place name, folded, longest first ("thi tran" is not "thi").
UNIT_PREFIXES = ("thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "tinh", "quan", "xa")
COMMUNE_UNIT_PREFIXES = ("thi tran", "dac khu", "thi xa", "phuong", "xa")
PROVINCE_UNIT_PREFIXES = ("thanh pho", "tinh")
# Abbreviations people type (never found in documents): "tt", "x.", "p.", "tp.".
TYPED_COMMUNE_ABBREVIATIONS = ("tt", "dk", "x", "p", "f")
TYPED_PROVINCE_ABBREVIATIONS = ("tp", "t")

# Provinces merged on 1 July 2025 (Resolution 202/2025/QH15): former name -> the province that
# absorbed it. Older documents and people still name the former ones.
FORMER_PROVINCES = {
    "Hà Giang": "Tuyên Quang", "Yên Bái": "Lào Cai", "Bắc Kạn": "Thái Nguyên", "Vĩnh Phúc": "Phú Thọ",
    "Hòa Bình": "Phú Thọ", "Bắc Giang": "Bắc Ninh", "Thái Bình": "Hưng Yên", "Hải Dương": "Hải Phòng",
    "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Bình Định": "Gia Lai", "Ninh Thuận": "Khánh Hòa", "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng", "Phú Yên": "Đắk Lắk", "Bình Dương": "Hồ Chí Minh",
    "Bà Rịa - Vũng Tàu": "Hồ Chí Minh", "Bình Phước": "Đồng Nai", "Long An": "Tây Ninh",
    "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ", "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long",
    "Tiền Giang": "Đồng Tháp", "Bạc Liêu": "Cà Mau", "Kiên Giang": "An Giang",
}
# Renamed without a merge: "Thừa Thiên Huế" is now the city of Huế.
RENAMED_PROVINCES = {"Thừa Thiên Huế": "Huế"}


def strip_unit_prefix(folded: str, prefixes: tuple[str, ...] = UNIT_PREFIXES) -> str:
    """Drop one leading unit word from a folded name ("xa tam duong" → "tam duong")."""
    for prefix in prefixes:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return folded[len(prefix) + 1:]
    return folded


def former_province_keys() -> dict[str, str]:
    """Folded former (or renamed) province name → folded current name."""
    pairs = {**FORMER_PROVINCES, **RENAMED_PROVINCES}
    return {fold(old): fold(new) for old, new in pairs.items()}
