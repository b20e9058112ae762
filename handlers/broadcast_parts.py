"""Parts of /thongbao that need no dialog state: saving an attachment, matching typed communes."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any, Optional

from core.context import Context
from store.units import find_communes

log = logging.getLogger(__name__)

MAX_COMMUNES = 200


async def save_attachment(ctx: Context) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """Fetch the user's file into the data dir; (attachment, error message)."""
    ref = ctx.msg.files[0]
    if ref.kind not in ("photo", "document"):
        return None, "Bot chỉ đính kèm được ảnh hoặc tệp tài liệu. Anh/chị gửi lại nhé."
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return None, "Kênh này chưa hỗ trợ gửi tệp. Anh/chị bấm “Không đính kèm” để tiếp tục."
    try:
        data = await fetch(ref)
    except Exception as exc:  # too large, network, missing file
        log.warning("broadcast attachment fetch failed: %s", exc)
        return None, "Không tải được tệp (có thể tệp quá lớn, tối đa 20 MB). Anh/chị thử lại hoặc bỏ qua."
    kind = "image" if ref.kind == "photo" else "document"
    name = ref.file_name or ("anh.jpg" if kind == "image" else "tep")
    safe = re.sub(r"[^\w.\-]+", "_", name)[-80:] or "tep"
    folder = ctx.services.settings.files_dir / "broadcasts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex[:12]}_{safe}"
    path.write_bytes(data)
    return {"kind": kind, "path": str(path.resolve()), "file_name": name,
            "mime_type": ref.mime_type or ("image/jpeg" if kind == "image" else "application/octet-stream")}, None


@dataclass
class Communes:
    found: dict[int, str]  # code -> name
    missing: list[str]

    @property
    def shown(self) -> str:
        names = list(self.found.values())
        return ", ".join(names[:8]) + (f" và {len(names) - 8} xã khác" if len(names) > 8 else "")


def match_communes(ctx: Context, names: list[str], provinces: Optional[frozenset[int]]) -> Communes:
    """The communes named, within ``provinces`` (None: anywhere); good matches only."""
    found: dict[int, str] = {}
    missing: list[str] = []
    only = next(iter(provinces)) if provinces and len(provinces) == 1 else None
    for name in names:
        matches = [m for m in find_communes(ctx.session, name, only, limit=5, within_province=only is not None)
                   if provinces is None or m.province_code in provinces]
        if matches and matches[0].score >= 85:
            found[matches[0].code] = matches[0].name
        else:
            missing.append(name)
    return Communes(found, missing)
