"""A bloc's ranking: computed when its review closes, published by the province, locked after.

- ``load_round`` (everything a period's rankings read, in a few queries), ``rank_bloc``.
- ``bloc_rows(session, period, bloc_ids)``: the live table per bloc (members on the period's
  bloc date; self, bloc and final totals; late days; disputed criteria; evidence files; places
  with ties; communes that did not submit listed last, without a place). Bulk: a province of
  130 communes or the country's 3,321 in a few queries.
- ``close_review``: the leader closes the bloc's review; the table is stored as a new revision.
- ``publish_ranking`` (province), ``reopen_ranking`` (province, with a reason; the review opens
  again and the next close adds a revision).
- ``standing(session, period, commune_code)``: a commune's place (from the stored ranking) and
  its gaps (criteria below their maximum, by final score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.emulation import engine
from store.emulation.blocs import blocs_of_year, members_on, membership_on
from store.emulation.rank import places
from store.emulation.review import SheetScores, latest_ranking, sheet_scores
from store.emulation.sheets import evidence_counts
from store.emulation.table_spec import TableSpec
from store.emulation.tables import spec_by_pk
from store.models import AuditLog, Bloc, Commune, Ranking, ScoringPeriod, Sheet
from store.vn.text import fold


class RankingStatus(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_CLOSED = "not_closed"
    NOT_PUBLISHED = "not_published"
    NO_REASON = "no_reason"


def _text(spec: TableSpec, by_code: dict[str, Decimal]) -> str:
    return engine.decimal_text(engine.totals(spec, by_code).total)


def _row(code: int, name: str, sheet: Optional[Sheet], spec: Optional[TableSpec],
         scores: Optional[SheetScores], files: dict[str, int]) -> dict[str, Any]:
    if sheet is None or sheet.submitted_at is None or spec is None or scores is None:
        return {"commune_code": code, "name": name, "submitted": False, "place": None, "tied": False,
                "self_total": None, "bloc_total": None, "final_total": None, "late_days": 0, "disputed": 0,
                "evidence": 0}
    return {"commune_code": code, "name": name, "submitted": True, "place": None, "tied": False,
            "self_total": _text(spec, scores.self_scores), "bloc_total": _text(spec, scores.bloc),
            "final_total": _text(spec, scores.final), "late_days": sheet.days_late,
            "disputed": len(scores.disputed), "evidence": sum(files.values())}


def _tie_values(spec: Optional[TableSpec], rule: tuple[str, ...], scores: Optional[SheetScores]
                ) -> tuple[Decimal, ...]:
    if spec is None or scores is None:
        return ()
    return tuple(engine.subtotal(spec, scores.final, code) for code in rule)


@dataclass
class Round:
    """Everything a period's rankings and exports read, loaded once in a few queries."""

    members: dict[int, list[int]]  # bloc id → commune codes on the period's bloc date
    sheets: dict[int, Sheet]  # commune code → its submitted sheet
    names: dict[int, str]
    scores: dict[int, SheetScores]  # sheet id → its scores
    files: dict[int, dict[str, int]]  # sheet id → criterion → evidence files
    specs: dict[int, TableSpec]  # table pk → table


def load_round(session: Session, period: ScoringPeriod, bloc_ids: Optional[Iterable[int]] = None) -> Round:
    ids = list(bloc_ids) if bloc_ids is not None else [b.id for b in blocs_of_year(session, period.province_code,
                                                                                 period.year)]
    members = members_on(session, ids, period.as_of)
    codes = {c for cs in members.values() for c in cs}
    sheets = {s.commune_code: s for s in session.scalars(select(Sheet).where(
        Sheet.period_id == period.id, Sheet.submitted_at.is_not(None), Sheet.commune_code.in_(sorted(codes))))
        } if codes else {}
    names: dict[int, str] = {c: n for c, n in session.execute(
        select(Commune.code, Commune.name).where(Commune.code.in_(sorted(codes))))} if codes else {}
    submitted = list(sheets.values())
    return Round(members, sheets, names, sheet_scores(session, submitted),
                 evidence_counts(session, [s.id for s in submitted]),
                 {pk: spec_by_pk(session, pk) for pk in {s.table_pk for s in submitted}})


def bloc_rows(session: Session, period: ScoringPeriod, bloc_ids: Optional[Iterable[int]] = None
              ) -> dict[int, list[dict[str, Any]]]:
    """The live ranking table of each bloc (all the period's blocs when ``bloc_ids`` is None)."""
    data = load_round(session, period, bloc_ids)
    return {bloc_id: rank_bloc(data, bloc_id) for bloc_id in data.members}


