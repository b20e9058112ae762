"""Plain text and markdown files: UTF-8 (or UTF-16 with a BOM), or a legacy single-byte code page."""

from __future__ import annotations

import codecs

from store.directives.text import DirectiveParseError, nfc
from store.directives.legacy_text import MIN_VALID_SHARE, MIN_WORDS, is_legacy_vietnamese, valid_syllable_share


def read(raw: bytes) -> tuple[str, str]:
    if not raw.strip():
        raise DirectiveParseError("tệp rỗng (empty file)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "txt"
    if b"\x00" in raw[:4096]:
        raise DirectiveParseError("tệp nhị phân, không phải văn bản (binary file)")
    try:
        return raw.decode("utf-8-sig"), "txt"
    except UnicodeDecodeError as exc:
        legacy = _legacy_single_byte(raw)
        if legacy is not None:
            return legacy, "txt"
        raise DirectiveParseError(
            f"không phải UTF-8 (not UTF-8: byte {raw[exc.start]:#04x} at offset {exc.start}) và không nhận ra "
            "bảng mã cũ (TCVN3, VNI, Windows-1258)") from None


def _legacy_single_byte(raw: bytes) -> str | None:
    """Text typed in a TCVN3 or VNI font and saved as bytes, or in Windows-1258; None if neither."""
    try:  # legacy fonts' letters sit in Latin-1's upper half; quotes and dashes in Windows-1252's
        latin = raw.decode("cp1252")
    except UnicodeDecodeError:
        latin = raw.decode("latin-1")
    if is_legacy_vietnamese(latin):
        return latin  # the reader registry converts it, like legacy text found inside a DOCX
    try:
        cp1258 = raw.decode("cp1258")
    except UnicodeDecodeError:
        return None
    share, marked_share, judged = valid_syllable_share(nfc(cp1258))
    return cp1258 if judged >= MIN_WORDS and min(share, marked_share) >= MIN_VALID_SHARE else None


def normalise(text: str) -> str:
    """NFC, one tone-placement style, \\n line ends; refuses text with nothing in it."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n\n")
    if not text.strip():
        raise DirectiveParseError("tệp rỗng (empty file)")
    return text
