"""Answers inside the report dialog: typed text, buttons of a question, photos, locations."""

from __future__ import annotations

import logging
from typing import Any, Optional

from core import messages
from handlers import report_view as view
from core.context import Context
from core.types import FileUnavailable, Reply
from store.form_fields import AnswerError, Field, FIELD_TYPES
from store.models import Draft, Period
from store.reports import draft_spec, previous_field, previous_values, save_answer, store_photo

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 10
NO_FETCH = "Hiện bot chưa nhận được ảnh qua kênh này. Anh/chị bấm “Bỏ qua” hoặc gửi lại sau."
STALE_QUESTION = "Câu này đã được trả lời hoặc nút đã cũ. Câu đang hỏi:"


def _state(ctx: Context) -> Optional[dict[str, Any]]:
    state = ctx.dialog()
    # The session's identity map holds clean objects weakly: keep the row alive for this
    # update so the later ctx.dialog()/set_dialog() calls do not load it again.
    ctx.session.info.setdefault("report_dialog_rows", []).append(state)
    return dict(state.data) if state is not None and state.name == "report" else None


async def answer_message(ctx: Context) -> list[Reply]:
    """A message while the dialog is open: parse it as the answer to the current question."""
    from handlers.report import advance, ask, load_draft

    state = _state(ctx)
    if state is None:
        return messages.text(messages.STALE_BUTTON)
    draft, period, refusal = load_draft(ctx, int(state.get("d", 0)))
    if draft is None:
        return refusal
    index = int(state.get("f", -1))
    spec = draft_spec(ctx.session, draft)
    if index < 0 or index >= len(spec.fields):
        return ask(ctx, draft, period, -1, note="Anh/chị bấm “Gửi” để nộp, “Sửa câu N” để sửa, hoặc /huy để tạm dừng.")
    f = spec.fields[index]
    edit = bool(state.get("edit"))
    msg = ctx.msg
    try:
        if msg.files:
            if f.type != "photo":
                raise AnswerError("Câu này không cần ảnh.")
            return await _photos(ctx, draft, period, f, state)
        if msg.location is not None:
            if f.type != "location":
                raise AnswerError("Câu này không cần vị trí.")
            value = FIELD_TYPES["location"].value(msg.location.latitude, msg.location.longitude)
        elif msg.contact is not None:
            raise AnswerError("Câu này không cần số điện thoại.")
        else:
            value = f.kind.parse(f, msg.text or "")
    except AnswerError as exc:
        return ask(ctx, draft, period, f.index, note=str(exc), edit=edit, selected=state.get("sel"))
    save_answer(draft, f.name, value, ctx.officer.id, ctx.now)
    return advance(ctx, draft, period, f.index, edit=edit)


async def _photos(ctx: Context, draft: Draft, period: Period, f: Field, state: dict[str, Any]) -> list[Reply]:
    """Download, store and record each photo; stay on the question until "Xong"."""
    from handlers.report import ask

    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return ask(ctx, draft, period, f.index, note=NO_FETCH, edit=bool(state.get("edit")))
    photos = list(draft.answers.get(f.name) or [])
    notes = []
    for ref in ctx.msg.files:
        is_image = ref.kind == "photo" or (ref.kind == "document" and (ref.mime_type or "").startswith("image/"))
        if not is_image:
            notes.append("Chỉ nhận ảnh (chụp ảnh hoặc tệp JPG, PNG).")
            continue
        if ref.size and ref.size > MAX_PHOTO_BYTES:
            notes.append("Ảnh lớn quá 20 MB, anh/chị gửi ảnh nhỏ hơn.")
            continue
        if len(photos) >= MAX_PHOTOS:
            notes.append(f"Mỗi câu nhận tối đa {MAX_PHOTOS} ảnh.")
            break
        try:
            content = await fetch(ref)
        except FileUnavailable as exc:
            notes.append(str(exc))
            continue
        except Exception:
            log.exception("could not download %s", ref.file_id)
            notes.append("Không tải được ảnh, anh/chị gửi lại giúp.")
            continue
        if not content:
            notes.append("Ảnh trống, anh/chị gửi lại giúp.")
            continue
        photos.append(store_photo(ctx.session, ctx.services.settings.files_dir, draft, f.name, content,
                                  channel_file_id=ref.file_id, mime_type=ref.mime_type, file_name=ref.file_name,
                                  officer_id=ctx.officer.id, now=ctx.now))
    save_answer(draft, f.name, photos, ctx.officer.id, ctx.now)
    note = " ".join(notes) or f"Đã lưu ảnh. Gửi thêm ảnh hoặc bấm “{view.DONE}”."
    return ask(ctx, draft, period, f.index, note=note, edit=bool(state.get("edit")))


