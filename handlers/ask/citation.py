"""Where an answer comes from: document label (kind, number or "chưa ghi số", date, issuer) and section."""

from __future__ import annotations

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
