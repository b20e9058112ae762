"""What every deadline reminder of the emulation year shares (scoring sheets, registrations,
dossiers): the step of the default policy due now for a deadline, the reminder addressed to a
commune's officers, and queueing each once.

A reminder's outbox key (``<kind>:<what>:<officer>:<step>``) is its once-only guard: a second
sweep, a restart or a second process finds the key and queues nothing. Of the steps passed only
the latest is sent; quiet hours move it to the morning; one that would arrive after its use is
dropped. On Zalo and the console a reminder's button becomes a number on the user's menu
(core.menus), as the report reminders' do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.channels import is_buttonless
from core.menus import number_replies
from core.outbox import Outgoing, enqueue_many
from core.reminder_policy import Policy, default_policy, quiet_hours
from core.settings import Settings
from core.timespec import Step
from core.types import Reply
from reminders.recipients import Recipient, officer_recipients
from store.models import MessageKind, OutboxMessage, User

KEY_BATCH = 2000  # outbox keys looked up per query


@dataclass(frozen=True)
class Sweep:
    """One sweep's view: the policy, when a message may go out (quiet hours), who reads what."""

    now: datetime
    policy: Policy
    not_before: datetime
    recipients: dict[int, list[Recipient]]


def sweep_view(session: Session, now: datetime, settings: Settings) -> Sweep:
    return Sweep(now, default_policy(settings), quiet_hours(settings).next_allowed(now), officer_recipients(session))


def step_due(sweep: Sweep, due: datetime, *, close: Optional[datetime] = None) -> Optional[Step]:
    """The latest step passed for a deadline ``due``, or None (none passed, or it would arrive
    after its use). Without ``close`` only the pre-due steps count, until the deadline; with it
    the overdue steps too, until ``close`` (a sheet is still accepted late)."""
    passed = [s for s, at in sweep.policy.schedule(due) if at <= sweep.now and (close is not None or not s.overdue)]
    if not passed:
        return None
    step = passed[-1]
    until = close if step.overdue and close is not None else due
    return None if sweep.not_before >= until else step


def to_officers(sweep: Sweep, commune_code: int, reply: Reply, key: str, step: Step) -> list[Outgoing]:
    """``reply`` to each officer of the commune, keyed ``<key>:<officer>:<step>``."""
    return [Outgoing(f"{key}:{rec.officer_id}:{step.key}", rec.channel, rec.chat_id, rec.user_id,
                     MessageKind.REMINDER, reply, sweep.not_before)
            for rec in sweep.recipients.get(commune_code, ())]


def queue_once(session: Session, planned: list[Outgoing], now: datetime) -> int:
    """Queue the planned messages whose outbox key is new (the key is the guard); how many were new."""
    have: set[str] = set()
    for i in range(0, len(planned), KEY_BATCH):
        keys = [o.key for o in planned[i:i + KEY_BATCH]]
        have |= set(session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))
    # Only reminders queued now are numbered.
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
