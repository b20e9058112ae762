"""What the bot holds for a nominated commune's báo cáo thành tích (achievement report), gathered
in one read: the commune and year, the title proposed, the registration's titles and targets,
the score and place in the bloc's ranking, the year's submitted progress reports, the earlier
decisions. Figures are words already (Vietnamese numbers ``1.250``, ``12,5``); the layout is
``store.awards.achievement_docx``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.awards.history import Award, awards_of
from store.clock import local, vn_date
from store.emulation.registrations import latest_registration
from store.emulation.targets import Target
from store.emulation.titles import catalogue_version
from store.models import Bloc, Commune, Nomination, Period, Province, Ranking, Report, ScoringPeriod
from store.reporting.reports import spec_for
from store.vn.numbers import format_number

NOT_FIGURES = frozenset({"photo", "location"})  # answers that are files or places, not the year's figures


@dataclass(frozen=True)
class Standing:
    """The commune's place in its bloc's ranking (the one the nomination was made from)."""

    period_label: str
    bloc_name: str
    score: str  # "95,5"
    place: Optional[int]
    tied: bool
    ranked: int  # communes with a place


@dataclass(frozen=True)
class ProgressReport:
    label: str  # the reporting period, "6 tháng đầu năm 2026"
    submitted_on: str
    figures: list[tuple[str, str]]  # (question, answer as words)


@dataclass(frozen=True)
class Achievement:
    commune: str
    province: str
    year: int
    title: str
    registered_titles: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # "Thu ngân sách: 1.250 triệu đồng"
    standing: Optional[Standing] = None
    reports: list[ProgressReport] = field(default_factory=list)
    earlier: list[Award] = field(default_factory=list)  # decisions of earlier years


def _number(text: Any) -> str:
    try:
        return format_number(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return str(text or "")


def _registration(session: Session, nom: Nomination) -> tuple[list[str], list[str]]:
    reg = latest_registration(session, nom.commune_code, nom.year)
    if reg is None:
        return [], []
    catalogue = catalogue_version(session, nom.province_code, nom.year, reg.catalogue_version)
    titles = [(catalogue.get(code) if catalogue else None) for code in reg.titles]
    names = [t.name if t is not None else str(code) for t, code in zip(titles, reg.titles)]
    return names, [Target.from_dict(t).show() for t in reg.targets]


def _standing(session: Session, nom: Nomination) -> Optional[Standing]:
    ranking = session.get(Ranking, nom.ranking_id) if nom.ranking_id is not None else None
    if ranking is None:
        return None
    row = next((r for r in ranking.rows if int(r["commune_code"]) == nom.commune_code), None)
    if row is None or not row.get("submitted"):
        return None
    period = session.get_one(ScoringPeriod, ranking.period_id)
    bloc = session.get_one(Bloc, ranking.bloc_id)
    return Standing(period.label, bloc.name, _number(row.get("final_total")), row.get("place"),
                    bool(row.get("tied")), sum(1 for r in ranking.rows if r.get("place") is not None))


def _reports(session: Session, nom: Nomination) -> list[ProgressReport]:
    rows = session.execute(select(Report, Period).join(Period, Period.id == Report.period_id)
                           .where(Report.commune_code == nom.commune_code).order_by(Period.open_at))
    out = []
    for report, period in rows:
        if local(period.open_at).year != nom.year:
            continue
        spec = spec_for(session, report.form_pk)
        figures = [(f.label, f.kind.format(f, report.answers[f.name])) for f in spec.fields
                   if f.type not in NOT_FIGURES and report.answers.get(f.name) not in (None, "", [])]
        out.append(ProgressReport(period.label, vn_date(report.submitted_at), figures))
    return out


def gather(session: Session, nomination_id: int) -> Achievement:
    """Everything the draft says about the nominated commune (LookupError: no such nomination)."""
    nom = session.get(Nomination, nomination_id)
    if nom is None:
        raise LookupError(f"nomination {nomination_id}")
    commune = session.get_one(Commune, nom.commune_code)
    province = session.get(Province, nom.province_code)
    titles, targets = _registration(session, nom)
    earlier = [a for a in awards_of(session, nom.commune_code) if a.year < nom.year]
    return Achievement(commune=commune.name, province=province.name if province else "", year=nom.year,
                       title=nom.title_name, registered_titles=titles, targets=targets,
                       standing=_standing(session, nom), reports=_reports(session, nom), earlier=earlier)
