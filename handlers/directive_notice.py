"""The notice about a loaded directive to the officers of its province: a preview with the
recipients counted, then one broadcast (with the file attached when it was kept), once."""

from __future__ import annotations

from typing import Any, Optional, Union

from sqlalchemy import select

from core import messages
from core.broadcasts import AudienceError, create_broadcast, resolve_audience
from core.context import Context
from core.permissions import Refused, can
from core.reminder_policy import quiet_hours
from core.router import Router
from core.types import Reply
from handlers.directive_preview import Dismiss, PreviewNotice, SendNotice, file_part, notice_text
from store.models import AuditLog, Document

ACTION = "directives.load"


def _notice_key(doc: Document) -> str:
    return f"document:{doc.id}:{doc.content_hash[:12]}"


def _notice_audience(doc: Document) -> dict[str, Any]:
    return {"kind": "role", "role": "officer", "province_codes": [doc.province_code]}


async def on_notice(ctx: Context, button: Union[PreviewNotice, SendNotice]) -> list[Reply]:
    """"Gửi thông báo": a preview of the notice to the province's officers, then the sending."""
    doc = ctx.session.get(Document, button.document)
    if doc is None or doc.province_code is None or not can(ctx.officer, ACTION, province_code=doc.province_code):
        raise Refused(ACTION, f"notice:{button.document}", messages.FILE_OUTSIDE_DIALOG)
    send = isinstance(button, SendNotice)
    key = _notice_key(doc)
    if ctx.session.scalar(select(AuditLog.id).where(AuditLog.action == "directive.notify", AuditLog.target == key,
                                                    AuditLog.outcome == "done")) is not None:
        return messages.text("Đã gửi thông báo về văn bản này rồi.")
    try:
        count = len(resolve_audience(ctx.session, _notice_audience(doc), exclude_officer=ctx.officer.id))
    except AudienceError as exc:
        return messages.text(str(exc))
    if count == 0:
        return messages.text("Tỉnh chưa có cán bộ xã/phường nào đăng ký nhận tin.")
    text = notice_text(doc)
    if not send:
        return [Reply(text=f"Xem trước thông báo:\n────────\n{text}\n────────\nGửi tới {count} cán bộ xã/phường "
                           "của tỉnh, kèm tệp văn bản?",
                      buttons=[[SendNotice(doc.id).button(f"Gửi ({count})"), Dismiss().button("Không gửi")]])]
    attachment = _attachment(ctx, doc)
    bc = create_broadcast(ctx.session, officer_id=ctx.officer.id, sender_user_id=ctx.user.id, text=text,
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


def register(router: Router) -> None:
    """The notice buttons of a loaded directive."""
    router.callback(PreviewNotice)(on_notice)
    router.callback(SendNotice)(on_notice)
