"""How a directive and its sections are named in replies (lists, answers, citations)."""

from __future__ import annotations

from typing import Any

from store.vn.text import shorten

HEADING_LIMIT = 60


def format_issue_date(doc: Any) -> str:
    """The issue date as known: "30/1/2020", "tháng 2/2021", "năm 2021" or "" (dates one way everywhere)."""
    year, month, day = doc.issued_year, doc.issued_month, doc.issued_day
    if year and month and day:
        return f"{day}/{month}/{year}"
    if year and month:
        return f"tháng {month}/{year}"
    if year:
        return f"năm {year}"
    return ""


def _number_part(doc: Any) -> str:
    if doc.number:
        number: str = doc.number  # a Document or a ParsedDocument: both keep the number as text
        return number
    if doc.number_suffix:
        return f"(chưa ghi số, …{doc.number_suffix})"
    return "(không ghi số)"


def doc_label(doc: Any) -> str:
    """E.g. "Chỉ thị 02/CT-UBND ngày 30/01/2020 của UBND tỉnh Lai Châu"; blanks shown honestly."""
    parts = [doc.kind or "Văn bản", _number_part(doc)]
    when = format_issue_date(doc)
    if when:
        # A full date reads "ngày 30/01/2020"; partial ones already say "tháng …" / "năm …".
        parts.append(f"ngày {when}" if doc.issued_day and doc.issued_month and doc.issued_year else when)
    if doc.issuer:
        parts.append(f"của {doc.issuer}")
    return " ".join(parts)


def section_label(section: Any) -> str:
    """E.g. "Mục II.1.a – Tổ chức thực hiện"; a heading-less section shows its opening words."""
    ref = section.path or section.label or ""
    heading = (section.heading or "").strip()
    if not heading:
        heading = (section.text or "").strip().split("\n", 1)[0]
    heading = shorten(" ".join(heading.split()), HEADING_LIMIT)
    if ref and heading:
        return f"Mục {ref} – {heading}"
    if ref:
        return f"Mục {ref}"
    return heading or "Phần mở đầu"
