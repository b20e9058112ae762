"""Supervisors' daily overdue digest: one message each, once a day, after digest time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.reminder_policy import quiet_hours
from core.settings import Settings
from core.types import Reply
from reminders.recipients import Recipient, supervisor_recipients
from store.clock import as_utc, local, vn_date, vn_datetime
from store.models import Commune, OutboxMessage, Period

MAX_DIGEST_NAMES = 40  # per period, so the digest fits one phone-sized message


def plan_digests(session: Session, now: datetime, settings: Settings, periods: list[Period],
                 owing: dict[int, set[int]]) -> list[tuple[str, Recipient, Reply]]:
    """(outbox key, recipient, digest) for each supervisor not sent today's digest yet."""
    quiet = quiet_hours(settings)
    if settings.digest_time is None or quiet.contains(now) or local(now).time() < settings.digest_time:
        return []
    day = local(now).date()
    # The day's digest covers periods already overdue at digest time (a catch-up after a
    # restart later that day sends the same content, not a second digest).
    digest_at = datetime.combine(day, settings.digest_time, local(now).tzinfo)
    overdue = [p for p in periods if as_utc(p.due_at) <= digest_at and owing.get(p.id)]
    if not overdue:
        return []
    supervisors = supervisor_recipients(session)
    keys = {oid: f"digest:{oid}:{day.isoformat()}" for oid in supervisors}
    if not keys:
        return []
    have = set(session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys.values()))))
    codes = set().union(*(owing[p.id] for p in overdue))
    communes = {c.code: c for c in session.scalars(select(Commune).where(Commune.code.in_(codes)))}
    out = []
    for oid, (officer, rec) in supervisors.items():
        if keys[oid] in have:
            continue
        provinces = {op.province_code for op in officer.provinces}
        text = digest_text(day, overdue, owing, communes, provinces)
        if text is not None:
            out.append((keys[oid], rec, Reply(text=text)))
    return out


def digest_text(day: date, overdue: list[Period], owing: dict[int, set[int]], communes: dict[int, Commune],
                provinces: set[int]) -> Optional[str]:
    """The late communes of ``provinces`` per overdue period; None when none of them is late."""
    blocks = []
    for p in overdue:
        if p.province_code is not None and p.province_code not in provinces:
            continue
        late = sorted((communes[c].name for c in owing[p.id] if c in communes
                       and communes[c].province_code in provinces))
        if not late:
            continue
        shown = "\n".join(f"• {n}" for n in late[:MAX_DIGEST_NAMES])
        more = f"\n… và {len(late) - MAX_DIGEST_NAMES} đơn vị khác" if len(late) > MAX_DIGEST_NAMES else ""
        blocks.append(f"Kỳ “{p.label}” (hạn {vn_datetime(as_utc(p.due_at))}): {len(late)} đơn vị chưa nộp\n{shown}{more}")
    if not blocks:
        return None
    return (f"📋 Tổng hợp quá hạn ngày {vn_date(day)}\n\n" + "\n\n".join(blocks))[:4000]
