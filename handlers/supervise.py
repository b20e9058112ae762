"""Supervisors: /tonghop (who reported, a chart), /xuat (XLSX), /kybaocao (create a period in chat)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from typing import Any, Optional

from sqlalchemy import select

from core import messages
from core.context import Context
from core.permissions import can, supervised_provinces
from core.router import Router
from core.types import Attachment, Button, Reply
from store.charts import completeness_chart
from store.clock import VN_TZ, local, vn_date, vn_datetime
from store.export import export_period
from store.forms import list_forms
from store.models import Commune, Form, Period, PeriodUnit, Province
from store.periods import PeriodError, create_period, periods_for_provinces, status
from store.reports import period_summary
from store.vn_numbers import parse_date

log = logging.getLogger(__name__)

PREFIX = "sv"
DIALOG = "period"
MAX_MISSING_LISTED = 200
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _when(moment: datetime) -> str:
    return vn_datetime(moment)


def _scope(ctx: Context) -> Optional[set[int]]:
    """Provinces this officer oversees; None for admins (all)."""
    return None if ctx.officer.role == "admin" else supervised_provinces(ctx.officer)


def _may_see(ctx: Context, period: Period) -> bool:
    scope = _scope(ctx)
    if scope is None:
        return True
    if period.province_code is not None and period.province_code in scope:
        return True
    return ctx.session.scalar(select(PeriodUnit.commune_code).join(Commune, Commune.code == PeriodUnit.commune_code)
                              .where(PeriodUnit.period_id == period.id, Commune.province_code.in_(scope))
                              .limit(1)) is not None


def _refuse(ctx: Context, action: str, target: str) -> list[Reply]:
    ctx.audit(action, target, "refused")
    return messages.text(messages.NOT_ALLOWED)


def _gate(ctx: Context, action: str) -> Optional[list[Reply]]:
    if ctx.officer is None:
        return messages.text(messages.NOT_REGISTERED)
    if not can(ctx.officer, action):
        return _refuse(ctx, action, "command")
    return None


def _pick_period(ctx: Context, action: str, title: str) -> list[Reply]:
    periods = periods_for_provinces(ctx.session, _scope(ctx))
    if not periods:
        return messages.text("Chưa có kỳ báo cáo nào. Tạo kỳ mới bằng /kybaocao.")
    buttons = [[Button(f"{p.label} (hạn {vn_date(p.due_at)})"[:60], f"{PREFIX}:{action}:{p.id}")]
               for p in periods]
    return [Reply(text=title, buttons=buttons)]


async def tonghop(ctx: Context) -> list[Reply]:
    """Pick a period to summarise."""
    return _gate(ctx, "report.summary") or _pick_period(ctx, "s", "Chọn kỳ báo cáo để xem tổng hợp:")


async def xuat(ctx: Context) -> list[Reply]:
    """Pick a period to export as XLSX."""
    return _gate(ctx, "report.export") or _pick_period(ctx, "x", "Chọn kỳ báo cáo để xuất Excel:")


def _summary(ctx: Context, period: Period) -> list[Reply]:
    scope = _scope(ctx)
    summary = period_summary(ctx.session, period, scope)
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
    names = dict(ctx.session.execute(select(Province.code, Province.name)).all())
    stamp = local(ctx.now).strftime("%Y%m%d-%H%M%S")
    path = ctx.services.settings.files_dir / "charts" / f"tonghop-{period.id}-{ctx.officer.id}-{stamp}.png"
    completeness_chart(summary, names, path)
    ctx.audit("report.summary", f"period:{period.id}", "done", total=total, submitted=done)
    return [Reply(text="\n".join(lines), buttons=[[Button("Xuất Excel", f"{PREFIX}:x:{period.id}")]]),
            Reply(text="Biểu đồ mức độ hoàn thành",
                  image=Attachment(path.name, path=str(path), mime_type="image/png"))]


def _export(ctx: Context, period: Period) -> list[Reply]:
    stamp = local(ctx.now).strftime("%Y%m%d-%H%M%S")
    name = f"baocao-ky{period.id}-{stamp}.xlsx"
    path = ctx.services.settings.files_dir / "exports" / f"{ctx.officer.id}-{name}"
    summary = export_period(ctx.session, period, path, provinces=_scope(ctx),
                            files_dir=ctx.services.settings.files_dir, now=ctx.now)
    ctx.audit("report.export", f"period:{period.id}", "done", rows=len(summary.rows))
    return [Reply(text=f"Tệp Excel “{period.label}”: {len(summary.rows)} xã, "
                       f"{summary.count('on_time') + summary.count('late')} đã gửi.",
                  document=Attachment(name, path=str(path), mime_type=XLSX_MIME))]


# -- /kybaocao: a small dialog ---------------------------------------------------------
STEPS_HELP = {
    "label": "Gõ tên kỳ báo cáo, ví dụ “6 tháng đầu năm 2026”.",
    "unit": "Chọn tỉnh phải báo cáo, hoặc gõ mã các xã cách nhau dấu phẩy (ví dụ 3001, 3002).",
    "open": "Gõ ngày mở (ví dụ 1/6/2026) hoặc bấm “Mở ngay”.",
    "due": "Gõ hạn nộp (ngày/tháng/năm, ví dụ 30/6/2026). Hạn là 23:59 ngày đó.",
    "close": "Gõ ngày đóng (không nhận, không sửa báo cáo sau ngày này), hoặc bấm “Sau hạn 7 ngày”.",
}


def _step(ctx: Context, data: dict[str, Any], step: str, note: str = "") -> list[Reply]:
    data = {**data, "step": step}
    ctx.set_dialog(DIALOG, data)
    text = (note + "\n" if note else "") + STEPS_HELP.get(step, "")
    buttons: list[list[Button]] = []
    if step == "unit":
        scope = _scope(ctx)
        stmt = select(Province).order_by(Province.name)
        if scope is not None:
            stmt = stmt.where(Province.code.in_(scope))
        provinces = list(ctx.session.scalars(stmt))
        buttons = [[Button(p.name, f"{PREFIX}:p:{p.code}")] for p in provinces[:40]]
    elif step == "open":
        buttons = [[Button("Mở ngay", f"{PREFIX}:n")]]
    elif step == "close":
        buttons = [[Button("Sau hạn 7 ngày", f"{PREFIX}:c")]]
    elif step == "confirm":
        form = ctx.session.get(Form, data["form"])
        units = (ctx.session.get(Province, data["province"]).name if data.get("province")
                 else f"{len(data['communes'])} xã")
        text = (f"Tạo kỳ báo cáo?\n- Tên: {data['label']}\n- Biểu mẫu: {form.title} (v{form.version})\n"
                f"- Đơn vị: {units}\n- Mở: {_when(_dt(data['open']))}\n- Hạn nộp: {_when(_dt(data['due']))}\n"
                f"- Đóng: {_when(_dt(data['close']))}")
        buttons = [[Button("Tạo kỳ báo cáo", f"{PREFIX}:k"), Button("Hủy", f"{PREFIX}:q")]]
    return [Reply(text=text, buttons=buttons)]


def _dt(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _local_moment(d, end: bool) -> datetime:
    return datetime.combine(d, time(23, 59) if end else time(0, 0), tzinfo=VN_TZ).astimezone(VN_TZ)


async def kybaocao(ctx: Context) -> list[Reply]:
    """Start creating a period: pick the form."""
    refusal = _gate(ctx, "period.create")
    if refusal:
        return refusal
    forms = list_forms(ctx.session)
    if not forms:
        return messages.text("Chưa có biểu mẫu nào. Quản trị viên nạp bằng: python -m bot forms load TỆP.yaml")
    ctx.set_dialog(DIALOG, {"step": "form"})
    return [Reply(text="Tạo kỳ báo cáo mới (gõ /huy để thôi). Chọn biểu mẫu:",
                  buttons=[[Button(f.title[:60], f"{PREFIX}:f:{f.id}")] for f in forms])]


async def period_dialog(ctx: Context) -> list[Reply]:
    """Typed answers while creating a period."""
    state = ctx.dialog()
    data = dict(state.data) if state else {}
    step = data.get("step")
    text = " ".join((ctx.msg.text or "").split())
    if ctx.officer is None or not can(ctx.officer, "period.create"):
        ctx.clear_dialog()
        return _refuse(ctx, "period.create", "dialog")
    if step == "label":
        if not text or len(text) > 200:
            return _step(ctx, data, "label", "Tên kỳ cần từ 1 đến 200 ký tự.")
        return _step(ctx, {**data, "label": text}, "unit")
    if step == "unit":
        codes = [int(c) for c in re.findall(r"\d+", text)]
        if not codes:
            return _step(ctx, data, "unit", "Chưa đọc được mã xã.")
        communes = list(ctx.session.scalars(select(Commune).where(Commune.code.in_(codes))))
        known = {c.code for c in communes}
        unknown = [c for c in codes if c not in known]
        if unknown:
            return _step(ctx, data, "unit", f"Không có xã mã {', '.join(map(str, unknown[:10]))}.")
        if not all(can(ctx.officer, "period.create", commune=c) for c in communes):
            ctx.audit("period.create", "communes", "refused", codes=codes[:50])
            return _step(ctx, data, "unit", "Có xã ngoài tỉnh anh/chị phụ trách.")
        return _step(ctx, {**data, "province": None, "communes": sorted(known)}, "open")
    if step in ("open", "due", "close"):
        d = parse_date(text)
        if d is None:
            return _step(ctx, data, step, "Chưa đọc được ngày.")
        moment = _local_moment(d, end=step != "open")
        return _dates(ctx, data, step, moment)
    return _step(ctx, data, step or "label", "Anh/chị dùng các nút bên dưới.")


def _dates(ctx: Context, data: dict[str, Any], step: str, moment: datetime) -> list[Reply]:
    if step == "open":
        return _step(ctx, {**data, "open": moment.isoformat()}, "due")
    if step == "due":
        if moment <= _dt(data["open"]):
            return _step(ctx, data, "due", "Hạn nộp phải sau ngày mở.")
        return _step(ctx, {**data, "due": moment.isoformat()}, "close")
    if moment < _dt(data["due"]):
        return _step(ctx, data, "close", "Ngày đóng không được trước hạn nộp.")
    return _step(ctx, {**data, "close": moment.isoformat()}, "confirm")


async def on_button(ctx: Context) -> list[Reply]:
    """sv:s/x:<period> (summary, export), and the /kybaocao dialog buttons."""
    parts = (ctx.msg.button or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg: Optional[int] = None
    if len(parts) == 3 and parts[2].isdigit() and len(parts[2]) < 10:
        arg = int(parts[2])
    if ctx.officer is None:
        return messages.text(messages.NOT_REGISTERED)
    if action in ("s", "x") and arg is not None:
        perm = "report.summary" if action == "s" else "report.export"
        period = ctx.session.get(Period, arg)
        if period is None or not can(ctx.officer, perm) or not _may_see(ctx, period):
            return _refuse(ctx, perm, f"period:{arg}")
        return _summary(ctx, period) if action == "s" else _export(ctx, period)
    state = ctx.dialog()
    data = dict(state.data) if state is not None and state.name == DIALOG else None
    if data is None or not can(ctx.officer, "period.create"):
        if data is None and action in ("f", "p", "n", "c", "k", "q"):
            return messages.text(messages.STALE_BUTTON)
        return _refuse(ctx, "period.create", (ctx.msg.button or "")[:100])
    if action == "f" and arg is not None and data.get("step") == "form":
        form = ctx.session.get(Form, arg)
        if form is None:
            return messages.text(messages.STALE_BUTTON)
        return _step(ctx, {**data, "form": form.id}, "label", f"Biểu mẫu: {form.title}.")
    if action == "p" and arg is not None and data.get("step") == "unit":
        if not can(ctx.officer, "period.create", province_code=arg) or ctx.session.get(Province, arg) is None:
            return _refuse(ctx, "period.create", f"province:{arg}")
        return _step(ctx, {**data, "province": arg, "communes": []}, "open")
    if action == "n" and data.get("step") == "open":
        return _dates(ctx, data, "open", local(ctx.now))
    if action == "c" and data.get("step") == "close":
        return _dates(ctx, data, "close", _dt(data["due"]) + timedelta(days=7))
    if action == "q":
        ctx.clear_dialog()
        return messages.text("Đã hủy, chưa tạo kỳ báo cáo.")
    if action == "k" and data.get("step") == "confirm":
        form = ctx.session.get(Form, data["form"])
        try:
            period = create_period(ctx.session, form=form, label=data["label"], province_code=data.get("province"),
                                   commune_codes=data.get("communes") or [], open_at=_dt(data["open"]),
                                   due_at=_dt(data["due"]), close_at=_dt(data["close"]), now=ctx.now,
                                   created_by=ctx.officer.id)
        except PeriodError as exc:
            return _step(ctx, data, "confirm", str(exc))
        ctx.clear_dialog()
        ctx.audit("period.create", f"period:{period.id}", "done", label=period.label)
        return messages.text(f"Đã tạo kỳ báo cáo “{period.label}”, hạn {_when(period.due_at)}. "
                             "Các xã sẽ thấy kỳ này trong /baocao khi đến ngày mở.")
    return messages.text(messages.STALE_BUTTON)


async def on_cancel(ctx: Context) -> list[Reply]:
    """/huy while creating a period."""
    ctx.clear_dialog()
    return messages.text("Đã hủy, chưa tạo kỳ báo cáo.")


def register(router: Router) -> None:
    """Adds /tonghop, /xuat, /kybaocao."""
    roles = ("supervisor",)
    router.command("tonghop", "Tổng hợp tình hình báo cáo các xã", public=False, roles=roles)(tonghop)
    router.command("xuat", "Xuất báo cáo ra tệp Excel", public=False, roles=roles)(xuat)
    router.command("kybaocao", "Tạo kỳ báo cáo mới", public=False, roles=roles)(kybaocao)
    router.button(PREFIX)(on_button)
    router.dialog(DIALOG, on_cancel=on_cancel)(period_dialog)
