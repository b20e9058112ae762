"""/xephang: the bloc rankings in chat; the province publishes (and reopens with a reason) and
gets every bloc's sheets as XLSX with a chart.

A commune officer sees their commune's place and gaps (and, for a leading commune, the bloc's
table); a supervisor sees every bloc of the province's latest period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core import messages
from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.permissions import Refused, can, can_on_bloc, supervised_provinces
from core.router import Router
from core.types import Button, Reply
from handlers.emulation.calls import ExportAll, Publish, Reopen, ShowRanking
from handlers.emulation.export import export_all
from handlers.emulation.ranking_notices import own_standing, ranking_reply, tell_communes
from handlers.emulation.review_common import bloc_turn
from store.emulation.blocs import blocs_of_year, led_blocs
from store.emulation.ranking import RankingStatus, publish_ranking, reopen_ranking
from store.emulation.sheet_lookup import recent_periods
from store.models import ScoringPeriod

NO_PERIOD = "Chưa có đợt chấm điểm thi đua nào."


async def xephang(ctx: Context) -> list[Reply]:
    officer = ctx.me
    if officer.commune is not None:
        return _commune_view(ctx)
    provinces = sorted(supervised_provinces(officer))
    periods = [p for code in provinces for p in recent_periods(ctx.session, code, ctx.now)[:1]]
    if not periods:
        return messages.text(NO_PERIOD)
    lines, buttons = [], []
    for period in periods:
        blocs = blocs_of_year(ctx.session, period.province_code, period.year)
        lines.append(f"{period.label}: {len(blocs)} khối.")
        buttons += [[ShowRanking(period.id, b.id).button(f"{b.name}"[:60])] for b in blocs]
        buttons.append([ExportAll(period.id).button(f"Tải Excel và biểu đồ – {period.label}"[:60])])
    lines.append("Chọn khối để xem xếp hạng.")
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _commune_view(ctx: Context) -> list[Reply]:
    commune = ctx.me.commune
    if commune is None:  # the caller sends only commune officers here; a data error says so politely
        return messages.text(messages.NOT_ALLOWED)
    periods = recent_periods(ctx.session, commune.province_code, ctx.now)
    if not periods:
        return messages.text(NO_PERIOD)
    out = []
    for period in periods[:2]:
        text = own_standing(ctx, period, commune.code, commune.name)
        if text is None:
            continue
        buttons: list[list[Button]] = [[ShowRanking(period.id, b.id).button(f"Xếp hạng {b.name}"[:60])]
                                       for b in led_blocs(ctx.session, commune.code, period.year)
                                       if b.province_code == period.province_code]
        out.append(Reply(text=f"{period.label}:\n{text}", buttons=buttons))
    return out or messages.text(f"{commune.name} không thuộc khối thi đua nào trong các đợt chấm điểm gần đây.")


async def show_ranking(ctx: Context, data: ShowRanking) -> list[Reply]:
    turn = bloc_turn(ctx, data.period, data.bloc, "blocs.view")
    return [ranking_reply(ctx, turn.period, turn.bloc)]


async def on_publish(ctx: Context, data: Publish) -> list[Reply]:
    turn = bloc_turn(ctx, data.period, data.bloc, "emulation.publish")
    if not can_on_bloc(ctx.officer, "emulation.publish", turn.bloc):
        raise Refused("emulation.publish", f"period:{data.period}:bloc:{data.bloc}", reason="not the province")
    status, ranking = publish_ranking(ctx.session, turn.period, turn.bloc, ctx.me.id, ctx.now)
    if status is RankingStatus.NOT_CLOSED:
        return messages.text(f"{turn.bloc.name} chưa đóng chấm điểm nên chưa công bố được.")
    if status is RankingStatus.ALREADY:
        return [ranking_reply(ctx, turn.period, turn.bloc, note="Xếp hạng này đã công bố từ trước.")]
    told = tell_communes(ctx, turn.period, turn.bloc, ranking.revision if ranking is not None else 0)
    return [ranking_reply(ctx, turn.period, turn.bloc, note=f"Đã công bố. Đã báo {told} cán bộ các xã.")]


@dataclass
class ReopenState(DialogData):
    step: str = "reason"
    period: int = 0
    bloc: int = 0


async def on_reopen(ctx: Context, data: Reopen) -> list[Reply]:
    turn = bloc_turn(ctx, data.period, data.bloc, "emulation.reopen")
    if not can_on_bloc(ctx.officer, "emulation.reopen", turn.bloc):
        raise Refused("emulation.reopen", f"period:{data.period}:bloc:{data.bloc}", reason="not the province")
    REOPEN.save(ctx, ReopenState(period=data.period, bloc=data.bloc))
    return messages.text(f"Mở lại xếp hạng {turn.bloc.name}: khối sẽ chấm lại được và xếp hạng đã công bố "
                         "hết hiệu lực cho đến khi công bố lại. Gõ lý do mở lại (bắt buộc), hoặc /huy để thôi.")


async def on_reopen_reason(ctx: Context, state: ReopenState) -> list[Reply]:
    turn = bloc_turn(ctx, state.period, state.bloc, "emulation.reopen")
    if not can_on_bloc(ctx.officer, "emulation.reopen", turn.bloc):
        raise Refused("emulation.reopen", f"period:{state.period}:bloc:{state.bloc}", reason="not the province")
    status, _ = reopen_ranking(ctx.session, turn.period, turn.bloc, ctx.me.id, ctx.msg.text or "", ctx.now)
    if status is RankingStatus.NO_REASON:
        return messages.text("Lý do cần rõ hơn (ít nhất 5 ký tự). Anh/chị gõ lại lý do.")
    ctx.clear_dialog()
    if status is not RankingStatus.DONE:
        return messages.text("Xếp hạng này chưa công bố hoặc đã được mở lại.")
    return messages.text(f"Đã mở lại xếp hạng {turn.bloc.name}. Trưởng khối chấm lại rồi đóng chấm điểm để xếp hạng lại.")


async def on_export(ctx: Context, data: ExportAll) -> list[Reply]:
    period = ctx.session.get(ScoringPeriod, data.period)
    if period is None or not can(ctx.officer, "emulation.export", province_code=period.province_code):
        raise Refused("emulation.export", f"period:{data.period}", reason="not the province")
    return export_all(ctx, period, data.bloc)


async def reopen_cancel(ctx: Context, state: Optional[ReopenState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text("Đã thôi, xếp hạng giữ nguyên.")


REOPEN: Dialog[ReopenState] = Dialog("molaixephang", ReopenState, action="emulation.reopen", on_cancel=reopen_cancel,
                                     steps={"reason": Step(on_reopen_reason)})


def register(router: Router) -> None:
    router.command("xephang", "Xếp hạng thi đua của khối", public=False, action="blocs.view")(xephang)
    router.callback(ShowRanking, action="blocs.view")(show_ranking)
    router.callback(Publish, action="emulation.publish")(on_publish)
    router.callback(Reopen, action="emulation.reopen")(on_reopen)
    router.callback(ExportAll, action="emulation.export")(on_export)
    router.add_dialog(REOPEN)
