"""/chamdiem: the commune's sheet for the open scoring period, scored criterion by criterion.

Entry points and the dialog's buttons live here; the steps are handlers/emulation/score_dialog.py.
The sheet is the commune's (any of its officers continues it), saved at every step, so a
restart, /huy or a week away loses nothing; it is submitted once.
"""

from __future__ import annotations

from typing import Any

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.permissions import Refused
from core.router import Router
from core.types import Reply
from handlers.emulation.calls import (BackItem, EditItem, KeepScore, NextItem, OpenSheet, ReScore, ShowReview,
                                      SubmitSheet, YesNo)
from handlers.emulation.score_dialog import (SCORE, ask_extra, ask_score, give_score, move_on, resume,
                                             show_review)
from handlers.emulation.score_turn import (NOT_COMMUNE, ScoreState, SheetTurn, closed_text, open_turn,
                                           score_commune, submitted_text)
from handlers.emulation.words import num, when
from store.emulation.engine import previous_code
from store.emulation.periods import periods_for_commune
from store.emulation.sheets import OpenStatus, SubmitStatus, open_sheet, submit_sheet
from store.emulation.sheet_lookup import last_closed_unsubmitted
from store.models import ScoringPeriod

NO_PERIOD = "Hiện chưa có đợt chấm điểm thi đua nào đang mở cho xã. Bot sẽ nhắc khi đến đợt."
STALE = "Nút này thuộc bước đã qua. Bước đang làm:"


async def chamdiem(ctx: Context) -> list[Reply]:
    """The open scoring periods of the commune: straight into the sheet when there is one."""
    commune = score_commune(ctx, "chamdiem")
    periods = periods_for_commune(ctx.session, commune.code, commune.province_code, ctx.now)
    if not periods:
        closed = last_closed_unsubmitted(ctx.session, commune.code, commune.province_code, ctx.now)
        return messages.text(closed_text(ctx, closed, commune.code) if closed is not None else NO_PERIOD)
    if len(periods) == 1:
        return await open_period(ctx, OpenSheet(periods[0].id))
    lines = ["Các đợt chấm điểm đang mở:"]
    buttons = []
    for p in periods:
        lines.append(f"• {p.label}: hạn {when(p.due_at)}")
        buttons.append([OpenSheet(p.id).button(p.label[:60])])
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def open_period(ctx: Context, data: OpenSheet) -> list[Reply]:
    commune = score_commune(ctx, f"scoring:{data.period}")
    period = ctx.session.get(ScoringPeriod, data.period)
    if period is None or period.province_code != commune.province_code:
        raise Refused("emulation.score", f"scoring:{data.period}", reason="other province")
    status, sheet = open_sheet(ctx.session, period, commune.code, ctx.me.id, ctx.now)
    if status is OpenStatus.NOT_OPEN_YET:
        return messages.text(f"Đợt chấm điểm “{period.label}” mở từ {when(period.open_at)}.")
    if status is OpenStatus.CLOSED:
        ctx.audit("emulation.score", f"scoring:{period.id}", "refused", reason="closed")
        return messages.text(closed_text(ctx, period, commune.code))
    if status is OpenStatus.NOT_IN_BLOC:
        return messages.text(f"{commune.name} chưa thuộc khối thi đua nào của đợt “{period.label}”. "
                             "Anh/chị liên hệ cán bộ tỉnh.")
    if status is OpenStatus.NO_TABLE or sheet is None:
        return messages.text("Bảng tiêu chí của đợt này chưa được ban hành. Anh/chị chờ cán bộ tỉnh thông báo.")
    if sheet.submitted_at is not None:
        return messages.text(submitted_text(ctx, sheet, period))
    turn = open_turn(ctx, sheet.id)
    if not isinstance(turn, SheetTurn):
        return turn
    state = SCORE.load(ctx)
    if state is not None and state.sheet == sheet.id:
        return resume(turn, state, note="Tiếp tục bảng điểm đang chấm.")
    state = ScoreState(sheet=sheet.id)
    head = (f"Chấm điểm “{period.label}”, {len(turn.spec.criteria)} tiêu chí, hạn {when(period.due_at)}. "
            "Gõ /huy để tạm dừng (điểm đã chấm được giữ).")
    if sheet.answers:
        head = f"Tiếp tục bảng điểm: đã chấm {len(sheet.answers)}/{len(turn.spec.criteria)} tiêu chí."
    if sheet.position is None:
        return show_review(turn, state, note=head)
    return ask_score(turn, state, sheet.position, note=head)


