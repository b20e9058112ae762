"""/khoicham: the bloc leader's officers review the bloc's sheets.

The bloc's sheets (who submitted, who is late, the totals); one commune's sheet, its criteria
as buttons; “Sửa điểm”: the new score, then a reason (required), saved as a new change (the
self-score is kept), the commune notified with a “Giải trình” button; closing the review
computes the ranking. Reviewers are the leading commune's officers that year (core.permissions.can_on_bloc).
"""

from __future__ import annotations

from core import messages
from core.callbacks import Stale
from core.context import Context
from core.permissions import Refused
from core.router import Router
from core.types import Button, Reply
from handlers.emulation import review_view as view
from handlers.emulation.calls import (AdjustItem, BlocSheets, CloseReview, CloseReviewConfirmed, Decide,
                                      ShowRanking, ViewSheet)
from handlers.emulation.review_common import NOT_LEADER, bloc_turn, sheet_of_bloc
from handlers.emulation.review_dialog import ADJUST, on_adjust
from handlers.emulation.ranking_notices import ranking_closed
from handlers.emulation.words import when
from store.emulation.blocs import led_blocs
from store.emulation.ranking import RankingStatus, bloc_rows, close_review
from store.emulation.engine import totals
from store.emulation.review import criterion_scores, review_is_open
from store.emulation.review_lookup import pending_explanations
from store.emulation.sheet_lookup import recent_periods, sheet_ids
from store.emulation.sheets import evidence_counts
from store.models import Bloc, ScoringPeriod

NONE_LED = "Xã của anh/chị không là trưởng khối thi đua nào có đợt chấm điểm. Anh/chị dùng /chamdiem để tự chấm."


async def khoicham(ctx: Context) -> list[Reply]:
    """The blocs this officer's commune leads, in the province's recent scoring periods."""
    officer = ctx.me
    commune = officer.commune
    if commune is None:
        raise Refused("emulation.review", "khoicham", NOT_LEADER, reason="no commune")
    pairs: list[tuple[ScoringPeriod, Bloc]] = []
    for period in recent_periods(ctx.session, commune.province_code, ctx.now):
        pairs += [(period, b) for b in led_blocs(ctx.session, commune.code, period.year)
                  if b.province_code == period.province_code]
    if not pairs:
        return messages.text(NONE_LED)
    if len(pairs) == 1:
        return await bloc_sheets(ctx, BlocSheets(pairs[0][0].id, pairs[0][1].id))
    buttons = [[BlocSheets(p.id, b.id).button(f"{b.name} – {p.label}"[:60])] for p, b in pairs]
    return [Reply(text="Khối và đợt chấm điểm:", buttons=buttons)]


