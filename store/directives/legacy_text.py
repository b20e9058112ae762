"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) to Unicode, and a guard against garbage text.

Older directives were typed in `.VnTime` (TCVN3) or `VNI-Times` fonts: the file holds Latin-1
letters that only look Vietnamese in that font ("Céng hoµ x· héi"). viparse (MIT) detects the
table from the text itself and converts it. What still does not read as Vietnamese afterwards
(mojibake, a wrong code page, binary noise) is refused with a reason rather than indexed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

import viparse

from store.directives.text import DirectiveParseError

ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI (phông VNI-Times)",
                  "viscii": "VISCII", "vps": "VPS"}

# Letters a legacy table writes that Unicode Vietnamese never contains: their presence is
# what makes running the detector worth its time on a file that decoded fine as UTF-8.
_LEGACY_HINT = re.compile(r"[¡-¿ÅÆÇËÎÏÑÖ×ØÛÜÞßåæçëîïñö÷øûüþÿ]")
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEUS = "[aăâeêioôơuưy]{1,3}"
_CODA = "ch|ng|nh|[cmnptiyou]"
_SYLLABLE = re.compile(rf"(?:{_ONSET})?{_NUCLEUS}(?:{_CODA})?")
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 30  # fewer words than this is too little to judge
MIN_VALID_SHARE = 0.8  # the five samples score ≥ 0.99, OCR noise included; mojibake ≤ 0.62


@dataclass(frozen=True)
class Converted:
    text: str
    encoding: Optional[str]  # "tcvn3", "vni", … when the text was converted


def to_unicode(text: str) -> Converted:
    """Convert legacy-encoded Vietnamese to Unicode NFC; Unicode text comes back unchanged."""
    if not _LEGACY_HINT.search(text):
        return Converted(text, None)
    encoding = viparse.detect_text_encoding(text)
    if encoding is None:
        return Converted(text, None)
    converted = viparse.fix(text, encoding=encoding)
    if encoding == "tcvn3":
        converted = _restore_capitals(converted)
    if _quality(converted) <= _quality(text):
        return Converted(text, None)  # the "conversion" made it no more Vietnamese: leave it be
    return Converted(converted, encoding)


def _quality(text: str) -> float:
    share, marked_share, _ = valid_syllable_share(text)
    return min(share, marked_share)


def is_legacy_vietnamese(text: str) -> bool:
    """Text (decoded byte for byte) that converts to enough well-formed Vietnamese."""
    converted = to_unicode(text)
    if converted.encoding is None:
        return False
    share, marked_share, judged = valid_syllable_share(converted.text)
    return judged >= MIN_WORDS and min(share, marked_share) >= MIN_VALID_SHARE


def _restore_capitals(text: str) -> str:
    """TCVN3 has no capital accented letters: a heading in the `.VnTimeH` font is typed in
    ASCII capitals plus lower-case accented bytes ("CHØ THÞ" → "CHỉ THị"). A line whose ASCII
    letters are all capitals (two at least) was such a heading: it is capitalised whole."""
    out = []
    for line in text.split("\n"):
        ascii_letters = [c for c in line if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters) and not line.isupper():
            line = line.upper()
        out.append(line)
    return "\n".join(out)


def valid_syllable_share(text: str) -> tuple[float, float, int]:
    """(share of words that are well-formed Vietnamese syllables, the same share among words
    with non-ASCII letters, number of words judged). Capitalised abbreviations (UBND) and
    single letters are not judged; mojibake hides among plain ASCII words, hence the second."""
    judged = valid = marked = marked_valid = 0
    for word in _WORD.findall(text):
        if len(word) < 2 or (word.isupper() and len(word) <= 6 and not _has_tone(word)):
            continue
        judged += 1
        is_marked = not word.isascii()
        marked += is_marked
        bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONES))
        if _SYLLABLE.fullmatch(bare) and _tone_count(word) <= 1:
            valid += 1
            marked_valid += is_marked
    return (valid / judged if judged else 1.0), (marked_valid / marked if marked >= MIN_WORDS else 1.0), judged


def _has_tone(word: str) -> bool:
    return _tone_count(word) > 0


def _tone_count(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word) if ord(c) in _TONES)


def ensure_readable(text: str, encoding: Optional[str] = None) -> None:
    """Refuse text that does not read as Vietnamese (mojibake, wrong code page, noise)."""
    share, marked_share, judged = valid_syllable_share(text)
    if judged < MIN_WORDS or min(share, marked_share) >= MIN_VALID_SHARE:
        return
    source = f" sau khi chuyển từ mã {ENCODING_NAMES.get(encoding, encoding)}" if encoding else ""
    raise DirectiveParseError(
        f"nội dung không đọc được là tiếng Việt{source}: chỉ {min(share, marked_share):.0%} số từ là âm tiết "
        "tiếng Việt hợp lệ (có thể sai bảng mã hoặc lỗi phông chữ; hãy lưu lại tệp dạng Unicode UTF-8)")