async def on_field_button(ctx: Context, action: str, nums: list[int]) -> list[Reply]:
    """Buttons of the current question: choose, toggle, done, keep, last value, back, skip, edit."""
    from handlers.report import advance, ask, load_draft

    draft, period, refusal = load_draft(ctx, nums[0])
    if draft is None:
        return refusal
    spec = draft_spec(ctx.session, draft)
    index = nums[1]
    if index >= len(spec.fields):
        ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
        return messages.text(messages.STALE_BUTTON)
    f = spec.fields[index]
    state = _state(ctx)
    if action == "e":  # "Sửa câu N" from the summary
        return ask(ctx, draft, period, f.index, edit=True)
    if state is None or state.get("d") != draft.id or state.get("f") != index:
        current = int(state["f"]) if state is not None and state.get("d") == draft.id else None
        if current is None:
            from handlers.report import resume_point

            current = resume_point(ctx, draft)
        return ask(ctx, draft, period, current, note=STALE_QUESTION, edit=bool(state and state.get("edit")))
    edit = bool(state.get("edit"))
    if action == "c":
        option = nums[2]
        options = f.kind.question(f).options
        if f.kind.input != "choice" or option >= len(options):
            ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        save_answer(draft, f.name, f.kind.from_option(f, option), ctx.officer.id, ctx.now)
        return advance(ctx, draft, period, f.index, edit=edit)
    if action == "t":
        option = nums[2]
        if f.type != "select_multiple" or option >= len(f.choices):
            ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        selected = set(state.get("sel") or [])
        selected ^= {option}
        return ask(ctx, draft, period, f.index, edit=edit, selected=sorted(selected))
    if action == "m":
        if f.type == "select_multiple":
            selected = sorted(set(state.get("sel") or []))
            if not selected and f.required:
                return ask(ctx, draft, period, f.index, note="Vui lòng chọn ít nhất một mục rồi bấm “Xong”.",
                           edit=edit, selected=[])
            save_answer(draft, f.name, [f.choices[i] for i in selected if i < len(f.choices)] or None,
                        ctx.officer.id, ctx.now)
        elif f.type == "photo":
            if not draft.answers.get(f.name):
                if f.required:
                    return ask(ctx, draft, period, f.index, note="Vui lòng gửi ít nhất một ảnh.", edit=edit)
                save_answer(draft, f.name, None, ctx.officer.id, ctx.now)
        else:
            return ask(ctx, draft, period, f.index, edit=edit)
        return advance(ctx, draft, period, f.index, edit=edit)
    if action == "k":
        if f.name not in draft.answers:
            return ask(ctx, draft, period, f.index, edit=edit)
        return advance(ctx, draft, period, f.index, edit=edit)
    if action == "l":
        prev = (state.get("prev") or {}).get(f.name)
        if prev is None:
            prev = previous_values(ctx.session, period, draft.commune_code).get(f.name)
        if not f.kind.numeric or prev is None:
            return ask(ctx, draft, period, f.index, note="Không có số của kỳ trước.", edit=edit)
        try:
            value = f.kind.parse(f, str(prev).replace(".", ","))
        except AnswerError as exc:
            return ask(ctx, draft, period, f.index, note=str(exc), edit=edit)
        save_answer(draft, f.name, value, ctx.officer.id, ctx.now)
        return advance(ctx, draft, period, f.index, edit=edit)
    if action == "b":
        prev_f = previous_field(spec, draft.answers, f.index)
        return ask(ctx, draft, period, prev_f.index if prev_f else f.index, edit=edit)
    if action == "s":
        if f.required:
            return ask(ctx, draft, period, f.index, note="Câu này bắt buộc, không bỏ qua được.", edit=edit)
        save_answer(draft, f.name, None, ctx.officer.id, ctx.now)
        return advance(ctx, draft, period, f.index, edit=edit)
    ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
    return messages.text(messages.STALE_BUTTON)
