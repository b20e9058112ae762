"""Reporting periods: a form, a label, the communes that must report, open / due / close times.

A period names either a province (all its communes must report) or a list of communes
(``PeriodUnit`` rows; they win when present). Officers may fill in from ``open_at`` until
``close_at``; a report submitted after ``due_at`` is late.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional, Protocol

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from store.models import Commune, Form, Period, PeriodUnit, Report


class PeriodError(ValueError):
    """A period that cannot be created; the message (Vietnamese) says why."""


def create_period(session: Session, *, form: Form, label: str, open_at: datetime, due_at: datetime,
                  close_at: datetime, now: datetime, province_code: Optional[int] = None,
                  commune_codes: Iterable[int] = (), created_by: Optional[int] = None) -> Period:
    """Validate and add a period."""
    label = " ".join((label or "").split())
    codes = sorted(set(int(c) for c in commune_codes))
    if not label:
        raise PeriodError("Thiếu tên kỳ báo cáo (ví dụ “6 tháng đầu năm 2026”).")
    if len(label) > 200:
        raise PeriodError("Tên kỳ báo cáo dài quá 200 ký tự.")
    if not (open_at < due_at <= close_at):
        raise PeriodError("Thời gian không hợp lệ: cần ngày mở < hạn nộp ≤ ngày đóng.")
    if province_code is None and not codes:
        raise PeriodError("Cần chọn tỉnh hoặc danh sách xã phải báo cáo.")
    if codes:
        known = set(session.scalars(select(Commune.code).where(Commune.code.in_(codes))))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise PeriodError(f"Không có xã mã {', '.join(map(str, unknown[:10]))}.")
        if province_code is not None:
            outside = session.scalars(select(Commune.code).where(Commune.code.in_(codes),
                                                                 Commune.province_code != province_code)).all()
            if outside:
                raise PeriodError(f"Xã mã {', '.join(map(str, outside[:10]))} không thuộc tỉnh đã chọn.")
    elif province_code is not None and session.scalar(select(Commune.code).where(
            Commune.province_code == province_code).limit(1)) is None:
        raise PeriodError(f"Không có tỉnh mã {province_code} (hoặc tỉnh chưa có danh sách xã).")
    period = Period(label=label, form_pk=form.id, province_code=province_code, open_at=open_at,
                    due_at=due_at, close_at=close_at, created_at=now, created_by=created_by,
                    units=[PeriodUnit(commune_code=c) for c in codes])
    session.add(period)
    session.flush()
    return period


def _owes_clause(commune: Commune) -> ColumnElement[bool]:
    """SQL condition: ``Period`` requires ``commune`` to report."""
    listed = exists().where(PeriodUnit.period_id == Period.id)
    mine = exists().where(PeriodUnit.period_id == Period.id, PeriodUnit.commune_code == commune.code)
    return or_(mine, (~listed) & (Period.province_code == commune.province_code))


def must_report(session: Session, period: Period) -> list[int]:
    """Codes of every commune that must report for ``period`` (submitted or not), sorted."""
    return sorted(required_communes(session, [period])[period.id])


def has_reported(session: Session, period_id: int) -> set[int]:
    """Codes of the communes that have submitted a report for the period."""
    return submitted_communes(session, [period_id])[period_id]


def open_periods(session: Session, now: datetime) -> list[Period]:
    return list(session.scalars(select(Period).where(Period.open_at <= now, Period.close_at > now)
                                .order_by(Period.due_at, Period.id)))


def required_communes(session: Session, periods: list[Period]) -> dict[int, set[int]]:
    """Communes that must report, per period: its units, else its province,
    in a few bulk queries for all periods at once)."""
    ids = [p.id for p in periods]
    out: dict[int, set[int]] = {pid: set() for pid in ids}
    if not ids:
        return out
    for pid, code in session.execute(select(PeriodUnit.period_id, PeriodUnit.commune_code)
                                     .where(PeriodUnit.period_id.in_(ids))):
        out[pid].add(code)
    by_province: Optional[dict[int, set[int]]] = None
    for p in periods:
        if out[p.id]:
            continue
        if by_province is None:
            by_province = defaultdict(set)
            for code, prov in session.execute(select(Commune.code, Commune.province_code)):
                by_province[prov].add(code)
        if p.province_code is not None:
            out[p.id] = set(by_province.get(p.province_code, ()))
    return out


def submitted_communes(session: Session, period_ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {pid: set() for pid in period_ids}
    if period_ids:
        for pid, code in session.execute(select(Report.period_id, Report.commune_code)
                                         .where(Report.period_id.in_(period_ids))):
            out[pid].add(code)
    return out


def owing_communes(session: Session, periods: list[Period]) -> dict[int, set[int]]:
    required = required_communes(session, periods)
    done = submitted_communes(session, [p.id for p in periods])
    return {pid: codes - done[pid] for pid, codes in required.items()}


def periods_for_commune(session: Session, commune: Commune, now: datetime) -> list[Period]:
    """Periods open now (open_at ≤ now < close_at) that ``commune`` must report for, soonest due first."""
    stmt = (select(Period).where(Period.open_at <= now, Period.close_at > now, _owes_clause(commune))
            .order_by(Period.due_at, Period.id))
    return list(session.scalars(stmt))


def commune_calendar(session: Session, commune: Commune, now: datetime,
                     limit: int = 8) -> list[tuple[Period, Optional[Report]]]:
    """Periods not closed yet that ``commune`` must report for, soonest due first, with its report if any."""
    periods = list(session.scalars(select(Period).where(Period.close_at > now, _owes_clause(commune))
                                   .order_by(Period.due_at, Period.id).limit(limit)))
    reports = {r.period_id: r for r in session.scalars(select(Report).where(
        Report.commune_code == commune.code, Report.period_id.in_([p.id for p in periods])))}
    return [(p, reports.get(p.id)) for p in periods]


def commune_owes(session: Session, period: Period, commune: Commune) -> bool:
    return session.scalar(select(Period.id).where(Period.id == period.id, _owes_clause(commune))) is not None


def periods_for_provinces(session: Session, provinces: Optional[set[int]], limit: int = 8) -> list[Period]:
    """Recent periods a supervisor can see (``None``: all, for admins), newest due first.

    A period listing communes is visible when any of them lies in the supervisor's provinces.
    """
    stmt = select(Period).order_by(Period.due_at.desc(), Period.id.desc()).limit(limit)
    if provinces is not None:
        in_listed = exists().where(PeriodUnit.period_id == Period.id, PeriodUnit.commune_code == Commune.code,
                                   Commune.province_code.in_(provinces))
        stmt = stmt.where(or_(Period.province_code.in_(provinces), in_listed))
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class PeriodStatus:
    code: str  # "upcoming", "open", "overdue", "closed"
    label: str


def unclosed_periods(session: Session, now: datetime) -> list[Period]:
    """Periods not closed yet (open or upcoming), the nearest deadline first."""
    return list(session.scalars(select(Period).where(Period.close_at > now).order_by(Period.due_at, Period.id)))


def names_communes_in(session: Session, period_id: int, provinces: set[int]) -> bool:
    """Whether the period's own list of communes names one in these provinces."""
    return session.scalar(select(PeriodUnit.commune_code).join(Commune, Commune.code == PeriodUnit.commune_code)
                          .where(PeriodUnit.period_id == period_id, Commune.province_code.in_(provinces))
                          .limit(1)) is not None


class Windowed(Protocol):
    """Anything with open / due / close times: a reporting period, a scoring period."""

    @property
    def open_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def close_at(self) -> datetime: ...


def status(period: Windowed, now: datetime) -> PeriodStatus:
    if now < period.open_at:
        return PeriodStatus("upcoming", "chưa mở")
    if now >= period.close_at:
        return PeriodStatus("closed", "đã đóng")
    if now > period.due_at:
        return PeriodStatus("overdue", "quá hạn, vẫn nhận")
    return PeriodStatus("open", "đang mở")


def previous_period(session: Session, period: Period) -> Optional[Period]:
    """The latest earlier period with the same form id (for "last period's value")."""
    form_id = session.scalar(select(Form.form_id).where(Form.id == period.form_pk))
    return session.scalar(select(Period).join(Form, Form.id == Period.form_pk)
                          .where(Form.form_id == form_id, Period.due_at < period.due_at, Period.id != period.id)
                          .order_by(Period.due_at.desc()).limit(1))
