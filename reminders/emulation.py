"""Reminders for scoring periods: communes that have not submitted their sheet are nudged at
the same steps as reports (the default reminder policy), inside the same sweep.

Each reminder's outbox key is ``emu-rem:<period>:<commune>:<officer>:<step>``; what the
deadline reminders share (the step due, once-only queueing) is ``reminders/deadline.py``. An
overdue step still goes out until the period closes (a late sheet is accepted until then).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.callbacks import OpenSheet
from core.outbox import Outgoing
from core.settings import Settings
from core.timespec import Step
from core.types import Reply
from reminders.deadline import queue_once, step_due, sweep_view, to_officers
from store.clock import as_utc, local, vn_datetime
from store.emulation.periods import owing_communes
from store.models import Commune, ScoringPeriod


def open_scoring_periods(session: Session, now: datetime) -> list[ScoringPeriod]:
    return list(session.scalars(select(ScoringPeriod).where(ScoringPeriod.open_at <= now,
                                                            ScoringPeriod.close_at > now).order_by(ScoringPeriod.id)))


def reminder_text(period: ScoringPeriod, commune_name: str, step: Step, at: datetime) -> str:
    due = as_utc(period.due_at)
    if step.overdue:
        days = max(1, (local(at).date() - local(due).date()).days)
        return (f"⚠️ Bảng tự chấm điểm thi đua “{period.label}” của {commune_name} đã quá hạn {days} ngày "
                f"(hạn {vn_datetime(due)}). Bot vẫn nhận đến {vn_datetime(period.close_at)}, ghi là nộp trễ.")
    days_left = (local(due).date() - local(at).date()).days
    lead = "Hôm nay là hạn nộp" if days_left <= 0 else f"Còn {days_left} ngày đến hạn nộp"
    return f"⏰ {lead} bảng tự chấm điểm thi đua “{period.label}” (hạn {vn_datetime(due)}). {commune_name} chưa nộp."


def plan_scoring_reminders(session: Session, now: datetime, settings: Settings) -> list[Outgoing]:
    """The reminders due now for every open scoring period (not yet de-duplicated)."""
    periods = open_scoring_periods(session, now)
    if not periods:
        return []
    sweep = sweep_view(session, now, settings)
    out: list[Outgoing] = []
    for period in periods:
        step = step_due(sweep, as_utc(period.due_at), close=as_utc(period.close_at))
        if step is None:
            continue
        owing = owing_communes(session, period)
        names = {code: name for code, name in session.execute(
            select(Commune.code, Commune.name).where(Commune.code.in_(owing)))}
        for code in owing:
            reply = Reply(text=reminder_text(period, names.get(code, str(code)), step, sweep.not_before),
                          buttons=[[OpenSheet(period.id).button("Chấm điểm ngay")]])
            out += to_officers(sweep, code, reply, f"emu-rem:{period.id}:{code}", step)
    return out


def queue_scoring_reminders(session: Session, now: datetime, settings: Settings) -> int:
    """Queue the due reminders once each (the outbox key is the guard); how many were new."""
    return queue_once(session, plan_scoring_reminders(session, now, settings), now)
