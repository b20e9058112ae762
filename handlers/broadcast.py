"""/thongbao: a supervisor or admin writes a notice, picks the audience, previews, confirms.

Named steps (dialog "broadcast", data["step"]): text -> attach -> audience -> (communes |
role | period) -> confirm. Buttons carry "bc:..." data; every step re-checks permission.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Optional

from sqlalchemy import select

from core import messages
from core.broadcasts import (
    ROLE_LABELS,
    AudienceError,
    audience_filter,
    create_broadcast,
    progress,
    progress_line,
    resolve_audience,
    running_broadcasts,
    why_unreached,
)
from core.context import Context
from core.permissions import can, supervised_provinces
from core.reminder_policy import quiet_hours
from core.router import Router
from core.types import Button, FileUnavailable, Reply
from store.clock import vn_datetime
from store.models import Period, Province
from store.periods import periods_for_provinces
from store.units import find_communes

log = logging.getLogger(__name__)

DIALOG = "broadcast"
PREFIX = "bc"
MAX_TEXT = 3500
MAX_COMMUNES = 200

ASK_TEXT = ("✍️ Anh/chị nhập nội dung thông báo (có thể gửi kèm một ảnh hoặc tệp, nội dung làm chú thích).\n"
            "Gõ /huy để hủy.")
ASK_ATTACH = "Anh/chị có muốn đính kèm ảnh hoặc tệp không? Gửi ảnh/tệp ngay, hoặc bấm “Không đính kèm”."
ASK_AUDIENCE = "Gửi tới ai?"
ASK_COMMUNES = "Gõ tên các xã/phường nhận thông báo, cách nhau bằng dấu phẩy hoặc xuống dòng."
CANCELLED = "Đã hủy thông báo. Chưa gửi tin nào."


def _scope(ctx: Context) -> Optional[set[int]]:
    """Provinces the sender may reach; None for an admin (the whole country)."""
    if ctx.officer is not None and ctx.officer.role == "admin":
        return None
    return supervised_provinces(ctx.officer) if ctx.officer is not None else set()


def _allowed(ctx: Context) -> bool:
    return can(ctx.officer, "broadcast.send")


def _refuse(ctx: Context, target: str) -> list[Reply]:
    ctx.audit("broadcast.send", target, "refused")
    if ctx.officer is None:
        return messages.text(messages.NOT_REGISTERED)
    return messages.text(messages.NOT_ALLOWED)


def _state(ctx: Context) -> Optional[dict[str, Any]]:
    state = ctx.dialog()
    if state is None or state.name != DIALOG:
        return None
    return dict(state.data)


def _audience_buttons(ctx: Context) -> list[list[Button]]:
    mine = "Toàn quốc" if _scope(ctx) is None else "Toàn tỉnh của tôi"
    return [[Button(mine, "bc:a:p")], [Button("Chọn xã/phường", "bc:a:c")],
            [Button("Theo vai trò", "bc:a:r")], [Button("Xã chưa nộp báo cáo", "bc:a:l")],
            [Button("Hủy", "bc:x")]]


def _ask_audience(ctx: Context, data: dict[str, Any], note: str = "") -> list[Reply]:
    data["step"] = "audience"
    ctx.set_dialog(DIALOG, data)
    return [Reply(text=(note + "\n\n" if note else "") + ASK_AUDIENCE, buttons=_audience_buttons(ctx))]


def _province_label(ctx: Context, codes: set[int]) -> str:
    names = [n for (n,) in ctx.session.execute(select(Province.name).where(Province.code.in_(codes))
                                               .order_by(Province.name))]
    return ", ".join(names) if names else "tỉnh đã chọn"


def _preview(ctx: Context, data: dict[str, Any], audience: dict[str, Any], label: str,
             note: str = "") -> list[Reply]:
    try:
        count = len(resolve_audience(ctx.session, audience, exclude_officer=ctx.officer.id))
    except AudienceError as exc:
        return _ask_audience(ctx, data, str(exc))
    if count == 0:
        why = "; ".join(why_unreached(ctx.session, audience_filter(ctx.session, audience)))
        return _ask_audience(ctx, data, f"Không có người nhận nào trong nhóm “{label}”: {why}. "
                                        "Anh/chị chọn nhóm khác nhé.")
    data.update(step="confirm", audience=audience, label=label, count=count)
    ctx.set_dialog(DIALOG, data)
    quiet = quiet_hours(ctx.services.settings)
    when = ""
    if quiet.contains(ctx.now):
        when = f"\n🌙 Đang giờ nghỉ: tin sẽ được gửi từ {vn_datetime(quiet.next_allowed(ctx.now))}."
    att = data.get("attachment")
    att_line = f"\n📎 Đính kèm: {att['file_name']}" if att else ""
    text = (f"{note}{chr(10) * 2 if note else ''}Xem trước thông báo:\n────────\n{data['text']}\n────────{att_line}\n"
            f"Người nhận: {label} – {count} người.{when}\nGửi ngay?")
    return [Reply(text=text, buttons=[[Button(f"Gửi ({count})", "bc:ok"), Button("Hủy", "bc:x")]])]


# -- steps -------------------------------------------------------------------
async def thongbao(ctx: Context) -> list[Reply]:
    """Starts a new notice; shows the progress of running ones first."""
    if not _allowed(ctx):
        return _refuse(ctx, "thongbao")
    running = running_broadcasts(ctx.session, None if _scope(ctx) is None else ctx.officer.id)
    out: list[Reply] = []
    if running:
        lines = ["📣 Thông báo đang gửi:"] + [progress_line(bc, progress(ctx.session, bc.id)) for bc in running[:10]]
        out.append(Reply(text="\n".join(lines)))
    ctx.set_dialog(DIALOG, {"step": "text"})
    out.append(Reply(text=ASK_TEXT))
    return out


async def _save_attachment(ctx: Context) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """Fetch the user's file into the data dir; (attachment, error message)."""
    ref = ctx.msg.files[0]
    if ref.kind not in ("photo", "document"):
        return None, "Bot chỉ đính kèm được ảnh hoặc tệp tài liệu. Anh/chị gửi lại nhé."
    fetch = ctx.services.fetchers.get(ctx.user.channel)
    if fetch is None:
        return None, "Kênh này chưa hỗ trợ gửi tệp. Anh/chị bấm “Không đính kèm” để tiếp tục."
    try:
        data = await fetch(ref)
    except FileUnavailable as exc:
        return None, f"{exc} Anh/chị thử lại hoặc bỏ qua."
    except Exception as exc:  # too large, network
        log.warning("broadcast attachment fetch failed: %s", exc)
        return None, "Không tải được tệp (có thể tệp quá lớn, tối đa 20 MB). Anh/chị thử lại hoặc bỏ qua."
    kind = "image" if ref.kind == "photo" else "document"
    name = ref.file_name or ("anh.jpg" if kind == "image" else "tep")
    safe = re.sub(r"[^\w.\-]+", "_", name)[-80:] or "tep"
    folder = ctx.services.settings.files_dir / "broadcasts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex[:12]}_{safe}"
    path.write_bytes(data)
    return {"kind": kind, "path": str(path.resolve()), "file_name": name,
            "mime_type": ref.mime_type or ("image/jpeg" if kind == "image" else "application/octet-stream")}, None


