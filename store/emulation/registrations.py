"""Đăng ký thi đua: a commune's titles and targets for the year, versions kept, by the province's deadline.

- ``set_deadline(session, province_code, year, due_at, now)``: the province's deadline (changeable).
- ``submit_registration(...)``: a new version (1, 2, …) of the commune's registration; refused
  (``RegistrationError`` with a ``RegStatus``) after the deadline, without a catalogue, with a
  title not in the catalogue, or with no title. Nothing is overwritten.
- ``latest_registration`` / ``versions_of``: the version in force, and every version.
- ``registrations_of(session, province_code, year, communes)``: the latest per commune.
- ``expected_communes`` / ``unregistered_communes``: communes in the year's blocs, and those with no
  registration (for the lists and the reminders).
- ``registered_for(session, commune_code, year, title_code)``: an eligibility fact for nominations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.clock import as_utc
from store.emulation.blocs import blocs_of_year, members_on
from store.emulation.targets import MAX_TARGETS, Target
from store.emulation.titles import catalogue_of, latest_row
from store.files.report_photos import StoredPhoto
from store.models import Commune, Registration, RegistrationRound


class RegStatus(Enum):
    OK = "ok"
    NO_DEADLINE = "no_deadline"  # the province has not opened registration for the year
    CLOSED = "closed"  # after the deadline
    NO_CATALOGUE = "no_catalogue"
    UNKNOWN_TITLE = "unknown_title"
    NO_TITLE = "no_title"
    TOO_MANY_TARGETS = "too_many_targets"


class RegistrationError(ValueError):
    def __init__(self, status: RegStatus) -> None:
        super().__init__(status.value)
        self.status = status


@dataclass(frozen=True)
class Window:
    """What a commune may do for a year now: the deadline and whether it is still open."""

    status: RegStatus  # OK, NO_DEADLINE, CLOSED or NO_CATALOGUE
    due_at: Optional[datetime]
    catalogue_version: int = 0


def set_deadline(session: Session, province_code: int, year: int, due_at: datetime, now: datetime) -> RegistrationRound:
    row = round_of(session, province_code, year)
    if row is None:
        row = RegistrationRound(province_code=province_code, year=year, due_at=due_at, created_at=now, updated_at=now)
        session.add(row)
    else:
        row.due_at, row.updated_at = due_at, now
    session.flush()
    return row


def round_of(session: Session, province_code: int, year: int) -> Optional[RegistrationRound]:
    return session.scalar(select(RegistrationRound).where(RegistrationRound.province_code == province_code,
                                                          RegistrationRound.year == year))


def open_rounds(session: Session, now: datetime) -> list[RegistrationRound]:
    """Rounds whose deadline has not passed (the reminder sweep's input)."""
    return list(session.scalars(select(RegistrationRound).where(RegistrationRound.due_at > now)
                                .order_by(RegistrationRound.id)))


def round_provinces(session: Session) -> set[int]:
    """Every province that has set a registration deadline (an administrator sees them all)."""
    return set(session.scalars(select(RegistrationRound.province_code).distinct()))


def current_round(session: Session, province_code: int, now: datetime) -> Optional[RegistrationRound]:
    """The round a commune registers in now: the earliest year still open, else the latest year."""
    rounds = list(session.scalars(select(RegistrationRound).where(RegistrationRound.province_code == province_code)
                                  .order_by(RegistrationRound.year)))
    still_open = [r for r in rounds if as_utc(r.due_at) >= as_utc(now)]
    return still_open[0] if still_open else (rounds[-1] if rounds else None)


def window(session: Session, province_code: int, year: int, now: datetime) -> Window:
    rnd = round_of(session, province_code, year)
    if rnd is None:
        return Window(RegStatus.NO_DEADLINE, None)
    if as_utc(now) > as_utc(rnd.due_at):  # due_at itself still counts
        return Window(RegStatus.CLOSED, rnd.due_at)
    row = latest_row(session, province_code, year)
    if row is None:
        return Window(RegStatus.NO_CATALOGUE, rnd.due_at)
    return Window(RegStatus.OK, rnd.due_at, row.version)


def latest_registration(session: Session, commune_code: int, year: int) -> Optional[Registration]:
    return session.scalar(select(Registration).where(Registration.commune_code == commune_code,
                                                     Registration.year == year)
                          .order_by(Registration.version.desc()).limit(1))


def versions_of(session: Session, commune_code: int, year: int) -> list[Registration]:
    return list(session.scalars(select(Registration).where(Registration.commune_code == commune_code,
                                                           Registration.year == year).order_by(Registration.version)))


def submit_registration(session: Session, *, province_code: int, year: int, commune_code: int, titles: list[str],
                        targets: list[Target], signed: StoredPhoto, channel_file_id: str = "",
                        officer_id: Optional[int], now: datetime) -> Registration:
    """Add the next version of the commune's registration (checks in ``RegStatus`` order)."""
    win = window(session, province_code, year, now)
    if win.status is not RegStatus.OK:
        raise RegistrationError(win.status)
    row = latest_row(session, province_code, year)
    known = {t.code for t in catalogue_of(row).titles} if row is not None else set()
    chosen = list(dict.fromkeys(titles))
    if not chosen:
        raise RegistrationError(RegStatus.NO_TITLE)
    if any(code not in known for code in chosen):
        raise RegistrationError(RegStatus.UNKNOWN_TITLE)
    if len(targets) > MAX_TARGETS:
        raise RegistrationError(RegStatus.TOO_MANY_TARGETS)
    # Two officers of one commune sending at once take turns on the commune's row: versions 1 and
    # 2, never two version 1 (the unique key would refuse the second anyway).
    session.get(Commune, commune_code, with_for_update=True)
    last = latest_registration(session, commune_code, year)
    reg = Registration(province_code=province_code, year=year, commune_code=commune_code,
                       version=(last.version + 1) if last is not None else 1, catalogue_version=win.catalogue_version,
                       titles=chosen, targets=[t.to_dict() for t in targets], path=signed.rel_path,
                       channel_file_id=channel_file_id[:200], mime_type=signed.mime_type, size=signed.size,
                       sha256=signed.sha256, submitted_at=now, submitted_by=officer_id)
    session.add(reg)
    session.flush()
    return reg


def registrations_of(session: Session, province_code: int, year: int,
                     communes: Optional[Iterable[int]] = None) -> dict[int, Registration]:
    """The latest registration per commune of the province for the year (only ``communes`` when given)."""
    newest = (select(Registration.commune_code, func.max(Registration.version).label("v"))
              .where(Registration.province_code == province_code, Registration.year == year)
              .group_by(Registration.commune_code).subquery())
    stmt = select(Registration).join(newest, (Registration.commune_code == newest.c.commune_code)
                                     & (Registration.version == newest.c.v)).where(Registration.year == year)
    rows = {r.commune_code: r for r in session.scalars(stmt)}
    if communes is None:
        return rows
    wanted = set(communes)
    return {code: r for code, r in rows.items() if code in wanted}


def expected_communes(session: Session, province_code: int, year: int, on: date) -> dict[int, list[int]]:
    """Commune codes per bloc id expected to register (bloc membership on ``on``)."""
    blocs = blocs_of_year(session, province_code, year)
    return members_on(session, [b.id for b in blocs], on)


def unregistered_communes(session: Session, province_code: int, year: int, on: date) -> list[int]:
    expected = {c for codes in expected_communes(session, province_code, year, on).values() for c in codes}
    return sorted(expected - set(registrations_of(session, province_code, year, expected)))


def registered_for(session: Session, commune_code: int, year: int, title_code: str) -> bool:
    """Whether the commune's registration in force for the year names the title."""
    reg = latest_registration(session, commune_code, year)
    return reg is not None and title_code in (reg.titles or [])


def commune_names(session: Session, codes: Iterable[int]) -> dict[int, str]:
    wanted = list(codes)
    if not wanted:
        return {}
    return {code: name for code, name in session.execute(select(Commune.code, Commune.name)
                                                         .where(Commune.code.in_(wanted)))}
