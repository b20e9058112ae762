"""Vietnamese mobile numbers typed every way (+84, 84, 0, spaces, dots) to one form: 0xxxxxxxxx."""

from __future__ import annotations

import re
from typing import Optional

# Mobile prefixes in use since the 2018 renumbering (Viettel, VinaPhone, MobiFone,
# Vietnamobile, Gmobile, Itel, Reddi).
MOBILE_PREFIXES = frozenset(
    ["032", "033", "034", "035", "036", "037", "038", "039", "052", "055", "056", "058", "059",
     "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "087", "088", "089"]
    + [f"09{d}" for d in range(10)]
)
# Old 11-digit numbers people still write in lists; mapped as the 2018 renumbering did.
OLD_PREFIXES = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0120": "070", "0121": "079", "0122": "077", "0126": "076",
    "0128": "078", "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0186": "056", "0188": "058", "0199": "059",
}
_SEPARATORS = re.compile(r"[\s.\-()/_]+")


def normalize_phone(raw: object) -> Optional[str]:
    """``0xxxxxxxxx`` for a valid Vietnamese mobile number, else None."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            return None
        raw = int(raw)  # a spreadsheet cell that lost its leading zero: 912345678.0
    text = str(raw).strip().replace("\u00a0", "").replace("(0)", "")
    text = _SEPARATORS.sub("", text)
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("84"):
            return None
    if text.startswith("0084"):
        text = text[2:]
    if not text.isdigit():
        return None
    if text.startswith("840") and len(text) in (12, 13):
        text = text[2:]  # "+84 0912..." written with both
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif len(text) in (9, 10) and not text.startswith("0"):
        text = "0" + text  # the leading zero dropped by a spreadsheet
    if len(text) == 11 and text[:4] in OLD_PREFIXES:
        text = OLD_PREFIXES[text[:4]] + text[4:]
    if len(text) == 10 and text[:3] in MOBILE_PREFIXES:
        return text
    return None


def mask_phone(phone: Optional[str]) -> str:
    """``0912***678`` for messages other people see."""
    if not phone:
        return "—"
    return phone[:4] + "***" + phone[-3:] if len(phone) >= 8 else phone
