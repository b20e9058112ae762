"""After a supervisor loads a directive: the optional notice to the province's officers,
with the uploaded file attached. Uploads are kept as ``files/directives/<sha256>_<name>``
(``keep``); the notice attaches the newest copy of the document's file."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Optional


from core import messages
from core.broadcasts import AudienceError, create_broadcast, resolve_audience
from core.context import Context
from core.permissions import Role, can
from core.reminder_policy import quiet_hours
from core.types import Reply
from handlers.directives.preview import ACTION, Cancel, NoticePreview, NoticeSend, notice_text
from store.models import Document


def file_part(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name)[-80:]


def keep(folder: Path, name: str, raw: bytes) -> Path:
    """The uploaded bytes, kept for the confirmation and as the notice's attachment (blocking)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    path = folder / f"{digest}_{file_part(name)}"
    if not path.exists():
        path.write_bytes(raw)
    return path.resolve()


def _notice_key(doc: Document) -> str:
    return f"document:{doc.id}:{doc.content_hash[:12]}"


def _notice_audience(doc: Document) -> dict[str, Any]:
    return {"kind": "role", "role": Role.OFFICER.value, "province_codes": [doc.province_code]}


async def notice(ctx: Context, data: NoticePreview | NoticeSend) -> list[Reply]:
    """The optional notice to the province's officers about a loaded document: preview, then send."""
    send = isinstance(data, NoticeSend)
    doc = ctx.session.get(Document, data.document)
    if doc is None or doc.province_code is None or not can(ctx.officer, ACTION, province_code=doc.province_code):
        ctx.audit(ACTION, f"notice:{data.document}", "refused")
        return messages.text(messages.FILE_OUTSIDE_DIALOG)
    key = _notice_key(doc)
    if ctx.audited("directive.notify", key):
        return messages.text("Đã gửi thông báo về văn bản này rồi.")
    try:
        count = len(resolve_audience(ctx.session, _notice_audience(doc), exclude_officer=ctx.me.id))
    except AudienceError as exc:
        return messages.text(str(exc))
    if count == 0:
        return messages.text("Tỉnh chưa có cán bộ xã/phường nào đăng ký nhận tin.")
    text = notice_text(doc)
    if not send:
        return [Reply(text=f"Xem trước thông báo:\n────────\n{text}\n────────\nGửi tới {count} cán bộ xã/phường "
                           "của tỉnh, kèm tệp văn bản?",
                      buttons=[[NoticeSend(doc.id).button(f"Gửi ({count})"), Cancel().button("Không gửi")]])]
    attachment = _attachment(ctx, doc)
    bc = create_broadcast(ctx.session, officer_id=ctx.me.id, sender_user_id=ctx.user.id, text=text,
                          audience=_notice_audience(doc), audience_label="cán bộ xã/phường của tỉnh", now=ctx.now,
                          quiet=quiet_hours(ctx.services.settings), attachment=attachment)
    ctx.audit("directive.notify", key, "done", broadcast=bc.id, recipients=bc.recipient_count)
    return [Reply(text=f"✅ Đã xếp hàng thông báo #{bc.id} tới {bc.recipient_count} cán bộ. "
                       "Bot sẽ báo kết quả khi gửi xong.")]


def _attachment(ctx: Context, doc: Document) -> Optional[dict[str, Any]]:
    folder = ctx.services.settings.files_dir / "directives"
    matches = sorted(folder.glob(f"*_{file_part(doc.source_key)}"),
                     key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    if not matches:
        return None
    return {"kind": "document", "path": str(matches[-1].resolve()), "file_name": doc.source_key,
            "mime_type": "application/octet-stream"}
