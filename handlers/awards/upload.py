"""Dossier documents sent in chat: “Gửi <giấy tờ>” asks for the file; each file is fetched after
the update commits, checked by its bytes and hashed (``store.awards.files``), then recorded in a
fresh transaction (``store.awards.nominations.add_document``) and the checklist shown again."""

from __future__ import annotations

from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.router import Router
from core.fetching import fetch_and_keep
from core.types import FileRef, Reply
from handlers.awards.access import nomination_turn
from handlers.awards.calls import UploadDocument
from handlers.awards.view import dossier_reply
from handlers.emulation.evidence import NO_FETCH, NOT_EVIDENCE
from store.awards.dossier import Status, check_document
from store.awards.files import NotEvidence, write_document
from store.awards.nominations import add_document
from store.emulation.evidence import MAX_EVIDENCE_BYTES
from store.awards.dossier import State
from store.files.report_photos import StoredPhoto

NOT_EDITABLE = {Status.BAD_STATE: "Hồ sơ đã gửi tỉnh nên không thêm giấy tờ được nữa.",
                Status.FINAL: "Hồ sơ đã có kết quả thẩm định nên không thêm giấy tờ được nữa.",
                Status.UNKNOWN_DOCUMENT: "Giấy tờ này không có trong danh mục hồ sơ của danh hiệu."}
Fetched = list[tuple[FileRef, Optional[StoredPhoto], str]]


@dataclass
class UploadState(DialogData):
    step: str = "file"
    nomination: int = 0
    code: str = ""
    name: str = ""


async def on_upload(ctx: Context, data: UploadDocument) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.dossier")
    required = turn.nomination.required
    if not 0 <= data.item < len(required):
        raise Stale(f"no document {data.item}")
    code, name = str(required[data.item]["code"]), str(required[data.item]["name"])
    status = check_document(State(turn.nomination.state), required, code)
    if status is not Status.OK:
        return messages.text(NOT_EDITABLE[status])
    UPLOAD.save(ctx, UploadState(nomination=turn.nomination.id, code=code, name=name))
    return messages.text(f"Gửi tệp “{name}” (ảnh chụp, PDF, Word .docx hoặc Excel .xlsx). Gõ /huy để thôi.")


async def on_file(ctx: Context, state: UploadState) -> list[Reply]:
    turn = nomination_turn(ctx, state.nomination, "award.dossier")
    if not ctx.msg.files:
        return messages.text(f"Bước này nhận tệp “{state.name}”: anh/chị gửi ảnh hoặc tệp, hoặc gõ /huy để thôi.")
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return messages.text(NO_FETCH)
    refs = [r for r in ctx.msg.files if not (r.size and r.size > MAX_EVIDENCE_BYTES)][:5]
    if not refs:
        return messages.text("Tệp lớn quá 20 MB, anh/chị gửi tệp nhỏ hơn.")
    files_dir, year, nid, code = ctx.services.settings.files_dir, turn.nomination.year, turn.nomination.id, state.code

    async def download() -> Fetched:
        return [await _fetch_one(fetch, ref, files_dir, year, nid, code) for ref in refs]

    def record(later: Context, results: Fetched) -> list[Reply]:
        return _record(later, nid, code, results)

    ctx.clear_dialog()
    ctx.after_commit(download, record, task="award.document")
    return []


async def _fetch_one(fetch: Any, ref: FileRef, files_dir: Path, year: int, nid: int,
                     code: str) -> tuple[FileRef, Optional[StoredPhoto], str]:
    kept, note = await fetch_and_keep(fetch, ref, partial(write_document, files_dir, year, nid, code),
                                      refused=NotEvidence, refused_text=NOT_EVIDENCE)
    return ref, kept, note


def _record(ctx: Context, nid: int, code: str, results: Fetched) -> list[Reply]:
    turn = nomination_turn(ctx, nid, "award.dossier")
    notes: list[str] = []
    saved = 0
    for ref, stored, problem in results:
        if stored is None:
            notes.append(problem)
            continue
        status = add_document(ctx.session, turn.nomination, code, stored, channel_file_id=ref.file_id,
                              officer_id=ctx.officer.id if ctx.officer else None, now=ctx.now)
        if status is not Status.OK:
            notes.append(NOT_EDITABLE.get(status, messages.STALE_BUTTON))
        else:
            saved += 1
    if saved:
        ctx.audit("award.document", f"nomination:{nid}", "done", code=code, files=saved)
        notes.insert(0, f"Đã lưu {saved} tệp.")
    return [dossier_reply(ctx, turn, " ".join(dict.fromkeys(notes)))]


async def on_cancel(ctx: Context, state: Optional[UploadState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi gửi tệp. Gõ /denghi để xem hồ sơ.")


UPLOAD: Dialog[UploadState] = Dialog("hosodenghi", UploadState, action="award.dossier", on_cancel=on_cancel,
                                     steps={"file": Step(on_file, closed=True)})


def register(router: Router) -> None:
    router.callback(UploadDocument, action="award.dossier")(on_upload)
    router.add_dialog(UPLOAD)
