"""/kybaocao: a supervisor creates a reporting period in the chat, as a declared dialog.

Steps: form (buttons) → label (free text) → unit (a province button, or commune codes) →
open → due → close (dates) → confirm (buttons). The typed state carries what was chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from core import messages
from core.callbacks import CallbackData
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.permissions import Refused, can, scope
from core.router import Router
from core.types import Button, Reply
from store.clock import local, vn_datetime
from store.forms.versions import list_forms
from store.models import Form, Province
from store.people.lookup import communes_by_code, provinces_by_name
from store.reporting.periods import PeriodError, create_period
from store.people.units import unit_index
from store.vn.numbers import parse_moment

ACTION = "period.create"
CANCELLED = "Đã hủy, chưa tạo kỳ báo cáo."
STEPS_HELP = {
    "form": "Anh/chị dùng các nút bên dưới.",
    "label": "Gõ tên kỳ báo cáo, ví dụ “6 tháng đầu năm 2026”.",
    "unit": "Chọn tỉnh phải báo cáo, hoặc gõ tên (hoặc mã) các xã, cách nhau dấu phẩy (ví dụ {example}).",
    "open": "Gõ ngày mở (ví dụ 1/6/2026) hoặc bấm “Mở ngay”.",
    "due": "Gõ hạn nộp (ngày/tháng/năm, ví dụ 30/6/2026). Hạn là 23:59 ngày đó.",
    "close": "Gõ ngày đóng (không nhận, không sửa báo cáo sau ngày này), hoặc bấm “Sau hạn 7 ngày”.",
    "confirm": "Anh/chị dùng các nút bên dưới.",
}


@dataclass
class NewPeriod(DialogData):
    step: str = "form"
    form: int = 0
    label: str = ""
    province: Optional[int] = None
    communes: list[int] = field(default_factory=list)
    open: str = ""  # ISO moments, Vietnam time
    due: str = ""
    close: str = ""


@dataclass(frozen=True)
class PickForm(CallbackData, prefix="sv", action="f"):
    form: int


@dataclass(frozen=True)
class PickProvince(CallbackData, prefix="sv", action="p"):
    province: int


@dataclass(frozen=True)
class OpenNow(CallbackData, prefix="sv", action="n"):
    pass


@dataclass(frozen=True)
class CloseAfterWeek(CallbackData, prefix="sv", action="c"):
    pass


@dataclass(frozen=True)
class Create(CallbackData, prefix="sv", action="k"):
    pass


@dataclass(frozen=True)
class Quit(CallbackData, prefix="sv", action="q"):
    pass


def _when(moment: datetime) -> str:
    return vn_datetime(moment)


def _dt(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _ask(ctx: Context, data: NewPeriod, note: str = "") -> list[Reply]:
    """Save the state and ask its step."""
    PERIOD.save(ctx, data)
    provinces = scope(ctx.officer).provinces
    help_line = STEPS_HELP.get(data.step, "")
    if data.step == "unit":
        help_line = help_line.format(example=", ".join(unit_index(ctx.session).example_names(provinces)))
    text = (note + "\n" if note else "") + help_line
    buttons: list[list[Button]] = []
    if data.step == "unit":
        buttons = [[PickProvince(p.code).button(p.name)] for p in provinces_by_name(ctx.session, provinces)[:40]]
    elif data.step == "open":
        buttons = [[OpenNow().button("Mở ngay")]]
    elif data.step == "close":
        buttons = [[CloseAfterWeek().button("Sau hạn 7 ngày")]]
    elif data.step == "confirm":
        text, buttons = _confirmation(ctx, data, note)
    return [Reply(text=text, buttons=buttons)]


def _confirmation(ctx: Context, data: NewPeriod, note: str) -> tuple[str, list[list[Button]]]:
    form = ctx.session.get_one(Form, data.form)  # chosen from the list; forms are versioned, never deleted
    province = ctx.session.get(Province, data.province) if data.province else None
    units = province.name if province is not None else f"{len(data.communes)} xã"
    text = (f"{note + chr(10) if note else ''}Tạo kỳ báo cáo?\n- Tên: {data.label}\n"
            f"- Biểu mẫu: {form.title} (v{form.version})\n- Đơn vị: {units}\n- Mở: {_when(_dt(data.open))}\n"
            f"- Hạn nộp: {_when(_dt(data.due))}\n- Đóng: {_when(_dt(data.close))}")
    return text, [[Create().button("Tạo kỳ báo cáo"), Quit().button("Hủy")]]


def _retry(ctx: Context, data: NewPeriod, note: str) -> NotAnAnswer:
    """The step asked again: with ``note`` after a wrong answer, plain after a question."""
    return NotAnAnswer(_ask(ctx, data, note), _ask(ctx, data))


# -- steps ---------------------------------------------------------------------------------
async def kybaocao(ctx: Context) -> list[Reply]:
    """Start creating a period: pick the form."""
    forms = list_forms(ctx.session)
    if not forms:
        return messages.text("Chưa có biểu mẫu nào. Quản trị viên nạp bằng: python -m bot forms load TỆP.yaml")
    PERIOD.save(ctx, NewPeriod())
    return [Reply(text="Tạo kỳ báo cáo mới (gõ /huy để thôi). Chọn biểu mẫu:",
                  buttons=[[PickForm(f.id).button(f.title[:60])] for f in forms])]


async def buttons_only(ctx: Context, data: NewPeriod) -> list[Reply]:
    raise _retry(ctx, data, "Anh/chị dùng các nút bên dưới.")


async def on_label(ctx: Context, data: NewPeriod) -> list[Reply]:
    text = " ".join((ctx.msg.text or "").split())
    if not text or len(text) > 200:
        return _ask(ctx, data, "Tên kỳ cần từ 1 đến 200 ký tự.")
    data.label, data.step = text, "unit"
    return _ask(ctx, data)


async def on_unit(ctx: Context, data: NewPeriod) -> list[Reply]:
    """Communes typed by name (with or without diacritics) or code, within the officer's provinces."""
    parts = [p.strip() for p in re.split(r"[,;\n]+", ctx.msg.text or "") if p.strip()]
    if not parts:
        raise _retry(ctx, data, "Chưa đọc được tên hay mã xã nào.")
    index = unit_index(ctx.session)
    provinces = sorted(scope(ctx.officer).provinces or ())
    found = {part: index.match(part, provinces) for part in parts}
    unknown = [part for part, match in found.items() if match is None]
    if unknown:
        return _ask(ctx, data, f"Không tìm thấy xã: {', '.join(unknown[:10])}.")
    communes = communes_by_code(ctx.session, sorted({m.code for m in found.values() if m}))
    if not all(can(ctx.officer, ACTION, commune=c) for c in communes):
        ctx.audit(ACTION, "communes", "refused", codes=[c.code for c in communes][:50])
        return _ask(ctx, data, "Có xã ngoài tỉnh anh/chị phụ trách.")
    data.province, data.communes, data.step = None, sorted(c.code for c in communes), "open"
    return _ask(ctx, data)


