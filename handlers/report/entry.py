"""/baocao: the reports my commune owes, filled in one question at a time, saved as answered.

Entry points live here (the list, open a period, resume, send, view, amend, discard); the
dialog itself (one draft load, the form engine, one save per update) is handlers/report/answer.py.
Answers live in the commune's shared draft (store.reporting.reports), so a restart, /huy or a week
away loses nothing.
"""

from __future__ import annotations

import logging

from core import messages
from core.context import Context
from core.permissions import Refused, can
from core.callbacks import CallbackData
from core.router import CallbackHandler, Router
from core.types import Reply
from handlers.report import view
from handlers.report.answer import FIELD_BUTTONS, REPORT, Turn, begin, on_field_button, open_turn
from handlers.report.calls import (Amend, BackToReview, Discard, DiscardConfirmed, OpenPeriod, Resume, Send,
                                   StartOver, ViewReport)
from handlers.report.common import (GONE, already_text, closed_text, fill_commune, officer_commune, report_buttons,
                                    sender_name)
from store.clock import as_utc
from store.forms.versions import form_spec
from store.models import Commune, Form, Period, Report
from store.reporting.periods import commune_owes, periods_for_commune, status
from store.reporting.reports import (SubmitResult, SubmitStatus, discard_draft, draft_spec, get_draft, get_report,
                                     lock_draft, start_draft, submit)

log = logging.getLogger(__name__)

NOT_COMMUNE = "Lệnh /baocao dành cho cán bộ xã, phường. Cán bộ tỉnh dùng /tonghop để xem tình hình báo cáo."
NO_PERIODS = "Hiện xã chưa có kỳ báo cáo nào đang mở. Bot sẽ nhắc khi đến kỳ."


# -- entry points ------------------------------------------------------------------------
async def baocao(ctx: Context) -> list[Reply]:
    """Lists the reports the officer's commune owes now, as buttons."""
    commune = officer_commune(ctx)
    if commune is None:
        raise Refused("report.fill", "baocao", NOT_COMMUNE, reason="no commune")
    periods = periods_for_commune(ctx.session, commune, ctx.now)
    if not periods:
        return messages.text(NO_PERIODS)
    buttons = []
    for period in periods:
        report = get_report(ctx.session, period.id, commune.code)
        draft = None if report else get_draft(ctx.session, period.id, commune.code)
        if report is not None:
            state = f"đã gửi {view.when(report.submitted_at)}"
        elif draft is not None and draft.answers:
            state = f"đang làm dở ({len(draft.answers)} câu)"
        else:
            state = "chưa làm"
        late = " – QUÁ HẠN" if report is None and ctx.now > period.due_at else ""
        detail = f"{period.label}: hạn {view.day(period.due_at)}{late} – {state}"
        buttons.append([OpenPeriod(period.id).button(f"{period.label} (hạn {view.day(period.due_at)})"[:60], detail)])
    return [Reply(text=f"Báo cáo của {commune.name} đang mở. Bấm vào kỳ báo cáo để làm:", buttons=buttons)]


async def open_period(ctx: Context, data: OpenPeriod) -> list[Reply]:
    """Start, resume or look at the commune's report for a period."""
    commune = officer_commune(ctx)
    target = f"period:{data.period}"
    if commune is None:
        raise Refused("report.fill", target, reason="not an officer of a commune")
    period = ctx.session.get(Period, data.period)
    if period is None or not commune_owes(ctx.session, period, commune):
        raise Refused("report.fill", target, reason="period not owed by commune")
    report = get_report(ctx.session, period.id, commune.code)
    if report is not None:
        return [Reply(text=already_text(ctx, report, period), buttons=report_buttons(report, period, ctx))]
    st = status(period, ctx.now)
    if st.code in ("upcoming", "closed"):
        return messages.text(closed_text(period) if st.code == "closed"
                             else f"Kỳ “{period.label}” mở từ {view.when(period.open_at)}.")
    draft = get_draft(ctx.session, period.id, commune.code)
    if draft is not None and draft.answers:
        who = sender_name(ctx, draft.updated_by)
        text = (f"Xã có bản nháp “{period.label}” ({len(draft.answers)} câu đã trả lời, cập nhật "
                f"{view.when(draft.updated_at)}{' bởi ' + who if who else ''}). Tiếp tục bản nháp?")
        return [Reply(text=text, buttons=[[Resume(draft.id, True).button("Tiếp tục"),
                                           Resume(draft.id, False).button("Làm lại từ đầu")]])]
    if draft is None:
        draft = start_draft(ctx.session, period, commune.code, ctx.me.id, ctx.now)
    spec = draft_spec(ctx.session, draft)
    note = f"Bắt đầu “{spec.title}” – {period.label}, hạn {view.day(period.due_at)}. Gõ /huy để tạm dừng (bản nháp được giữ)."
    return begin(ctx, draft, period, note=note)


