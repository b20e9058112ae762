"""Chat look-ups around score sheets that ``store.emulation.sheets`` does not need itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.emulation.blocs import membership_on
from store.models import ScoringPeriod, Sheet

RECENT = timedelta(days=60)


def last_closed_unsubmitted(session: Session, commune_code: int, province_code: int,
                            now: datetime) -> Optional[ScoringPeriod]:
    """The province's most recently closed period (within 60 days) that the commune scored in and never submitted."""
    periods = session.scalars(select(ScoringPeriod).where(
        ScoringPeriod.province_code == province_code, ScoringPeriod.close_at <= now,
        ScoringPeriod.close_at > now - RECENT).order_by(ScoringPeriod.close_at.desc()))
    for period in periods:
        if membership_on(session, commune_code, period.as_of, period.year) is None:
            continue
        sent = session.scalar(select(Sheet.id).where(Sheet.period_id == period.id, Sheet.commune_code == commune_code,
                                                     Sheet.submitted_at.is_not(None)))
        return None if sent is not None else period
    return None


def recent_periods(session: Session, province_code: int, now: datetime) -> list[ScoringPeriod]:
    """The province's periods opened already and closed less than 60 days ago… or still reviewed:
    every period opened in the last year, newest first (a bloc's review outlasts the scoring window)."""
    return list(session.scalars(select(ScoringPeriod).where(
        ScoringPeriod.province_code == province_code, ScoringPeriod.open_at <= now,
        ScoringPeriod.open_at > now - timedelta(days=400)).order_by(ScoringPeriod.open_at.desc()).limit(6)))


def sheet_ids(session: Session, period_id: int, commune_codes: list[int]) -> dict[int, int]:
    """Sheet id by commune for the period (submitted or not)."""
    if not commune_codes:
        return {}
    rows = session.execute(select(Sheet.commune_code, Sheet.id).where(
        Sheet.period_id == period_id, Sheet.commune_code.in_(commune_codes)))
    return {code: sheet_id for code, sheet_id in rows}