def rank_bloc(data: Round, bloc_id: int) -> list[dict[str, Any]]:
    """One bloc's rows: placed best first (ties share a place), communes without a sheet last."""
    codes = data.members[bloc_id]
    rows, keys = [], []
    in_bloc = [data.sheets[c] for c in codes if c in data.sheets]
    # The rule of the newest table version used in the bloc; no rule: ties stay ties.
    newest = max((data.specs[s.table_pk] for s in in_bloc), key=lambda sp: sp.version, default=None)
    rule = newest.tie_break if newest is not None else ()
    for code in codes:
        sheet = data.sheets.get(code)
        spec = data.specs.get(sheet.table_pk) if sheet is not None else None
        got = data.scores.get(sheet.id) if sheet is not None else None
        files = data.files.get(sheet.id, {}) if sheet is not None else {}
        row = _row(code, data.names.get(code, str(code)), sheet, spec, got, files)
        rows.append(row)
        if row["submitted"]:
            keys.append((code, Decimal(row["final_total"]), _tie_values(spec, rule, got)))
    by_code = {r["commune_code"]: r for r in rows}
    for placed in places(keys):
        by_code[placed.key]["place"], by_code[placed.key]["tied"] = placed.place, placed.tied
    return sorted(rows, key=lambda r: (r["place"] is None, r["place"] or 0, fold(r["name"])))


def _audit(session: Session, action: str, period: ScoringPeriod, bloc: Bloc, officer_id: Optional[int],
           now: datetime, **detail: object) -> None:
    session.add(AuditLog(at=now, officer_id=officer_id, action=action, target=f"period:{period.id}:bloc:{bloc.id}",
                         outcome="done", detail={k: str(v) for k, v in detail.items()}))


def close_review(session: Session, period: ScoringPeriod, bloc: Bloc, officer_id: Optional[int],
                 now: datetime) -> tuple[RankingStatus, Optional[Ranking]]:
    """Close the bloc's review and store its ranking (a new revision after a reopen)."""
    last = latest_ranking(session, period.id, bloc.id)
    if last is not None and last.reopened_at is None:
        return RankingStatus.ALREADY, last
    rows = bloc_rows(session, period, [bloc.id])[bloc.id]
    ranking = Ranking(period_id=period.id, bloc_id=bloc.id, revision=(last.revision + 1) if last else 1, rows=rows,
                      closed_at=now, closed_by=officer_id)
    try:
        with session.begin_nested():
            session.add(ranking)
            session.flush()
    except IntegrityError:  # closed by another officer at the same moment
        return RankingStatus.ALREADY, latest_ranking(session, period.id, bloc.id)
    _audit(session, "emulation.review_close", period, bloc, officer_id, now, revision=ranking.revision)
    return RankingStatus.DONE, ranking


def publish_ranking(session: Session, period: ScoringPeriod, bloc: Bloc, officer_id: Optional[int],
                    now: datetime) -> tuple[RankingStatus, Optional[Ranking]]:
    last = latest_ranking(session, period.id, bloc.id)
    if last is None or last.reopened_at is not None:
        return RankingStatus.NOT_CLOSED, last
    if last.published_at is not None:
        return RankingStatus.ALREADY, last
    last.published_at, last.published_by = now, officer_id
    _audit(session, "emulation.ranking_publish", period, bloc, officer_id, now, revision=last.revision)
    session.flush()
    return RankingStatus.DONE, last


def reopen_ranking(session: Session, period: ScoringPeriod, bloc: Bloc, officer_id: Optional[int], reason: str,
                   now: datetime) -> tuple[RankingStatus, Optional[Ranking]]:
    """The province reopens a published ranking, with a reason; the review opens again."""
    reason = " ".join((reason or "").split())
    last = latest_ranking(session, period.id, bloc.id)
    if last is None or last.published_at is None or last.reopened_at is not None:
        return RankingStatus.NOT_PUBLISHED, last
    if len(reason) < 5:
        return RankingStatus.NO_REASON, last
    last.reopened_at, last.reopened_by, last.reopen_reason = now, officer_id, reason[:2000]
    _audit(session, "emulation.ranking_reopen", period, bloc, officer_id, now, revision=last.revision, reason=reason)
    session.flush()
    return RankingStatus.DONE, last


@dataclass(frozen=True)
class Gap:
    code: str
    text: str
    maximum: Decimal
    score: Decimal


@dataclass(frozen=True)
class Standing:
    bloc: Optional[Bloc]
    ranking: Optional[Ranking]  # None: the bloc's review is not closed yet
    row: Optional[dict[str, Any]]
    of: int
    gaps: list[Gap] = field(default_factory=list)


def standing(session: Session, period: ScoringPeriod, commune_code: int) -> Standing:
    """The commune's place in its bloc's stored ranking, and where it fell short of the maximum."""
    member = membership_on(session, commune_code, period.as_of, period.year)
    if member is None:
        return Standing(None, None, None, 0)
    bloc = session.get_one(Bloc, member.bloc_id)
    ranking = latest_ranking(session, period.id, bloc.id)
    if ranking is not None and ranking.reopened_at is not None:
        ranking = None
    row = next((r for r in ranking.rows if r["commune_code"] == commune_code), None) if ranking else None
    sheet = session.scalar(select(Sheet).where(Sheet.period_id == period.id, Sheet.commune_code == commune_code))
    gaps: list[Gap] = []
    if sheet is not None and sheet.submitted_at is not None:
        spec = spec_by_pk(session, sheet.table_pk)
        final = sheet_scores(session, [sheet])[sheet.id].final
        gaps = [Gap(c.code, c.text, c.max, final[c.code]) for c in spec.criteria
                if c.code in final and final[c.code] < c.max]
    return Standing(bloc, ranking, row, len(ranking.rows) if ranking else 0, gaps)
