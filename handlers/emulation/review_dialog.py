"""“Sửa điểm” of one criterion by the bloc: the new score, then the reason (required).

Saved as a new change (``store.emulation.review.change_score``: who, when, from, to, why; the
self-score stays); the commune's officers get a notice with a “Giải trình” button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Optional

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.types import Reply
from handlers.emulation.calls import AdjustItem, Explain, ViewSheet
from handlers.emulation.review_common import SheetOfBloc, notify_commune, sheet_of_bloc
from handlers.emulation.score_dialog import refusal
from handlers.emulation.words import num, when
from store.emulation.engine import Status, check_score
from store.emulation.review import ReviewStatus, change_score, criterion_scores, last_change, review_is_open
from store.vn.numbers import NumberFormatError, parse_number
from store.vn.text import shorten

REVIEW_CLOSED = "Khối đã đóng chấm điểm; muốn sửa điểm cần tỉnh mở lại xếp hạng."


@dataclass
class AdjustState(DialogData):
    step: str = "score"  # score | reason
    sheet: int = 0
    code: str = ""
    score: str = ""


def ask_new_score(ctx: Context, s: SheetOfBloc, code: str, note: str = "") -> list[Reply]:
    c = s.spec.criterion(code)
    if c is None:
        raise Stale(f"no criterion {code}")
    got = criterion_scores(ctx.session, s.sheet).get(code)
    ADJUST.save(ctx, AdjustState(step="score", sheet=s.sheet.id, code=code))
    lines = [note] if note else []
    lines.append(f"{s.commune.name} – tiêu chí {c.code}: {shorten(c.text, 300)}")
    if got is not None:
        lines.append(f"Điểm chuẩn {num(c.max)}. Xã tự chấm {num(got.self_score)}; điểm hiện tại {num(got.final)}.")
    lines.append("Gõ điểm khối chấm cho tiêu chí này (ví dụ 4 hoặc 4,5). Gõ /huy để thôi.")
    return [Reply(text="\n".join(lines), buttons=[[ViewSheet(s.sheet.id).button("« Quay lại bảng điểm")]],
                  numbers_answer=True)]


async def on_adjust(ctx: Context, data: AdjustItem) -> list[Reply]:
    s = sheet_of_bloc(ctx, data.sheet, "emulation.review", review=True)
    if not 0 <= data.item < len(s.spec.criteria):
        raise Stale(f"no criterion {data.item}")
    if not review_is_open(ctx.session, s.period.id, s.bloc.id):
        return messages.text(REVIEW_CLOSED)
    return ask_new_score(ctx, s, s.spec.criteria[data.item].code)


async def on_score(ctx: Context, state: AdjustState) -> list[Reply]:
    s = sheet_of_bloc(ctx, state.sheet, "emulation.review", review=True)
    c = s.spec.criterion(state.code)
    if c is None:
        raise Stale(f"no criterion {state.code}")
    try:
        value, _ = parse_number(ctx.msg.text or "")
    except NumberFormatError:
        raise NotAnAnswer(ask_new_score(ctx, s, state.code, note="Anh/chị gõ điểm bằng số, ví dụ 4 hoặc 4,5."),
                          ask_new_score(ctx, s, state.code)) from None
    status = check_score(c, value)
    if status is not Status.OK:
        return ask_new_score(ctx, s, state.code, note=refusal(c, status, value))
    current = criterion_scores(ctx.session, s.sheet).get(state.code)
    if current is not None and current.final == value:
        return ask_new_score(ctx, s, state.code, note=f"Điểm {num(value)} bằng điểm hiện tại, không cần sửa.")
    state.step, state.score = "reason", str(value)
    ADJUST.save(ctx, state)
    was = num(current.final) if current is not None else "–"
    return [Reply(text=f"Tiêu chí {c.code}: {was} → {num(value)}. Gõ lý do sửa điểm (bắt buộc; xã sẽ được "
                       "xem lý do và có thể giải trình).")]


async def on_reason(ctx: Context, state: AdjustState) -> list[Reply]:
    s = sheet_of_bloc(ctx, state.sheet, "emulation.review", review=True, lock=True)
    reason = " ".join((ctx.msg.text or "").split())
    score = Decimal(state.score)
    status = change_score(ctx.session, s.sheet, s.period, state.code, score, reason, ctx.me.id, ctx.now)
    if status is ReviewStatus.NO_REASON:
        return messages.text("Lý do cần rõ hơn (ít nhất 5 ký tự). Anh/chị gõ lại lý do.")
    ctx.clear_dialog()
    if status is ReviewStatus.REVIEW_CLOSED:
        return messages.text(REVIEW_CLOSED)
    if status is not ReviewStatus.DONE:
        return messages.text("Chưa sửa được điểm này (điểm không hợp lệ hoặc bảng điểm đã thay đổi). "
                             "Anh/chị mở lại bảng điểm của xã.")
    change = last_change(ctx.session, s.sheet.id, state.code)
    if change is None:
        return messages.text(messages.ERROR)
    deadline = change.at + timedelta(days=s.period.explain_days)
    text = (f"{s.bloc.name} đã sửa điểm tiêu chí {state.code} của {s.commune.name}: {num(change.from_score)} → "
            f"{num(change.to_score)}.\nLý do: {shorten(reason, 400)}\nNếu chưa đồng ý, anh/chị giải trình "
            f"trước {when(deadline)}.")
    sent = notify_commune(ctx, s.commune.code, Reply(text=text, buttons=[[Explain(change.id).button(
        "Giải trình")]]), key=f"emu:change:{change.id}")
    told = f" Đã báo {sent} cán bộ của xã." if sent else " Xã chưa có cán bộ dùng bot để nhận thông báo."
    return [Reply(text=f"Đã sửa tiêu chí {state.code} của {s.commune.name}: {num(change.from_score)} → "
                       f"{num(change.to_score)}.{told}",
                  buttons=[[ViewSheet(s.sheet.id).button("« Quay lại bảng điểm")]])]


async def on_cancel(ctx: Context, state: Optional[AdjustState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi sửa điểm. Điểm không thay đổi.")


def _number_only(ctx: Context, state: AdjustState, text: str) -> bool:
    if state.step != "score":
        return True
    try:
        parse_number(text)
    except NumberFormatError:
        return False
    return True


ADJUST: Dialog[AdjustState] = Dialog("khoicham", AdjustState, action="emulation.review", on_cancel=on_cancel, steps={
    "score": Step(on_score, closed=True, accepts=_number_only),
    "reason": Step(on_reason, closed=False),
})
