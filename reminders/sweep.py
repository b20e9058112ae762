"""What is due now: reminders and digests computed from the database, enqueued exactly once.

Every planned reminder gets one ``ReminderLog`` row, unique per (period, commune, officer,
step), written in the same transaction as its outbox message: a second sweep, a restart or
a second process finds the row and does nothing. Reminders that fell due while the bot was
down are sent if still useful (a pre-due reminder before the due time) and recorded as
skipped otherwise; of several missed steps only the latest is sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.broadcasts import finish_completed
from core.callbacks import report_button
from core.channels import is_buttonless
from core.menus import number_replies
from core.context import Services
from core.outbox import Outgoing, enqueue_many
from core.reminder_policy import policies_for, quiet_hours
from core.settings import Settings
from core.timespec import QuietHours, Step
from core.types import Reply
from reminders.digest import plan_digests
from reminders.awards import queue_dossier_reminders
from reminders.emulation import queue_scoring_reminders
from reminders.registrations import queue_registration_reminders
from reminders.recipients import Recipient, officer_recipients
from store.clock import as_utc, local, vn_datetime
from store.db import transaction
from store.models import Commune, MessageKind, Period, ReminderLog, User
from store.reporting.periods import open_periods, owing_communes

log = logging.getLogger(__name__)


@dataclass
class Planned:
    """One reminder decision: send (at ``not_before``) or skip (``reason``)."""

    period: Period
    commune_code: int
    recipient: Recipient
    step: Step
    planned_at: datetime
    send: bool
    not_before: Optional[datetime] = None
    reason: str = ""

    @property
    def outbox_key(self) -> str:
        return f"rem:{self.period.id}:{self.commune_code}:{self.recipient.officer_id}:{self.step.key}"


@dataclass
class SweepResult:
    queued: int = 0
    skipped: int = 0
    digests: int = 0
    scoring: int = 0  # scoring-period reminders queued (reminders/emulation.py)
    dossiers: int = 0  # missing-document reminders queued (reminders/awards.py)
    registrations: int = 0  # reminders to register queued (reminders/registrations.py)
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.queued + self.skipped + self.digests


# -- planning --------------------------------------------------------------------
def _decide(period: Period, commune: int, rec: Recipient, passed: list[tuple[Step, datetime]],
            logged: set[str], now: datetime, quiet: QuietHours) -> list[Planned]:
    """Decisions for the passed, unlogged steps of one officer of one commune."""
    due_at, close_at = as_utc(period.due_at), as_utc(period.close_at)
    todo = [(s, at) for s, at in passed if s.key not in logged]
    out: list[Planned] = []
    for group in ([x for x in todo if not x[0].overdue], [x for x in todo if x[0].overdue]):
        if not group:
            continue
        for step, at in group[:-1]:
            out.append(Planned(period, commune, rec, step, at, False, reason="superseded"))
        step, at = group[-1]
        not_before = quiet.next_allowed(now)
        limit = close_at if step.overdue else due_at
        if not_before >= limit:
            out.append(Planned(period, commune, rec, step, at, False, reason="stale"))
        else:
            out.append(Planned(period, commune, rec, step, at, True, not_before=not_before))
    return out


def plan_due(session: Session, now: datetime, settings: Settings, *,
             periods: Optional[list[Period]] = None,
             owing: Optional[dict[int, set[int]]] = None) -> list[Planned]:
    """Every reminder decision due at ``now`` that is not in the log yet (no writes)."""
    periods = open_periods(session, now) if periods is None else periods
    if not periods:
        return []
    policies = policies_for(session, [p.id for p in periods], settings)
    owing = owing_communes(session, periods) if owing is None else owing
    recipients = officer_recipients(session)
    quiet = quiet_hours(settings)
    out: list[Planned] = []
    for period in periods:
        passed = [(s, at) for s, at in policies[period.id].schedule(period.due_at) if at <= now]
        if not passed:
            continue
        frontier = passed[-1][0].key
        # Pairs that already have the latest passed step were fully handled by an earlier sweep.
        done = set(session.execute(select(ReminderLog.commune_code, ReminderLog.officer_id)
                                   .where(ReminderLog.period_id == period.id, ReminderLog.step == frontier)).all())
        pending = [(c, r) for c in sorted(owing.get(period.id, ())) for r in recipients.get(c, ())
                   if (c, r.officer_id) not in done]
        if not pending:
            continue
        earlier: dict[tuple[int, int], set[str]] = defaultdict(set)
        if len(passed) > 1:
            for c, o, step in session.execute(
                    select(ReminderLog.commune_code, ReminderLog.officer_id, ReminderLog.step)
                    .where(ReminderLog.period_id == period.id,
                           ReminderLog.step.in_([s.key for s, _ in passed[:-1]]))):
                earlier[(c, o)].add(step)
        for commune, rec in pending:
            out.extend(_decide(period, commune, rec, passed, earlier.get((commune, rec.officer_id), set()),
                               now, quiet))
    return out


def plan_schedule(session: Session, settings: Settings, now: datetime) -> list[tuple[int, int, int, str, datetime]]:
    """The whole remaining reminder plan of open and future periods: (period, commune, officer, step, when)."""
    periods = list(session.scalars(select(Period).where(Period.close_at > now)))
    policies = policies_for(session, [p.id for p in periods], settings)
    owing = owing_communes(session, periods)
    recipients = officer_recipients(session)
    plan: list[tuple[int, int, int, str, datetime]] = []
    for period in periods:
        schedule = [(s, at) for s, at in policies[period.id].schedule(period.due_at)
                    if at > now and at < as_utc(period.close_at)]
        for commune in owing[period.id]:
            for rec in recipients.get(commune, ()):
                plan.extend((period.id, commune, rec.officer_id, s.key, at) for s, at in schedule)
    return plan


# -- texts -----------------------------------------------------------------------
def _when(moment: datetime) -> str:
    return vn_datetime(moment)


def reminder_text(period: Period, commune_name: str, step: Step, at: datetime) -> str:
    due = as_utc(period.due_at)
    if step.overdue:
        days = max(1, (local(at).date() - local(due).date()).days)
        return (f"⚠️ Báo cáo “{period.label}” của {commune_name} đã quá hạn {days} ngày "
                f"(hạn {_when(due)}).\nAnh/chị vui lòng nộp sớm.")
    left = due - at
    if local(at).date() == local(due).date():
        lead = "Hôm nay là hạn nộp"
    elif left >= timedelta(days=1):
        lead = f"Còn {(local(due).date() - local(at).date()).days} ngày đến hạn nộp"
    else:
        hours = max(1, int(left.total_seconds() // 3600))
        lead = f"Còn khoảng {hours} giờ đến hạn nộp"
    return (f"⏰ {lead} báo cáo “{period.label}” (hạn {_when(due)}).\n"
            f"{commune_name} chưa nộp. Anh/chị bấm nút dưới đây để làm báo cáo.")


def reminder_reply(period: Period, commune_name: str, step: Step, at: datetime) -> Reply:
    return Reply(text=reminder_text(period, commune_name, step, at), buttons=[[report_button(period.id)]])


# -- writing ---------------------------------------------------------------------
def write_plan(session: Session, planned: list[Planned], now: datetime) -> None:
    """Log every decision and queue the sends, in the caller's transaction (bulk inserts)."""
    codes = {p.commune_code for p in planned if p.send}
    names = {c: n for c, n in session.execute(select(Commune.code, Commune.name).where(Commune.code.in_(codes)))}
    logs, outgoing = [], []
    for p in planned:
        key = p.outbox_key if p.send else None
        logs.append({"period_id": p.period.id, "commune_code": p.commune_code, "officer_id": p.recipient.officer_id,
                     "step": p.step.key, "planned_at": p.planned_at, "state": "queued" if p.send else "skipped",
                     "reason": p.reason, "outbox_key": key, "created_at": now})
        if p.send and key is not None and p.not_before is not None:  # (a send always has its moment)
            reply = reminder_reply(p.period, names.get(p.commune_code, f"Xã {p.commune_code}"), p.step, p.not_before)
            if is_buttonless(p.recipient.channel):  # Zalo shows the report button as a number to type
                reply = _numbered(session, p.recipient.user_id, key, reply, now, later=p.not_before > now)
            outgoing.append(Outgoing(key, p.recipient.channel, p.recipient.chat_id, p.recipient.user_id,
                                     MessageKind.REMINDER, reply, p.not_before))
    for i in range(0, len(logs), 2000):
        session.execute(insert(ReminderLog), logs[i:i + 2000])
    # The log's unique key guarantees these outbox keys are new: no per-row lookup needed.
    enqueue_many(session, outgoing, now=now, skip_existing=False)


