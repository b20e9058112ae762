"""/hanbaocao: the reporting deadlines of my commune and where each one stands."""

from __future__ import annotations

from datetime import datetime


from core import messages
from core.callbacks import REPORT_BUTTON_TEXT, report_button
from core.context import Context
from core.permissions import Role, can, role_of, scope
from core.reminder_policy import policies_for
from core.router import Router
from core.types import Button, Reply
from store.clock import as_utc, local, vn_datetime
from store.models import Commune, Period
from store.reporting.periods import owing_communes, periods_for_provinces, unclosed_periods
from store.reporting.reports import commune_reports, report_counts

MAX_PERIODS = 8
NONE_YET = "Hiện {name} chưa có hạn báo cáo nào sắp tới. Bot sẽ nhắc khi đến kỳ."


def _day(moment: datetime) -> str:
    return vn_datetime(moment)


def _left(now: datetime, due: datetime) -> str:
    days = (local(due).date() - local(now).date()).days
    if due <= now:
        late = (local(now).date() - local(due).date()).days
        return "QUÁ HẠN" + (f" {late} ngày" if late else "")
    if days == 0:
        return "hạn hôm nay"
    return f"còn {days} ngày"


def _commune_periods(ctx: Context, commune: Commune) -> list[Period]:
    """Periods not closed yet (open or upcoming) that the commune must report for."""
    periods = unclosed_periods(ctx.session, ctx.now)
    owing = owing_communes(ctx.session, periods)  # required minus submitted
    submitted = set(commune_reports(ctx.session, commune.code, [p.id for p in periods]))
    return [p for p in periods if commune.code in owing.get(p.id, ()) or p.id in submitted][:MAX_PERIODS]


def _next_reminder(ctx: Context, period: Period) -> str:
    policy = policies_for(ctx.session, [period.id], ctx.services.settings)[period.id]
    for _step, at in policy.schedule(period.due_at):
        if at > ctx.now and at < as_utc(period.close_at):
            return f" (nhắc tiếp: {_day(at)})"
    return ""


async def hanbaocao(ctx: Context) -> list[Reply]:
    """Upcoming deadlines of the officer's commune, or the supervisor's periods, with status."""
    officer = ctx.officer
    if officer is None:
        return messages.text(messages.NOT_REGISTERED)
    if role_of(officer) is not Role.OFFICER:
        return _supervisor_view(ctx)
    commune = ctx.session.get(Commune, officer.commune_code) if officer.commune_code else None
    if commune is None or not can(officer, "deadlines.view", commune=commune):
        ctx.audit("deadlines.view", "hanbaocao", "refused")
        return messages.text(messages.NOT_ALLOWED)
    periods = _commune_periods(ctx, commune)
    if not periods:
        return messages.text(NONE_YET.format(name=commune.name))
    reports = commune_reports(ctx.session, commune.code, [p.id for p in periods])
    lines = [f"📅 Hạn báo cáo của {commune.name}:"]
    buttons: list[list[Button]] = []
    for p in periods:
        report = reports.get(p.id)
        if report is not None:
            on_time = "đúng hạn" if report.submitted_at <= p.due_at else "nộp muộn"
            state = f"✅ đã nộp {_day(report.submitted_at)} ({on_time})"
        elif ctx.now < p.open_at:
            state = f"chưa mở (mở từ {_day(p.open_at)})"
        else:
            state = f"⏳ chưa nộp – {_left(ctx.now, p.due_at)}{_next_reminder(ctx, p)}"
            # A period still owed is listed once: as the choice that opens its report.
            detail = f"{p.label}\n   Hạn: {_day(p.due_at)} – {state}"
            buttons.append([report_button(p.id, f"{REPORT_BUTTON_TEXT}: {p.label}"[:60], detail)])
            continue
        lines.append(f"• {p.label}\n   Hạn: {_day(p.due_at)} – {state}")
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _supervisor_view(ctx: Context) -> list[Reply]:
    if not can(ctx.officer, "deadlines.view"):
        ctx.audit("deadlines.view", "hanbaocao", "refused")
        return messages.text(messages.NOT_ALLOWED)
    seen = scope(ctx.officer).provinces
    provinces = None if seen is None else set(seen)
    periods = [p for p in periods_for_provinces(ctx.session, provinces, limit=20) if p.close_at > ctx.now]
    periods = sorted(periods, key=lambda p: p.due_at)[:MAX_PERIODS]
    if not periods:
        return messages.text("Chưa có kỳ báo cáo nào đang mở hoặc sắp tới trong phạm vi của anh/chị.")
    owing = owing_communes(ctx.session, periods)
    done = report_counts(ctx.session, [p.id for p in periods])
    lines = ["📅 Các kỳ báo cáo đang mở / sắp tới:"]
    for i, p in enumerate(periods, 1):
        submitted = done.get(p.id, 0)
        total = submitted + len(owing.get(p.id, ()))
        lines.append(f"{i}. {p.label}\n   Hạn: {_day(p.due_at)} – {_left(ctx.now, p.due_at)} – "
                     f"đã nộp {submitted}/{total}")
    return [Reply(text="\n".join(lines))]


def register(router: Router) -> None:
    """Adds /hanbaocao."""
    # Listed for commune officers: a province officer still gets an overview here, but /tonghop is theirs.
    router.command("hanbaocao", "Hạn báo cáo của xã và tình trạng", listed_for="report.fill")(hanbaocao)
