"""/baocao: the reports my commune owes, filled in one question at a time, saved as answered.

Dialog state ("report") holds where this user is: {"d": draft id, "p": period id,
"f": field index or -1 for the summary, "edit": back to the summary after one answer,
"sel": options ticked on a multiple-choice question}. Answers live in the commune's shared
draft (store.reports), so a restart, /huy or a week away loses nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from core import messages
from handlers import report_view as view
from core.context import Context
from core.permissions import can
from handlers.report_answer import accepts_text, answer_message, on_field_button
from core.router import Router
from core.types import Button, Reply
from store.forms import form_spec
from store.models import Commune, Draft, Form, Officer, Period, Report
from store.periods import commune_owes, periods_for_commune, status
from store.reports import (discard_draft, draft_spec, get_draft, get_report, is_relevant, lock_draft, next_unanswered,
                           previous_values, revisions, start_draft, submit)

log = logging.getLogger(__name__)

DIALOG = "report"
NOT_COMMUNE = "Lệnh /baocao dành cho cán bộ xã, phường. Cán bộ tỉnh dùng /tonghop để xem tình hình báo cáo."
NO_PERIODS = "Hiện xã chưa có kỳ báo cáo nào đang mở. Bot sẽ nhắc khi đến kỳ."
DRAFT_KEPT = "Đã lưu bản nháp. Khi nào tiện, gõ /baocao để làm tiếp."
GONE = "Bản nháp này không còn (có thể báo cáo đã được gửi hoặc đã hủy). Gõ /baocao để xem lại."


# -- shared helpers (also used by report_answer) -------------------------------------------
def officer_commune(ctx: Context) -> Optional[Commune]:
    """The officer's commune when they may fill reports for it."""
    officer = ctx.officer
    if officer is None or officer.commune_code is None:
        return None
    commune = officer.commune  # the relationship: loaded once per update, not per helper call
    return commune if commune is not None and can(officer, "report.fill", commune=commune) else None


def refuse(ctx: Context, action: str, target: str, **detail: Any) -> list[Reply]:
    ctx.audit(action, target, "refused", **detail)
    return messages.text(messages.NOT_ALLOWED)


def sender_name(ctx: Context, officer_id: Optional[int]) -> str:
    officer = ctx.session.get(Officer, officer_id) if officer_id else None
    return officer.full_name if officer is not None else ""


def ask(ctx: Context, draft: Draft, period: Period, index: int, *, note: str = "", edit: bool = False,
        selected: Optional[list[int]] = None) -> list[Reply]:
    """Show question ``index`` (or the summary for -1) and remember where the user is."""
    spec = draft_spec(ctx.session, draft)
    state: dict[str, Any] = {"d": draft.id, "p": period.id, "f": index, "edit": edit}
    current = ctx.dialog()
    if current is not None and current.name == DIALOG and current.data.get("d") == draft.id and "prev" in current.data:
        state["prev"] = current.data["prev"]
    if index < 0:
        ctx.set_dialog(DIALOG, state)
        return [view.review(spec, draft, period, note=note)]
    f = spec.fields[index]
    if f.type == "select_multiple":
        if selected is None:
            current = draft.answers.get(f.name) or []
            selected = [i for i, c in enumerate(f.choices) if c in current]
        state["sel"] = selected
    previous = None
    if f.kind.numeric:
        if "prev" not in state:
            state["prev"] = _previous_numbers(ctx, draft, period)
        previous = state["prev"].get(f.name)
    ctx.set_dialog(DIALOG, state)
    return view.question(spec, draft, f, note=note, selected=selected, previous=previous)


