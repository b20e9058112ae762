"""Photos sent to a photo question: downloaded through the user's channel, stored, recorded."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from core.types import FileRef, Reply
from handlers import report_view as view
from store.form_engine import Files
from store.reports import store_photo

if TYPE_CHECKING:
    from handlers.report_answer import Turn

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 10
NO_FETCH = "Hiện bot chưa nhận được ảnh qua kênh này. Anh/chị bấm “Bỏ qua” hoặc gửi lại sau."


def _refusal(ref: FileRef) -> str:
    is_image = ref.kind == "photo" or (ref.kind == "document" and (ref.mime_type or "").startswith("image/"))
    if not is_image:
        return "Chỉ nhận ảnh (chụp ảnh hoặc tệp JPG, PNG)."
    if ref.size and ref.size > MAX_PHOTO_BYTES:
        return "Ảnh lớn quá 20 MB, anh/chị gửi ảnh nhỏ hơn."
    return ""


async def receive_photos(turn: "Turn") -> list[Reply]:
    """Store each photo and add it to the answer; the question stays until "Xong"."""
    ctx, f = turn.ctx, turn.form.current()
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None or f is None:
        return turn.reply(note=NO_FETCH)
    count = len(turn.form.answers.get(f.name) or [])
    items: list[dict[str, Any]] = []
    notes = []
    for ref in ctx.msg.files:
        refusal = _refusal(ref)
        if refusal:
            notes.append(refusal)
            continue
        if count + len(items) >= MAX_PHOTOS:
            notes.append(f"Mỗi câu nhận tối đa {MAX_PHOTOS} ảnh.")
            break
        try:
            content = await fetch(ref)
        except Exception:
            log.exception("could not download %s", ref.file_id)
            notes.append("Không tải được ảnh, anh/chị gửi lại giúp.")
            continue
        if not content:
            notes.append("Ảnh trống, anh/chị gửi lại giúp.")
            continue
        items.append(store_photo(ctx.session, ctx.services.settings.files_dir, turn.draft, f.name, content,
                                 channel_file_id=ref.file_id, mime_type=ref.mime_type, file_name=ref.file_name,
                                 officer_id=ctx.officer.id if ctx.officer else None, now=ctx.now))
    if items:
        turn.form.answer(Files(tuple(items)))
    return turn.reply(note=" ".join(notes) or f"Đã lưu ảnh. Gửi thêm ảnh hoặc bấm “{view.DONE}”.")