async def on_dialog(ctx: Context) -> list[Reply]:
    """Text or files typed while composing a notice."""
    if not _allowed(ctx):
        ctx.clear_dialog()
        return _refuse(ctx, "dialog")
    data = _state(ctx) or {"step": "text"}
    step = data.get("step")
    text = (ctx.msg.text or "").strip()
    if step == "text":
        if not text and not ctx.msg.files:
            return [Reply(text=ASK_TEXT)]
        if len(text) > MAX_TEXT:
            return [Reply(text=f"Nội dung dài {len(text)} ký tự, quá giới hạn {MAX_TEXT}. Anh/chị rút gọn giúp.")]
        if not text:
            return [Reply(text="Anh/chị nhập nội dung thông báo kèm theo ảnh/tệp (làm chú thích) nhé.")]
        data["text"] = text
        if ctx.msg.files:
            att, error = await _save_attachment(ctx)
            if error:
                data["step"] = "attach"
                ctx.set_dialog(DIALOG, data)
                return [Reply(text=error, buttons=[[Button("Không đính kèm", "bc:na")]])]
            data["attachment"] = att
            return _ask_audience(ctx, data)
        data["step"] = "attach"
        ctx.set_dialog(DIALOG, data)
        return [Reply(text=ASK_ATTACH, buttons=[[Button("Không đính kèm", "bc:na")]])]
    if step == "attach":
        if not ctx.msg.files:
            return [Reply(text=ASK_ATTACH, buttons=[[Button("Không đính kèm", "bc:na")]])]
        att, error = await _save_attachment(ctx)
        if error:
            return [Reply(text=error, buttons=[[Button("Không đính kèm", "bc:na")]])]
        data["attachment"] = att
        return _ask_audience(ctx, data)
    if step == "communes":
        return _communes_typed(ctx, data, text)
    if step == "confirm":
        return [Reply(text="Anh/chị bấm “Gửi” để gửi, hoặc “Hủy”.",
                      buttons=[[Button(f"Gửi ({data.get('count', 0)})", "bc:ok"), Button("Hủy", "bc:x")]])]
    return _ask_audience(ctx, data, "Anh/chị chọn nhóm người nhận bằng các nút dưới đây.")


