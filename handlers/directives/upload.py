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
from pathlib import Path, PurePath
from typing import Optional


from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.permissions import can, scope, supervised_provinces
from core.router import Router
from core.types import FileRef, Reply
from handlers.directives.notice import keep, notice
from handlers.directives.preview import (ACTION, Cancel, Load, NoticePreview, NoticeSend, confirm_buttons, load_reply,
                                        preview_text)
from store.directives.parser import DirectiveParseError, ParsedDocument, parse_directive
from store.directives.ingest import ingest_one
from store.directives.library import document_by_key, stored_document
from store.directives.readers import ReadResult, TooComplex, format_of, read_document_async

log = logging.getLogger(__name__)

MAX_NAME = 120
CANCELLED = "Đã hủy, văn bản chưa được nạp."
NOT_A_DOCUMENT = "Để nạp văn bản chỉ đạo, anh/chị gửi tệp .docx, .pdf hoặc .txt (dạng tệp, không phải ảnh)."


@dataclass
class Pending(DialogData):
    """A read file waiting for "Nạp" (old rows without a step are at this one step)."""

    step: str = "confirm"
    path: str = ""
    file_name: str = ""
    province: Optional[int] = None


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


def _safe_name(name: Optional[str]) -> str:
    base = PurePath(name or "van_ban").name.strip() or "van_ban"
    return base[-MAX_NAME:]


async def read_and_parse(name: str, raw: bytes) -> tuple[ReadResult, ParsedDocument]:
    """Off the event loop: the file in the limited reader process (OCR can take seconds a
    page), the parse in a thread."""
    read = await read_document_async(name, raw)
    return read, await asyncio.to_thread(parse_directive, read.text, normalized=True)


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
    name = _safe_name(ref.file_name)
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
            found, parsed = await read_and_parse(name, raw)
        except TooComplex as exc:
            return Upload(unreadable=str(exc), error=too_complex(name, exc))
        except DirectiveParseError as exc:
            return Upload(unreadable=str(exc))
        return Upload(read=found, parsed=parsed, path=await asyncio.to_thread(keep, folder, name, raw))

    ctx.after_commit(read, lambda done, upload: _preview(done, name, upload), task="directive.read")
    return []


def too_complex(name: str, exc: TooComplex) -> str:
    return (f"Tệp “{name}” quá lớn hoặc quá phức tạp ({exc.why}), bot không đọc được. "
            "Anh/chị gửi bản nhẹ hơn (ít trang, khổ giấy thường) hoặc tệp .txt.")


def _preview(ctx: Context, name: str, upload: Upload) -> list[Reply]:
    """After reading: the preview and the confirmation dialog, or why not."""
    if upload.unreadable:
        ctx.audit(ACTION, name, "unreadable", reason=upload.unreadable[:300])
        return messages.text(upload.error or f"Không đọc được văn bản “{name}”: {upload.unreadable}.")
    if upload.error:
        return messages.text(upload.error)
    if upload.parsed is None or upload.read is None or upload.path is None:
        return messages.text(f"Không nạp được “{name}”. Anh/chị gửi lại tệp nhé.")
    province = _scope(ctx, upload.parsed)
    if not _allowed(ctx, province):
        return _refuse(ctx, f"province:{province}")
    existing = document_by_key(ctx.session, name)
    if existing is not None and not scope(ctx.officer).everywhere and existing.province_code != province:
        ctx.audit(ACTION, name, "refused", reason="name taken by another province")
        return messages.text(f"Đã có văn bản khác mang tên tệp “{name}” (của tỉnh khác). "
                             "Anh/chị đổi tên tệp rồi gửi lại.")
    PENDING.save(ctx, Pending(path=str(upload.path), file_name=name, province=province))
    text = preview_text(ctx.session, name, upload.read, upload.parsed, province, existing)
    return [Reply(text=text, buttons=confirm_buttons())]


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
            _, parsed = await read_and_parse(name, raw)
        except (OSError, DirectiveParseError) as exc:
            log.warning("directive upload %s could not be loaded: %s", name, exc)
            return None
        return raw, parsed

    ctx.after_commit(parse, lambda done, result: _ingest(done, data, result), task="directive.load")
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
    same: list[str] = []
    with ctx.session.begin_nested():
        outcome = ingest_one(ctx.session, name, raw, ctx.services.clock, parsed=parsed, province_code=province,
                             duplicates=same)
    doc = stored_document(ctx.session, name)
    ctx.audit(ACTION, f"document:{doc.id}", outcome, file=name, province=province)
    ctx.services.search_checked_at = None  # the next question re-checks the index against the database
    warning = [Reply(text=f"⚠️ Văn bản này trùng nội dung với “{same[0]}” đã nạp trước.")] if same else []
    return [load_reply(doc, outcome, can_notify=province is not None), *warning]


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
    again = [Reply(text="Anh/chị bấm “Nạp văn bản” để nạp, hoặc “Hủy”.", buttons=confirm_buttons())]
    raise NotAnAnswer(again, again)


async def on_cancel(ctx: Context, data: Optional[Pending]) -> list[Reply]:
    PENDING.end(ctx)
    return messages.text(CANCELLED)


PENDING: Dialog[Pending] = Dialog("dirload", Pending, action=ACTION, on_cancel=on_cancel,
                                  steps={"confirm": Step(on_confirm_step, closed=True)})


def register(router: Router) -> None:
    """Adds the file hook, the "dl:" buttons and the confirmation dialog."""
    router.file_handler(on_file)
    router.callback(Load, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(load)
    router.callback(Cancel, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(cancel)
    for button in (NoticePreview, NoticeSend):
        router.callback(button, action=ACTION, refusal=messages.FILE_OUTSIDE_DIALOG)(notice)
    router.add_dialog(PENDING)
