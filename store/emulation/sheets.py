"""A commune's score sheet: opened once per period, answers saved per step, submitted once.

- ``open_sheet(session, period, commune_code, officer_id, now)``: the commune's sheet (created
  on first use with the table version published then); refused before open, after close, or
  when the commune is in no bloc on the period's bloc date.
- ``save_score``: one criterion scored through the engine and saved at once, the position
  moved to the next unanswered criterion (a restart resumes there); ``set_position`` reopens any.
- ``submit_sheet``: complete and proven → submitted, once (a double tap or a second worker gets
  ``already``); late between due and close (days late kept); refused after close.
- ``evidence_counts``: files per criterion, per sheet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional, Union, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.emulation import engine
from store.emulation.blocs import membership_on
from store.emulation.periods import days_late, scoring_status
from store.emulation.table_spec import TableSpec
from store.emulation.tables import latest_published, spec_by_pk
from store.models import Evidence, ScoringPeriod, Sheet


class SheetState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class OpenStatus(StrEnum):
    OPENED = "opened"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    NOT_IN_BLOC = "not_in_bloc"
    NO_TABLE = "no_table"


class SubmitStatus(StrEnum):
    SUBMITTED = "submitted"
    ALREADY = "already"
    CLOSED = "closed"
    INCOMPLETE = "incomplete"
    EVIDENCE_MISSING = "evidence_missing"


@dataclass(frozen=True)
class SubmitResult:
    status: SubmitStatus
    days_late: int = 0
    codes: list[str] = field(default_factory=list)  # criteria in the way


def get_sheet(session: Session, period_id: int, commune_code: int) -> Optional[Sheet]:
    return session.scalar(select(Sheet).where(Sheet.period_id == period_id, Sheet.commune_code == commune_code))


def open_sheet(session: Session, period: ScoringPeriod, commune_code: int, officer_id: Optional[int],
               now: datetime) -> tuple[OpenStatus, Optional[Sheet]]:
    """The commune's sheet, created on first use; a submitted sheet is returned as it is (to view)."""
    sheet = get_sheet(session, period.id, commune_code)
    state = scoring_status(period, now).code
    if sheet is not None:
        return (OpenStatus.CLOSED if state == "closed" and sheet.submitted_at is None else OpenStatus.OPENED), sheet
    if state == "upcoming":
        return OpenStatus.NOT_OPEN_YET, None
    if state == "closed":
        return OpenStatus.CLOSED, None
    if membership_on(session, commune_code, period.as_of, period.year) is None:
        return OpenStatus.NOT_IN_BLOC, None
    table = latest_published(session, period.table_id)
    if table is None:
        return OpenStatus.NO_TABLE, None
    first = engine.first_code(spec_by_pk(session, table.id))
    sheet = Sheet(period_id=period.id, commune_code=commune_code, table_pk=table.id, state=SheetState.DRAFT.value,
                  answers={}, position=first, started_by=officer_id, updated_by=officer_id, created_at=now,
                  updated_at=now)
    try:
        with session.begin_nested():
            session.add(sheet)
            session.flush()
    except IntegrityError:  # another officer of the commune opened it at the same moment
        return OpenStatus.OPENED, get_sheet(session, period.id, commune_code)
    return OpenStatus.OPENED, sheet


def sheet_spec(session: Session, sheet: Sheet) -> TableSpec:
    return spec_by_pk(session, sheet.table_pk)


def save_score(session: Session, sheet: Sheet, code: str, value: Union[Decimal, bool], officer_id: Optional[int],
               now: datetime, note: str = "") -> engine.Scored:
    """Score one criterion on a draft sheet; saved and moved on when the engine accepts it."""
    if sheet.state != SheetState.DRAFT:
        return engine.Scored(engine.Status.END)
    spec = sheet_spec(session, sheet)
    scored, answers = engine.answer(spec, sheet.answers, code, value, note)
    if scored.status is engine.Status.OK:
        sheet.answers = answers
        sheet.position = engine.next_code(spec, answers, code)
        sheet.updated_by, sheet.updated_at = officer_id, now
        session.flush()
    return scored


def set_position(session: Session, sheet: Sheet, code: Optional[str]) -> bool:
    """Stand on ``code`` (reopening it from the review screen); False for an unknown code."""
    if code is not None and sheet_spec(session, sheet).criterion(code) is None:
        return False
    sheet.position = code
    session.flush()
    return True


def evidence_counts(session: Session, sheet_ids: list[int]) -> dict[int, dict[str, int]]:
    """Evidence files per criterion per sheet (explanation files not counted)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if sheet_ids:
        rows = session.execute(select(Evidence.sheet_id, Evidence.code, func.count()).where(
            Evidence.sheet_id.in_(sheet_ids), Evidence.explanation_id.is_(None)).group_by(Evidence.sheet_id,
                                                                                           Evidence.code))
        for sheet_id, code, n in rows:
            out[sheet_id][code] = int(n)
    return {i: out.get(i, {}) for i in sheet_ids}


def submit_sheet(session: Session, sheet: Sheet, period: ScoringPeriod, officer_id: Optional[int],
                 now: datetime) -> SubmitResult:
    """Submit once: the first call wins, a second (double tap, another worker) gets ALREADY."""
    if sheet.submitted_at is not None:
        return SubmitResult(SubmitStatus.ALREADY, sheet.days_late)
    if scoring_status(period, now).code == "closed":
        return SubmitResult(SubmitStatus.CLOSED)
    spec = sheet_spec(session, sheet)
    check, codes = engine.check_submit(spec, sheet.answers, evidence_counts(session, [sheet.id])[sheet.id])
    if check is engine.Status.INCOMPLETE:
        return SubmitResult(SubmitStatus.INCOMPLETE, codes=codes)
    if check is engine.Status.EVIDENCE_MISSING:
        return SubmitResult(SubmitStatus.EVIDENCE_MISSING, codes=codes)
    late = days_late(period, now)
    stmt = (update(Sheet).where(Sheet.id == sheet.id, Sheet.state == SheetState.DRAFT.value)
            .values(state=SheetState.SUBMITTED.value, submitted_at=now, submitted_by=officer_id, days_late=late,
                    position=None, updated_at=now).execution_options(synchronize_session=False))
    done = cast(CursorResult[Any], session.execute(stmt))
    session.refresh(sheet)
    if done.rowcount != 1:
        return SubmitResult(SubmitStatus.ALREADY, sheet.days_late)
    return SubmitResult(SubmitStatus.SUBMITTED, late)
