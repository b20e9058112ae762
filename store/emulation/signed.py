"""Signed pages (the registration's signed page, the bloc's giao ước): a photo or a PDF, checked
by its bytes (``store.emulation.evidence.sniff_evidence``), named by its hash, written atomically.
"""

from __future__ import annotations

from pathlib import Path

from store.emulation.evidence import MAX_EVIDENCE_BYTES, PDF, NotEvidence, sniff_evidence
from store.files.report_photos import StoredPhoto, write_checked

__all__ = ["NotEvidence", "write_signed"]


def write_signed(files_dir: Path, folder: Path, stem: str, content: bytes) -> StoredPhoto:
    """Check and write one signed page under files_dir/folder (blocking: call it in a worker thread)."""
    if not content or len(content) > MAX_EVIDENCE_BYTES:
        raise NotEvidence(f"{len(content)} bytes")
    kind = sniff_evidence(content)
    if kind is None or not (kind is PDF or kind.mime_type.startswith("image/")):
        raise NotEvidence(f"{len(content)} bytes starting {content[:8]!r}")
    return write_checked(files_dir, folder, stem, content, kind)
