"""Per-user rate limit: a fixed window counted on the user's row.

Why the database and not memory: the count must survive a restart (a flooder is not freed by
one) and be shared by several workers on one PostgreSQL. The core already writes the user row
in every update's transaction (last_seen_at), and that row lock serialises one user's updates
across workers, so the count costs no extra query and cannot be raced.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import Enum

from core.settings import Settings
from store.models import User

SLOW_DOWN = ("Anh/chị gửi tin nhắn nhanh quá. Bot tạm dừng trả lời anh/chị khoảng {seconds} giây, "
             "sau đó anh/chị gửi lại giúp.")


class Verdict(Enum):
    ALLOWED = "allowed"
    NOTIFY = "notify"  # the first message over the limit: say so once
    SILENT = "silent"  # every later one until the window passes


def count_message(user: User, now: datetime, settings: Settings) -> Verdict:
    """Count one message of ``user`` at ``now`` and say whether it may be handled."""
    window = timedelta(seconds=settings.rate_limit_window_seconds)
    if user.rate_window_start is None or now - user.rate_window_start >= window or now < user.rate_window_start:
        user.rate_window_start, user.rate_count = now, 0
    user.rate_count = (user.rate_count or 0) + 1
    limit = settings.rate_limit_messages
    if user.rate_count <= limit:
        return Verdict.ALLOWED
    return Verdict.NOTIFY if user.rate_count == limit + 1 else Verdict.SILENT


def slow_down_text(user: User, now: datetime, settings: Settings) -> str:
    """The polite notice, with the seconds left in the window."""
    # count_message has opened the window by now; a user never counted has all of it ahead.
    start = user.rate_window_start if user.rate_window_start is not None else now
    end = start + timedelta(seconds=settings.rate_limit_window_seconds)
    return SLOW_DOWN.format(seconds=max(1, math.ceil((end - now).total_seconds())))
