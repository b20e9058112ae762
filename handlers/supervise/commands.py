"""Supervisors: /tonghop (who reported, a chart), /xuat (XLSX), /kybaocao (create a period in chat)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from core import messages
from core.callbacks import CallbackData
from core.context import Context
from core.permissions import Refused, scope
from core.router import Router
from core.types import Attachment, Reply
from handlers.supervise import period as supervise_period
from store.reporting.charts import chart_data, render_chart
from store.clock import local, vn_date, vn_datetime
from store.reporting.export import write_period_export
from store.models import Period
from store.people.lookup import province_names
from store.reporting.periods import names_communes_in, periods_for_provinces, status
from store.reporting.reports import period_summary

log = logging.getLogger(__name__)

MAX_MISSING_LISTED = 200
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _when(moment: datetime) -> str:
    return vn_datetime(moment)


@dataclass(frozen=True)
class Summary(CallbackData, prefix="sv", action="s"):
    period: int


@dataclass(frozen=True)
class Export(CallbackData, prefix="sv", action="x"):
    period: int


def _provinces(ctx: Context) -> Optional[set[int]]:
    """Provinces this officer oversees; None for admins (all)."""
    provinces = scope(ctx.officer).provinces
    return None if provinces is None else set(provinces)


def _may_see(ctx: Context, period: Period) -> bool:
    provinces = _provinces(ctx)
    if provinces is None:
        return True
    if period.province_code is not None and period.province_code in provinces:
        return True
    return names_communes_in(ctx.session, period.id, provinces)


def _pick_period(ctx: Context, button: type[Summary] | type[Export], title: str) -> list[Reply]:
    periods = periods_for_provinces(ctx.session, _provinces(ctx))
    if not periods:
        return messages.text("Chưa có kỳ báo cáo nào. Tạo kỳ mới bằng /kybaocao.")
    buttons = [[button(p.id).button(f"{p.label} (hạn {vn_date(p.due_at)})"[:60])] for p in periods]
    return [Reply(text=title, buttons=buttons)]


async def tonghop(ctx: Context) -> list[Reply]:
    """Pick a period to summarise."""
    return _pick_period(ctx, Summary, "Chọn kỳ báo cáo để xem tổng hợp:")


async def xuat(ctx: Context) -> list[Reply]:
    """Pick a period to export as XLSX."""
    return _pick_period(ctx, Export, "Chọn kỳ báo cáo để xuất Excel:")


def _visible_period(ctx: Context, action: str, period_id: int) -> Period:
    period = ctx.session.get(Period, period_id)
    if period is None or not _may_see(ctx, period):
        raise Refused(action, f"period:{period_id}")
    return period


async def on_summary(ctx: Context, data: Summary) -> list[Reply]:
    return _summary(ctx, _visible_period(ctx, "report.summary", data.period))


async def on_export(ctx: Context, data: Export) -> list[Reply]:
    return _export(ctx, _visible_period(ctx, "report.export", data.period))


def _summary(ctx: Context, period: Period) -> list[Reply]:
    summary = period_summary(ctx.session, period, _provinces(ctx))
    total = len(summary.rows)
    on_time, late, missing = summary.count("on_time"), summary.count("late"), summary.count("missing")
    done = on_time + late
    pct = f"{done * 100 / total:.0f}%" if total else "0%"
    lines = [f"Tổng hợp “{period.label}” (hạn {_when(period.due_at)}, {status(period, ctx.now).label}):",
             f"Đã gửi {done}/{total} xã ({pct}): đúng hạn {on_time}, trễ hạn {late}. Chưa gửi: {missing}."]
    if missing:
        lines.append("Xã chưa gửi:")
        for row in summary.missing[:MAX_MISSING_LISTED]:
            people = ", ".join(f"{o.full_name} ({o.phone})" if o.phone else o.full_name for o in row.officers)
            lines.append(f"- {row.name}: {people or 'chưa có cán bộ đăng ký'}")
        if missing > MAX_MISSING_LISTED:
            lines.append(f"… và {missing - MAX_MISSING_LISTED} xã khác (xem tệp Excel: /xuat).")
    names = province_names(ctx.session)
    stamp = local(ctx.now).strftime("%Y%m%d-%H%M%S")
    path = ctx.services.settings.files_dir / "charts" / f"tonghop-{period.id}-{ctx.me.id}-{stamp}.png"
    data = chart_data(summary, names)
    ctx.audit("report.summary", f"period:{period.id}", "done", total=total, submitted=done)

    async def draw() -> Path:  # matplotlib takes a few hundred ms: off the event loop, after commit
        return await asyncio.to_thread(render_chart, data, path)

    def chart_reply(_ctx: Context, drawn: Path) -> list[Reply]:
        return [Reply(text="Biểu đồ mức độ hoàn thành",
                      image=Attachment(drawn.name, path=str(drawn), mime_type="image/png"))]

    ctx.after_commit(draw, chart_reply, task="chart")
    return [Reply(text="\n".join(lines), buttons=[[Export(period.id).button("Xuất Excel")]])]


def _export(ctx: Context, period: Period) -> list[Reply]:
    """Queue the XLSX: written after this update commits, in a worker thread."""
    stamp = local(ctx.now).strftime("%Y%m%d-%H%M%S")
    name = f"baocao-ky{period.id}-{stamp}.xlsx"
    settings = ctx.services.settings
    path = settings.files_dir / "exports" / f"{ctx.me.id}-{name}"
    label, period_id, provinces, now = period.label, period.id, _provinces(ctx), ctx.now

    async def write() -> tuple[int, int]:
        return await asyncio.to_thread(write_period_export, ctx.services.session_factory, period_id, path,
                                       provinces=provinces, files_dir=settings.files_dir, now=now)

    def export_reply(done_ctx: Context, counts: tuple[int, int]) -> list[Reply]:
        done_ctx.audit("report.export", f"period:{period_id}", "done", rows=counts[0])
        return [Reply(text=f"Tệp Excel “{label}”: {counts[0]} xã, {counts[1]} đã gửi.",
                      document=Attachment(name, path=str(path), mime_type=XLSX_MIME))]

    ctx.after_commit(write, export_reply, task="export")
    return []


def register(router: Router) -> None:
    """Adds /tonghop, /xuat, /kybaocao."""
    router.command("tonghop", "Tổng hợp tình hình báo cáo các xã", public=False, action="report.summary")(tonghop)
    router.command("xuat", "Xuất báo cáo ra tệp Excel", public=False, action="report.export")(xuat)
    router.callback(Summary, action="report.summary")(on_summary)
    router.callback(Export, action="report.export")(on_export)
    supervise_period.register(router)
