"""Photos sent to a photo question: checked, then downloaded and stored after the update's
transaction has committed (no transaction held open over a download, no file written on the
event loop), then recorded on the draft in a fresh transaction.

A photo is accepted by its bytes (JPEG, PNG or WebP magic, store.files.image_kind) and stored with
the extension they prove; the user's file name and MIME type are not trusted.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, Optional, Union

from core.context import Context, FetchFile
from core.fetching import fetch_and_keep
from core.types import FileRef, Reply
from handlers.report import view
from handlers.report.outcome_text import outcome_text
from handlers.report.turn import Turn
from store.forms.engine import Files
from store.files.report_photos import NotAnImage, PhotoItem, StoredPhoto, record_photo, write_photo


MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 10
NO_FETCH = "Hiện bot chưa nhận được ảnh qua kênh này. Anh/chị bấm “Bỏ qua” hoặc gửi lại sau."
NOT_A_PHOTO = "Chỉ nhận ảnh JPG, PNG hoặc WebP; tệp này không phải ảnh nên bot không lưu."
MOVED_ON = "Ảnh đến khi câu hỏi đã chuyển sang câu khác; anh/chị gửi lại ở câu cần ảnh."

Fetched = list[tuple[FileRef, Optional[StoredPhoto], str]]  # (file, stored photo or None, note)
Reopen = Callable[[Context], Union[Turn, list[Reply]]]  # the draft's turn again, in a new transaction


def _refusal(ref: FileRef) -> str:
    """Refuse early what says it is not an image (no download); the bytes decide the rest."""
    declared = ref.mime_type or "image/"
    if ref.kind not in ("photo", "document") or not declared.startswith("image/"):
        return NOT_A_PHOTO
    if ref.size and ref.size > MAX_PHOTO_BYTES:
        return "Ảnh lớn quá 20 MB, anh/chị gửi ảnh nhỏ hơn."
    return ""


async def receive_photos(turn: Turn, reopen: Reopen) -> list[Reply]:
    """Pick the files to fetch; they are fetched and recorded after this update commits."""
    ctx, f = turn.ctx, turn.form.current()
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None or f is None:
        return turn.reply(note=NO_FETCH)
    room = MAX_PHOTOS - len(turn.form.answers.get(f.name) or [])
    wanted: list[FileRef] = []
    notes: list[str] = []
    for ref in ctx.msg.files:
        refusal = _refusal(ref)
        if refusal:
            notes.append(refusal)
        elif len(wanted) >= room:
            notes.append(f"Mỗi câu nhận tối đa {MAX_PHOTOS} ảnh.")
            break
        else:
            wanted.append(ref)
    if not wanted:
        return turn.reply(note=" ".join(dict.fromkeys(notes)))
    files_dir, draft, index = ctx.services.settings.files_dir, turn.draft, turn.form.index
    period_id, commune, field_name = draft.period_id, draft.commune_code, f.name

    async def download() -> Fetched:
        return [await _fetch_one(fetch, ref, files_dir, period_id, commune, field_name) for ref in wanted]

    def record(done: Context, results: Fetched) -> list[Reply]:
        return _record(done, reopen(done), index, results, notes)

    ctx.after_commit(download, record, task="photo")
    return []


async def _fetch_one(fetch: FetchFile, ref: FileRef, files_dir: Path, period_id: int, commune: int,
                     field_name: str) -> tuple[FileRef, Optional[StoredPhoto], str]:
    """Download one file and keep it if its bytes are a JPEG, PNG or WebP photo."""
    kept, note = await fetch_and_keep(fetch, ref, partial(write_photo, files_dir, period_id, commune, field_name),
                                      refused=NotAnImage, refused_text=NOT_A_PHOTO,
                                      failed_text="Không tải được ảnh, anh/chị gửi lại giúp.", check=_photo_size)
    return ref, kept, note


def _photo_size(content: bytes) -> str:
    return "" if content and len(content) <= MAX_PHOTO_BYTES else "Ảnh trống hoặc quá lớn, anh/chị gửi lại giúp."


def _record(ctx: Context, turn: Union[Turn, list[Reply]], index: int, results: Fetched,
            notes: list[str]) -> list[Reply]:
    """Record the stored photos if the dialog is still on that question."""
    if isinstance(turn, list):
        return turn  # the draft was sent or the period closed meanwhile
    f = turn.form.current()
    if f is None or turn.form.index != index or f.type != "photo":
        return turn.reply(note=MOVED_ON)
    items: list[PhotoItem] = []
    room = MAX_PHOTOS - len(turn.form.answers.get(f.name) or [])
    for ref, photo, note in results:
        if photo is None:
            notes.append(note)
        elif len(items) < room:
            items.append(record_photo(ctx.session, turn.draft, f.name, photo, channel_file_id=ref.file_id,
                                      officer_id=ctx.officer.id if ctx.officer else None, now=ctx.now))
    if items:
        taken = outcome_text(turn.form.answer(Files(tuple(items))))
        if taken:
            notes.append(taken)
    return turn.reply(note=" ".join(dict.fromkeys(notes)) or f"Đã lưu ảnh. Gửi thêm ảnh hoặc bấm “{view.DONE}”.")
