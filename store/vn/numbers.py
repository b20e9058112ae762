"""Numbers and dates typed the Vietnamese way: ``1.250`` = 1250, ``12,5`` = 12.5, ``30/6/2026``.

Vietnamese writes ``.`` between thousands and ``,`` before decimals; phones and habits from
spreadsheets also bring ``12.5``. The rules below keep both readable without guessing wildly:

- both separators present: the last one is the decimal mark (``1.250,5`` and ``1,250.5``);
- only dots: groups of exactly three digits after the first dot mean thousands (``1.250``,
  ``1.250.000``), anything else is a decimal point (``12.5``, ``0.75``);
- only commas: one comma is the decimal mark (``12,5``, ``1,250`` = 1.25 as Vietnamese reads it),
  several comma-separated groups of three are thousands (``1,250,000``);
- spaces (also no-break) inside the number are thousands separators; a trailing ``%`` is allowed
  where the field is a percentage.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Optional

from store.clock import VN_TZ

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(,\d{3}){2,}$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2026-12-31: the same day as 31/12/2026
_NGAY = re.compile(r"^(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})$", re.I)


class NumberFormatError(ValueError):
    """The text is not a number in any accepted format."""


def parse_number(text: str) -> tuple[Decimal, bool]:
    """Parse ``text``; return the value and whether a ``%`` sign was typed."""
    raw = _SPACES.sub("", (text or "").strip())
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1]
    sign = ""
    if raw and raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if not raw or not re.fullmatch(r"[\d.,]+", raw) or not raw[0].isdigit() and raw[0] not in ".,":
        raise NumberFormatError(text)
    if "." in raw and "," in raw:
        dec = "." if raw.rfind(".") > raw.rfind(",") else ","
        thousands = "," if dec == "." else "."
        whole, _, frac = raw.rpartition(dec)
        if thousands in frac or not re.fullmatch(r"\d{1,3}(\%s\d{3})*" % thousands, whole):
            raise NumberFormatError(text)
        canonical = whole.replace(thousands, "") + "." + frac
    elif "." in raw:
        canonical = raw.replace(".", "") if _THOUSANDS_DOTS.match(raw) else raw
    elif "," in raw:
        if _THOUSANDS_COMMAS.match(raw):
            canonical = raw.replace(",", "")
        elif raw.count(",") == 1:
            canonical = raw.replace(",", ".")
        else:
            raise NumberFormatError(text)
    else:
        canonical = raw
    if canonical.startswith("."):
        canonical = "0" + canonical
    if not _PLAIN.match(canonical):
        raise NumberFormatError(text)
    try:
        return Decimal(sign + canonical), percent
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards it
        raise NumberFormatError(text) from exc


def parse_date(text: str) -> Optional[date]:
    """``30/6/2026``, ``30-6-2026``, ``30.6.2026``, ``30/6/26``, ``ngày 30 tháng 6 năm 2026``,
    ``2026-06-30``; None if not a date."""
    raw = (text or "").strip()
    iso = _ISO_DATE.match(raw)
    m = _DATE.match(raw) or _NGAY.match(raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif m:
        day, month, year = (int(g) for g in m.groups())
    else:
        return None
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_moment(text: str, *, end_of_day: bool) -> Optional[datetime]:
    """A typed moment, Vietnam time unless zoned: a day in any ``parse_date`` form means its
    start, or its end (23:59) with ``end_of_day`` (a due date) — whichever form it is written
    in; ``2026-06-30T17:00`` is that very time. None when it is neither."""
    day = parse_date(text)
    if day is not None:
        return datetime.combine(day, time(23, 59) if end_of_day else time(0, 0), tzinfo=VN_TZ)
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def format_number(value: Decimal | int | float, places: Optional[int] = None) -> str:
    """Vietnamese display: ``1.250``, ``12,5`` (no trailing zeros unless ``places``)."""
    dec = Decimal(str(value))
    if places is not None:
        dec = dec.quantize(Decimal(1).scaleb(-places))
    sign = "-" if dec < 0 else ""
    dec = abs(dec)
    text = f"{dec:f}"
    whole, _, frac = text.partition(".")
    if places is None:
        frac = frac.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + frac if frac else "")


def format_date(value: date) -> str:
    """``30/6/2026``: the one way dates are written for people (see store.clock.vn_date)."""
    return f"{value.day}/{value.month}/{value.year}"