async def resume(ctx: Context, data: Resume) -> list[Reply]:
    """"Tiếp tục bản nháp?": continue where it stopped, or start over (asked to confirm first)."""
    turn = open_turn(ctx, data.draft, None)
    if not isinstance(turn, Turn):
        return turn
    if not data.keep:
        return [_confirm_start_over(turn)]
    return begin(ctx, turn.draft, turn.period, note="Tiếp tục bản nháp.")


def _confirm_start_over(turn: Turn, note: str = "") -> Reply:
    """The commune's shared draft is wiped only when confirmed, knowing how many answers go."""
    draft, n = turn.draft, len(turn.draft.answers)
    stamp = int(as_utc(draft.updated_at).timestamp())
    text = (f"{note}Làm lại từ đầu sẽ xóa {n} câu trả lời trong bản nháp “{turn.period.label}” của xã "
            f"(cả câu do cán bộ khác trả lời). Xóa {n} câu trả lời?")
    return Reply(text=text, words_only=True,
                 buttons=[[StartOver(draft.id, n, stamp).button(f"Xóa: {n} câu, làm lại từ đầu")],
                          [Resume(draft.id, True).button("Không: tiếp tục bản nháp")]])


async def start_over(ctx: Context, data: StartOver) -> list[Reply]:
    """The confirmed "Làm lại từ đầu": refused (and asked again) if the draft changed since."""
    turn = open_turn(ctx, data.draft, None)
    if not isinstance(turn, Turn):
        return turn
    draft = turn.draft
    if (len(draft.answers), int(as_utc(draft.updated_at).timestamp())) != (data.count, data.stamp):
        return [_confirm_start_over(turn, "Bản nháp vừa thay đổi nên chưa xóa gì. ")]
    draft.answers, draft.updated_at, draft.updated_by = {}, ctx.now, ctx.me.id
    ctx.audit("report.start_over", f"draft:{draft.id}", "done", answers=data.count)
    return begin(ctx, draft, turn.period, note=f"Đã xóa {data.count} câu trả lời cũ, làm lại từ đầu.")


async def back_to_review(ctx: Context, data: BackToReview) -> list[Reply]:
    turn = open_turn(ctx, data.draft, REPORT.load(ctx))
    if not isinstance(turn, Turn):
        return turn
    turn.form.open_review()
    return turn.reply()


async def send(ctx: Context, data: Send) -> list[Reply]:
    """Submit; a double tap or a second officer gets one report and a polite "đã gửi"."""
    commune_code = fill_commune(ctx, f"draft:{data.draft}")
    draft = lock_draft(ctx.session, data.draft)
    if draft is None:
        gone = ctx.session.get(Period, data.period)
        report = get_report(ctx.session, data.period, commune_code) if gone is not None else None
        if gone is None or report is None:
            return messages.text(GONE)
        ctx.clear_dialog()
        return [Reply(text=already_text(ctx, report, gone), buttons=report_buttons(report, gone, ctx))]
    if draft.commune_code != commune_code or draft.period_id != data.period:
        raise Refused("report.submit", f"draft:{data.draft}", reason="other commune or period",
                      commune=draft.commune_code)
    period = ctx.session.get_one(Period, draft.period_id)  # the draft's own period (a foreign key)
    result = submit(ctx.session, draft, period, ctx.me.id, ctx.now)
    if result.status is SubmitStatus.INCOMPLETE:
        f = result.missing[0]
        return begin(ctx, draft, period, index=f.index, edit=True, note=f"Còn câu bắt buộc chưa trả lời: {f.label}")
    ctx.clear_dialog()
    return _sent(ctx, result, draft.id, period)


