"""A supervisor or admin sends a directive (DOCX, PDF, TXT) in the chat: the bot reads it,
shows what it found, loads it on "Nạp" for the sender's province, and offers to tell the
province's officers.

Dialog "dirload" (``Pending``: the kept file, its name and province); typed buttons
``dl:ok`` (load), ``dl:x`` (cancel), ``dl:n:<doc>`` (notice preview), ``dl:s:<doc>`` (send the
notice). A re-sent file (same file name, the CLI's identity rule) updates its document.
Officers and strangers get the usual polite refusal for files; every step re-checks permission.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import select

from core import messages
from core.broadcasts import AudienceError, create_broadcast, resolve_audience
from core.callbacks import CallbackData, Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.permissions import Role, can, scope, supervised_provinces
from core.reminder_policy import quiet_hours
from core.router import Router
from core.types import Button, FileRef, Reply
from handlers.directive_files import keep_file, kept_file, read_and_parse, safe_name
from handlers.directive_preview import load_reply, notice_text, preview_text
from store.directive_parser import DirectiveParseError, ParsedDocument
from store.ingest import ingest_one
from store.models import AuditLog, Document
from store.readers import ReadResult, format_of

log = logging.getLogger(__name__)

ACTION = "directives.load"
CANCELLED = "Đã hủy, văn bản chưa được nạp."
NOT_A_DOCUMENT = "Để nạp văn bản chỉ đạo, anh/chị gửi tệp .docx, .pdf hoặc .txt (dạng tệp, không phải ảnh)."


@dataclass
class Pending(DialogData):
    """A read file waiting for "Nạp" (old rows without a step are at this one step)."""

    step: str = "confirm"
    path: str = ""
    file_name: str = ""
    province: Optional[int] = None


@dataclass(frozen=True)
class Load(CallbackData, prefix="dl", action="ok"):
    pass


@dataclass(frozen=True)
class Cancel(CallbackData, prefix="dl", action="x"):
    pass


@dataclass(frozen=True)
class NoticePreview(CallbackData, prefix="dl", action="n"):
    document: int


@dataclass(frozen=True)
class NoticeSend(CallbackData, prefix="dl", action="s"):
    document: int


def _confirm_buttons() -> list[list[Button]]:
    return [[Load().button("✅ Nạp văn bản"), Cancel().button("Hủy")]]


def _allowed(ctx: Context, province: Optional[int] = None) -> bool:
    return can(ctx.officer, ACTION, province_code=province)


def _refuse(ctx: Context, target: str) -> list[Reply]:
    """The same polite answer anyone gets for a file sent outside a dialog."""
    ctx.audit(ACTION, target[:200], "refused")
    return messages.text(messages.FILE_OUTSIDE_DIALOG)


def _scope(ctx: Context, parsed: ParsedDocument) -> Optional[int]:
    """The province the document is loaded for: the supervisor's (the document's own when
    they oversee several and it names one of them); an admin's upload keeps its own."""
    if scope(ctx.officer).everywhere:
        return parsed.province_code
    mine = sorted(supervised_provinces(ctx.me))
    if parsed.province_code in mine:
        return parsed.province_code
    return mine[0] if mine else None


@dataclass
class Upload:
    """What the slow part of an upload found (read off the event loop, after the update commits)."""

    error: str = ""  # a polite reply instead of a preview
    unreadable: str = ""  # the reader's reason (audited)
    read: Optional[ReadResult] = None
    parsed: Optional[ParsedDocument] = None
    path: Optional[Path] = None


async def on_file(ctx: Context) -> list[Reply]:
    """A file outside any dialog: a directive upload from a supervisor or admin. The download,
    reading (OCR can take seconds a page) and keeping happen after this update commits."""
    if not _allowed(ctx):
        return _refuse(ctx, "upload")
    ref: FileRef = ctx.msg.files[0]
    name = safe_name(ref.file_name)
    if ref.kind != "document":
        return messages.text(NOT_A_DOCUMENT)
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return messages.text("Kênh này chưa hỗ trợ nhận tệp.")
    folder = ctx.services.settings.files_dir / "directives"

    async def read() -> Upload:
        try:
            raw = await fetch(ref)
        except Exception as exc:  # too large, network, missing file
            log.warning("directive upload fetch failed: %s", exc)
            return Upload(error=f"Không tải được tệp “{name}” (tối đa 20 MB). Anh/chị thử gửi lại.")
        if format_of(name, raw) is None:
            return Upload(error=f"Tệp “{name}”: {NOT_A_DOCUMENT}")
        try:
            found, parsed = await asyncio.to_thread(read_and_parse, name, raw)
        except DirectiveParseError as exc:
            return Upload(unreadable=str(exc))
        return Upload(read=found, parsed=parsed, path=await asyncio.to_thread(keep_file, folder, name, raw))

    ctx.after_commit(read, lambda done, upload: _preview(done, name, upload))
    return []


