"""Evidence files sent in chat (photos, PDF, Word, Excel): fetched after the update commits,
checked by their bytes and hashed (``store.emulation.evidence``), recorded in a fresh
transaction against the sheet's criterion, or against an explanation.

Nothing is held open over a download; a file whose bytes are not a photo or document is refused
whatever its name or MIME type says.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional

from core.context import Context
from core.fetching import fetch_and_keep
from core.types import FileRef, Reply
from store.emulation.evidence import (MAX_EVIDENCE_BYTES, MAX_FILES_PER_CRITERION, NotEvidence, files_of,
                                      record_evidence, write_evidence)
from store.models import Sheet
from store.files.report_photos import StoredPhoto


NO_FETCH = "Hiện bot chưa nhận được tệp qua kênh này. Anh/chị gửi minh chứng cho trưởng khối theo cách khác."
NOT_EVIDENCE = "Chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF, Word (.docx), Excel (.xlsx); tệp này bot không lưu."
TOO_MANY = f"Mỗi tiêu chí nhận tối đa {MAX_FILES_PER_CRITERION} tệp minh chứng."

# Called in a fresh transaction once the files are recorded: (ctx, sheet id, code, note) -> replies.
Done = Callable[[Context, int, str, str], list[Reply]]
Fetched = list[tuple[FileRef, Optional[StoredPhoto], str]]


def receive_evidence(turn: Any, code: str, done: Done, explanation_id: Optional[int] = None) -> list[Reply]:
    """Queue the files of this message for ``code`` of ``turn.sheet``; the replies come from ``done``."""
    ctx: Context = turn.ctx
    sheet: Sheet = turn.sheet
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return [Reply(text=NO_FETCH)]
    have = len(files_of(ctx.session, sheet.id, code, explanation_id)) if explanation_id is None else 0
    room = MAX_FILES_PER_CRITERION - have
    notes: list[str] = []
    wanted: list[FileRef] = []
    for ref in ctx.msg.files:
        if ref.size and ref.size > MAX_EVIDENCE_BYTES:
            notes.append("Tệp lớn quá 20 MB, anh/chị gửi tệp nhỏ hơn.")
        elif len(wanted) >= room:
            notes.append(TOO_MANY)
            break
        else:
            wanted.append(ref)
    if not wanted:
        return [Reply(text=" ".join(dict.fromkeys(notes)) or TOO_MANY)]
    files_dir, period_id, commune, sheet_id = ctx.services.settings.files_dir, sheet.period_id, sheet.commune_code, sheet.id

    async def download() -> Fetched:
        return [await _fetch_one(fetch, ref, files_dir, period_id, commune, code) for ref in wanted]

    def record(later: Context, results: Fetched) -> list[Reply]:
        saved = _record(later, sheet_id, code, results, notes, explanation_id)
        return done(later, sheet_id, code, saved)

    ctx.after_commit(download, record, task="evidence")
    return []


async def _fetch_one(fetch: Any, ref: FileRef, files_dir: Path, period_id: int, commune: int,
                     code: str) -> tuple[FileRef, Optional[StoredPhoto], str]:
    kept, note = await fetch_and_keep(fetch, ref, partial(write_evidence, files_dir, period_id, commune, code),
                                      refused=NotEvidence, refused_text=NOT_EVIDENCE)
    return ref, kept, note


def _record(ctx: Context, sheet_id: int, code: str, results: Fetched, notes: list[str],
            explanation_id: Optional[int]) -> str:
    """Record the stored files; the note to show (how many were kept, and any refusal)."""
    sheet = ctx.session.get(Sheet, sheet_id, with_for_update=True)
    if sheet is None:
        return "Bảng điểm không còn, tệp không được lưu."
    new = 0
    for ref, stored, problem in results:
        if stored is None:
            notes.append(problem)
            continue
        _row, fresh = record_evidence(ctx.session, sheet, code, stored, channel_file_id=ref.file_id,
                                      officer_id=ctx.officer.id if ctx.officer else None, now=ctx.now,
                                      explanation_id=explanation_id)
        new += int(fresh)
    if new:
        ctx.audit("emulation.evidence", f"sheet:{sheet_id}", "done", code=code, files=new,
                  explanation=explanation_id)
    saved = f"Đã lưu {new} tệp minh chứng." if new else ""
    return " ".join(x for x in [saved, *dict.fromkeys(notes)] if x) or "Tệp này đã được lưu từ trước."
