"""Drafts, submission with revisions, and the queries supervisors need.

One draft per period and commune, shared by the commune's officers: whoever continues sees
the answers given so far, and the commune ends up with one report. Submitting is idempotent:
the first submission inserts the report (unique per period and commune); a double tap, a
retried update or a second officer finds it there and is told who sent it and when.
Amending (until the period closes) adds a revision and keeps the earlier ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from datetime import datetime
from typing import Any, Optional, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

# Skip logic lives in the pure form engine; re-exported here for the queries and their callers.
from store.forms.engine import effective_answers, missing_required
from store.forms.fields import Field
from store.forms.spec import FormSpec
from store.forms.versions import form_spec, latest_form
from store.models import Commune, Draft, Form, Officer, Period, Report, ReportRevision
from store.reporting.periods import must_report, previous_period


# -- drafts ----------------------------------------------------------------------------
def get_draft(session: Session, period_id: int, commune_code: int, *, lock: bool = False) -> Optional[Draft]:
    stmt = select(Draft).where(Draft.period_id == period_id, Draft.commune_code == commune_code)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def lock_draft(session: Session, draft_id: int) -> Optional[Draft]:
    """The draft, locked for this transaction (officers of one commune may answer at once)."""
    return session.scalar(select(Draft).where(Draft.id == draft_id).with_for_update()
                          .execution_options(populate_existing=True))


def get_report(session: Session, period_id: int, commune_code: int) -> Optional[Report]:
    return session.scalar(select(Report).where(Report.period_id == period_id, Report.commune_code == commune_code))


def start_draft(session: Session, period: Period, commune_code: int, officer_id: Optional[int], now: datetime,
                *, amend: Optional[Report] = None) -> Draft:
    """A new draft (the form's latest version; an amendment keeps the report's version and answers).

    Two officers starting at once get the same draft: the loser of the insert race reads the winner's.
    """
    if amend is not None:
        form_pk, answers, base = amend.form_pk, dict(amend.answers), amend.revision
    else:
        form_row = session.get_one(Form, period.form_pk)
        latest = latest_form(session, form_row.form_id)
        form_pk, answers, base = (latest or form_row).id, {}, None
    draft = Draft(period_id=period.id, commune_code=commune_code, form_pk=form_pk, answers=answers,
                  base_revision=base, started_by=officer_id, updated_by=officer_id, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(draft)
            session.flush()
    except IntegrityError:
        existing = get_draft(session, period.id, commune_code)
        if existing is None:
            raise
        return existing
    return draft


def discard_draft(session: Session, draft_id: int) -> None:
    session.execute(delete(Draft).where(Draft.id == draft_id))


def save_answers(draft: Draft, answers: dict[str, Any], officer_id: Optional[int], now: datetime) -> None:
    """Store the answers a form session produced (a new dict, so the JSON column sees the change)."""
    draft.answers = dict(answers)
    draft.updated_by, draft.updated_at = officer_id, now


_SPECS: dict[tuple[str, int], FormSpec] = {}


def spec_for(session: Session, form_pk: int) -> FormSpec:
    """The typed fields of a stored form version; cached per database (stored versions never change)."""
    key = (str(session.get_bind().engine.url), form_pk)  # an Engine's .engine is itself
    spec = _SPECS.get(key)
    if spec is None:
        spec = form_spec(session.get_one(Form, form_pk))
        if len(_SPECS) > 512:
            _SPECS.clear()
        _SPECS[key] = spec
    return spec


def draft_spec(session: Session, draft: Draft) -> FormSpec:
    return spec_for(session, draft.form_pk)


# -- submission ------------------------------------------------------------------------
class SubmitStatus(StrEnum):
    """How a submission ended."""

    CREATED = "created"  # the commune's first report for the period
    REVISED = "revised"  # a new revision of the report the draft was based on
    ALREADY = "already"  # someone else submitted the first report meanwhile
    CONFLICT = "conflict"  # the report changed since the draft was started
    CLOSED = "closed"  # the period no longer takes reports
    INCOMPLETE = "incomplete"  # required answers are missing


@dataclass
class SubmitResult:
    status: SubmitStatus
    report: Optional[Report] = None
    missing: list[Field] = field(default_factory=list)


def submit(session: Session, draft: Draft, period: Period, officer_id: Optional[int], now: datetime) -> SubmitResult:
    """Turn a draft into the commune's report (or a new revision of it)."""
    if now >= period.close_at:
        return SubmitResult(SubmitStatus.CLOSED, get_report(session, period.id, draft.commune_code))
    spec = draft_spec(session, draft)
    missing = missing_required(spec, draft.answers)
    if missing:
        return SubmitResult(SubmitStatus.INCOMPLETE, missing=missing)
    answers = effective_answers(spec, draft.answers)
    report: Optional[Report]  # a new report, or the one this revises
    if draft.base_revision is None:
        report = Report(period_id=period.id, commune_code=draft.commune_code, form_pk=draft.form_pk, revision=1,
                        answers=answers, submitted_at=now, submitted_by=officer_id, updated_at=now)
        try:
            with session.begin_nested():
                session.add(report)
                session.flush()
                session.add(ReportRevision(report_id=report.id, revision=1, form_pk=draft.form_pk, answers=answers,
                                           submitted_at=now, submitted_by=officer_id))
                session.flush()
        except IntegrityError:
            return SubmitResult(SubmitStatus.ALREADY, get_report(session, period.id, draft.commune_code))
        discard_draft(session, draft.id)
        return SubmitResult(SubmitStatus.CREATED, report)
    report = session.scalar(select(Report).where(Report.period_id == period.id,
                                                 Report.commune_code == draft.commune_code).with_for_update())
    if report is None or report.revision != draft.base_revision:
        return SubmitResult(SubmitStatus.CONFLICT, report)
    new_rev = report.revision + 1
    revise = (update(Report).where(Report.id == report.id, Report.revision == draft.base_revision)
              .values(revision=new_rev, answers=answers, form_pk=draft.form_pk, updated_at=now, submitted_by=officer_id)
              .execution_options(synchronize_session=False))
    # A DML statement gives a CursorResult; Session.execute is typed for SELECTs only.
    done = cast(CursorResult[Any], session.execute(revise))
    if done.rowcount != 1:
        return SubmitResult(SubmitStatus.CONFLICT, report)
    session.add(ReportRevision(report_id=report.id, revision=new_rev, form_pk=draft.form_pk, answers=answers,
                               submitted_at=now, submitted_by=officer_id))
    discard_draft(session, draft.id)
    session.flush()
    session.refresh(report)
    return SubmitResult(SubmitStatus.REVISED, report)


