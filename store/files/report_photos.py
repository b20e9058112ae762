"""Report photos: written to disk off the event loop, then recorded against a draft.

The file is named by its content hash and the extension its bytes prove (store.files.image_kind);
the user's file name and MIME type are never used, so "photo.html" cannot be stored as HTML.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy.orm import Session

from store.files.image_kind import ImageKind, sniff_image
from store.models import Draft, ReportFile

# One photo as a report answer stores it: the ReportFile id and its path under the files folder.
PhotoItem = dict[str, int | str]


class NotAnImage(ValueError):
    """The bytes are not a JPEG, PNG or WebP photo."""


@dataclass(frozen=True)
class StoredPhoto:
    """A photo written to disk, not yet recorded (written off the event loop, recorded after)."""

    rel_path: str
    sha256: str
    size: int
    mime_type: str


def write_photo(files_dir: Path, period_id: int, commune_code: int, field_name: str, content: bytes) -> StoredPhoto:
    """Write a photo under files_dir/reports/<period>/<commune>/ with the extension its bytes prove."""
    kind = sniff_image(content)
    if kind is None:
        raise NotAnImage(f"{len(content)} bytes starting {content[:8]!r}")
    return write_checked(files_dir, Path("reports") / str(period_id) / str(commune_code), field_name, content, kind)


def write_checked(files_dir: Path, folder: Path, stem: str, content: bytes, kind: ImageKind) -> StoredPhoto:
    """Write bytes already identified as ``kind`` under files_dir/folder, named by their hash
    (the same content twice is one file); atomic, so a crash never leaves half a file."""
    digest = hashlib.sha256(content).hexdigest()
    rel_path = folder / f"{stem}-{digest[:16]}{kind.extension}"
    target = files_dir / rel_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(content)
        tmp.replace(target)
    return StoredPhoto(rel_path.as_posix(), digest, len(content), kind.mime_type)


def record_photo(session: Session, draft: Draft, field_name: str, photo: StoredPhoto, *, channel_file_id: str,
                 officer_id: Optional[int], now: datetime) -> PhotoItem:
    """Record a written photo against the draft; return the answer item."""
    row = ReportFile(period_id=draft.period_id, commune_code=draft.commune_code, field_name=field_name,
                     path=photo.rel_path, channel_file_id=channel_file_id[:200], mime_type=photo.mime_type,
                     size=photo.size, sha256=photo.sha256, uploaded_by=officer_id, created_at=now)
    session.add(row)
    session.flush()
    return {"file": row.id, "path": row.path}

