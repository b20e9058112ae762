"""One update's work on a commune's score sheet (``SheetTurn``) and the /chamdiem dialog's state.

The sheet is loaded once per update, locked for update (two officers of a commune, or a
double tap on two workers, take turns), checked against the officer's commune and the
period's window; the answers themselves are saved by ``store.emulation.sheets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core import messages
from core.channels import is_buttonless
from core.context import Context
from core.dialogs import DialogData
from core.permissions import Refused, can
from core.types import Reply
from handlers.emulation.words import num, when
from store.clock import vn_datetime
from store.emulation.bloc_history import leader_name
from store.emulation.engine import Totals, scores, totals
from store.emulation.sheets import SheetState, evidence_counts, sheet_spec
from store.emulation.table_spec import Criterion, TableSpec
from store.models import Commune, ScoringPeriod, Sheet

NOT_COMMUNE = "Lệnh /chamdiem dành cho cán bộ xã, phường. Cán bộ tỉnh dùng /xephang để xem kết quả."
GONE = "Bảng điểm này không còn hoặc nút đã cũ. Gõ /chamdiem để mở lại."


@dataclass
class ScoreState(DialogData):
    step: str = "score"  # score | extra (evidence and note) | review
    sheet: int = 0
    code: str = ""
    edit: bool = False  # came from the review screen: "Tiếp" goes back there


def score_commune(ctx: Context, target: str) -> Commune:
    """The officer's commune when they may self-score for it, else Refused (audited by the router)."""
    officer = ctx.officer
    commune = officer.commune if officer is not None and officer.commune_code is not None else None
    if commune is None or not can(officer, "emulation.score", commune=commune):
        raise Refused("emulation.score", target, NOT_COMMUNE, reason="not an officer of a commune")
    return commune


def closed_text(ctx: Context, period: ScoringPeriod, commune_code: int) -> str:
    leader = leader_name(ctx.session, commune_code, period.as_of)
    who = f"trưởng khối ({leader})" if leader else "trưởng khối"
    return (f"Đợt chấm điểm “{period.label}” đã đóng lúc {vn_datetime(period.close_at)}, bot không nhận "
            f"bảng tự chấm nữa. Anh/chị liên hệ {who} để được hướng dẫn.")


@dataclass
class SheetTurn:
    ctx: Context
    sheet: Sheet
    period: ScoringPeriod
    spec: TableSpec

    @property
    def buttonless(self) -> bool:
        return is_buttonless(self.ctx.user.channel)

    def counts(self) -> dict[str, int]:
        return evidence_counts(self.ctx.session, [self.sheet.id])[self.sheet.id]

    def totals(self) -> Totals:
        return totals(self.spec, scores(self.sheet.answers))

    def criterion(self, code: str) -> Optional[Criterion]:
        return self.spec.criterion(code)

    def item(self, code: str) -> int:
        return [c.code for c in self.spec.criteria].index(code)


def open_turn(ctx: Context, sheet_id: int) -> SheetTurn | list[Reply]:
    """The sheet locked for this update, or the reply saying why not (submitted, closed, gone)."""
    commune = score_commune(ctx, f"sheet:{sheet_id}")
    sheet = ctx.session.get(Sheet, sheet_id, with_for_update=True)
    if sheet is None:
        ctx.clear_dialog()
        return messages.text(GONE)
    if sheet.commune_code != commune.code:
        raise Refused("emulation.score", f"sheet:{sheet_id}", reason="other commune", commune=sheet.commune_code)
    period = ctx.session.get_one(ScoringPeriod, sheet.period_id)
    if sheet.state == SheetState.SUBMITTED:
        ctx.clear_dialog()
        return messages.text(submitted_text(ctx, sheet, period))
    if ctx.now >= period.close_at:
        ctx.clear_dialog()
        return messages.text(closed_text(ctx, period, commune.code))
    return SheetTurn(ctx, sheet, period, sheet_spec(ctx.session, sheet))


def submitted_text(ctx: Context, sheet: Sheet, period: ScoringPeriod) -> str:
    spec = sheet_spec(ctx.session, sheet)
    t = totals(spec, scores(sheet.answers))
    late = f", trễ hạn {sheet.days_late} ngày" if sheet.days_late else ", đúng hạn"
    return (f"Bảng tự chấm “{period.label}” của xã đã nộp lúc {when(sheet.submitted_at)}{late}. "
            f"Tổng tự chấm: {num(t.total)}/{num(t.maximum)}.")