async def on_date(ctx: Context, data: NewPeriod) -> list[Reply]:
    moment = parse_moment(ctx.msg.text or "", end_of_day=data.step != "open")
    if moment is None:
        raise _retry(ctx, data, "Chưa đọc được ngày.")
    return _dates(ctx, data, moment)


def _dates(ctx: Context, data: NewPeriod, moment: datetime) -> list[Reply]:
    if data.step == "open":
        data.open, data.step = moment.isoformat(), "due"
    elif data.step == "due":
        if moment <= _dt(data.open):
            return _ask(ctx, data, "Hạn nộp phải sau ngày mở.")
        data.due, data.step = moment.isoformat(), "close"
    else:
        if moment < _dt(data.due):
            return _ask(ctx, data, "Ngày đóng không được trước hạn nộp.")
        data.close, data.step = moment.isoformat(), "confirm"
    return _ask(ctx, data)


# -- buttons ---------------------------------------------------------------------------------
def _at(ctx: Context, *steps: str) -> Optional[NewPeriod]:
    data = PERIOD.load(ctx)
    return data if data is not None and data.step in steps else None


async def on_button(ctx: Context, button: CallbackData) -> list[Reply]:
    """The dialog's buttons; a button of another step (or with no dialog open) is stale."""
    if isinstance(button, Quit):
        PERIOD.end(ctx)
        return messages.text(CANCELLED)
    steps = {PickForm: "form", PickProvince: "unit", OpenNow: "open", CloseAfterWeek: "close", Create: "confirm"}
    data = _at(ctx, steps[type(button)])
    if data is None:
        return messages.text(messages.STALE_BUTTON)
    if isinstance(button, PickForm):
        form = ctx.session.get(Form, button.form)
        if form is None:
            return messages.text(messages.STALE_BUTTON)
        data.form, data.step = form.id, "label"
        return _ask(ctx, data, f"Biểu mẫu: {form.title}.")
    if isinstance(button, PickProvince):
        if not can(ctx.officer, ACTION, province_code=button.province) or ctx.session.get(Province, button.province) is None:
            raise Refused(ACTION, f"province:{button.province}")
        data.province, data.communes, data.step = button.province, [], "open"
        return _ask(ctx, data)
    if isinstance(button, OpenNow):
        return _dates(ctx, data, local(ctx.now))
    if isinstance(button, CloseAfterWeek):
        return _dates(ctx, data, _dt(data.due) + timedelta(days=7))
    return _create(ctx, data)


def _create(ctx: Context, data: NewPeriod) -> list[Reply]:
    form = ctx.session.get_one(Form, data.form)  # chosen from the list; forms are versioned, never deleted
    try:
        period = create_period(ctx.session, form=form, label=data.label, province_code=data.province,
                               commune_codes=data.communes, open_at=_dt(data.open), due_at=_dt(data.due),
                               close_at=_dt(data.close), now=ctx.now, created_by=ctx.me.id)
    except PeriodError as exc:
        return _ask(ctx, data, str(exc))
    PERIOD.end(ctx)
    ctx.audit(ACTION, f"period:{period.id}", "done", label=period.label)
    return messages.text(f"Đã tạo kỳ báo cáo “{period.label}”, hạn {_when(period.due_at)}. "
                         "Các xã sẽ thấy kỳ này trong /baocao khi đến ngày mở.")


async def on_cancel(ctx: Context, data: Optional[NewPeriod]) -> list[Reply]:
    PERIOD.end(ctx)
    return messages.text(CANCELLED)


PERIOD: Dialog[NewPeriod] = Dialog("period", NewPeriod, action=ACTION, on_cancel=on_cancel, again=_ask, steps={
    "form": Step(buttons_only, closed=True), "label": Step(on_label),
    # Province names and commune codes are never questions: a question is answered first.
    "unit": Step(on_unit, closed=True, questions_first=True),
    "open": Step(on_date, closed=True), "due": Step(on_date, closed=True),
    "close": Step(on_date, closed=True), "confirm": Step(buttons_only, closed=True),
})


def register(router: Router) -> None:
    router.command("kybaocao", "Tạo kỳ báo cáo mới", public=False, action=ACTION)(kybaocao)
    for button in (PickForm, PickProvince, OpenNow, CloseAfterWeek, Create, Quit):
        router.callback(button, action=ACTION)(on_button)
    router.add_dialog(PERIOD)
