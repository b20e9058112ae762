"""What the bloc's review, the explanations and the ranking share: loading a period and a bloc
the officer may act on, a sheet with its bloc, and notifying a commune or a bloc's reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from core.context import Context
from core.permissions import Refused, can_on_bloc
from core.types import Reply
from store.emulation.chat_people import commune_users
from store.emulation.review import sheet_bloc
from store.emulation.tables import spec_by_pk
from store.emulation.table_spec import TableSpec
from store.models import Bloc, Commune, ScoringPeriod, Sheet

NOT_LEADER = "Chỉ cán bộ của xã trưởng khối mới chấm điểm khối. Anh/chị dùng /chamdiem để tự chấm điểm của xã."


@dataclass
class BlocTurn:
    period: ScoringPeriod
    bloc: Bloc


@dataclass
class SheetOfBloc:
    sheet: Sheet
    period: ScoringPeriod
    bloc: Bloc
    spec: TableSpec
    commune: Commune


def bloc_turn(ctx: Context, period_id: int, bloc_id: int, action: str, *, review: bool = False) -> BlocTurn:
    """The period and bloc named by a button, when this officer may see (or review) them."""
    period = ctx.session.get(ScoringPeriod, period_id)
    bloc = ctx.session.get(Bloc, bloc_id)
    target = f"period:{period_id}:bloc:{bloc_id}"
    if period is None or bloc is None or bloc.year != period.year or bloc.province_code != period.province_code:
        raise Refused(action, target, reason="no such bloc in the period")
    allowed = can_on_bloc(ctx.officer, "emulation.review", bloc) or (
        not review and can_on_bloc(ctx.officer, "emulation.view", bloc))
    if not allowed:
        raise Refused(action, target, NOT_LEADER if review else None, reason="not the bloc's reviewer")
    return BlocTurn(period, bloc)


def sheet_of_bloc(ctx: Context, sheet_id: int, action: str, *, review: bool = False, lock: bool = False) -> SheetOfBloc:
    sheet = ctx.session.get(Sheet, sheet_id, with_for_update=lock)
    if sheet is None:
        raise Refused(action, f"sheet:{sheet_id}", reason="no sheet")
    period = ctx.session.get_one(ScoringPeriod, sheet.period_id)
    bloc_id = sheet_bloc(ctx.session, sheet, period)
    if bloc_id is None:
        raise Refused(action, f"sheet:{sheet_id}", reason="commune in no bloc")
    turn = bloc_turn(ctx, period.id, bloc_id, action, review=review)
    return SheetOfBloc(sheet, period, turn.bloc, spec_by_pk(ctx.session, sheet.table_pk),
                       ctx.session.get_one(Commune, sheet.commune_code))


def notify_commune(ctx: Context, commune_code: int, reply: Reply, key: str) -> int:
    """Queue a notice to each officer of the commune (once per key and officer)."""
    users = commune_users(ctx.session, commune_code)
    for user in users:
        ctx.notify(user, reply, key=f"{key}:{user.id}")
    return len(users)