def _communes_typed(ctx: Context, data: dict[str, Any], text: str) -> list[Reply]:
    names = [n.strip() for n in re.split(r"[,;\n]+", text) if n.strip()]
    if not names:
        return [Reply(text=ASK_COMMUNES)]
    if len(names) > MAX_COMMUNES:
        return [Reply(text=f"Tối đa {MAX_COMMUNES} xã mỗi lần. Với nhiều hơn, anh/chị chọn “Toàn tỉnh”.")]
    scope = _scope(ctx)
    found: dict[int, str] = {}
    missing: list[str] = []
    for name in names:
        province = next(iter(scope)) if scope and len(scope) == 1 else None
        matches = [m for m in find_communes(ctx.session, name, province, limit=5,
                                            within_province=province is not None)
                   if scope is None or m.province_code in scope]
        if matches and matches[0].score >= 85:
            found[matches[0].code] = matches[0].name
        else:
            missing.append(name)
    if not found:
        return [Reply(text="Không tìm thấy xã/phường nào trong phạm vi của anh/chị: " + ", ".join(missing[:10])
                      + ".\nAnh/chị gõ lại tên (ví dụ: Tam Đường, Phường Điện Biên Phủ).")]
    note = f"Không tìm thấy: {', '.join(missing[:10])}." if missing else ""
    shown = ", ".join(list(found.values())[:8]) + (f" và {len(found) - 8} xã khác" if len(found) > 8 else "")
    audience = {"kind": "communes", "commune_codes": sorted(found),
                "province_codes": sorted(scope) if scope is not None else None}
    return _preview(ctx, data, audience, shown, note)


