"""Where an answer comes from: document label (kind, number or "chưa ghi số", date, issuer) and section."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Optional

from store.directives.naming import doc_label
from store.vn.text import shorten

_MONTHS_PADDED = {1, 2}  # Vietnamese admin style writes "tháng 01", "tháng 02", but "tháng 3"


TITLE_LIMIT = 140


def citation(doc: Any, section_label: Optional[str] = None, *, with_title: bool = False) -> str:
    """E.g. "Nguồn: Chỉ thị 02/CT-UBND ngày 30/01/2020 của UBND tỉnh Lai Châu – Mục 5 – …"."""
    text = f"Nguồn: {doc_label(doc)}"
    title = " ".join((getattr(doc, "title", "") or "").split())
    if with_title and title:
        text += f" “{shorten(title, TITLE_LIMIT)}”"
    if section_label:
        text += f" – {section_label}"
    return text


def long_date(doc: Any) -> str:
    """The issue date spelled as documents print it: "ngày 03 tháng 3 năm 2021"; blanks stay blank."""
    year, month, day = doc.issued_year, doc.issued_month, doc.issued_day
    if not year:
        return ""
    month_text = f"{month:02d}" if month in _MONTHS_PADDED else str(month) if month else ""
    if day and month:
        return f"ngày {day:02d} tháng {month_text} năm {year}"
    if month:
        return f"tháng {month_text} năm {year} (văn bản để trống ngày)"
    return f"năm {year}"


OLD_AFTER_YEARS = 2
DISTRICTS_ENDED = date(2025, 7, 1)  # district-level government abolished
_DISTRICT = re.compile(r"\b(?:huyện|quận|thị xã)\b|\bUBND\s+(?:huyện|quận)\b", re.I)


def age_note(doc: Any, on: date) -> str:
    """One short line when the cited document is over two years old or its issuing level no
    longer exists (districts, since 1/7/2025); "" otherwise. Added under the source line."""
    issuer = re.sub(r"\([^)]*\)", " ", getattr(doc, "issuer", "") or "")
    district = bool(_DISTRICT.search(issuer)) and on >= DISTRICTS_ENDED
    year = getattr(doc, "issued_year", None)
    month = getattr(doc, "issued_month", None) or 12
    old = isinstance(year, int) and (on.year - year) * 12 + on.month - month > OLD_AFTER_YEARS * 12
    if district:
        return ("⚠️ Văn bản của cấp huyện (cấp này không còn từ 1/7/2025)"
                + (f", ban hành năm {year}" if old else "") + ": chỉ để tham khảo.")
    if old:
        return f"⚠️ Văn bản ban hành năm {year}, đã hơn {OLD_AFTER_YEARS} năm: có thể đã được thay thế."
    return ""


def with_age(text: str, doc: Any, on: date) -> str:
    note = age_note(doc, on)
    return f"{text}\n{note}" if note else text
