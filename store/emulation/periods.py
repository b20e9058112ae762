"""Scoring periods: a province's round of self-scoring, like a reporting period.

- ``create_scoring_period``: label, table (must have a published version), the bloc date
  (``as_of``), open / due / close, days allowed for explanations.
- ``scoring_status(period, now)``: upcoming / open / overdue (still accepted) / closed, the
  same statuses as reporting periods (``store.reporting.periods.status``).
- ``days_late(period, submitted_at)``: calendar days (Vietnam time) after the due day; 0 on time.
- ``periods_for_commune``: open periods a commune scores in (it is in a bloc on ``as_of``).
- ``scoring_communes`` / ``owing_communes``: who must score, who has not submitted yet.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import as_utc, local
from store.emulation.blocs import blocs_of_year, members_on, membership_on
from store.emulation.tables import latest_published
from store.models import Province, ScoringPeriod, Sheet
from store.reporting.periods import PeriodError, PeriodStatus, status


def create_scoring_period(session: Session, *, province_code: int, year: int, label: str, table_id: str,
                          as_of: date, open_at: datetime, due_at: datetime, close_at: datetime, now: datetime,
                          explain_days: int = 5, created_by: Optional[int] = None) -> ScoringPeriod:
    """Validate and add a scoring period (errors are ``PeriodError``, in Vietnamese)."""
    label = " ".join((label or "").split())
    if not label or len(label) > 200:
        raise PeriodError("Tên đợt chấm điểm cần từ 1 đến 200 ký tự (ví dụ “Chấm điểm thi đua năm 2026”).")
    if not (open_at < due_at <= close_at):
        raise PeriodError("Thời gian không hợp lệ: cần ngày mở < hạn nộp ≤ ngày đóng.")
    if as_of.year != year:
        raise PeriodError(f"Ngày tính khối phải trong năm {year}.")
    if not 1 <= explain_days <= 60:
        raise PeriodError("Số ngày giải trình phải từ 1 đến 60.")
    if session.get(Province, province_code) is None:
        raise PeriodError(f"Không có tỉnh mã {province_code}.")
    if latest_published(session, table_id) is None:
        raise PeriodError(f"Bảng tiêu chí “{table_id}” chưa ban hành (python -m bot criteria publish {table_id}).")
    if not blocs_of_year(session, province_code, year):
        raise PeriodError(f"Tỉnh chưa có khối thi đua năm {year} (python -m bot blocs create …).")
    period = ScoringPeriod(province_code=province_code, year=year, label=label, table_id=table_id, as_of=as_of,
                           open_at=open_at, due_at=due_at, close_at=close_at, explain_days=explain_days,
                           created_at=now, created_by=created_by)
    session.add(period)
    session.flush()
    return period


def scoring_status(period: ScoringPeriod, now: datetime) -> PeriodStatus:
    return status(period, now)


def days_late(period: ScoringPeriod, submitted_at: datetime) -> int:
    """0 when submitted by the due time; else the calendar days past the due day (at least 1)."""
    if as_utc(submitted_at) <= as_utc(period.due_at):
        return 0
    return max(1, (local(as_utc(submitted_at)).date() - local(as_utc(period.due_at)).date()).days)


def periods_for_commune(session: Session, commune_code: int, province_code: int, now: datetime) -> list[ScoringPeriod]:
    """Open periods (open ≤ now < close) of the province in which the commune is in a bloc, soonest due first."""
    periods = session.scalars(select(ScoringPeriod).where(
        ScoringPeriod.province_code == province_code, ScoringPeriod.open_at <= now, ScoringPeriod.close_at > now)
        .order_by(ScoringPeriod.due_at, ScoringPeriod.id))
    return [p for p in periods if membership_on(session, commune_code, p.as_of, p.year) is not None]


def scoring_communes(session: Session, period: ScoringPeriod) -> dict[int, list[int]]:
    """Commune codes per bloc that score in the period (bloc membership on ``as_of``)."""
    blocs = blocs_of_year(session, period.province_code, period.year)
    return members_on(session, [b.id for b in blocs], period.as_of)


def submitted_communes(session: Session, period_id: int) -> set[int]:
    return set(session.scalars(select(Sheet.commune_code).where(Sheet.period_id == period_id,
                                                                Sheet.submitted_at.is_not(None))))


def owing_communes(session: Session, period: ScoringPeriod) -> list[int]:
    """Communes that must score in the period and have not submitted, sorted (for reminders)."""
    done = submitted_communes(session, period.id)
    return sorted({c for codes in scoring_communes(session, period).values() for c in codes} - done)
