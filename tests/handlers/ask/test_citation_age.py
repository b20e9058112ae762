"""The age line under a source: over two years old, or of the abolished district level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from handlers.ask.citation import age_note


@dataclass
class Doc:
    issuer: str
    issued_year: Optional[int]
    issued_month: Optional[int] = None


def test_old_document_is_flagged_once_two_years_have_passed() -> None:
    doc = Doc("UBND tỉnh Lai Châu", 2024, 3)
    assert age_note(doc, date(2026, 3, 1)) == ""
    assert "đã hơn 2 năm" in age_note(doc, date(2026, 4, 1))
    assert age_note(Doc("UBND tỉnh Lai Châu", None), date(2030, 1, 1)) == ""


def test_district_documents_are_flagged_from_july_2025() -> None:
    doc = Doc("UBND huyện Tam Đường (tỉnh Lai Châu)", 2025, 2)
    assert age_note(doc, date(2025, 6, 30)) == ""
    note = age_note(doc, date(2025, 7, 1))
    assert "cấp huyện" in note and "1/7/2025" in note and len(note.splitlines()) == 1
    assert age_note(Doc("UBND tỉnh Điện Biên", 2025, 2), date(2025, 8, 1)) == ""  # "(tỉnh …)" is not a district
