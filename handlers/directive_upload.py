"""A supervisor or admin sends a directive (DOCX, PDF, TXT) in the chat: the bot reads it,
shows what it found, loads it on "Nạp" for the sender's province, and offers to tell the
province's officers.

A declared dialog "dirload" (``PendingUpload``: the kept file, its name, the province) waits
for the typed buttons of handlers/directive_preview.py: "dl:ok" (load), "dl:x" (cancel),
"dl:n:<doc>" and "dl:s:<doc>" (the notice to the officers: handlers/directive_notice.py). A re-sent file (same file
name, the CLI's identity rule) updates its document. Officers and strangers get the usual
polite refusal for files; every step re-checks permission.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Optional

from sqlalchemy import select

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.permissions import Refused, can, supervised_provinces
from core.router import Router
from core.types import FileRef, Reply
from handlers.directive_preview import CONFIRM_BUTTONS, Dismiss, LoadFile, file_part, load_reply, preview_text
from store.directive_parser import DirectiveParseError, ParsedDocument, parse_directive
from store.ingest import ingest_one
from store.models import Document
from store.readers import ReadResult, format_of, read_document

log = logging.getLogger(__name__)

ACTION = "directives.load"
MAX_NAME = 120
CANCELLED = "Đã hủy, văn bản chưa được nạp."
NOT_A_DOCUMENT = "Để nạp văn bản chỉ đạo, anh/chị gửi tệp .docx, .pdf hoặc .txt (dạng tệp, không phải ảnh)."


def _allowed(ctx: Context, province: Optional[int] = None) -> bool:
    return can(ctx.officer, ACTION, province_code=province)


def _refuse(target: str) -> Refused:
    """The same polite answer anyone gets for a file sent outside a dialog (audited by the router)."""
    return Refused(ACTION, target, messages.FILE_OUTSIDE_DIALOG)


def _refused_after_commit(ctx: Context, target: str) -> list[Reply]:
    """``_refuse`` for work finished after the update committed, where no router catches ``Refused``."""
    ctx.audit(ACTION, target[:200], "refused")
    return messages.text(messages.FILE_OUTSIDE_DIALOG)


@dataclass
class PendingUpload(DialogData):
    """A read file waiting for "Nạp" (state stored before it was typed had no step: the default)."""

    step: str = "confirm"
    path: str = ""
    file_name: str = ""
    province: Optional[int] = None


def _scope(ctx: Context, parsed: ParsedDocument) -> Optional[int]:
    """The province the document is loaded for: the supervisor's (the document's own when
    they oversee several and it names one of them); an admin's upload keeps its own."""
    if ctx.officer.role == "admin":
        return parsed.province_code
    mine = sorted(supervised_provinces(ctx.officer))
    if parsed.province_code in mine:
        return parsed.province_code
    return mine[0] if mine else None


def _safe_name(name: Optional[str]) -> str:
    base = PurePath(name or "van_ban").name.strip() or "van_ban"
    return base[-MAX_NAME:]


def read_and_parse(name: str, raw: bytes) -> tuple[ReadResult, ParsedDocument]:
    """Blocking (OCR can take seconds a page): run in a worker thread."""
    read = read_document(name, raw)
    return read, parse_directive(read.text, normalized=True)


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
        raise _refuse("upload")
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
            found, parsed = await asyncio.to_thread(read_and_parse, name, raw)
        except DirectiveParseError as exc:
            return Upload(unreadable=str(exc))
        return Upload(read=found, parsed=parsed, path=await asyncio.to_thread(_keep, folder, name, raw))

    ctx.after_commit(read, lambda done, upload: _preview(done, name, upload))
    return []


