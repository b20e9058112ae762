"""The ranking table in chat, and the notices around it: the province told when a review
closes, each commune told its place and its gaps when the province publishes."""

from __future__ import annotations

from typing import Any, Optional

from core.context import Context
from core.permissions import can, can_on_bloc
from core.types import Button, Reply
from handlers.emulation import review_view as view
from handlers.emulation.calls import ExportAll, Publish, Reopen
from handlers.emulation.review_common import notify_commune
from handlers.emulation.words import num, when
from store.emulation.ranking import Standing, bloc_rows, standing
from store.emulation.review import latest_ranking
from store.models import Bloc, ScoringPeriod
from store.people.officers import approvers
from store.vn.text import shorten

MAX_GAPS = 8


def ranking_reply(ctx: Context, period: ScoringPeriod, bloc: Bloc, note: str = "") -> Reply:
    """The stored ranking when the review is closed, else the live table marked as provisional."""
    ranking = latest_ranking(ctx.session, period.id, bloc.id)
    closed = ranking is not None and ranking.reopened_at is None
    rows: list[Any] = ranking.rows if closed and ranking is not None else bloc_rows(ctx.session, period, [bloc.id])[bloc.id]
    lines = [note] if note else []
    if closed and ranking is not None:
        state = (f"đã công bố {when(ranking.published_at)}" if ranking.published_at
                 else "đã đóng chấm điểm, chờ tỉnh công bố")
    else:
        state = "tạm tính, khối chưa đóng chấm điểm"
    lines.append(f"Xếp hạng {bloc.name} – {period.label} ({state}):")
    lines += view.ranking_lines(rows, period, ctx.now)
    buttons: list[list[Button]] = []
    if closed and ranking is not None:
        if ranking.published_at is None and can_on_bloc(ctx.officer, "emulation.publish", bloc):
            buttons.append([Publish(period.id, bloc.id).button("Công bố xếp hạng")])
        elif ranking.published_at is not None and can_on_bloc(ctx.officer, "emulation.reopen", bloc):
            buttons.append([Reopen(period.id, bloc.id).button("Mở lại (cần lý do)")])
    if can(ctx.officer, "emulation.export", province_code=bloc.province_code):
        buttons.append([ExportAll(period.id, bloc.id).button("Tải Excel và biểu đồ")])
    return Reply(text="\n".join(lines), buttons=buttons)


async def ranking_closed(ctx: Context, period: ScoringPeriod, bloc: Bloc, *, note: str = "",
                         tell_province: bool = False) -> list[Reply]:
    """After a close: the ranking for the leader; the province's supervisors are told once."""
    reply = ranking_reply(ctx, period, bloc, note=note)
    if tell_province:
        ranking = latest_ranking(ctx.session, period.id, bloc.id)
        revision = ranking.revision if ranking is not None else 0
        for user in approvers(ctx.session, period.province_code):
            ctx.notify(user, Reply(text=f"{bloc.name} đã đóng chấm điểm “{period.label}”. Xem và công bố xếp hạng:",
                                   buttons=[[Publish(period.id, bloc.id).button("Công bố xếp hạng")]]),
                       key=f"emu:closed:{period.id}:{bloc.id}:{revision}:{user.id}")
    return [reply]


def standing_text(period: ScoringPeriod, s: Standing, commune_name: str) -> str:
    """A commune's place in its bloc and where it fell short of the maximum."""
    if s.bloc is None:
        return f"{commune_name} không thuộc khối thi đua nào trong đợt “{period.label}”."
    if s.ranking is None or s.row is None:
        head = f"{s.bloc.name} chưa đóng chấm điểm đợt “{period.label}”, chưa có xếp hạng."
    elif s.row.get("place") is None:
        head = f"{commune_name} không được xếp hạng trong {s.bloc.name} (chưa nộp bảng tự chấm)."
    else:
        tie = " (đồng hạng)" if s.row.get("tied") else ""
        head = (f"{commune_name} xếp thứ {s.row['place']}{tie}/{s.of} trong {s.bloc.name}, "
                f"{num(s.row['final_total'])} điểm{view.marks(s.row)}.")
    if not s.gaps:
        return head
    gaps = [f"• {g.code} {shorten(g.text, 50)}: {num(g.score)}/{num(g.maximum)}" for g in s.gaps[:MAX_GAPS]]
    more = f"\n… và {len(s.gaps) - MAX_GAPS} tiêu chí khác." if len(s.gaps) > MAX_GAPS else ""
    return head + "\nTiêu chí chưa đạt điểm tối đa:\n" + "\n".join(gaps) + more


def tell_communes(ctx: Context, period: ScoringPeriod, bloc: Bloc, revision: int) -> int:
    """Each commune of a published ranking gets its place and gaps (once per revision)."""
    ranking = latest_ranking(ctx.session, period.id, bloc.id)
    told = 0
    for row in ranking.rows if ranking is not None else []:
        s = standing(ctx.session, period, row["commune_code"])
        text = "Tỉnh đã công bố xếp hạng thi đua.\n" + standing_text(period, s, row["name"])
        told += notify_commune(ctx, row["commune_code"], Reply(text=text),
                               key=f"emu:published:{period.id}:{bloc.id}:{revision}")
    return told


def own_standing(ctx: Context, period: ScoringPeriod, commune_code: int, name: str) -> Optional[str]:
    s = standing(ctx.session, period, commune_code)
    return standing_text(period, s, name) if s.bloc is not None else None
