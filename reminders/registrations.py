"""Reminders to register (đăng ký thi đua): communes of the year's blocs that have not registered
are nudged before the province's deadline, at the pre-due steps of the default reminder policy,
inside the same sweep as the other reminders.

Each reminder's outbox key (``reg-rem:<round>:<commune>:<officer>:<step>``) is its once-only
guard (``reminders.deadline.queue_once``). Of the steps passed only the latest is sent; quiet
hours move it to the morning; one that would arrive after the deadline is dropped (after it,
registrations are refused, so there is nothing left to remind of).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.outbox import Outgoing
from core.settings import Settings
from core.timespec import Step
from core.types import Reply
from reminders.deadline import queue_once, step_due, sweep_view, to_officers
from store.clock import as_utc, local, vn_datetime
from store.emulation.registrations import commune_names, open_rounds, unregistered_communes
from store.models import RegistrationRound


def reminder_text(rnd: RegistrationRound, commune_name: str, step: Step, at: datetime) -> str:
    due = as_utc(rnd.due_at)
    days_left = (local(due).date() - local(at).date()).days
    lead = "Hôm nay là hạn" if days_left <= 0 else f"Còn {days_left} ngày đến hạn"
    return (f"⏰ {lead} đăng ký thi đua năm {rnd.year} (hạn {vn_datetime(due)}). {commune_name} chưa đăng ký. "
            "Gõ /dangkythidua để đăng ký.")


def plan_registration_reminders(session: Session, now: datetime, settings: Settings) -> list[Outgoing]:
    """The reminders due now for every round still open (not yet de-duplicated)."""
    rounds = open_rounds(session, now)
    if not rounds:
        return []
    sweep = sweep_view(session, now, settings)
    out: list[Outgoing] = []
    for rnd in rounds:
        step = step_due(sweep, as_utc(rnd.due_at))
        if step is None:
            continue
        owing = unregistered_communes(session, rnd.province_code, rnd.year, local(as_utc(rnd.due_at)).date())
        names = commune_names(session, owing)
        for code in owing:
            reply = Reply(text=reminder_text(rnd, names.get(code, str(code)), step, sweep.not_before))
            out += to_officers(sweep, code, reply, f"reg-rem:{rnd.id}:{code}", step)
    return out


def queue_registration_reminders(session: Session, now: datetime, settings: Settings) -> int:
    return queue_once(session, plan_registration_reminders(session, now, settings), now)