def _preview(ctx: Context, name: str, upload: Upload) -> list[Reply]:
    """After reading: the preview and the confirmation dialog, or why not."""
    if upload.unreadable:
        ctx.audit(ACTION, name, "unreadable", reason=upload.unreadable[:300])
        return messages.text(f"Không đọc được văn bản “{name}”: {upload.unreadable}.")
    if upload.error:
        return messages.text(upload.error)
    province = _scope(ctx, upload.parsed)
    if not _allowed(ctx, province):
        return _refused_after_commit(ctx, f"province:{province}")
    existing = ctx.session.scalar(select(Document).where(Document.source_key == name))
    if existing is not None and ctx.officer.role != "admin" and existing.province_code != province:
        ctx.audit(ACTION, name, "refused", reason="name taken by another province")
        return messages.text(f"Đã có văn bản khác mang tên tệp “{name}” (của tỉnh khác). "
                             "Anh/chị đổi tên tệp rồi gửi lại.")
    UPLOAD.save(ctx, PendingUpload(path=str(upload.path), file_name=name, province=province))
    text = preview_text(ctx.session, name, upload.read, upload.parsed, province, existing)
    return [Reply(text=text, buttons=CONFIRM_BUTTONS)]


def _keep(folder: Path, name: str, raw: bytes) -> Path:
    """The uploaded bytes, kept for the confirmation and as the notice's attachment (blocking)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    path = folder / f"{digest}_{file_part(name)}"
    if not path.exists():
        path.write_bytes(raw)
    return path.resolve()


async def _load(ctx: Context, data: PendingUpload) -> list[Reply]:
    """"Nạp": the file is read again after this update commits, then loaded in a new transaction."""
    name, province = data.file_name, data.province
    if not _allowed(ctx, province):
        UPLOAD.end(ctx)
        raise _refuse(f"province:{province}")
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


def _ingest(ctx: Context, data: PendingUpload, result: Optional[tuple[bytes, ParsedDocument]]) -> list[Reply]:
    name, province = data.file_name, data.province
    state = UPLOAD.load(ctx)
    if state is None or state.path != data.path:
        return messages.text(messages.STALE_BUTTON)  # loaded or cancelled meanwhile
    UPLOAD.end(ctx)
    if not _allowed(ctx, province):
        return _refused_after_commit(ctx, f"province:{province}")
    if result is None:
        return messages.text(f"Không nạp được “{name}”. Anh/chị gửi lại tệp nhé.")
    raw, parsed = result
    with ctx.session.begin_nested():
        outcome = ingest_one(ctx.session, name, raw, ctx.services.clock, parsed=parsed, province_code=province)
    doc = ctx.session.scalar(select(Document).where(Document.source_key == name))
    ctx.audit(ACTION, f"document:{doc.id}", outcome, file=name, province=province)
    ctx.services.search_checked_at = None  # the next question re-checks the index against the database
    return [load_reply(doc, outcome, can_notify=province is not None)]


async def on_load(ctx: Context, button: LoadFile) -> list[Reply]:
    """"Nạp văn bản": only while the file waits in the dialog (else the button is stale)."""
    if not _allowed(ctx):
        raise _refuse(ctx.msg.button or "")
    data = UPLOAD.load(ctx)
    if data is None:
        raise Stale("no upload waiting")
    return await _load(ctx, data)


async def on_dismiss(ctx: Context, button: Dismiss) -> list[Reply]:
    """"Hủy" on the preview (the file is not loaded) or "Không gửi" on the notice preview."""
    if not _allowed(ctx):
        raise _refuse(ctx.msg.button or "")
    if UPLOAD.load(ctx) is None:
        return messages.text("Đã bỏ qua, không gửi thông báo.")
    UPLOAD.end(ctx)
    return messages.text(CANCELLED)


async def on_waiting(ctx: Context, data: PendingUpload) -> list[Reply]:
    """Anything typed while a loaded file waits for confirmation: a new file replaces it."""
    if ctx.msg.files:
        UPLOAD.end(ctx)
        return await on_file(ctx)
    return [Reply(text="Anh/chị bấm “Nạp văn bản” để nạp, hoặc “Hủy”.", buttons=CONFIRM_BUTTONS)]


async def on_cancel(ctx: Context, data: Optional[PendingUpload]) -> list[Reply]:
    UPLOAD.end(ctx)
    return messages.text(CANCELLED)


UPLOAD: Dialog[PendingUpload] = Dialog("dirload", PendingUpload, steps={"confirm": Step(on_waiting)},
                                       on_cancel=on_cancel)


def register(router: Router) -> None:
    """Adds the file hook, the "Nạp" / "Hủy" buttons and the confirmation dialog."""
    router.on_file = on_file
    router.callback(LoadFile)(on_load)
    router.callback(Dismiss)(on_dismiss)
    router.add_dialog(UPLOAD)
