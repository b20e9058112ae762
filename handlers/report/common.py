"""What the report entry points (handlers/report/entry.py) and the dialog (handlers/report/answer.py)
share: whose commune it is, and the texts for a sent, closed or vanished report."""

from __future__ import annotations

from typing import Optional

from core.context import Context
from core.permissions import Refused, can
from core.types import Button
from handlers.report import view
from handlers.report.calls import Amend, ViewReport
from store.models import Commune, Officer, Period, Report
from store.reporting.reports import revisions

GONE = "Bản nháp này không còn (có thể báo cáo đã được gửi hoặc đã hủy). Gõ /baocao để xem lại."


def officer_commune(ctx: Context) -> Optional[Commune]:
    """The officer's commune when they may fill reports for it."""
    officer = ctx.officer
    if officer is None or officer.commune_code is None:
        return None
    commune = officer.commune  # the relationship: loaded once per update, not per helper call
    return commune if commune is not None and can(officer, "report.fill", commune=commune) else None


def fill_commune(ctx: Context, target: str) -> int:
    """The code of the commune this officer fills reports for, or Refused (audited by the router).

    A code only: answering a question needs nothing else, so no commune row is loaded per answer.
    """
    officer = ctx.officer
    if officer is None or officer.commune_code is None or not can(
            officer, "report.fill", commune=Commune(code=officer.commune_code)):
        raise Refused("report.fill", target, reason="not an officer of a commune")
    return officer.commune_code


def sender_name(ctx: Context, officer_id: Optional[int]) -> str:
    officer = ctx.session.get(Officer, officer_id) if officer_id else None
    return officer.full_name if officer is not None else ""


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
    row = [ViewReport(report.id).button("Xem báo cáo")]
    if ctx.now < period.close_at:
        row.append(Amend(report.id).button("Sửa báo cáo"))
    return [row]
