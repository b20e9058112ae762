"""Reminders of missing dossier documents before a nomination's deadline (đề nghị khen thưởng).

A nomination still being prepared (draft, or returned) with a deadline and documents missing
from its checklist nudges the nominated commune's officers and the bloc leader's at the
default policy's pre-due steps (the deadline day at 17:00 in Vietnam is the due moment). Each
reminder's outbox key (``award-rem:<nomination>:<officer>:<step>``) is its once-only guard: a
second sweep, a restart or a second process queues nothing. Of the steps passed only the latest
is sent; quiet hours move it to the morning; nothing is sent after the deadline.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.callbacks import ShowDossier
from core.outbox import Outgoing
from core.settings import Settings
from core.types import Reply
from reminders.deadline import queue_once, step_due, sweep_view, to_officers
from store.awards.nominations import checklist, due_dossiers
from store.clock import VN_TZ, as_utc, local, vn_date
from store.models import Bloc, Commune, Nomination

DUE_AT = time(17, 0)


def due_moment(nom: Nomination) -> datetime:
    if nom.deadline is None:
        raise ValueError("no deadline")
    return as_utc(datetime.combine(nom.deadline, DUE_AT, tzinfo=VN_TZ))


def reminder_text(nom: Nomination, commune_name: str, missing: list[str]) -> str:
    return (f"⏰ Hồ sơ đề nghị {nom.title_name} năm {nom.year} của {commune_name} còn thiếu: "
            f"{'; '.join(missing)}. Hạn nộp hồ sơ {vn_date(nom.deadline or local(nom.created_at).date())}.")


def plan_dossier_reminders(session: Session, now: datetime, settings: Settings) -> list[Outgoing]:
    noms = due_dossiers(session, local(now).date())
    if not noms:
        return []
    sweep = sweep_view(session, now, settings)
    names = {code: name for code, name in session.execute(select(Commune.code, Commune.name).where(
        Commune.code.in_(sorted({n.commune_code for n in noms}))))}
    out: list[Outgoing] = []
    for nom in noms:
        step = step_due(sweep, due_moment(nom))
        if step is None:
            continue
        missing = [i.name for i in checklist(session, nom) if not i.present]
        if not missing:
            continue
        reply = Reply(text=reminder_text(nom, names.get(nom.commune_code, str(nom.commune_code)), missing),
                      buttons=[[ShowDossier(nom.id).button("Xem hồ sơ")]])
        bloc = session.get(Bloc, nom.bloc_id) if nom.bloc_id is not None else None
        communes = {nom.commune_code} | ({bloc.leader_code} if bloc is not None and bloc.leader_code else set())
        for code in sorted(communes):
            out += to_officers(sweep, code, reply, f"award-rem:{nom.id}", step)
    return out


def queue_dossier_reminders(session: Session, now: datetime, settings: Settings) -> int:
    """Queue the due reminders once each (the outbox key is the guard); how many were new."""
    return queue_once(session, plan_dossier_reminders(session, now, settings), now)
