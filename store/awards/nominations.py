"""Nominations and their dossiers in the database: propose, add documents, send, appraise.

- ``published_ranking(session, bloc)``: the bloc's ranking of its year that the province
  published (the latest period's; None while none is).
- ``propose``: the bloc leader proposes a commune of the bloc for a title; the checklist is the
  catalogue's documents for the title, copied onto the nomination; one nomination per commune,
  title and year (proposing again returns the one there is).
- ``add_document``: a checked, hashed file for one checklist entry (the same bytes once).
- ``act``: send, return, approve, reject, through the pure ``dossier.move``; each done move is a
  ``NominationEvent`` row and an audit line. The state is re-read under a row lock, so two taps
  or two processes move it once.
- ``council_vote(session, ids_approved, ids_cut, …)``: the council's vote on a list: the kept
  approved, the cut not approved, with the vote as the reason; who was proposed stays recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.awards import dossier
from store.awards.dossier import Action, Moved, State, Status
from store.files.report_photos import StoredPhoto
from store.models import (AuditLog, Bloc, Nomination, NominationDocument, NominationEvent, Ranking,
                          ScoringPeriod)


@dataclass(frozen=True)
class Proposed:
    nomination: Nomination
    new: bool


def published_ranking(session: Session, bloc: Bloc) -> Optional[Ranking]:
    return session.scalar(
        select(Ranking).join(ScoringPeriod, ScoringPeriod.id == Ranking.period_id)
        .where(Ranking.bloc_id == bloc.id, ScoringPeriod.year == bloc.year, Ranking.published_at.is_not(None),
               Ranking.reopened_at.is_(None))
        .order_by(ScoringPeriod.as_of.desc(), Ranking.revision.desc()).limit(1))


def propose(session: Session, *, bloc: Bloc, commune_code: int, title_code: str, title_name: str,
            required: Sequence[Mapping[str, Any]], hints: Sequence[Mapping[str, Any]] = (),
            deadline: Optional[date] = None, ranking: Optional[Ranking] = None, officer_id: Optional[int],
            now: datetime) -> Proposed:
    same = session.scalar(select(Nomination).where(Nomination.year == bloc.year,
                                                   Nomination.commune_code == commune_code,
                                                   Nomination.title_code == title_code))
    if same is not None:
        return Proposed(same, False)
    row = Nomination(province_code=bloc.province_code, year=bloc.year, bloc_id=bloc.id,
                     ranking_id=ranking.id if ranking is not None else None, commune_code=commune_code,
                     title_code=title_code, title_name=title_name,
                     required=[{"code": str(r["code"]), "name": str(r["name"])} for r in required],
                     hints=[dict(h) for h in hints], state=State.DRAFT.value, deadline=deadline,
                     proposed_by=officer_id, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    _event(session, row, State.DRAFT, State.DRAFT, "proposed", officer_id, now)
    return Proposed(row, True)


def documents_of(session: Session, nomination_id: int) -> list[NominationDocument]:
    return list(session.scalars(select(NominationDocument).where(NominationDocument.nomination_id == nomination_id)
                                .order_by(NominationDocument.id)))


def checklist(session: Session, nomination: Nomination) -> list[dossier.Item]:
    return dossier.checklist(nomination.required, [d.doc_code for d in documents_of(session, nomination.id)])


def add_document(session: Session, nomination: Nomination, doc_code: str, stored: StoredPhoto, *,
                 channel_file_id: str = "", officer_id: Optional[int], now: datetime) -> Status:
    """Record a written, checked file against one checklist entry; the same bytes twice are one row."""
    locked = _locked(session, nomination.id)
    status = dossier.check_document(State(locked.state), locked.required, doc_code)
    if status is not Status.OK:
        return status
    same = session.scalar(select(NominationDocument.id).where(NominationDocument.nomination_id == locked.id,
                                                              NominationDocument.doc_code == doc_code,
                                                              NominationDocument.sha256 == stored.sha256))
    if same is None:
        session.add(NominationDocument(nomination_id=locked.id, doc_code=doc_code, path=stored.rel_path,
                                       channel_file_id=channel_file_id[:200], mime_type=stored.mime_type,
                                       size=stored.size, sha256=stored.sha256, uploaded_by=officer_id,
                                       created_at=now))
        locked.updated_at = now
        session.flush()
    return Status.OK


def act(session: Session, nomination_id: int, action: Action, *, reason: str = "", expected: Optional[int] = None,
        officer_id: Optional[int], now: datetime) -> Moved:
    """Move a nomination; the move is decided on the row as it is now, under a lock. ``expected``:
    the version a button was shown at; a dossier moved since is STALE (never approved by it)."""
    row = _locked(session, nomination_id)
    if expected is not None and expected != version_of(session, row.id):
        return Moved(Status.STALE)
    uploaded = [d.doc_code for d in documents_of(session, row.id)]
    before = State(row.state)
    moved = dossier.move(before, action, reason=reason, required=row.required, uploaded=uploaded)
    if moved.status is Status.OK and moved.state is not None:
        row.state = moved.state.value
        row.updated_at = now
        _event(session, row, before, moved.state, reason.strip(), officer_id, now)
    return moved


def council_vote(session: Session, kept: Iterable[int], cut: Iterable[int], *, vote: str,
                 officer_id: Optional[int], now: datetime) -> dict[int, Moved]:
    """The council's vote on a list of sent nominations: ``kept`` approved, ``cut`` not approved.
    Recorded whole or not at all: if any of them cannot move, none does (see the statuses)."""
    kept, cut = list(kept), list(cut)
    if len(vote.strip()) < dossier.MIN_REASON:
        return {nid: Moved(Status.NO_REASON) for nid in [*kept, *cut]}
    savepoint = session.begin_nested()
    out = {nid: act(session, nid, Action.APPROVE, reason=vote, officer_id=officer_id, now=now) for nid in kept}
    out.update({nid: act(session, nid, Action.REJECT, reason=vote, officer_id=officer_id, now=now) for nid in cut})
    if all(m.status is Status.OK for m in out.values()):
        savepoint.commit()
    else:
        savepoint.rollback()
    return out


def version_of(session: Session, nomination_id: int) -> int:
    """How many moves the nomination has made: the version buttons carry."""
    return len(events_of(session, nomination_id))


def events_of(session: Session, nomination_id: int) -> list[NominationEvent]:
    return list(session.scalars(select(NominationEvent).where(NominationEvent.nomination_id == nomination_id)
                                .order_by(NominationEvent.id)))


def last_reason(session: Session, nomination_id: int, state: State) -> str:
    reason = session.scalar(select(NominationEvent.reason).where(NominationEvent.nomination_id == nomination_id,
                                                                 NominationEvent.to_state == state.value)
                            .order_by(NominationEvent.id.desc()).limit(1))
    return reason or ""


def nominations_of(session: Session, *, province_code: Optional[int] = None, year: Optional[int] = None,
                   bloc_id: Optional[int] = None, commune_code: Optional[int] = None,
                   states: Optional[Iterable[State]] = None) -> list[Nomination]:
    stmt = select(Nomination).order_by(Nomination.year, Nomination.bloc_id, Nomination.id)
    if province_code is not None:
        stmt = stmt.where(Nomination.province_code == province_code)
    if year is not None:
        stmt = stmt.where(Nomination.year == year)
    if bloc_id is not None:
        stmt = stmt.where(Nomination.bloc_id == bloc_id)
    if commune_code is not None:
        stmt = stmt.where(Nomination.commune_code == commune_code)
    if states is not None:
        stmt = stmt.where(Nomination.state.in_([s.value for s in states]))
    return list(session.scalars(stmt))


def _locked(session: Session, nomination_id: int) -> Nomination:
    row = session.scalar(select(Nomination).where(Nomination.id == nomination_id).with_for_update()
                         .execution_options(populate_existing=True))
    if row is None:
        raise LookupError(f"nomination {nomination_id}")
    return row


def _event(session: Session, row: Nomination, before: State, after: State, reason: str,
           officer_id: Optional[int], now: datetime) -> None:
    session.add(NominationEvent(nomination_id=row.id, from_state=before.value, to_state=after.value,
                                reason=reason, by_officer=officer_id, at=now))
    session.add(AuditLog(at=now, officer_id=officer_id, action=f"award.{after.value}",
                         target=f"nomination:{row.id}", outcome="done",
                         detail={"from": before.value, "to": after.value, "reason": reason,
                                 "commune": row.commune_code, "title": row.title_code, "year": row.year}))
    session.flush()


def set_deadline(session: Session, province_code: int, year: int, day: date) -> int:
    """The day dossiers are due, on the province's nominations of the year still being prepared."""
    noms = nominations_of(session, province_code=province_code, year=year, states=[State.DRAFT, State.RETURNED])
    for nom in noms:
        nom.deadline = day
    session.flush()
    return len(noms)


def due_dossiers(session: Session, on_or_after: date) -> list[Nomination]:
    """Nominations still being prepared whose dossier is due on or after ``on_or_after``."""
    return list(session.scalars(select(Nomination).where(
        Nomination.deadline.is_not(None), Nomination.deadline >= on_or_after,
        Nomination.state.in_([State.DRAFT.value, State.RETURNED.value])).order_by(Nomination.id)))