def _turn_at(ctx: Context, sheet_id: int, item: int) -> tuple[SheetTurn, ScoreState, str] | list[Reply]:
    """The sheet's turn, the dialog state and the criterion code a button names (Stale if none)."""
    turn = open_turn(ctx, sheet_id)
    if not isinstance(turn, SheetTurn):
        return turn
    if not 0 <= item < len(turn.spec.criteria):
        raise Stale(f"no criterion {item}")
    state = SCORE.load(ctx)
    if state is None or state.sheet != sheet_id:
        state = ScoreState(sheet=sheet_id)
    return turn, state, turn.spec.criteria[item].code


async def on_item_button(ctx: Context, data: Any) -> list[Reply]:
    """Keep, yes/no, next, back and re-score name the criterion they were shown with."""
    found = _turn_at(ctx, data.sheet, data.item)
    if isinstance(found, list):
        return found
    turn, state, code = found
    if state.code != code:
        return resume(turn, state, note=STALE)
    if isinstance(data, YesNo) and state.step == "score":
        return give_score(turn, state, data.yes)
    if isinstance(data, KeepScore) and state.step == "score" and code in turn.sheet.answers:
        return ask_extra(turn, state, code)
    if isinstance(data, NextItem) and state.step == "extra":
        return move_on(turn, state, code)
    if isinstance(data, ReScore) and state.step == "extra":
        return ask_score(turn, state, code)
    if isinstance(data, BackItem) and state.step == "score":
        before = previous_code(turn.spec, code)
        return ask_score(turn, state, before or code, edit=False)
    return resume(turn, state, note=STALE)


async def on_edit(ctx: Context, data: EditItem) -> list[Reply]:
    """A criterion picked on the review screen: reopened, then back to the review."""
    found = _turn_at(ctx, data.sheet, data.item)
    if isinstance(found, list):
        return found
    turn, state, code = found
    return ask_score(turn, state, code, edit=True)


async def on_show_review(ctx: Context, data: ShowReview) -> list[Reply]:
    turn = open_turn(ctx, data.sheet)
    if not isinstance(turn, SheetTurn):
        return turn
    state = SCORE.load(ctx)
    return show_review(turn, state if state is not None and state.sheet == data.sheet else ScoreState())


async def on_submit(ctx: Context, data: SubmitSheet) -> list[Reply]:
    """Submit once: a double tap (or a second officer) gets "đã nộp", never a second submission."""
    turn = open_turn(ctx, data.sheet)
    if not isinstance(turn, SheetTurn):
        return turn
    result = submit_sheet(ctx.session, turn.sheet, turn.period, ctx.me.id, ctx.now)
    state = SCORE.load(ctx) or ScoreState(sheet=data.sheet)
    if result.status in (SubmitStatus.INCOMPLETE, SubmitStatus.EVIDENCE_MISSING):
        what = "chưa chấm" if result.status is SubmitStatus.INCOMPLETE else "thiếu minh chứng"
        codes = ", ".join(result.codes[:10]) + (" …" if len(result.codes) > 10 else "")
        return ask_score(turn, state, result.codes[0], edit=True,
                         note=f"Chưa nộp được: tiêu chí {codes} {what}.")
    ctx.clear_dialog()
    if result.status is SubmitStatus.CLOSED:
        return messages.text(closed_text(ctx, turn.period, turn.sheet.commune_code))
    if result.status is SubmitStatus.ALREADY:
        return messages.text(submitted_text(ctx, turn.sheet, turn.period))
    ctx.audit("emulation.submit", f"sheet:{turn.sheet.id}", "done", days_late=result.days_late)
    late = f" Nộp trễ hạn {result.days_late} ngày." if result.days_late else " Nộp đúng hạn."
    return messages.text(f"Đã nộp bảng tự chấm “{turn.period.label}” lúc {when(ctx.now)}. "
                         f"Tổng tự chấm: {num(turn.totals().total)}/{num(turn.totals().maximum)}.{late} "
                         "Trưởng khối sẽ chấm và báo lại. Cảm ơn anh/chị!")


def register(router: Router) -> None:
    router.command("chamdiem", "Tự chấm điểm thi đua của xã", public=False, action="emulation.score",
                   refusal=NOT_COMMUNE)(chamdiem)
    router.callback(OpenSheet, action="emulation.score")(open_period)
    for data_type in (KeepScore, YesNo, NextItem, ReScore, BackItem):
        router.callback(data_type, action="emulation.score")(on_item_button)
    router.callback(EditItem, action="emulation.score")(on_edit)
    router.callback(ShowReview, action="emulation.score")(on_show_review)
    router.callback(SubmitSheet, action="emulation.score")(on_submit)
    router.add_dialog(SCORE)
