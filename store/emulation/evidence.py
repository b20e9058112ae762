"""Evidence files (minh chứng) and explanation files: checked by their bytes, hashed, recorded.

- ``sniff_evidence(content)``: a photo (JPEG/PNG/WebP, as report photos) or a document (PDF,
  Word .docx, Excel .xlsx) by its bytes; the user's file name and MIME type are never trusted.
- ``write_evidence``: written off the event loop under files/emulation/<period>/<commune>/,
  named by the content hash with the extension the bytes prove (the report-photo storage).
- ``record_evidence``: recorded against a sheet's criterion (or an explanation); the same file
  sent twice for a criterion is recorded once. Several files per criterion are fine.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.files.image_kind import ImageKind, sniff_image
from store.models import Evidence, Sheet
from store.files.report_photos import StoredPhoto, write_checked

PDF = ImageKind(".pdf", "application/pdf")
DOCX = ImageKind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = ImageKind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_CRITERION = 10


class NotEvidence(ValueError):
    """The bytes are not a photo, PDF, .docx or .xlsx (or the file is too large or empty)."""


class EvidenceRefused(ValueError):
    """A file that cannot be added: the sheet is submitted, or the criterion has enough files."""


def sniff_evidence(content: bytes) -> Optional[ImageKind]:
    image = sniff_image(content)
    if image is not None:
        return image
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def write_evidence(files_dir: Path, period_id: int, commune_code: int, code: str, content: bytes) -> StoredPhoto:
    """Check and write one file (blocking: call it in a worker thread)."""
    if not content or len(content) > MAX_EVIDENCE_BYTES:
        raise NotEvidence(f"{len(content)} bytes")
    kind = sniff_evidence(content)
    if kind is None:
        raise NotEvidence(f"{len(content)} bytes starting {content[:8]!r}")
    stem = "tc" + "".join(ch if ch.isalnum() else "_" for ch in code)[:20]
    return write_checked(files_dir, Path("emulation") / str(period_id) / str(commune_code), stem, content, kind)


def record_evidence(session: Session, sheet: Sheet, code: str, stored: StoredPhoto, *, channel_file_id: str = "",
                    officer_id: Optional[int], now: datetime, explanation_id: Optional[int] = None) -> tuple[Evidence, bool]:
    """Record a written file; (the row, whether it is new). The same bytes twice are one row.

    Evidence goes on a draft sheet only (a submitted sheet is what the bloc reviews); files of
    an explanation go with it. At most ``MAX_FILES_PER_CRITERION`` per criterion.
    """
    if explanation_id is None and sheet.submitted_at is not None:
        raise EvidenceRefused("submitted")
    same = session.scalar(select(Evidence).where(Evidence.sheet_id == sheet.id, Evidence.code == code,
                                                 Evidence.sha256 == stored.sha256,
                                                 Evidence.explanation_id.is_(None) if explanation_id is None
                                                 else Evidence.explanation_id == explanation_id))
    if same is not None:
        return same, False
    count = session.scalar(select(func.count()).select_from(Evidence).where(
        Evidence.sheet_id == sheet.id, Evidence.code == code))
    if (count or 0) >= MAX_FILES_PER_CRITERION:
        raise EvidenceRefused("too many")
    row = Evidence(sheet_id=sheet.id, code=code, explanation_id=explanation_id, path=stored.rel_path,
                   channel_file_id=channel_file_id[:200], mime_type=stored.mime_type, size=stored.size,
                   sha256=stored.sha256, uploaded_by=officer_id, created_at=now)
    session.add(row)
    session.flush()
    return row, True


def files_of(session: Session, sheet_id: int, code: Optional[str] = None,
             explanation_id: Optional[int] = None) -> list[Evidence]:
    stmt = select(Evidence).where(Evidence.sheet_id == sheet_id).order_by(Evidence.id)
    if code is not None:
        stmt = stmt.where(Evidence.code == code)
    if explanation_id is not None:
        stmt = stmt.where(Evidence.explanation_id == explanation_id)
    return list(session.scalars(stmt))
