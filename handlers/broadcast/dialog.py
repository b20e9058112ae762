"""/thongbao: a supervisor or admin writes a notice, picks the audience, previews, confirms.

A declared dialog (core/dialogs.py) with typed state ``Notice``: text -> attach -> audience ->
(communes | role | period) -> confirm. Buttons are typed ``bc:…`` data (both in
handlers/broadcast/data.py); the router checks the "broadcast.send" action before every step
and button.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

from core import messages
from core.broadcasts import (ALL_REPORTED, ROLE_LABELS, AudienceError, create_broadcast, empty_audience_reasons,
                             progress, progress_line, resolve_audience, running_broadcasts)
from core.callbacks import CallbackData, Stale
from core.context import Context
from core.dialogs import Dialog, NotAnAnswer, Step
from core.permissions import Refused, Role, scope
from core.reminder_policy import quiet_hours
from core.router import Router
from core.types import Button, Reply
from handlers.broadcast.data import Audience, ByRole, Cancel, NoAttachment, Notice, NotReported, SendNow
from handlers.broadcast.parts import (FETCH_FAILED, MAX_COMMUNES, attachment_refusal, fetch_attachment,
                                      match_communes)
from store.clock import vn_datetime
from store.models import Period
from store.people.lookup import province_names, provinces_by_name
from store.reporting.periods import periods_for_provinces

log = logging.getLogger(__name__)

ACTION = "broadcast.send"
MAX_TEXT = 3500

ASK_TEXT = ("✍️ Anh/chị nhập nội dung thông báo (có thể gửi kèm một ảnh hoặc tệp, nội dung làm chú thích).\n"
            "Gõ /huy để hủy.")
ASK_ATTACH = "Anh/chị có muốn đính kèm ảnh hoặc tệp không? Gửi ảnh/tệp ngay, hoặc bấm “Không đính kèm”."
ASK_AUDIENCE = "Gửi tới ai?"
ASK_COMMUNES = "Gõ tên các xã/phường nhận thông báo, cách nhau bằng dấu phẩy hoặc xuống dòng."
CANCELLED = "Đã hủy thông báo. Chưa gửi tin nào."


def _provinces(ctx: Context) -> Optional[frozenset[int]]:
    """Provinces the sender may reach; None for an admin (the whole country)."""
    return scope(ctx.officer).provinces


def _no_attachment() -> list[list[Button]]:
    return [[NoAttachment().button("Không đính kèm")]]


def _ask_audience(ctx: Context, data: Notice, note: str = "") -> list[Reply]:
    data.step = "audience"
    NOTICE.save(ctx, data)
    mine = "Toàn quốc" if _provinces(ctx) is None else "Toàn tỉnh của tôi"
    buttons = [[Audience("p").button(mine)], [Audience("c").button("Chọn xã/phường")],
               [Audience("r").button("Theo vai trò")], [Audience("l").button("Xã chưa nộp báo cáo")],
               [Cancel().button("Hủy")]]
    return [Reply(text=(note + "\n\n" if note else "") + ASK_AUDIENCE, buttons=buttons)]


def _go(ctx: Context, data: Notice, step: str, reply: Reply) -> list[Reply]:
    data.step = step
    NOTICE.save(ctx, data)
    return [reply]


def _preview(ctx: Context, data: Notice, audience: dict[str, Any], label: str, note: str = "") -> list[Reply]:
    try:
        count = len(resolve_audience(ctx.session, audience, exclude_officer=ctx.me.id))
    except AudienceError as exc:
        return _ask_audience(ctx, data, str(exc))
    if count == 0:
        reasons = empty_audience_reasons(ctx.session, audience)
        if reasons == [ALL_REPORTED]:
            return _ask_audience(ctx, data, "🎉 Tất cả các xã đã nộp báo cáo kỳ này, không còn ai cần nhắc. "
                                            "Anh/chị chọn nhóm khác nếu vẫn muốn gửi.")
        return _ask_audience(ctx, data, f"Không có người nhận nào trong nhóm “{label}”: {'; '.join(reasons)}. "
                                        "Anh/chị chọn nhóm khác nhé.")
    data.audience, data.label, data.count = audience, label, count
    quiet = quiet_hours(ctx.services.settings)
    when = ""
    if quiet.contains(ctx.now):
        when = f"\n🌙 Đang giờ nghỉ: tin sẽ được gửi từ {vn_datetime(quiet.next_allowed(ctx.now))}."
    att_line = f"\n📎 Đính kèm: {data.attachment['file_name']}" if data.attachment else ""
    text = (f"{note}{chr(10) * 2 if note else ''}Xem trước thông báo:\n────────\n{data.text}\n────────{att_line}\n"
            f"Người nhận: {label} – {count} người.{when}\nGửi ngay?")
    return _go(ctx, data, "confirm", Reply(text=text, buttons=_confirm_buttons(count)))


def _confirm_buttons(count: int) -> list[list[Button]]:
    return [[SendNow().button(f"Gửi ({count})"), Cancel().button("Hủy")]]


# -- steps -------------------------------------------------------------------
async def thongbao(ctx: Context) -> list[Reply]:
    """Starts a new notice; shows the progress of running ones first."""
    running = running_broadcasts(ctx.session, None if _provinces(ctx) is None else ctx.me.id)
    out: list[Reply] = []
    if running:
        lines = ["📣 Thông báo đang gửi:"] + [progress_line(bc, progress(ctx.session, bc.id)) for bc in running[:10]]
        out.append(Reply(text="\n".join(lines)))
    NOTICE.save(ctx, Notice())
    out.append(Reply(text=ASK_TEXT))
    return out


async def on_text(ctx: Context, data: Notice) -> list[Reply]:
    text = (ctx.msg.text or "").strip()
    if not text and not ctx.msg.files:
        return [Reply(text=ASK_TEXT)]
    if len(text) > MAX_TEXT:
        return [Reply(text=f"Nội dung dài {len(text)} ký tự, quá giới hạn {MAX_TEXT}. Anh/chị rút gọn giúp.")]
    if not text:
        return [Reply(text="Anh/chị nhập nội dung thông báo kèm theo ảnh/tệp (làm chú thích) nhé.")]
    data.text = text
    if not ctx.msg.files:
        return _go(ctx, data, "attach", Reply(text=ASK_ATTACH, buttons=_no_attachment()))
    return await on_attach(ctx, data)


async def on_attach(ctx: Context, data: Notice) -> list[Reply]:
    if not ctx.msg.files:
        raise NotAnAnswer(*[[Reply(text=ASK_ATTACH, buttons=_no_attachment())]] * 2)
    error = attachment_refusal(ctx)
    if error:
        return _go(ctx, data, "attach", Reply(text=error, buttons=_no_attachment()))
    data.step = "attach"  # the text is kept; the file is fetched once this update has committed
    NOTICE.save(ctx, data)
    ctx.after_commit(fetch_attachment(ctx), _attached, task="broadcast.file")
    return []


def _attached(ctx: Context, att: Optional[dict[str, Any]]) -> list[Reply]:
    """After the download: on to the audience, or back to the attach step with the reason."""
    data = NOTICE.load(ctx)
    if data is None or data.step != "attach":
        return messages.text(messages.STALE_BUTTON)
    if att is None:
        return _go(ctx, data, "attach", Reply(text=FETCH_FAILED, buttons=_no_attachment()))
    data.attachment = att
    return _ask_audience(ctx, data)


async def on_buttons_step(ctx: Context, data: Notice) -> list[Reply]:
    if data.step == "confirm":
        again = [Reply(text="Anh/chị bấm “Gửi” để gửi, hoặc “Hủy”.", buttons=_confirm_buttons(data.count))]
        raise NotAnAnswer(again, again)
    raise NotAnAnswer(_ask_audience(ctx, data, "Anh/chị chọn nhóm người nhận bằng các nút dưới đây."),
                      _ask_audience(ctx, data))


async def on_communes(ctx: Context, data: Notice) -> list[Reply]:
    names = [n.strip() for n in re.split(r"[,;\n]+", ctx.msg.text or "") if n.strip()]
    if not names:
        return [Reply(text=ASK_COMMUNES)]
    if len(names) > MAX_COMMUNES:
        return [Reply(text=f"Tối đa {MAX_COMMUNES} xã mỗi lần. Với nhiều hơn, anh/chị chọn “Toàn tỉnh”.")]
    provinces = _provinces(ctx)
    match = match_communes(ctx, names, provinces)
    if not match.found:
        error = [Reply(text="Không tìm thấy xã/phường nào trong phạm vi của anh/chị: " + ", ".join(match.missing[:10])
                       + ".\nAnh/chị gõ lại tên (ví dụ: Tam Đường, Phường Điện Biên Phủ).")]
        raise NotAnAnswer(error, [Reply(text=ASK_COMMUNES)])
    note = f"Không tìm thấy: {', '.join(match.missing[:10])}." if match.missing else ""
    audience = {"kind": "communes", "commune_codes": sorted(match.found),
                "province_codes": sorted(provinces) if provinces is not None else None}
    return _preview(ctx, data, audience, match.shown, note)


# -- buttons -------------------------------------------------------------------
async def on_button(ctx: Context, button: CallbackData) -> list[Reply]:
    """Every "bc:" button; one of another step is stale."""
    data = NOTICE.load(ctx)
    if data is None:
        return messages.text(messages.STALE_BUTTON)
    if isinstance(button, Cancel):
        NOTICE.end(ctx)
        return messages.text(CANCELLED)
    steps = {NoAttachment: ("attach",), Audience: ("audience", "confirm", "communes", "role", "period"),
             ByRole: ("role",), NotReported: ("period",), SendNow: ("confirm",)}
    if data.step not in steps[type(button)]:
        raise Stale(f"button of another step than {data.step}")
    if isinstance(button, NoAttachment):
        return _ask_audience(ctx, data)
    if isinstance(button, Audience):
        return _audience(ctx, data, button.kind)
    if isinstance(button, ByRole):
        if button.role not in ROLE_LABELS:
            return messages.text(messages.STALE_BUTTON)
        provinces = _provinces(ctx)
        audience = {"kind": "role", "role": button.role, "province_codes": sorted(provinces) if provinces is not None else None}
        return _preview(ctx, data, audience, ROLE_LABELS[button.role])
    if isinstance(button, NotReported):
        return _not_reported(ctx, data, button.period)
    return _send(ctx, data)


def _audience(ctx: Context, data: Notice, kind: str) -> list[Reply]:
    provinces = _provinces(ctx)
    if kind == "p":
        if provinces is None:
            codes, label = set(province_names(ctx.session)), "toàn quốc"
        else:
            codes = set(provinces)
            names = [p.name for p in provinces_by_name(ctx.session, codes)]
            label = ", ".join(names) or "tỉnh đã chọn"
        return _preview(ctx, data, {"kind": "province", "province_codes": sorted(codes)}, label)
    if kind == "c":
        return _go(ctx, data, "communes", Reply(text=ASK_COMMUNES))
    if kind == "r":
        return _go(ctx, data, "role", Reply(text="Gửi tới vai trò nào?", buttons=[
            [ByRole(Role.OFFICER).button("Cán bộ xã/phường")], [ByRole(Role.SUPERVISOR).button("Cán bộ tỉnh")]]))
    if kind == "l":
        periods = periods_for_provinces(ctx.session, None if provinces is None else set(provinces), limit=8)
        if not periods:
            return _ask_audience(ctx, data, "Chưa có kỳ báo cáo nào trong phạm vi của anh/chị.")
        return _go(ctx, data, "period", Reply(text="Xã chưa nộp báo cáo kỳ nào?",
                                              buttons=[[NotReported(p.id).button(p.label[:60])] for p in periods]))
    return messages.text(messages.STALE_BUTTON)


def _not_reported(ctx: Context, data: Notice, period_id: int) -> list[Reply]:
    provinces = _provinces(ctx)
    period = ctx.session.get(Period, period_id)
    visible = {p.id for p in periods_for_provinces(ctx.session, None if provinces is None else set(provinces), limit=50)}
    if period is None or period.id not in visible:
        raise Refused("broadcast.period", str(period_id))
    audience = {"kind": "not_reported", "period_id": period.id,
                "province_codes": sorted(provinces) if provinces is not None else None}
    return _preview(ctx, data, audience, f"xã chưa nộp “{period.label}”")


def _send(ctx: Context, data: Notice) -> list[Reply]:
    try:
        bc = create_broadcast(ctx.session, officer_id=ctx.me.id, sender_user_id=ctx.user.id, text=data.text,
                              audience=data.audience or {}, audience_label=data.label, now=ctx.now,
                              quiet=quiet_hours(ctx.services.settings), attachment=data.attachment)
    except AudienceError as exc:
        return _ask_audience(ctx, data, str(exc))
    NOTICE.end(ctx)
    ctx.audit(ACTION, f"broadcast:{bc.id}", "done", recipients=bc.recipient_count, audience=data.audience)
    return [Reply(text=f"✅ Đã xếp hàng thông báo #{bc.id} tới {bc.recipient_count} người. "
                       "Bot sẽ báo kết quả khi gửi xong; gõ /thongbao để xem tiến độ.")]


async def on_cancel(ctx: Context, data: Optional[Notice]) -> list[Reply]:
    """/huy while composing: nothing is sent."""
    NOTICE.end(ctx)
    return messages.text(CANCELLED)


def ask_again(ctx: Context, data: Notice) -> list[Reply]:
    """The communes question again (the one step whose answers are never questions)."""
    return [Reply(text=ASK_COMMUNES)] if data.step == "communes" else []


NOTICE: Dialog[Notice] = Dialog("broadcast", Notice, action=ACTION, on_cancel=on_cancel, again=ask_again, steps={
    "text": Step(on_text), "attach": Step(on_attach, closed=True), "audience": Step(on_buttons_step, closed=True),
    "communes": Step(on_communes, closed=True, questions_first=True), "role": Step(on_buttons_step, closed=True),
    "period": Step(on_buttons_step, closed=True), "confirm": Step(on_buttons_step, closed=True),
})


def register(router: Router) -> None:
    """Adds /thongbao, its buttons and its dialog."""
    router.command("thongbao", "Gửi thông báo tới các xã", public=False, action=ACTION)(thongbao)
    for button in (NoAttachment, Audience, ByRole, NotReported, SendNow, Cancel):
        router.callback(button, action=ACTION)(on_button)
    router.add_dialog(NOTICE)
