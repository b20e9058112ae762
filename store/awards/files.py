"""Dossier files: checked by their bytes like evidence (photo, PDF, .docx, .xlsx), hashed, written
under files/awards/<year>/<nomination>/ (blocking: call ``write_document`` in a worker thread)."""

from __future__ import annotations

from pathlib import Path

from store.emulation.evidence import MAX_EVIDENCE_BYTES, NotEvidence, sniff_evidence
from store.files.report_photos import StoredPhoto, write_checked

__all__ = ["NotEvidence", "write_document"]


def write_document(files_dir: Path, year: int, nomination_id: int, doc_code: str, content: bytes) -> StoredPhoto:
    if not content or len(content) > MAX_EVIDENCE_BYTES:
        raise NotEvidence(f"{len(content)} bytes")
    kind = sniff_evidence(content)
    if kind is None:
        raise NotEvidence(f"{len(content)} bytes starting {content[:8]!r}")
    stem = "hs" + "".join(ch if ch.isalnum() else "_" for ch in doc_code)[:40]
    return write_checked(files_dir, Path("awards") / str(year) / str(nomination_id), stem, content, kind)