def _previous_numbers(ctx: Context, draft: Draft, period: Period) -> dict[str, Any]:
    """Last period's numeric answers of this commune, looked up once per dialog and kept in its state."""
    values = previous_values(ctx.session, period, draft.commune_code)
    return {k: v for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def advance(ctx: Context, draft: Draft, period: Period, after: int, *, edit: bool, note: str = "") -> list[Reply]:
    """After an answer: the next question in order, or (editing / all done) the first gap or the summary."""
    spec = draft_spec(ctx.session, draft)
    if not edit:
        for f in spec.fields[after + 1:]:
            if is_relevant(spec, f, draft.answers):
                return ask(ctx, draft, period, f.index, note=note)
    gap = next_unanswered(spec, draft.answers)
    return ask(ctx, draft, period, gap.index if gap else -1, note=note, edit=edit)


def resume_point(ctx: Context, draft: Draft) -> int:
    gap = next_unanswered(draft_spec(ctx.session, draft), draft.answers)
    return gap.index if gap else -1


def may_fill(ctx: Context) -> Optional[Commune]:
    """The officer's commune as a key for ``can`` (code only: filling depends on nothing else).

    Saves loading the commune row on every answer; /baocao itself loads the real one.
    """
    officer = ctx.officer
    if officer is None or officer.commune_code is None:
        return None
    key = Commune(code=officer.commune_code)
    return key if can(officer, "report.fill", commune=key) else None


def load_draft(ctx: Context, draft_id: int) -> tuple[Optional[Draft], Optional[Period], list[Reply]]:
    """The draft locked for update, checked against this officer; or the reply that refuses it."""
    commune = may_fill(ctx)
    if commune is None:
        return None, None, refuse(ctx, "report.fill", f"draft:{draft_id}", reason="not an officer of a commune")
    draft = lock_draft(ctx.session, draft_id)
    if draft is None:
        state = ctx.dialog()
        period_id = state.data.get("p") if state is not None and state.name == DIALOG else None
        ctx.clear_dialog()
        period = ctx.session.get(Period, period_id) if isinstance(period_id, int) else None
        report = get_report(ctx.session, period.id, commune.code) if period is not None else None
        if report is not None:  # another officer of the commune sent it meanwhile
            return None, None, [Reply(text=already_text(ctx, report, period),
                                      buttons=report_buttons(report, period, ctx))]
        return None, None, messages.text(GONE)
    if draft.commune_code != commune.code:
        return None, None, refuse(ctx, "report.fill", f"draft:{draft_id}", reason="other commune",
                                  commune=draft.commune_code)
    period = ctx.session.get(Period, draft.period_id)
    if period is None or ctx.now >= period.close_at:
        ctx.clear_dialog()
        return None, None, messages.text(closed_text(period))
    return draft, period, []


def closed_text(period: Optional[Period]) -> str:
    if period is None:
        return GONE
    return f"Kỳ báo cáo “{period.label}” đã đóng lúc {view.when(period.close_at)}, không nhận hoặc sửa báo cáo nữa."


def already_text(ctx: Context, report: Report, period: Period) -> str:
    who = sender_name(ctx, report.submitted_by) or "cán bộ của xã"
    first = sender_name(ctx, _first_sender(ctx, report)) if report.revision > 1 else ""
    text = f"Báo cáo “{period.label}” của xã đã được gửi lúc {view.when(report.submitted_at)}"
    text += f" bởi {first or who}." if report.revision == 1 or first else "."
    if report.revision > 1:
        text += f" Đã sửa {report.revision - 1} lần, gần nhất lúc {view.when(report.updated_at)} bởi {who}."
    return text


def _first_sender(ctx: Context, report: Report) -> Optional[int]:
    revs = revisions(ctx.session, report.id)
    return revs[0].submitted_by if revs else report.submitted_by


def report_buttons(report: Report, period: Period, ctx: Context) -> list[list[Button]]:
    row = [Button("Xem báo cáo", view.data("v", report.id))]
    if ctx.now < period.close_at:
        row.append(Button("Sửa báo cáo", view.data("a", report.id)))
    return [row]


# -- entry points ------------------------------------------------------------------------
async def baocao(ctx: Context) -> list[Reply]:
    """Lists the reports the officer's commune owes now, as buttons."""
    if ctx.officer is None:
        return messages.text(messages.NOT_REGISTERED)
    commune = officer_commune(ctx)
    if commune is None:
        ctx.audit("report.fill", "baocao", "refused", reason="no commune")
        return messages.text(NOT_COMMUNE)
    periods = periods_for_commune(ctx.session, commune, ctx.now)
    if not periods:
        return messages.text(NO_PERIODS)
    lines = [f"Báo cáo của {commune.name} đang mở:"]
    buttons = []
    for i, period in enumerate(periods, 1):
        report = get_report(ctx.session, period.id, commune.code)
        draft = None if report else get_draft(ctx.session, period.id, commune.code)
        if report is not None:
            state = f"đã gửi {view.when(report.submitted_at)}"
        elif draft is not None and draft.answers:
            state = f"đang làm dở ({len(draft.answers)} câu)"
        else:
            state = "chưa làm"
        late = " – QUÁ HẠN" if report is None and ctx.now > period.due_at else ""
        lines.append(f"{i}. {period.label}: hạn {view.day(period.due_at)}{late} – {state}")
        buttons.append([Button(f"{period.label} (hạn {view.day(period.due_at)})"[:60], view.data("o", period.id))])
    lines.append("Bấm vào kỳ báo cáo để làm.")
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def open_period(ctx: Context, period_id: int) -> list[Reply]:
    """Start, resume or look at the commune's report for a period."""
    commune = officer_commune(ctx)
    if commune is None:
        return refuse(ctx, "report.fill", f"period:{period_id}", reason="not an officer of a commune")
    period = ctx.session.get(Period, period_id)
    if period is None or not commune_owes(ctx.session, period, commune):
        return refuse(ctx, "report.fill", f"period:{period_id}", reason="period not owed by commune")
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
        return [Reply(text=text, buttons=[[Button("Tiếp tục", view.data("r", draft.id, 1)),
                                           Button("Làm lại từ đầu", view.data("r", draft.id, 0))]])]
    if draft is None:
        draft = start_draft(ctx.session, period, commune.code, ctx.officer.id, ctx.now)
    spec = draft_spec(ctx.session, draft)
    note = f"Bắt đầu “{spec.title}” – {period.label}, hạn {view.day(period.due_at)}. Gõ /huy để tạm dừng (bản nháp được giữ)."
    return ask(ctx, draft, period, resume_point(ctx, draft), note=note)


async def resume(ctx: Context, draft_id: int, keep: bool) -> list[Reply]:
    """"Tiếp tục bản nháp?": continue where it stopped, or start over."""
    draft, period, refusal = load_draft(ctx, draft_id)
    if draft is None:
        return refusal
    if not keep:
        draft.answers, draft.updated_at, draft.updated_by = {}, ctx.now, ctx.officer.id
        return ask(ctx, draft, period, resume_point(ctx, draft), note="Đã xóa các câu trả lời cũ, làm lại từ đầu.")
    return ask(ctx, draft, period, resume_point(ctx, draft), note="Tiếp tục bản nháp.")


async def send(ctx: Context, draft_id: int, period_id: int) -> list[Reply]:
    """Submit; a double tap or a second officer gets one report and a polite "đã gửi"."""
    commune = may_fill(ctx)
    if commune is None:
        return refuse(ctx, "report.fill", f"draft:{draft_id}", reason="not an officer of a commune")
    draft = lock_draft(ctx.session, draft_id)
    period = ctx.session.get(Period, period_id)
    if draft is None:
        report = get_report(ctx.session, period_id, commune.code) if period is not None else None
        if report is None:
            return messages.text(GONE)
        ctx.clear_dialog()
        return [Reply(text=already_text(ctx, report, period), buttons=report_buttons(report, period, ctx))]
    if draft.commune_code != commune.code or draft.period_id != period_id:
        return refuse(ctx, "report.submit", f"draft:{draft_id}", reason="other commune or period",
                      commune=draft.commune_code)
    result = submit(ctx.session, draft, period, ctx.officer.id, ctx.now)
    if result.status == "incomplete":
        f = result.missing[0]
        return ask(ctx, draft, period, f.index, note=f"Còn câu bắt buộc chưa trả lời: {f.label}", edit=True)
    ctx.clear_dialog()
    if result.status == "closed":
        ctx.audit("report.submit", f"period:{period.id}", "refused", reason="closed")
        return messages.text(closed_text(period))
    if result.status == "already":
        return [Reply(text=already_text(ctx, result.report, period),
                      buttons=report_buttons(result.report, period, ctx))]
    if result.status == "conflict":
        discard_draft(ctx.session, draft.id)
        return [Reply(text="Báo cáo vừa được sửa bởi người khác nên bản sửa này chưa gửi. Anh/chị xem bản mới rồi sửa lại.",
                      buttons=report_buttons(result.report, period, ctx))]
    report = result.report
    ctx.audit("report.submit", f"report:{report.id}", "done", revision=report.revision, period=period.id)
    timing = "đúng hạn" if report.submitted_at <= period.due_at else "trễ hạn"
    if result.status == "revised":
        return messages.text(f"Đã lưu bản sửa lần {report.revision - 1} của báo cáo “{period.label}” lúc "
                             f"{view.when(report.updated_at)}. Các bản trước vẫn được giữ.")
    return messages.text(f"Đã gửi báo cáo “{period.label}” lúc {view.when(report.submitted_at)} ({timing}). "
                         "Cảm ơn anh/chị!")


async def show_report(ctx: Context, report_id: int) -> list[Reply]:
    """A submitted report, for its commune's officers and the supervisors of its province."""
    report = ctx.session.get(Report, report_id)
    commune = ctx.session.get(Commune, report.commune_code) if report else None
    if report is None or commune is None or not can(ctx.officer, "report.view", commune=commune):
        return refuse(ctx, "report.view", f"report:{report_id}")
    period = ctx.session.get(Period, report.period_id)
    spec = form_spec(ctx.session.get(Form, report.form_pk))
    text = view.report_text(spec, report, period, sender_name(ctx, report.submitted_by))
    buttons = []
    if ctx.now < period.close_at and can(ctx.officer, "report.fill", commune=commune):
        buttons = [[Button("Sửa báo cáo", view.data("a", report.id))]]
    return [Reply(text=text, buttons=buttons)]


async def amend(ctx: Context, report_id: int) -> list[Reply]:
    """Open a submitted report to amend it (a new revision), while the period is open."""
    report = ctx.session.get(Report, report_id)
    commune = officer_commune(ctx)
    if report is None or commune is None or report.commune_code != commune.code:
        return refuse(ctx, "report.amend", f"report:{report_id}")
    period = ctx.session.get(Period, report.period_id)
    if ctx.now >= period.close_at:
        ctx.audit("report.amend", f"report:{report_id}", "refused", reason="closed")
        return messages.text(closed_text(period))
    draft = get_draft(ctx.session, period.id, commune.code, lock=True)
    if draft is not None and draft.base_revision != report.revision:
        ctx.session.delete(draft)  # a stale draft from before the submission
        ctx.session.flush()
        draft = None
    if draft is None:
        draft = start_draft(ctx.session, period, commune.code, ctx.officer.id, ctx.now, amend=report)
    return ask(ctx, draft, period, -1, note="Sửa báo cáo đã gửi: bấm “Sửa câu N”, rồi “Gửi” để lưu bản sửa.")


async def cancel_ask(ctx: Context, draft_id: int, period_id: int, confirmed: bool) -> list[Reply]:
    """"Hủy" on the summary: confirm, then throw the draft away."""
    draft, period, refusal = load_draft(ctx, draft_id)
    if draft is None:
        return refusal
    if not confirmed:
        return [Reply(text="Xóa bản nháp này? Các câu trả lời sẽ mất.",
                      buttons=[[Button("Xóa bản nháp", view.data("z", draft.id, period.id)),
                                Button("Không, quay lại", view.data("w", draft.id))]])]
    ctx.session.delete(draft)
    ctx.clear_dialog()
    ctx.audit("report.discard", f"draft:{draft_id}", "done", period=period.id)
    return messages.text("Đã xóa bản nháp. Gõ /baocao để làm lại khi cần.")


async def on_cancel(ctx: Context) -> list[Reply]:
    """/huy in the dialog: leave, keep the draft."""
    ctx.clear_dialog()
    return messages.text(DRAFT_KEPT)


def _ints(parts: list[str], n: int) -> Optional[list[int]]:
    try:
        values = [int(p) for p in parts[:n]]
    except ValueError:
        return None
    return values if len(values) == n and all(0 <= v < 2**31 for v in values) else None


async def on_button(ctx: Context) -> list[Reply]:
    """Every "rp:" button: parse strictly, then dispatch; forged data is refused and audited."""
    parts = (ctx.msg.button or "").split(":")[1:]
    action, args = (parts[0], parts[1:]) if parts else ("", [])
    arity = {"o": 1, "r": 2, "g": 2, "x": 2, "z": 2, "w": 1, "v": 1, "a": 1,
             "c": 3, "t": 3, "m": 2, "k": 2, "l": 2, "b": 2, "s": 2, "e": 2}
    nums = _ints(args, arity.get(action, -1)) if action in arity and len(args) == arity[action] else None
    if nums is None:
        ctx.audit("button.forged", (ctx.msg.button or "")[:200], "refused")
        return messages.text(messages.STALE_BUTTON)
    if action == "o":
        return await open_period(ctx, nums[0])
    if action == "r":
        return await resume(ctx, nums[0], bool(nums[1]))
    if action == "g":
        return await send(ctx, nums[0], nums[1])
    if action in ("x", "z"):
        return await cancel_ask(ctx, nums[0], nums[1], action == "z")
    if action == "w":
        draft, period, refusal = load_draft(ctx, nums[0])
        return refusal if draft is None else ask(ctx, draft, period, -1)
    if action == "v":
        return await show_report(ctx, nums[0])
    if action == "a":
        return await amend(ctx, nums[0])
    return await on_field_button(ctx, action, nums)


async def on_dialog(ctx: Context) -> list[Reply]:
    """A typed answer, a photo or a location while a question is open."""
    return await answer_message(ctx)


def register(router: Router) -> None:
    """Adds /baocao, its buttons and its dialog."""
    router.command("baocao", "Làm báo cáo định kỳ của xã", public=False, roles=("officer",))(baocao)
    router.button(view.PREFIX)(on_button)
    router.dialog(DIALOG, on_cancel=on_cancel, accepts=accepts_text)(on_dialog)
