"""/giaouoc: the bloc leader sends the bloc's signed giao ước thi đua (a photo or PDF).

Once a year per bloc; sending again adds a new version (the old ones are kept). Only the
officers of the bloc's leading commune may send it (``can_on_bloc``: ``emulation.pledge``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from core import messages
from core.context import Context
from core.dialogs import Dialog, DialogData, NotAnAnswer, Step
from core.permissions import Refused, can_on_bloc
from core.router import Router
from core.types import Reply
from handlers.emulation.signed_file import receive_signed
from handlers.emulation.words import when
from store.clock import as_utc, local
from store.emulation.blocs import led_blocs
from store.emulation.pledges import latest_pledge, record_pledge
from store.files.report_photos import StoredPhoto
from store.models import Bloc

NOT_LEADER = "Lệnh /giaouoc dành cho cán bộ của xã trưởng khối thi đua."
ASK = "Anh/chị gửi ảnh chụp hoặc tệp PDF bản giao ước thi đua đã ký của {bloc}. Gõ /huy để dừng."


@dataclass
class PledgeState(DialogData):
    step: str = "file"
    bloc: int = 0


def _bloc(ctx: Context, bloc_id: int) -> Bloc:
    bloc = ctx.session.get(Bloc, bloc_id)
    if bloc is None or not can_on_bloc(ctx.officer, "emulation.pledge", bloc):
        raise Refused("emulation.pledge", f"bloc:{bloc_id}", NOT_LEADER, reason="not the leader")
    return bloc


async def giaouoc(ctx: Context) -> list[Reply]:
    year = local(as_utc(ctx.now)).year
    blocs = [b for b in led_blocs(ctx.session, ctx.me.commune_code) if b.year >= year - 1][:1]
    if not blocs:
        raise Refused("emulation.pledge", "giaouoc", NOT_LEADER, reason="leads no bloc")
    bloc = _bloc(ctx, blocs[0].id)
    last = latest_pledge(ctx.session, bloc.id)
    head = (f"{bloc.name} đã có giao ước năm {bloc.year} (bản {last.version}, {when(last.created_at)}). "
            "Gửi tệp mới để thành bản tiếp theo; bản cũ vẫn được lưu.\n") if last else ""
    PLEDGE.save(ctx, PledgeState(bloc=bloc.id))
    return messages.text(head + ASK.format(bloc=f"{bloc.name} năm {bloc.year}"))


async def on_file(ctx: Context, state: PledgeState) -> list[Reply]:
    bloc = _bloc(ctx, state.bloc)
    if not ctx.msg.files:
        again = messages.text(ASK.format(bloc=bloc.name))
        raise NotAnAnswer(messages.text("Bước này cần ảnh hoặc tệp PDF.") + again, again)
    return receive_signed(ctx, Path("pledges") / str(bloc.year) / str(bloc.id), "giaouoc", _received)


def _received(ctx: Context, stored: Optional[StoredPhoto], file_id: str, problem: str) -> list[Reply]:
    state = PLEDGE.load(ctx)
    if state is None:
        return messages.text("Phần gửi giao ước đã kết thúc. Gõ /giaouoc để gửi lại.")
    bloc = _bloc(ctx, state.bloc)
    if stored is None:
        return messages.text(problem + " " + ASK.format(bloc=bloc.name))
    row, fresh = record_pledge(ctx.session, bloc, stored, channel_file_id=file_id, officer_id=ctx.me.id, now=ctx.now)
    ctx.clear_dialog()
    if not fresh:
        return messages.text(f"Tệp này chính là giao ước bản {row.version} đã lưu, không có gì thay đổi.")
    ctx.audit("emulation.pledge", f"bloc:{bloc.id}", "done", version=row.version)
    return messages.text(f"Đã lưu giao ước thi đua năm {bloc.year} của {bloc.name} (bản {row.version}) lúc "
                         f"{when(row.created_at)}. Các xã trong khối và cán bộ tỉnh xem được bằng /dsdangky.")


async def on_cancel(ctx: Context, state: Optional[PledgeState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã dừng gửi giao ước; giao ước đã lưu (nếu có) vẫn giữ nguyên.")


PLEDGE: Dialog[PledgeState] = Dialog("giaouoc", PledgeState, steps={
    "file": Step(on_file, closed=True, accepts=lambda ctx, s, t: False)}, on_cancel=on_cancel, action="emulation.pledge")


def register(router: Router) -> None:
    router.command("giaouoc", "Gửi giao ước thi đua đã ký của khối", public=False, action="emulation.pledge",
                   refusal=NOT_LEADER)(giaouoc)
    router.add_dialog(PLEDGE)
