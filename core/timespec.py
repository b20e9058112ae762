"""Reminder time specifications: clock times, steps relative to a due time, quiet hours.

Pure values (no database, no settings), parsed once: from settings at start, from the CLI and
from stored per-period policies. A wrong value raises PolicyError naming the bad part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional

from store.clock import VN_TZ, as_utc, local

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
            return cls(parse_hhmm(a), parse_hhmm(b))
        except ValueError:  # PolicyError too: the whole window is named, with an example
            raise PolicyError(f"giờ yên lặng không hợp lệ: “{text}” (ví dụ 21:00-07:00)") from None

    def contains(self, moment: datetime) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        t = local(moment).time()
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself outside quiet hours, else the end of the quiet window."""
        if not self.contains(moment) or self.end is None:  # contains() is False without an end
            return moment
        loc = local(moment)
        end = datetime.combine(loc.date(), self.end, VN_TZ)
        if end <= loc:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)
