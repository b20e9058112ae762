"""Titles history, answered from the records (nominations approved and their decisions), never
from the directives' text.

- ``awards_of(session, commune_code, year)``: the titles a commune was awarded, with decisions.
- ``bloc_leaders(session, bloc)``: the first place of the bloc's published ranking (ties: all).
- ``runs(session, province_code, title_folded, length)``: communes awarded the title in at
  least ``length`` consecutive years, with the years and the decisions.
- ``known_titles``: the titles the records name (for matching a question's words).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.awards.nominations import published_ranking
from store.models import AwardDecision, Bloc, Commune, Nomination
from store.vn.text import fold


@dataclass(frozen=True)
class Award:
    commune_code: int
    commune_name: str
    year: int
    title_name: str
    number: str
    signed_on: date
    level: str


def _awards(session: Session, *conditions: object) -> list[Award]:
    stmt = (select(Nomination.commune_code, Commune.name, Nomination.year, AwardDecision.title_name,
                   AwardDecision.number, AwardDecision.signed_on, AwardDecision.level)
            .join(AwardDecision, AwardDecision.nomination_id == Nomination.id)
            .join(Commune, Commune.code == Nomination.commune_code)
            .where(*conditions)  # type: ignore[arg-type]
            .order_by(Nomination.year, Commune.name, AwardDecision.signed_on))
    return [Award(*row) for row in session.execute(stmt)]


def awards_of(session: Session, commune_code: int, year: Optional[int] = None) -> list[Award]:
    conditions = [Nomination.commune_code == commune_code]
    if year is not None:
        conditions.append(Nomination.year == year)
    return _awards(session, *conditions)


def bloc_leaders(session: Session, bloc: Bloc) -> list[dict[str, object]]:
    ranking = published_ranking(session, bloc)
    if ranking is None:
        return []
    return [row for row in ranking.rows if row.get("place") == 1]


def known_titles(session: Session, province_code: Optional[int] = None) -> dict[str, str]:
    """Folded title name → the name as recorded, for titles with a decision."""
    stmt = select(AwardDecision.title_name).join(Nomination, Nomination.id == AwardDecision.nomination_id).distinct()
    if province_code is not None:
        stmt = stmt.where(Nomination.province_code == province_code)
    return {fold(name): name for name in session.scalars(stmt)}


def runs(session: Session, province_code: Optional[int], title_folded: str, length: int) -> list[list[Award]]:
    """Each commune's longest run of consecutive years awarded the title, when ``length`` or more."""
    conditions = [Nomination.province_code == province_code] if province_code is not None else []
    by_commune: dict[int, list[Award]] = {}
    for award in _awards(session, *conditions):
        if fold(award.title_name) == title_folded:
            by_commune.setdefault(award.commune_code, []).append(award)
    out = []
    for awards in by_commune.values():
        best: list[Award] = []
        current: list[Award] = []
        for award in sorted({a.year: a for a in awards}.values(), key=lambda a: a.year):
            current = current + [award] if current and award.year == current[-1].year + 1 else [award]
            best = current if len(current) > len(best) else best
        if len(best) >= length:
            out.append(best)
    return sorted(out, key=lambda run: run[0].commune_name)


def bloc_named(session: Session, province_code: Optional[int], year: int, typed: str) -> Optional[Bloc]:
    """A bloc of the year by its name as typed (folded), or by its number: “khối 3” is the bloc
    whose name ends in 3 (“Khối thi đua số 3”)."""
    folded = fold(typed)
    number = folded.split()[-1] if folded.split() and folded.split()[-1].isdigit() else None
    stmt = select(Bloc).where(Bloc.year == year).order_by(Bloc.id)
    if province_code is not None:
        stmt = stmt.where(Bloc.province_code == province_code)
    blocs = list(session.scalars(stmt))
    exact = [b for b in blocs if b.folded == folded]
    if exact:
        return exact[0]
    by_number = [b for b in blocs if number is not None and b.folded.split()[-1:] == [number]]
    return by_number[0] if len(by_number) == 1 else None


def titles_held(session: Session, commune_code: int, years: list[int]) -> dict[int, frozenset[str]]:
    """Year → title codes the commune was awarded (a decision recorded), for the eligibility hints."""
    held: dict[int, set[str]] = {}
    rows = session.execute(select(Nomination.year, Nomination.title_code)
                           .join(AwardDecision, AwardDecision.nomination_id == Nomination.id)
                           .where(Nomination.commune_code == commune_code, Nomination.year.in_(years)))
    for year, code in rows:
        held.setdefault(year, set()).add(code)
    return {year: frozenset(codes) for year, codes in held.items()}
