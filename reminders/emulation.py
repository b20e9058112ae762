"""Reminders for scoring periods: communes that have not submitted their sheet are nudged at
the same steps as reports (the default reminder policy), inside the same sweep.

Each reminder's outbox key (``emu-rem:<period>:<commune>:<officer>:<step>``) is its once-only
guard: a second sweep, a restart or a second process finds the key and queues nothing. Of the
steps passed only the latest is sent; quiet hours move it to the morning, and a step that
would arrive after its use (a pre-due nudge after the due time, an overdue one after close)
is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.callbacks import OpenSheet
from core.channels import is_buttonless
from core.menus import number_replies
from core.outbox import Outgoing, enqueue_many
from core.reminder_policy import default_policy, quiet_hours
from core.settings import Settings
from core.timespec import Step
from core.types import Reply
from reminders.recipients import officer_recipients
from store.clock import as_utc, local, vn_datetime
from store.emulation.periods import owing_communes
from store.models import MessageKind, Commune, OutboxMessage, ScoringPeriod, User


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
    policy, quiet = default_policy(settings), quiet_hours(settings)
    recipients = officer_recipients(session)
    not_before = quiet.next_allowed(now)
    out: list[Outgoing] = []
    for period in periods:
        passed = [(s, at) for s, at in policy.schedule(as_utc(period.due_at)) if at <= now]
        if not passed:
            continue
        step, _at = passed[-1]
        if not_before >= as_utc(period.close_at if step.overdue else period.due_at):
            continue  # it would arrive after its use
        owing = owing_communes(session, period)
        names = {code: name for code, name in session.execute(
            select(Commune.code, Commune.name).where(Commune.code.in_(owing)))}
        for code in owing:
            reply = Reply(text=reminder_text(period, names.get(code, str(code)), step, not_before),
                          buttons=[[OpenSheet(period.id).button("Chấm điểm ngay")]])
            for rec in recipients.get(code, ()):
                key = f"emu-rem:{period.id}:{code}:{rec.officer_id}:{step.key}"
                out.append(Outgoing(key, rec.channel, rec.chat_id, rec.user_id, MessageKind.REMINDER, reply, not_before))
    return out


def queue_scoring_reminders(session: Session, now: datetime, settings: Settings) -> int:
    """Queue the due reminders once each (the outbox key is the guard); how many were new."""
    return queue_once(session, plan_scoring_reminders(session, now, settings), now)


def queue_once(session: Session, planned: list[Outgoing], now: datetime) -> int:
    """Queue the planned messages whose outbox key is new (the key is the guard); how many were new."""
    have: set[str] = set()
    for i in range(0, len(planned), 2000):
        keys = [o.key for o in planned[i:i + 2000]]
        have |= set(session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))
    # On Zalo and the console the button becomes a number on the user's menu (core.menus), as the
    # report reminders' do; only reminders queued now are numbered.
    new = [numbered(session, o, now) for o in planned if o.key not in have]
    enqueue_many(session, new, now=now, skip_existing=False)
    return len(new)


def numbered(session: Session, out: Outgoing, now: datetime) -> Outgoing:
    user = session.get(User, out.user_id) if out.user_id is not None and is_buttonless(out.channel) else None
    if user is None:
        return out
    reply = number_replies(session, user, [(out.key, out.reply)], now, interactive=False,
                           later=out.not_before > now)[0]
    return replace(out, reply=reply)
