"""Who may see and act on a nomination, and telling the people of a dossier.

- the bloc's leading commune (it proposes and sends), the nominated commune (it uploads), the
  province's officers (they appraise); admins everything. Data, not roles on the officer row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core.callbacks import Stale
from core.context import Context
from core.permissions import Refused, can, can_on_bloc
from core.types import Reply
from handlers.emulation.review_common import notify_commune
from store.models import Bloc, Commune, Nomination


@dataclass
class NominationTurn:
    nomination: Nomination
    commune: Commune
    bloc: Optional[Bloc]
    leader: bool  # the officer is of the bloc's leading commune
    own: bool  # the officer is of the nominated commune
    province: bool  # the officer appraises for the province
    decide: bool = False  # the officer records the province's decisions


def nomination_turn(ctx: Context, nomination_id: int, action: str) -> NominationTurn:
    nom = ctx.session.get(Nomination, nomination_id)
    if nom is None:
        raise Stale(f"no nomination {nomination_id}")
    commune = ctx.session.get_one(Commune, nom.commune_code)
    bloc = ctx.session.get(Bloc, nom.bloc_id) if nom.bloc_id is not None else None
    turn = NominationTurn(nom, commune, bloc,
                          leader=bloc is not None and can_on_bloc(ctx.officer, "award.propose", bloc),
                          own=can(ctx.officer, "award.dossier", commune=commune),
                          province=can(ctx.officer, "award.appraise", province_code=nom.province_code),
                          decide=can(ctx.officer, "award.decide", province_code=nom.province_code))
    allowed = {"award.dossier": turn.leader or turn.own, "award.appraise": turn.province, "award.decide": turn.decide,
               "award.view": turn.leader or turn.own or turn.province}
    if not allowed.get(action, False):
        raise Refused(action, f"nomination:{nomination_id}", reason="not this nomination's")
    return turn


def tell_dossier_people(ctx: Context, turn: NominationTurn, reply: Reply, key: str) -> int:
    """The nominated commune's officers and the bloc leader's (once per key and officer)."""
    told = notify_commune(ctx, turn.commune.code, reply, key)
    if turn.bloc is not None and turn.bloc.leader_code is not None and turn.bloc.leader_code != turn.commune.code:
        told += notify_commune(ctx, turn.bloc.leader_code, reply, key)
    return told
