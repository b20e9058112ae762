"""/dangkythidua: a commune's đăng ký thi đua for the year (entry point and buttons).

The steps are handlers/emulation/register_dialog.py. An earlier registration is the starting
point of an amendment; sending adds a new version (the old ones are kept). After the province's
deadline the bot refuses politely.
"""

from __future__ import annotations

from core import messages
from core.callbacks import Forged
from core.context import Context
from core.router import Router
from core.types import Reply
from handlers.emulation import register_view as view
from handlers.emulation.reg_calls import ClearTargets, RegEdit, RegNext, RegSubmit, ToggleTitle
from handlers.emulation.register_dialog import (REG, RegState, RegTurn, open_turn, reg_commune, resume, show_file,
                                                show_review, show_targets, show_titles, stored_file)
from handlers.emulation.review_common import notify_commune
from handlers.emulation.words import when
from store.clock import as_utc, local
from store.emulation.blocs import membership_on
from store.emulation.registrations import (RegistrationError, RegStatus, current_round, latest_registration,
                                           submit_registration, window)
from store.emulation.targets import Target
from store.models import Bloc


async def dangkythidua(ctx: Context) -> list[Reply]:
    commune = reg_commune(ctx)
    rnd = current_round(ctx.session, commune.province_code, ctx.now)
    if rnd is None:
        return messages.text(view.refusal(RegStatus.NO_DEADLINE, 0, None))
    win = window(ctx.session, rnd.province_code, rnd.year, ctx.now)
    if win.status is not RegStatus.OK:
        ctx.audit("emulation.register", f"round:{rnd.id}", "refused", reason=win.status.value)
        return messages.text(view.refusal(win.status, rnd.year, rnd.due_at))
    state = REG.load(ctx)
    if state is not None and state.round == rnd.id and state.catalogue == win.catalogue_version:
        turn = open_turn(ctx, state)
        return resume(turn, "Tiếp tục phần đăng ký đang làm.") if isinstance(turn, RegTurn) else turn
    state = RegState(round=rnd.id, nonce=int(ctx.now.timestamp()), catalogue=win.catalogue_version)
    last = latest_registration(ctx.session, commune.code, rnd.year)
    head = f"Đăng ký thi đua năm {rnd.year} của {commune.name}, hạn {when(rnd.due_at)}. Gõ /huy để dừng."
    if last is not None:
        state.titles, state.targets = list(last.titles), list(last.targets)
        state.file = {"rel_path": last.path, "sha256": last.sha256, "size": last.size, "mime_type": last.mime_type,
                      "file_id": last.channel_file_id}
        head = (f"Xã đã gửi đăng ký thi đua năm {rnd.year} (bản {last.version}, lúc {when(last.submitted_at)}). "
                f"Sửa rồi gửi để thành bản {last.version + 1}; các bản cũ vẫn được lưu. Hạn {when(rnd.due_at)}.")
    turn = open_turn(ctx, state)
    if not isinstance(turn, RegTurn):
        return turn
    return show_review(turn, head) if last is not None else show_titles(turn, head)


async def on_toggle(ctx: Context, data: ToggleTitle) -> list[Reply]:
    turn = open_turn(ctx, REG.load(ctx), data.nonce)
    if not isinstance(turn, RegTurn):
        return turn
    if not 0 <= data.index < len(turn.catalogue.titles):
        raise Forged(f"no title {data.index}")
    if turn.state.step != "titles":
        return resume(turn, view.STALE)
    code = turn.catalogue.titles[data.index].code
    chosen = turn.state.titles
    turn.state.titles = [c for c in chosen if c != code] if code in chosen else \
        [t.code for t in turn.catalogue.titles if t.code in chosen or t.code == code]
    return show_titles(turn)


async def on_next(ctx: Context, data: RegNext) -> list[Reply]:
    turn = open_turn(ctx, REG.load(ctx), data.nonce)
    if not isinstance(turn, RegTurn):
        return turn
    if turn.state.step == "titles":
        if not turn.state.titles:
            return show_titles(turn, view.refusal(RegStatus.NO_TITLE, 0, None))
        return show_review(turn) if turn.state.targets and turn.state.file else show_targets(turn)
    if turn.state.step == "targets":
        return show_review(turn) if turn.state.file else show_file(turn)
    return resume(turn, view.STALE)