def _numbered(session: Session, user_id: Optional[int], key: str, reply: Reply, now: datetime, *,
              later: bool) -> Reply:
    """The reminder with its button numbered on the user's menu (core.menus)."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        return reply
    return number_replies(session, user, [(key, reply)], now, interactive=False, later=later)[0]


def run_sweep(services: Services, now: Optional[datetime] = None) -> SweepResult:
    """One sweep: plan what is due at the clock's now, log it and queue it, once."""
    now = now or services.clock.now()
    settings = services.settings
    result = SweepResult()
    try:
        with transaction(services.session_factory) as session:
            periods = open_periods(session, now)
            owing = owing_communes(session, periods)
            planned = plan_due(session, now, settings, periods=periods, owing=owing)
            write_plan(session, planned, now)
            digests = plan_digests(session, now, settings, periods, owing)
            result.scoring = queue_scoring_reminders(session, now, settings)
            result.dossiers = queue_dossier_reminders(session, now, settings)
            result.registrations = queue_registration_reminders(session, now, settings)
            enqueue_many(session, [Outgoing(key, rec.channel, rec.chat_id, rec.user_id, MessageKind.DIGEST, reply, now)
                                   for key, rec, reply in digests], now=now)
    except IntegrityError:
        # Another process swept the same moment first; its rows stand, ours are rolled back.
        log.info("reminder sweep raced with another process; nothing written")
        return result
    for p in planned:
        if p.send:
            result.queued += 1
        else:
            result.skipped += 1
            result.reasons[p.reason] = result.reasons.get(p.reason, 0) + 1
    result.digests = len(digests)
    with transaction(services.session_factory) as session:
        finish_completed(session, now)
    return result