def _preview(ctx: Context, name: str, upload: Upload) -> list[Reply]:
    """After reading: the preview and the confirmation dialog, or why not."""
    if upload.unreadable:
        ctx.audit(ACTION, name, "unreadable", reason=upload.unreadable[:300])
        return messages.text(f"Không đọc được văn bản “{name}”: {upload.unreadable}.")
    if upload.error:
        return messages.text(upload.error)
    if upload.parsed is None or upload.read is None or upload.path is None:
        return messages.text(f"Không nạp được “{name}”. Anh/chị gửi lại tệp nhé.")
    province = _scope(ctx, upload.parsed)
    if not _allowed(ctx, province):
        return _refuse(ctx, f"province:{province}")
    existing = ctx.session.scalar(select(Document).where(Document.source_key == name))
    if existing is not None and not scope(ctx.officer).everywhere and existing.province_code != province:
        ctx.audit(ACTION, name, "refused", reason="name taken by another province")
        return messages.text(f"Đã có văn bản khác mang tên tệp “{name}” (của tỉnh khác). "
                             "Anh/chị đổi tên tệp rồi gửi lại.")
    PENDING.save(ctx, Pending(path=str(upload.path), file_name=name, province=province))
    text = preview_text(ctx.session, name, upload.read, upload.parsed, province, existing)
    return [Reply(text=text, buttons=_confirm_buttons())]


async def load(ctx: Context, _: Load) -> list[Reply]:
    """"Nạp": the file is read again after this update commits, then loaded in a new transaction."""
    data = PENDING.load(ctx)
    if data is None:
        raise Stale("no file waits for loading")
    name, province = data.file_name, data.province
    if not _allowed(ctx, province):
        PENDING.end(ctx)
        return _refuse(ctx, f"province:{province}")
    path = Path(data.path)

    async def parse() -> Optional[tuple[bytes, ParsedDocument]]:
        try:
            raw = await asyncio.to_thread(path.read_bytes)
            _, parsed = await asyncio.to_thread(read_and_parse, name, raw)
        except (OSError, DirectiveParseError) as exc:
            log.warning("directive upload %s could not be loaded: %s", name, exc)
            return None
        return raw, parsed

    ctx.after_commit(parse, lambda done, result: _ingest(done, data, result))
    return []


def _ingest(ctx: Context, data: Pending, result: Optional[tuple[bytes, ParsedDocument]]) -> list[Reply]:
    name, province = data.file_name, data.province
    now = PENDING.load(ctx)
    if now is None or now.path != data.path:
        return messages.text(messages.STALE_BUTTON)  # loaded or cancelled meanwhile
    PENDING.end(ctx)
    if not _allowed(ctx, province):
        return _refuse(ctx, f"province:{province}")
    if result is None:
        return messages.text(f"Không nạp được “{name}”. Anh/chị gửi lại tệp nhé.")
    raw, parsed = result
    with ctx.session.begin_nested():
        outcome = ingest_one(ctx.session, name, raw, ctx.services.clock, parsed=parsed, province_code=province)
    doc = ctx.session.scalars(select(Document).where(Document.source_key == name)).one()
    ctx.audit(ACTION, f"document:{doc.id}", outcome, file=name, province=province)
    ctx.services.search_checked_at = None  # the next question re-checks the index against the database
    return [load_reply(doc, outcome, can_notify=province is not None)]


def _notice_key(doc: Document) -> str:
    return f"document:{doc.id}:{doc.content_hash[:12]}"


def _notice_audience(doc: Document) -> dict[str, Any]:
    return {"kind": "role", "role": Role.OFFICER.value, "province_codes": [doc.province_code]}


async def notice(ctx: Context, data: NoticePreview | NoticeSend) -> list[Reply]:
    """The optional notice to the province's officers about a loaded document: preview, then send."""
    send = isinstance(data, NoticeSend)
    doc = ctx.session.get(Document, data.document)
    if doc is None or doc.province_code is None or not _allowed(ctx, doc.province_code):
        return _refuse(ctx, f"notice:{data.document}")
    key = _notice_key(doc)
    if ctx.session.scalar(select(AuditLog.id).where(AuditLog.action == "directive.notify", AuditLog.target == key,
                                                    AuditLog.outcome == "done")) is not None:
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
    path = kept_file(ctx.services.settings.files_dir / "directives", doc.source_key)
    if path is None:
        return None
    return {"kind": "document", "path": str(path), "file_name": doc.source_key,
            "mime_type": "application/octet-stream"}


async def cancel(ctx: Context, _: Cancel) -> list[Reply]:
    """"Hủy" on the preview, or "Không gửi" on the notice."""
    if PENDING.load(ctx) is not None:
        PENDING.end(ctx)
        return messages.text(CANCELLED)
    return messages.text("Đã bỏ qua, không gửi thông báo.")


async def on_confirm_step(ctx: Context, data: Pending) -> list[Reply]:
    """Anything sent while a read file waits for confirmation: a new file replaces it; a
    question is answered, then the buttons are shown again."""
    if ctx.msg.files:
        PENDING.end(ctx)
        return await on_file(ctx)
    again = [Reply(text="Anh/chị bấm “Nạp văn bản” để nạp, hoặc “Hủy”.", buttons=_confirm_buttons())]
    raise NotAnAnswer(again, again)


async def on_cancel(ctx: Context, data: Optional[Pending]) -> list[Reply]:
    PENDING.end(ctx)
    return messages.text(CANCELLED)


PENDING: Dialog[Pending] = Dialog("dirload", Pending, action=ACTION, on_cancel=on_cancel,
                                  steps={"confirm": Step(on_confirm_step, closed=True)})


def register(router: Router) -> None:
    """Adds the file hook, the "dl:" buttons and the confirmation dialog."""
    router.on_file = on_file
    router.callback(Load, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(load)
    router.callback(Cancel, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(cancel)
    for button in (NoticePreview, NoticeSend):
        router.callback(button, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(notice)
    router.add_dialog(PENDING)
