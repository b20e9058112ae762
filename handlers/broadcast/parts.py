"""Parts of /thongbao that need no dialog state: saving an attachment, matching typed communes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional

from core.context import Context
from core.types import FileUnavailable
from store.files.attachments import store_attachment
from store.people.units import find_communes

log = logging.getLogger(__name__)

MAX_COMMUNES = 200


FETCH_FAILED = "Không tải được tệp (có thể tệp quá lớn, tối đa 20 MB). Anh/chị thử lại hoặc bỏ qua."


def attachment_refusal(ctx: Context) -> Optional[str]:
    """Why the user's file cannot be attached, before any download; None when it may be."""
    if ctx.msg.files[0].kind not in ("photo", "document"):
        return "Bot chỉ đính kèm được ảnh hoặc tệp tài liệu. Anh/chị gửi lại nhé."
    if ctx.services.fetchers.get(ctx.user.channel) is None:
        return "Kênh này chưa hỗ trợ gửi tệp. Anh/chị bấm “Không đính kèm” để tiếp tục."
    return None


def fetch_attachment(ctx: Context) -> Callable[[], Awaitable[Optional[dict[str, Any]]]]:
    """The download of the user's file, to run after the update commits (``Context.after_commit``):
    fetched through the channel, written in a worker thread; the attachment record, or None."""
    ref = ctx.msg.files[0]
    fetch = ctx.services.fetchers[ctx.user.channel]
    folder = ctx.services.settings.files_dir / "broadcasts"

    async def download() -> Optional[dict[str, Any]]:
        try:
            content = await fetch(ref)
        except FileUnavailable as exc:  # the console's /anh or /tep with a wrong path: no warning line
            log.info("broadcast attachment not found: %s", exc)
            return None
        except Exception as exc:  # too large, network
            log.warning("broadcast attachment fetch failed: %s", exc)
            return None
        return await asyncio.to_thread(store_attachment, content, folder, photo=ref.kind == "photo",
                                       file_name=ref.file_name, mime_type=ref.mime_type)

    return download


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
