"""Where an uploaded directive's file is kept and how it is read (no chat, no database).

The kept file serves the "Nạp" confirmation (read again after that update commits) and is
the attachment of the notice to the province's officers.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePath
from typing import Optional

from store.directive_parser import ParsedDocument, parse_directive
from store.readers import ReadResult, read_document

MAX_NAME = 120


def safe_name(name: Optional[str]) -> str:
    """The file name as sent, without any folder part, at most MAX_NAME characters."""
    base = PurePath(name or "van_ban").name.strip() or "van_ban"
    return base[-MAX_NAME:]


def read_and_parse(name: str, raw: bytes) -> tuple[ReadResult, ParsedDocument]:
    """Blocking (OCR can take seconds a page): run in a worker thread."""
    read = read_document(name, raw)
    return read, parse_directive(read.text, normalized=True)


def _file_part(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name)[-80:]


def keep_file(folder: Path, name: str, raw: bytes) -> Path:
    """The uploaded bytes, kept for the confirmation and as the notice's attachment (blocking)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    path = folder / f"{digest}_{_file_part(name)}"
    if not path.exists():
        path.write_bytes(raw)
    return path.resolve()


def kept_file(folder: Path, name: str) -> Optional[Path]:
    """The latest kept file of that name (a re-sent document replaces the one before)."""
    matches = sorted(folder.glob(f"*_{_file_part(name)}"),
                     key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    return matches[-1].resolve() if matches else None