def _sent(ctx: Context, result: SubmitResult, draft_id: int, period: Period) -> list[Reply]:
    if result.status is SubmitStatus.CLOSED:
        ctx.audit("report.submit", f"period:{period.id}", "refused", reason="closed")
        return messages.text(closed_text(period))
    report = result.report
    if report is None:  # only a conflict with a report that is gone gets here without one
        discard_draft(ctx.session, draft_id)
        return messages.text(GONE)
    if result.status is SubmitStatus.ALREADY:
        return [Reply(text=already_text(ctx, report, period), buttons=report_buttons(report, period, ctx))]
    if result.status is SubmitStatus.CONFLICT:
        discard_draft(ctx.session, draft_id)
        return [Reply(text="Báo cáo vừa được sửa bởi người khác nên bản sửa này chưa gửi. Anh/chị xem bản mới rồi sửa lại.",
                      buttons=report_buttons(report, period, ctx))]
    ctx.audit("report.submit", f"report:{report.id}", "done", revision=report.revision, period=period.id)
    timing = "đúng hạn" if report.submitted_at <= period.due_at else "trễ hạn"
    if result.status is SubmitStatus.REVISED:
        return messages.text(f"Đã lưu bản sửa lần {report.revision - 1} của báo cáo “{period.label}” lúc "
                             f"{view.when(report.updated_at)}. Các bản trước vẫn được giữ.")
    return messages.text(f"Đã gửi báo cáo “{period.label}” lúc {view.when(report.submitted_at)} ({timing}). "
                         "Cảm ơn anh/chị!")


async def show_report(ctx: Context, data: ViewReport) -> list[Reply]:
    """A submitted report, for its commune's officers and the supervisors of its province."""
    report = ctx.session.get(Report, data.report)
    commune = ctx.session.get(Commune, report.commune_code) if report else None
    if report is None or commune is None or not can(ctx.officer, "report.view", commune=commune):
        raise Refused("report.view", f"report:{data.report}")
    period = ctx.session.get_one(Period, report.period_id)
    spec = form_spec(ctx.session.get_one(Form, report.form_pk))
    text = view.report_text(spec, report, period, sender_name(ctx, report.submitted_by))
    buttons = []
    if ctx.now < period.close_at and can(ctx.officer, "report.fill", commune=commune):
        buttons = [[Amend(report.id).button("Sửa báo cáo")]]
    return [Reply(text=text, buttons=buttons)]


async def amend(ctx: Context, data: Amend) -> list[Reply]:
    """Open a submitted report to amend it (a new revision), while the period is open."""
    report = ctx.session.get(Report, data.report)
    commune = officer_commune(ctx)
    if report is None or commune is None or report.commune_code != commune.code:
        raise Refused("report.amend", f"report:{data.report}")
    period = ctx.session.get_one(Period, report.period_id)
    if ctx.now >= period.close_at:
        ctx.audit("report.amend", f"report:{data.report}", "refused", reason="closed")
        return messages.text(closed_text(period))
    draft = get_draft(ctx.session, period.id, commune.code, lock=True)
    if draft is not None and draft.base_revision != report.revision:
        ctx.session.delete(draft)  # a stale draft from before the submission
        ctx.session.flush()
        draft = None
    if draft is None:
        draft = start_draft(ctx.session, period, commune.code, ctx.me.id, ctx.now, amend=report)
    return begin(ctx, draft, period, index=-1,
                 note="Sửa báo cáo đã gửi: chọn câu cần sửa, rồi bấm “Gửi” để lưu bản sửa.")


async def discard(ctx: Context, data: Discard | DiscardConfirmed) -> list[Reply]:
    """"Hủy" on the review: confirm, then throw the draft away."""
    turn = open_turn(ctx, data.draft, REPORT.load(ctx))
    if not isinstance(turn, Turn):
        return turn
    if isinstance(data, Discard):
        return [Reply(text="Xóa bản nháp này? Các câu trả lời sẽ mất.",
                      buttons=[[DiscardConfirmed(turn.draft.id, turn.period.id).button("Xóa bản nháp"),
                                BackToReview(turn.draft.id).button("Không, quay lại")]])]
    ctx.session.delete(turn.draft)
    ctx.clear_dialog()
    ctx.audit("report.discard", f"draft:{data.draft}", "done", period=turn.period.id)
    return messages.text("Đã xóa bản nháp. Gõ /baocao để làm lại khi cần.")


def register(router: Router) -> None:
    """Adds /baocao, its typed buttons and its declared dialog."""
    router.command("baocao", "Làm báo cáo định kỳ của xã", public=False, action="report.fill",
                   refusal=NOT_COMMUNE)(baocao)
    fill: dict[type[CallbackData], CallbackHandler] = {
        OpenPeriod: open_period, Resume: resume, StartOver: start_over, Send: send, Discard: discard,
        DiscardConfirmed: discard, BackToReview: back_to_review, Amend: amend}
    for data_type, handler in fill.items():
        router.callback(data_type, action="report.fill")(handler)
    for data_type in FIELD_BUTTONS:
        router.callback(data_type, action="report.fill")(on_field_button)
    router.callback(ViewReport, action="report.view")(show_report)
    router.add_dialog(REPORT)