def revisions(session: Session, report_id: int) -> list[ReportRevision]:
    return list(session.scalars(select(ReportRevision).where(ReportRevision.report_id == report_id)
                                .order_by(ReportRevision.revision)))


def previous_values(session: Session, period: Period, commune_code: int) -> dict[str, Any]:
    """The commune's answers in the previous period of the same form ({} if none)."""
    prev = previous_period(session, period)
    if prev is None:
        return {}
    report = get_report(session, prev.id, commune_code)
    return dict(report.answers) if report is not None else {}


# -- photos ----------------------------------------------------------------------------
# -- supervisors' view -------------------------------------------------------------------
@dataclass
class CommuneStatus:
    code: int
    name: str
    province_code: int
    status: str  # on_time, late, missing
    report: Optional[Report] = None
    officers: list[Officer] = field(default_factory=list)


@dataclass
class Summary:
    period: Period
    rows: list[CommuneStatus]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def missing(self) -> list[CommuneStatus]:
        return [r for r in self.rows if r.status == "missing"]


def period_summary(session: Session, period: Period, provinces: Optional[set[int]] = None,
                   *, with_officers: bool = True) -> Summary:
    """Every commune that owes the period (within ``provinces`` if given) with its status."""
    codes = must_report(session, period)
    communes: dict[int, Commune] = {}
    for chunk in _chunks(codes, 900):
        stmt = select(Commune).where(Commune.code.in_(chunk))
        if provinces is not None:
            stmt = stmt.where(Commune.province_code.in_(provinces))
        communes.update((c.code, c) for c in session.scalars(stmt))
    reports = {r.commune_code: r for r in session.scalars(select(Report).where(Report.period_id == period.id))}
    rows: list[CommuneStatus] = []
    for code in codes:
        c = communes.get(code)
        if c is None:
            continue
        r = reports.get(code)
        state = "missing" if r is None else ("on_time" if r.submitted_at <= period.due_at else "late")
        rows.append(CommuneStatus(code, c.name, c.province_code, state, r))
    if with_officers:
        missing = {r.code: r for r in rows if r.status == "missing"}
        for chunk in _chunks(list(missing), 900):
            for o in session.scalars(select(Officer).where(Officer.commune_code.in_(chunk), Officer.active.is_(True))
                                     .order_by(Officer.full_name)):
                if o.commune_code is not None:  # always: officers of these communes were asked for
                    missing[o.commune_code].officers.append(o)
    return Summary(period, rows)


def commune_reports(session: Session, commune_code: int, period_ids: list[int]) -> dict[int, Report]:
    """The commune's submitted reports of these periods, by period."""
    return {r.period_id: r for r in session.scalars(select(Report).where(
        Report.commune_code == commune_code, Report.period_id.in_(period_ids)))}


def report_counts(session: Session, period_ids: list[int]) -> dict[int, int]:
    """How many communes have submitted, by period (periods without any are left out)."""
    return {pid: n for pid, n in session.execute(select(Report.period_id, func.count()).where(
        Report.period_id.in_(period_ids)).group_by(Report.period_id))}


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