async def on_button(ctx: Context) -> list[Reply]:
    """Every "bc:" button of the dialog."""
    if not _allowed(ctx):
        return _refuse(ctx, ctx.msg.button or "")
    data = _state(ctx)
    if data is None:
        return messages.text(messages.STALE_BUTTON)
    parts = (ctx.msg.button or "").split(":")[1:]
    action = parts[0] if parts else ""
    scope = _scope(ctx)
    scope_list = sorted(scope) if scope is not None else None
    if action == "x":
        ctx.clear_dialog()
        return messages.text(CANCELLED)
    if action == "na" and data.get("step") == "attach":
        return _ask_audience(ctx, data)
    if action == "a" and len(parts) == 2 and data.get("step") in ("audience", "confirm", "communes", "role", "period"):
        choice = parts[1]
        if choice == "p":
            if scope is None:
                codes = set(ctx.session.scalars(select(Province.code)))
                label = "toàn quốc"
            else:
                codes, label = scope, _province_label(ctx, scope)
            return _preview(ctx, data, {"kind": "province", "province_codes": sorted(codes)}, label)
        if choice == "c":
            data["step"] = "communes"
            ctx.set_dialog(DIALOG, data)
            return [Reply(text=ASK_COMMUNES)]
        if choice == "r":
            data["step"] = "role"
            ctx.set_dialog(DIALOG, data)
            return [Reply(text="Gửi tới vai trò nào?",
                          buttons=[[Button("Cán bộ xã/phường", "bc:r:officer")],
                                   [Button("Cán bộ giám sát", "bc:r:supervisor")]])]
        if choice == "l":
            periods = periods_for_provinces(ctx.session, scope, limit=8)
            if not periods:
                return _ask_audience(ctx, data, "Chưa có kỳ báo cáo nào trong phạm vi của anh/chị.")
            data["step"] = "period"
            ctx.set_dialog(DIALOG, data)
            return [Reply(text="Xã chưa nộp báo cáo kỳ nào?",
                          buttons=[[Button(p.label[:60], f"bc:l:{p.id}")] for p in periods])]
    if action == "r" and len(parts) == 2 and data.get("step") == "role" and parts[1] in ROLE_LABELS:
        audience = {"kind": "role", "role": parts[1], "province_codes": scope_list}
        return _preview(ctx, data, audience, ROLE_LABELS[parts[1]])
    if action == "l" and len(parts) == 2 and parts[1].isdigit() and data.get("step") == "period":
        period = ctx.session.get(Period, int(parts[1]))

        visible = {p.id for p in periods_for_provinces(ctx.session, scope, limit=50)}
        if period is None or period.id not in visible:
            ctx.audit("broadcast.period", parts[1], "refused")
            return messages.text(messages.NOT_ALLOWED)
        audience = {"kind": "not_reported", "period_id": period.id, "province_codes": scope_list}
        return _preview(ctx, data, audience, f"xã chưa nộp “{period.label}”")
    if action == "ok" and data.get("step") == "confirm":
        return _send(ctx, data)
    ctx.audit("button.stale", (ctx.msg.button or "")[:200], "refused")
    return messages.text(messages.STALE_BUTTON)


def _send(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    try:
        bc = create_broadcast(ctx.session, officer_id=ctx.officer.id, sender_user_id=ctx.user.id, text=data["text"],
                              audience=data["audience"], audience_label=data.get("label", ""), now=ctx.now,
                              quiet=quiet_hours(ctx.services.settings), attachment=data.get("attachment"))
    except AudienceError as exc:
        return _ask_audience(ctx, data, str(exc))
    ctx.clear_dialog()
    ctx.audit("broadcast.send", f"broadcast:{bc.id}", "done", recipients=bc.recipient_count,
              audience=data["audience"])
    return [Reply(text=f"✅ Đã xếp hàng thông báo #{bc.id} tới {bc.recipient_count} người. "
                       "Bot sẽ báo kết quả khi gửi xong; gõ /thongbao để xem tiến độ.")]


async def on_cancel(ctx: Context) -> list[Reply]:
    """/huy while composing: nothing is sent."""
    ctx.clear_dialog()
    return messages.text(CANCELLED)


def register(router: Router) -> None:
    """Adds /thongbao, its buttons and its dialog."""
    router.command("thongbao", "Gửi thông báo tới các xã", public=False, roles=("supervisor", "admin"))(thongbao)
    router.button(PREFIX)(on_button)
    router.dialog(DIALOG, on_cancel=on_cancel)(on_dialog)
