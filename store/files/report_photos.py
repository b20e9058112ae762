"""Report photos: written to disk off the event loop, then recorded against a draft.

The file is named by its content hash and the extension its bytes prove (store.files.image_kind);
the user's file name and MIME type are never used, so "photo.html" cannot be stored as HTML.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from sqlalchemy.orm import Session

from store.files.image_kind import sniff_image
from store.models import Draft, ReportFile


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
    digest = hashlib.sha256(content).hexdigest()
    rel_path = Path("reports") / str(period_id) / str(commune_code) / f"{field_name}-{digest[:16]}{kind.extension}"
    target = files_dir / rel_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(content)
        tmp.replace(target)  # atomic: a crash never leaves half a photo under the final name
    return StoredPhoto(rel_path.as_posix(), digest, len(content), kind.mime_type)


def record_photo(session: Session, draft: Draft, field_name: str, photo: StoredPhoto, *, channel_file_id: str,
                 officer_id: Optional[int], now: datetime) -> dict[str, Any]:
    """Record a written photo against the draft; return the answer item."""
    row = ReportFile(period_id=draft.period_id, commune_code=draft.commune_code, field_name=field_name,
                     path=photo.rel_path, channel_file_id=channel_file_id[:200], mime_type=photo.mime_type,
                     size=photo.size, sha256=photo.sha256, uploaded_by=officer_id, created_at=now)
    session.add(row)
    session.flush()
    return {"file": row.id, "path": row.path}


def store_photo(session: Session, files_dir: Path, draft: Draft, field_name: str, content: bytes, *,
                channel_file_id: str, officer_id: Optional[int], now: datetime) -> dict[str, Any]:
    """``write_photo`` then ``record_photo`` (for callers already off the event loop)."""
    photo = write_photo(files_dir, draft.period_id, draft.commune_code, field_name, content)
    return record_photo(session, draft, field_name, photo, channel_file_id=channel_file_id,
                        officer_id=officer_id, now=now)
