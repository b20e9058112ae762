"""A signed page sent in chat (a photo or a PDF): fetched after the update commits, checked by
its bytes and hashed (``store.emulation.signed``), then handed to ``done`` in a fresh transaction.

Used by the registration (the signed registration page) and the bloc's giao ước.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, Optional

from core.context import Context, FetchFile
from core.fetching import fetch_and_keep
from core.types import FileRef, Reply
from handlers.emulation.evidence import NO_FETCH
from store.emulation.evidence import MAX_EVIDENCE_BYTES
from store.emulation.signed import NotEvidence, write_signed
from store.files.report_photos import StoredPhoto


NOT_SIGNED = "Chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF của trang đã ký; tệp này bot không lưu."
TOO_BIG = "Tệp lớn quá 20 MB, anh/chị gửi tệp nhỏ hơn."
# (later context, the stored file or None, the channel's file id, the problem when None) -> replies
Done = Callable[[Context, Optional[StoredPhoto], str, str], list[Reply]]


def receive_signed(ctx: Context, folder: Path, stem: str, done: Done) -> list[Reply]:
    """Queue the first file of this message; the replies come from ``done``."""
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return [Reply(text=NO_FETCH)]
    ref = ctx.msg.files[0]
    if ref.size and ref.size > MAX_EVIDENCE_BYTES:
        return [Reply(text=TOO_BIG)]
    files_dir = ctx.services.settings.files_dir

    async def download() -> tuple[Optional[StoredPhoto], str]:
        return await _fetch(fetch, ref, files_dir, folder, stem)

    def record(later: Context, result: tuple[Optional[StoredPhoto], str]) -> list[Reply]:
        return done(later, result[0], ref.file_id, result[1])

    ctx.after_commit(download, record, task="signed page")
    return []


async def _fetch(fetch: FetchFile, ref: FileRef, files_dir: Path, folder: Path,
                 stem: str) -> tuple[Optional[StoredPhoto], str]:
    return await fetch_and_keep(fetch, ref, partial(write_signed, files_dir, folder, stem),
                                refused=NotEvidence, refused_text=NOT_SIGNED)