async def on_clear(ctx: Context, data: ClearTargets) -> list[Reply]:
    turn = open_turn(ctx, REG.load(ctx), data.nonce)
    if not isinstance(turn, RegTurn):
        return turn
    if turn.state.step != "targets":
        return resume(turn, view.STALE)
    dropped = len(turn.state.targets)
    turn.state.targets = []
    return show_targets(turn, f"Đã bỏ {dropped} chỉ tiêu đã ghi; anh/chị gõ lại.")


async def on_edit(ctx: Context, data: RegEdit) -> list[Reply]:
    turn = open_turn(ctx, REG.load(ctx), data.nonce)
    if not isinstance(turn, RegTurn):
        return turn
    if turn.state.step != "review":
        return resume(turn, view.STALE)
    show = {0: show_titles, 1: show_targets, 2: show_file}.get(data.part)
    if show is None:
        raise Forged(f"no part {data.part}")
    return show(turn)


async def on_submit(ctx: Context, data: RegSubmit) -> list[Reply]:
    """Send once: the dialog ends with the send, so a second tap finds no dialog (GONE)."""
    turn = open_turn(ctx, REG.load(ctx), data.nonce)
    if not isinstance(turn, RegTurn):
        return turn
    if turn.state.step != "review":
        return resume(turn, view.STALE)
    if not turn.state.file:
        return show_file(turn, "Còn thiếu trang đăng ký đã ký.")
    try:
        reg = submit_registration(
            ctx.session, province_code=turn.round.province_code, year=turn.round.year, commune_code=turn.commune.code,
            titles=turn.state.titles, targets=[Target.from_dict(t) for t in turn.state.targets],
            signed=stored_file(turn.state), channel_file_id=str(turn.state.file.get("file_id") or ""),
            officer_id=ctx.me.id, now=ctx.now)
    except RegistrationError as exc:
        ctx.clear_dialog()
        ctx.audit("emulation.register", f"round:{turn.round.id}", "refused", reason=exc.status.value)
        return messages.text(view.refusal(exc.status, turn.round.year, turn.round.due_at))
    ctx.clear_dialog()
    ctx.audit("emulation.register", f"registration:{reg.id}", "done", version=reg.version)
    names = ", ".join(turn.catalogue.names.get(c, c) for c in reg.titles)
    _tell_leader(ctx, turn, reg.id, f"{turn.commune.name} đã gửi đăng ký thi đua năm {reg.year} (bản {reg.version}): "
                                    f"{names}. Xem các xã trong khối: /dsdangky")
    return messages.text(f"Đã gửi đăng ký thi đua năm {reg.year} của {turn.commune.name} (bản {reg.version}) lúc "
                         f"{when(reg.submitted_at)}: {names}. Sửa được đến hạn {when(turn.round.due_at)} "
                         "bằng /dangkythidua. Cảm ơn anh/chị!")


def _tell_leader(ctx: Context, turn: RegTurn, registration_id: int, text: str) -> None:
    """The bloc's leading commune hears of each registration sent (once per registration)."""
    member = membership_on(ctx.session, turn.commune.code, local(as_utc(turn.round.due_at)).date(), turn.round.year)
    bloc = ctx.session.get(Bloc, member.bloc_id) if member is not None else None
    if bloc is not None and bloc.leader_code is not None and bloc.leader_code != turn.commune.code:
        notify_commune(ctx, bloc.leader_code, Reply(text=text), key=f"reg-sent:{registration_id}")


def register(router: Router) -> None:
    router.command("dangkythidua", "Đăng ký thi đua của xã cho năm", public=False, action="emulation.register",
                   refusal=view.NOT_COMMUNE)(dangkythidua)
    router.callback(ToggleTitle, action="emulation.register")(on_toggle)
    router.callback(RegNext, action="emulation.register")(on_next)
    router.callback(ClearTargets, action="emulation.register")(on_clear)
    router.callback(RegEdit, action="emulation.register")(on_edit)
    router.callback(RegSubmit, action="emulation.register")(on_submit)
    router.add_dialog(REG)
