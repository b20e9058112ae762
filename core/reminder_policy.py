"""Reminder policies as data: offsets from the due moment, overdue reminders, quiet hours.

An offset is written the way an office would say it:

- ``-7d@08:00``: seven days before the due day, at 08:00 Asia/Ho_Chi_Minh;
- ``0d@08:00``: on the due day at 08:00;
- ``-90m`` / ``-2h`` / ``-1d``: that long before the exact due time (minutes and hours allowed);
- overdue reminders are ``+1d@08:00``, ``+2d@08:00`` … up to the policy's limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import VN_TZ, as_utc, local
from store.models import ReminderPolicy

if TYPE_CHECKING:
    from core.settings import Settings

_DAY_AT = re.compile(r"^([+-]?\d{1,3})d@(\d{1,2}):(\d{2})$")
_SPAN = re.compile(r"^([+-]?\d{1,5})([mhd])$")


class PolicyError(ValueError):
    """A policy written wrongly; the message names the bad part."""


def parse_hhmm(text: str) -> time:
    m = re.match(r"^(\d{1,2}):(\d{2})$", text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise PolicyError(f"giờ không hợp lệ: “{text}” (dạng HH:MM, ví dụ 08:00)")
    return time(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Step:
    """One reminder moment relative to a period's due time."""

    key: str  # canonical text, also the unique key part: "-7d@08:00", "-90m", "+2d@08:00"
    days: Optional[int] = None  # day offset from the due day (local), with ``at``
    at: Optional[time] = None
    minutes: Optional[int] = None  # exact offset from the due moment

    @property
    def overdue(self) -> bool:
        return self.key.startswith("+")

    @classmethod
    def parse(cls, text: str) -> "Step":
        raw = text.strip().replace(" ", "")
        m = _DAY_AT.match(raw)
        if m:
            days, at = int(m.group(1)), parse_hhmm(f"{m.group(2)}:{m.group(3)}")
            return cls(key=f"{days:+d}d@{at:%H:%M}".replace("+0d", "0d"), days=days, at=at)
        m = _SPAN.match(raw)
        if m:
            n, unit = int(m.group(1)), m.group(2)
            minutes = n * {"m": 1, "h": 60, "d": 1440}[unit]
            return cls(key=f"{minutes:+d}m".replace("+0m", "0m"), minutes=minutes)
        raise PolicyError(f"mốc nhắc không hợp lệ: “{text}” (ví dụ -7d@08:00, 0d@08:00, -90m)")

    def moment(self, due_at: datetime) -> datetime:
        """When this step falls for a period due at ``due_at`` (aware UTC)."""
        due_at = as_utc(due_at)
        if self.minutes is not None:
            return due_at + timedelta(minutes=self.minutes)
        day = local(due_at).date() + timedelta(days=self.days or 0)
        return datetime.combine(day, self.at or time(8, 0), VN_TZ).astimezone(due_at.tzinfo)


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


def default_policy(settings: "Settings") -> Policy:
    return make_policy(settings.reminder_offsets.split(","), settings.reminder_overdue_time or None,
                       settings.reminder_overdue_limit)


def policy_from_row(row: ReminderPolicy) -> Policy:
    return make_policy(row.offsets, row.overdue_time, row.overdue_limit)


def policies_for(session: Session, period_ids: Iterable[int], settings: "Settings") -> dict[int, Policy]:
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


@dataclass(frozen=True)
class QuietHours:
    """A nightly window (start > end wraps midnight) in Vietnam time; empty means none."""

    start: Optional[time]
    end: Optional[time]

    @classmethod
    def parse(cls, text: str) -> "QuietHours":
        text = (text or "").strip()
        if not text:
            return cls(None, None)
        try:
            a, b = text.split("-")
        except ValueError:
            raise PolicyError(f"giờ yên lặng không hợp lệ: “{text}” (ví dụ 21:00-07:00)") from None
        return cls(parse_hhmm(a), parse_hhmm(b))

    def contains(self, moment: datetime) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        t = local(moment).time()
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself outside quiet hours, else the end of the quiet window."""
        if not self.contains(moment):
            return moment
        loc = local(moment)
        end = datetime.combine(loc.date(), self.end, VN_TZ)
        if end <= loc:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


def quiet_hours(settings: "Settings") -> QuietHours:
    return QuietHours.parse(settings.quiet_hours)