async def bloc_sheets(ctx: Context, data: BlocSheets) -> list[Reply]:
    turn = bloc_turn(ctx, data.period, data.bloc, "emulation.review", review=True)
    period, bloc = turn.period, turn.bloc
    rows = bloc_rows(ctx.session, period, [bloc.id])[bloc.id]
    done = sum(1 for r in rows if r["submitted"])
    open_review = review_is_open(ctx.session, period.id, bloc.id)
    lines = [f"{bloc.name} – {period.label}: {len(rows)} xã, đã nộp {done}. Hạn nộp {when(period.due_at)}."]
    lines += view.sheet_rows(rows, period, ctx.now)
    ids = sheet_ids(ctx.session, period.id, [r["commune_code"] for r in rows if r["submitted"]])
    buttons = [[ViewSheet(ids[r["commune_code"]]).button(f"Xem {r['name']}"[:60])]
               for r in rows if r["submitted"] and r["commune_code"] in ids]
    if open_review:
        lines.append("Chọn một xã để xem và sửa điểm; xong thì đóng chấm điểm để xếp hạng.")
        buttons.append([CloseReview(period.id, bloc.id).button("Đóng chấm điểm, xếp hạng")])
    else:
        lines.append("Khối đã đóng chấm điểm.")
        buttons.append([ShowRanking(period.id, bloc.id).button("Xem xếp hạng")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def view_sheet(ctx: Context, data: ViewSheet) -> list[Reply]:
    """One commune's submitted sheet: totals, changed criteria, explanations waiting, criteria to change."""
    s = sheet_of_bloc(ctx, data.sheet, "emulation.review", review=True)
    if s.sheet.submitted_at is None:
        raise Stale("sheet not submitted")
    scores = criterion_scores(ctx.session, s.sheet)
    files = evidence_counts(ctx.session, [s.sheet.id])[s.sheet.id]
    sums = [totals(s.spec, {code: getattr(x, k) for code, x in scores.items()}).total
            for k in ("self_score", "bloc", "final")]
    lines = [view.submitted_line(s.commune.name, s.sheet.submitted_at, s.sheet.days_late, sums)]
    lines += view.changed_lines(s.spec, scores)
    buttons: list[list[Button]] = []
    for expl in pending_explanations(ctx.session, s.sheet.id):
        lines.append(f"Giải trình tiêu chí {expl.code}: “{expl.text[:200]}”")
        buttons.append(decide_buttons(expl.id, expl.code))
    if review_is_open(ctx.session, s.period.id, s.bloc.id):
        lines.append("Chọn tiêu chí để sửa điểm (cần ghi lý do).")
        buttons += view.criterion_buttons(s.spec, s.sheet.id, scores, files)
    buttons.append([BlocSheets(s.period.id, s.bloc.id).button("« Các xã trong khối")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


def decide_buttons(explanation_id: int, code: str) -> list[Button]:
    return [Decide(explanation_id, True).button(f"Nhận giải trình {code}"[:60]),
            Decide(explanation_id, False).button(f"Giữ điểm khối {code}"[:60])]


async def close_ask(ctx: Context, data: CloseReview) -> list[Reply]:
    """Closing the review locks the bloc's scores: confirm, naming who has not submitted."""
    turn = bloc_turn(ctx, data.period, data.bloc, "emulation.review", review=True)
    if not review_is_open(ctx.session, turn.period.id, turn.bloc.id):
        return await ranking_closed(ctx, turn.period, turn.bloc, note="Khối đã đóng chấm điểm từ trước.")
    rows = bloc_rows(ctx.session, turn.period, [turn.bloc.id])[turn.bloc.id]
    missing = [r["name"] for r in rows if not r["submitted"]]
    text = (f"Đóng chấm điểm {turn.bloc.name}? Sau khi đóng, bot xếp hạng và không sửa điểm được nữa "
            "(trừ khi tỉnh mở lại).")
    if missing:
        text += f"\nChưa nộp (không được xếp hạng): {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}."
    return [Reply(text=text, buttons=[[CloseReviewConfirmed(data.period, data.bloc).button("Đóng và xếp hạng"),
                                       BlocSheets(data.period, data.bloc).button("Chưa, quay lại")]])]


async def close_confirmed(ctx: Context, data: CloseReviewConfirmed) -> list[Reply]:
    turn = bloc_turn(ctx, data.period, data.bloc, "emulation.review", review=True)
    status, _ranking = close_review(ctx.session, turn.period, turn.bloc, ctx.me.id, ctx.now)
    note = "Khối đã đóng chấm điểm từ trước." if status is RankingStatus.ALREADY else "Đã đóng chấm điểm."
    return await ranking_closed(ctx, turn.period, turn.bloc, note=note, tell_province=status is RankingStatus.DONE)


def register(router: Router) -> None:
    router.command("khoicham", "Trưởng khối chấm điểm các xã trong khối", public=False, action="emulation.review",
                   refusal=NOT_LEADER)(khoicham)
    router.callback(BlocSheets, action="emulation.review")(bloc_sheets)
    router.callback(ViewSheet, action="emulation.review")(view_sheet)
    router.callback(AdjustItem, action="emulation.review")(on_adjust)
    router.callback(CloseReview, action="emulation.review")(close_ask)
    router.callback(CloseReviewConfirmed, action="emulation.review")(close_confirmed)
    router.add_dialog(ADJUST)
