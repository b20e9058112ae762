"""Files supervisors attach to broadcasts, kept under DATA_DIR/broadcasts."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, Optional


def store_attachment(content: bytes, folder: Path, *, photo: bool, file_name: Optional[str],
                     mime_type: Optional[str]) -> dict[str, Any]:
    """Write the file under a random prefix and a safe name (blocking: call it in a worker
    thread); return the attachment record the broadcast keeps."""
    kind = "image" if photo else "document"
    name = file_name or ("anh.jpg" if photo else "tep")
    safe = re.sub(r"[^\w.\-]+", "_", name)[-80:] or "tep"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex[:12]}_{safe}"
    path.write_bytes(content)
    return {"kind": kind, "path": str(path.resolve()), "file_name": name,
            "mime_type": mime_type or ("image/jpeg" if photo else "application/octet-stream")}
