"""Giải trình: the commune answers a changed score (text, then files), the leader decides.

“Giải trình” (from the change notice) asks the text; the explanation is recorded at once
(``store.emulation.review.explain``: once, within the period's days); files sent next are
attached to it; “Gửi giải trình” tells the bloc's reviewers, who accept it (the self-score
restored) or keep the change (the criterion is then disputed, visible to the province).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.permissions import Refused, can
from core.router import Router
from core.types import Reply
from handlers.emulation.calls import Decide, Explain, ExplainDone, ViewSheet
from handlers.emulation.evidence import receive_evidence
from handlers.emulation.review_common import notify_commune, sheet_of_bloc
from handlers.emulation.words import num, when
from store.emulation.review import (ChangeKind, ReviewStatus, decide, explain, explain_deadline, last_change,
                                    sheet_bloc)
from store.models import Bloc, Commune, Explanation, ScoreChange, ScoringPeriod, Sheet

SENT = "Đã gửi giải trình tới trưởng khối. Bot sẽ báo khi trưởng khối quyết định."
STATUS_TEXT = {
    ReviewStatus.ALREADY: "Tiêu chí này đã được giải trình.",
    ReviewStatus.TOO_LATE: "Đã quá thời hạn giải trình của tiêu chí này.",
    ReviewStatus.REVIEW_CLOSED: "Khối đã đóng chấm điểm nên không nhận giải trình nữa.",
    ReviewStatus.NOTHING_TO_EXPLAIN: "Điểm tiêu chí này đã được quyết định lại; không cần giải trình nữa.",
}


@dataclass
class ExplainState(DialogData):
    step: str = "text"  # text | files
    change: int = 0
    explanation: int = 0


@dataclass
class ExplainTurn:
    ctx: Context
    sheet: Sheet
    period: ScoringPeriod


def _own_sheet(ctx: Context, sheet_id: int, target: str) -> ExplainTurn:
    sheet = ctx.session.get(Sheet, sheet_id)
    commune = ctx.session.get(Commune, sheet.commune_code) if sheet is not None else None
    if sheet is None or commune is None or not can(ctx.officer, "emulation.score", commune=commune):
        raise Refused("emulation.score", target, reason="not the commune's officer")
    return ExplainTurn(ctx, sheet, ctx.session.get_one(ScoringPeriod, sheet.period_id))


async def on_explain(ctx: Context, data: Explain) -> list[Reply]:
    change = ctx.session.get(ScoreChange, data.change)
    if change is None or change.kind != ChangeKind.REVIEW:
        raise Stale("no such change")
    turn = _own_sheet(ctx, change.sheet_id, f"change:{data.change}")
    latest = last_change(ctx.session, change.sheet_id, change.code)
    if latest is None or latest.id != change.id:
        return messages.text(STATUS_TEXT[ReviewStatus.NOTHING_TO_EXPLAIN])
    if ctx.now > explain_deadline(turn.period, change):
        return messages.text(STATUS_TEXT[ReviewStatus.TOO_LATE])
    EXPLAIN.save(ctx, ExplainState(change=change.id))
    return messages.text(f"Giải trình tiêu chí {change.code} ({num(change.from_score)} → {num(change.to_score)}), "
                         f"hạn {when(explain_deadline(turn.period, change))}.\nGõ nội dung giải trình. Sau đó "
                         "anh/chị gửi được ảnh, tệp kèm theo. Gõ /huy để thôi.")


async def on_text(ctx: Context, state: ExplainState) -> list[Reply]:
    change = ctx.session.get(ScoreChange, state.change)
    if change is None:
        ctx.clear_dialog()
        return messages.text(STATUS_TEXT[ReviewStatus.NOTHING_TO_EXPLAIN])
    turn = _own_sheet(ctx, change.sheet_id, f"change:{state.change}")
    if ctx.msg.files:
        return messages.text("Anh/chị gõ nội dung giải trình trước, rồi gửi ảnh, tệp kèm theo.")
    status, row = explain(ctx.session, turn.sheet, turn.period, change.code, ctx.msg.text or "", ctx.me.id, ctx.now)
    if status is ReviewStatus.EMPTY:
        return messages.text("Anh/chị gõ nội dung giải trình.")
    if status is not ReviewStatus.DONE or row is None:
        ctx.clear_dialog()
        return messages.text(STATUS_TEXT.get(status, messages.ERROR))
    EXPLAIN.save(ctx, ExplainState(step="files", change=change.id, explanation=row.id))
    return [files_prompt(row.id, "Đã ghi nội dung giải trình.", ctx)]


def files_prompt(explanation_id: int, note: str, ctx: Context) -> Reply:
    how = "gõ 1" if ctx.user.channel in ("zalo", "console") else "bấm"
    return Reply(text=f"{note}\nGửi ảnh, tệp kèm theo nếu có; xong thì {how} “Gửi giải trình”.",
                 buttons=[[ExplainDone(explanation_id).button("Gửi giải trình")]])


async def on_files(ctx: Context, state: ExplainState) -> list[Reply]:
    expl = ctx.session.get(Explanation, state.explanation)
    if expl is None:
        ctx.clear_dialog()
        return messages.text(messages.STALE_BUTTON)
    turn = _own_sheet(ctx, expl.sheet_id, f"explanation:{expl.id}")
    if not ctx.msg.files:
        return [files_prompt(expl.id, "Nội dung giải trình đã ghi; bước này nhận ảnh, tệp kèm theo.", ctx)]

    def done(later: Context, _sheet: int, _code: str, note: str) -> list[Reply]:
        return [files_prompt(expl.id, note, later)]

    return receive_evidence(turn, expl.code, done, explanation_id=expl.id)


async def on_done(ctx: Context, data: ExplainDone) -> list[Reply]:
    """Tell the bloc's reviewers (the leading commune's officers), once."""
    expl = ctx.session.get(Explanation, data.explanation)
    if expl is None:
        raise Stale("no explanation")
    turn = _own_sheet(ctx, expl.sheet_id, f"explanation:{expl.id}")
    ctx.clear_dialog()
    s = sheet_of_bloc_for_notice(ctx, turn.sheet.id)
    if s is None:
        return messages.text(SENT)
    commune, leader = s
    text = f"{commune.name} giải trình tiêu chí {expl.code}: “{expl.text[:600]}”"
    notify_commune(ctx, leader, Reply(text=text, buttons=[
        [Decide(expl.id, True).button(f"Nhận giải trình {expl.code}"[:60]),
         Decide(expl.id, False).button(f"Giữ điểm khối {expl.code}"[:60])],
        [ViewSheet(turn.sheet.id).button("Xem bảng điểm của xã")]]), key=f"emu:explained:{expl.id}")
    return messages.text(SENT)


def sheet_of_bloc_for_notice(ctx: Context, sheet_id: int) -> Optional[tuple[Commune, int]]:
    """(the commune, its bloc's leading commune code) of a sheet, None when no leader is set."""
    sheet = ctx.session.get_one(Sheet, sheet_id)
    period = ctx.session.get_one(ScoringPeriod, sheet.period_id)
    bloc_id = sheet_bloc(ctx.session, sheet, period)
    bloc = ctx.session.get(Bloc, bloc_id) if bloc_id is not None else None
    if bloc is None or bloc.leader_code is None:
        return None
    return ctx.session.get_one(Commune, sheet.commune_code), bloc.leader_code


async def on_decide(ctx: Context, data: Decide) -> list[Reply]:
    expl = ctx.session.get(Explanation, data.explanation)
    if expl is None:
        raise Stale("no explanation")
    s = sheet_of_bloc(ctx, expl.sheet_id, "emulation.review", review=True, lock=True)
    status = decide(ctx.session, expl, s.period, accept=data.accept, officer_id=ctx.me.id, now=ctx.now)
    if status is not ReviewStatus.DONE:
        return messages.text("Giải trình này đã được quyết định rồi." if status is ReviewStatus.ALREADY
                             else STATUS_TEXT.get(status, "Chưa quyết định được giải trình này."))
    change = last_change(ctx.session, s.sheet.id, expl.code)
    to = num(change.to_score) if change is not None else "–"
    if data.accept:
        text = f"{s.bloc.name} đã nhận giải trình tiêu chí {expl.code} của {s.commune.name}: điểm là {to}."
    else:
        text = (f"{s.bloc.name} giữ điểm khối chấm tiêu chí {expl.code} của {s.commune.name}: {to}. "
                "Tiêu chí được ghi là còn ý kiến khác; tỉnh sẽ xem xét.")
    notify_commune(ctx, s.commune.code, Reply(text=text), key=f"emu:decided:{expl.id}")
    return [Reply(text=text, buttons=[[ViewSheet(s.sheet.id).button("« Quay lại bảng điểm")]])]


async def on_cancel(ctx: Context, state: Optional[ExplainState]) -> list[Reply]:
    ctx.clear_dialog()
    if state is not None and state.explanation:
        return messages.text("Nội dung giải trình đã ghi được giữ; trưởng khối xem được trong bảng điểm của xã.")
    return messages.text("Đã thôi giải trình.")


EXPLAIN: Dialog[ExplainState] = Dialog("giaitrinh", ExplainState, action="emulation.score", on_cancel=on_cancel,
                                       steps={"text": Step(on_text), "files": Step(on_files, closed=True)})


def register(router: Router) -> None:
    router.callback(Explain, action="emulation.score")(on_explain)
    router.callback(ExplainDone, action="emulation.score")(on_done)
    router.callback(Decide, action="emulation.review")(on_decide)
    router.add_dialog(EXPLAIN)
