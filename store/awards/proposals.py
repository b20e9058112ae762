"""The bloc's proposal of a commune for a title, from the published ranking and the catalogue.

``nominate`` checks what the bot can check (a catalogue for the year with that title, the
bloc's published ranking, the commune a member of it), copies the title's dossier documents
from the catalogue (``store.emulation.titles``, the one catalogue), and computes the
eligibility hints (``store.awards.eligibility``): warnings with their rule and source, never
a refusal. People decide; the bot shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy.orm import Session

from store.awards.eligibility import Facts, hints
from store.awards.history import titles_held
from store.awards.nominations import nominations_of, propose, published_ranking
from store.emulation.registrations import registered_for, round_of
from store.emulation.titles import Title, current_catalogue
from store.models import Bloc, Nomination, Ranking


class ProposeStatus(StrEnum):
    DONE = "done"
    ALREADY = "already"  # this commune is already proposed for this title this year
    NO_CATALOGUE = "no_catalogue"
    UNKNOWN_TITLE = "unknown_title"
    NOT_PUBLISHED = "not_published"
    NOT_RANKED = "not_ranked"  # the commune is not a row of the bloc's published ranking


@dataclass(frozen=True)
class Proposal:
    status: ProposeStatus
    nomination: Optional[Nomination] = None
    hints: list[dict[str, Any]] = field(default_factory=list)


def titles_for(session: Session, bloc: Bloc) -> list[Title]:
    catalogue = current_catalogue(session, bloc.province_code, bloc.year)
    return list(catalogue.titles) if catalogue is not None else []


def place_of(ranking: Ranking, commune_code: int) -> Optional[int]:
    row = next((r for r in ranking.rows if r.get("commune_code") == commune_code), None)
    return None if row is None or row.get("place") is None else int(row["place"])


def facts_of(session: Session, bloc: Bloc, ranking: Ranking, commune_code: int, title: Title) -> Facts:
    years = sorted({bloc.year - k for p in title.prerequisites for k in range(1, (p.years or 0) + 1)})
    registered = (registered_for(session, commune_code, bloc.year, title.code)
                  if round_of(session, bloc.province_code, bloc.year) is not None else None)
    return Facts(registered=registered, place=place_of(ranking, commune_code),
                 earlier=titles_held(session, commune_code, years) if years else {})


def prerequisite_data(title: Title) -> list[dict[str, Any]]:
    return [{"kind": p.kind.value, "source": p.source, "top": p.top, "years": p.years, "title": p.title}
            for p in title.prerequisites]


def nominate(session: Session, bloc: Bloc, commune_code: int, title_code: str, *, deadline: Optional[date] = None,
             officer_id: Optional[int], now: datetime) -> Proposal:
    catalogue = current_catalogue(session, bloc.province_code, bloc.year)
    if catalogue is None:
        return Proposal(ProposeStatus.NO_CATALOGUE)
    title = catalogue.get(title_code)
    if title is None:
        return Proposal(ProposeStatus.UNKNOWN_TITLE)
    ranking = published_ranking(session, bloc)
    if ranking is None:
        return Proposal(ProposeStatus.NOT_PUBLISHED)
    if not any(r.get("commune_code") == commune_code for r in ranking.rows):
        return Proposal(ProposeStatus.NOT_RANKED)
    if deadline is None:  # the province's deadline for the year's dossiers, once it has set one
        deadline = max((n.deadline for n in nominations_of(session, province_code=bloc.province_code, year=bloc.year)
                        if n.deadline is not None), default=None)
    found = hints(title.code, bloc.year, prerequisite_data(title), facts_of(session, bloc, ranking, commune_code, title))
    required = [{"code": d.code, "name": d.name} for d in title.documents]
    made = propose(session, bloc=bloc, commune_code=commune_code, title_code=title.code, title_name=title.name,
                   required=required, hints=found, deadline=deadline, ranking=ranking, officer_id=officer_id, now=now)
    status = ProposeStatus.DONE if made.new else ProposeStatus.ALREADY
    return Proposal(status, made.nomination, list(made.nomination.hints))
