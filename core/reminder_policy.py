"""Reminder policies as data: offsets from the due moment, overdue reminders, quiet hours.

An offset is written the way an office would say it:

- ``-7d@08:00``: seven days before the due day, at 08:00 Asia/Ho_Chi_Minh;
- ``0d@08:00``: on the due day at 08:00;
- ``-90m`` / ``-2h`` / ``-1d``: that long before the exact due time (minutes and hours allowed);
- overdue reminders are ``+1d@08:00``, ``+2d@08:00`` … up to the policy's limit.

The values themselves (Step, QuietHours, clock times) are in core/timespec.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import Settings
from core.timespec import PolicyError, QuietHours, Step, parse_hhmm
from store.clock import as_utc
from store.models import ReminderPolicy


@dataclass(frozen=True)
class Policy:
    """Before / on the due day steps plus daily overdue reminders up to a limit."""

    steps: tuple[Step, ...]
    overdue_time: Optional[time]
    overdue_limit: int

    def all_steps(self) -> tuple[Step, ...]:
        extra: list[Step] = []
        if self.overdue_time is not None:
            extra = [Step(key=f"+{n}d@{self.overdue_time:%H:%M}", days=n, at=self.overdue_time)
                     for n in range(1, self.overdue_limit + 1)]
        return self.steps + tuple(extra)

    def schedule(self, due_at: datetime) -> list[tuple[Step, datetime]]:
        """Every step with its moment, in time order (pre-due steps at or after the due time dropped)."""
        out = []
        for step in self.all_steps():
            at = step.moment(due_at)
            if not step.overdue and at > as_utc(due_at):
                continue  # "0d@08:00" for a period due at 07:00 would fall after the deadline
            if step.overdue and at <= as_utc(due_at):
                continue
            out.append((step, at))
        out.sort(key=lambda pair: pair[1])
        return out


def make_policy(offsets: Iterable[str], overdue_time: Optional[str], overdue_limit: int) -> Policy:
    steps = tuple(Step.parse(o) for o in offsets if o.strip())
    if any(s.overdue for s in steps):
        raise PolicyError("mốc trước hạn không được mang dấu +; nhắc quá hạn đặt bằng giờ và số lần")
    if overdue_limit < 0:
        raise PolicyError("số lần nhắc quá hạn phải ≥ 0")
    return Policy(steps=steps, overdue_time=parse_hhmm(overdue_time) if overdue_time else None,
                  overdue_limit=overdue_limit)


def default_policy(settings: Settings) -> Policy:
    """The deployment's default policy, parsed and checked when the settings were loaded."""
    return Policy(steps=settings.reminder_offsets, overdue_time=settings.reminder_overdue_time,
                  overdue_limit=settings.reminder_overdue_limit)


def policy_from_row(row: ReminderPolicy) -> Policy:
    return make_policy(row.offsets, row.overdue_time, row.overdue_limit)


def policies_for(session: Session, period_ids: Iterable[int], settings: Settings) -> dict[int, Policy]:
    """Each period's policy (its own row, else the defaults), in one query."""
    ids = list(period_ids)
    default = default_policy(settings)
    out = {pid: default for pid in ids}
    if ids:
        for row in session.scalars(select(ReminderPolicy).where(ReminderPolicy.period_id.in_(ids))):
            out[row.period_id] = policy_from_row(row)
    return out


def set_policy(session: Session, period_id: int, offsets: list[str], overdue_time: Optional[str],
               overdue_limit: int, now: datetime) -> Policy:
    """Give a period its own policy (validated first)."""
    policy = make_policy(offsets, overdue_time, overdue_limit)
    row = session.get(ReminderPolicy, period_id)
    canonical = [s.key for s in policy.steps]
    if row is None:
        session.add(ReminderPolicy(period_id=period_id, offsets=canonical, overdue_time=overdue_time,
                                   overdue_limit=overdue_limit, updated_at=now))
    else:
        row.offsets, row.overdue_time, row.overdue_limit, row.updated_at = canonical, overdue_time, overdue_limit, now
    return policy


def quiet_hours(settings: Settings) -> QuietHours:
    return settings.quiet_hours
