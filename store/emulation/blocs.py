"""Blocs (khối thi đua) of a province's year and their dated memberships.

- ``create_bloc``: a bloc with its leader and deputy communes (both members) and members.
- ``add_members``: communes join a bloc from a date (at most one bloc per commune per day).
- ``move_commune``: a commune leaves its bloc on a date and joins another the same day, so a
  commune moved on 1/7 is in its old bloc on 30/6 and in its new one on 31/12.
- ``set_leaders``: name the leading and deputy communes (members of the bloc).
- ``bloc_of(session, commune, on)``: which bloc a commune is in on a date.
- ``members_on(session, bloc_ids, on)``, ``blocs_of_year``, ``find_bloc`` (id or name, with or
  without diacritics), ``led_blocs`` (the blocs whose leading commune is the given one).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Iterable, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.models import Bloc, BlocMember, Commune
from store.vn.text import fold


class BlocError(ValueError):
    """A bloc change that cannot be made (message in Vietnamese)."""


def _year_start(year: int) -> date:
    return date(year, 1, 1)


def _communes(session: Session, codes: Iterable[int], province_code: int) -> dict[int, Commune]:
    codes = sorted(set(codes))
    found = {c.code: c for c in session.scalars(select(Commune).where(Commune.code.in_(codes)))}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise BlocError(f"không có xã mã {', '.join(map(str, unknown[:10]))}")
    outside = [found[c].name for c in codes if found[c].province_code != province_code]
    if outside:
        raise BlocError(f"{', '.join(outside[:5])} không thuộc tỉnh của khối")
    return found


def create_bloc(session: Session, *, province_code: int, year: int, name: str, leader_code: Optional[int],
                deputy_code: Optional[int] = None, members: Iterable[int] = (), start: Optional[date] = None,
                now: datetime) -> Bloc:
    """Add a bloc; the leader and deputy communes are members too."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise BlocError("tên khối cần từ 1 đến 200 ký tự (ví dụ “Khối thi đua số 1”)")
    if not 2000 <= year <= 2100:
        raise BlocError(f"năm {year} không hợp lệ")
    if session.scalar(select(Bloc.id).where(Bloc.province_code == province_code, Bloc.year == year,
                                            Bloc.folded == fold(name))) is not None:
        raise BlocError(f"đã có khối “{name}” năm {year}")
    if leader_code is not None and leader_code == deputy_code:
        raise BlocError("trưởng khối và phó khối phải là hai xã khác nhau")
    codes = set(members) | {c for c in (leader_code, deputy_code) if c is not None}
    _communes(session, codes, province_code)
    bloc = Bloc(province_code=province_code, year=year, name=name, folded=fold(name), leader_code=leader_code,
                deputy_code=deputy_code, created_at=now)
    session.add(bloc)
    session.flush()
    add_members(session, bloc, codes, start or _year_start(year), now)
    return bloc


def add_members(session: Session, bloc: Bloc, codes: Iterable[int], start: date, now: datetime) -> list[int]:
    """Add communes from ``start``; a commune already in this bloc then is skipped. Returns those added."""
    if start.year != bloc.year:
        raise BlocError(f"ngày vào khối phải trong năm {bloc.year}")
    codes = sorted(set(codes))
    _communes(session, codes, bloc.province_code)
    added = []
    for code in codes:
        current = membership_on(session, code, start, bloc.year)
        if current is not None and current.bloc_id == bloc.id:
            continue
        if current is not None or _later_membership(session, code, start, bloc.year) is not None:
            other = session.get_one(Bloc, current.bloc_id) if current is not None else None
            where = f"“{other.name}”" if other is not None else "một khối khác từ sau ngày đó"
            raise BlocError(f"xã mã {code} đang ở {where}: dùng lệnh chuyển khối (move)")
        session.add(BlocMember(bloc_id=bloc.id, commune_code=code, start=start, end=None, created_at=now))
        added.append(code)
    session.flush()
    return added


def move_commune(session: Session, commune_code: int, to_bloc: Bloc, on: date, now: datetime) -> Optional[Bloc]:
    """Move a commune to ``to_bloc`` from ``on``; returns the bloc it left (None if it had none)."""
    if on.year != to_bloc.year:
        raise BlocError(f"ngày chuyển phải trong năm {to_bloc.year}")
    _communes(session, [commune_code], to_bloc.province_code)
    current = membership_on(session, commune_code, on, to_bloc.year)
    if current is not None and current.bloc_id == to_bloc.id:
        raise BlocError("xã đã ở khối này vào ngày đó")
    left: Optional[Bloc] = None
    if current is not None:
        left = session.get_one(Bloc, current.bloc_id)
        if commune_code in (left.leader_code, left.deputy_code):
            raise BlocError(f"xã đang là trưởng hoặc phó “{left.name}”: đổi trưởng/phó khối trước khi chuyển")
        if current.start >= on:
            session.delete(current)  # moved on the day it joined: the old membership never took effect
        else:
            current.end = on
    if _later_membership(session, commune_code, on, to_bloc.year) is not None:
        raise BlocError("xã đã có lịch vào khối khác sau ngày này")
    session.add(BlocMember(bloc_id=to_bloc.id, commune_code=commune_code, start=on, end=None, created_at=now))
    session.flush()
    return left


def set_leaders(session: Session, bloc: Bloc, leader_code: Optional[int], deputy_code: Optional[int]) -> None:
    """Name the leading and deputy communes (rotated at the year-end review); both must be members."""
    if leader_code is not None and leader_code == deputy_code:
        raise BlocError("trưởng khối và phó khối phải là hai xã khác nhau")
    year_end = date(bloc.year, 12, 31)
    members = set(members_on(session, [bloc.id], year_end)[bloc.id])
    for code in (leader_code, deputy_code):
        if code is not None and code not in members:
            raise BlocError(f"xã mã {code} không ở “{bloc.name}” (thêm xã vào khối trước)")
    bloc.leader_code, bloc.deputy_code = leader_code, deputy_code
    session.flush()


def membership_on(session: Session, commune_code: int, on: date, year: Optional[int] = None) -> Optional[BlocMember]:
    stmt = (select(BlocMember).join(Bloc, Bloc.id == BlocMember.bloc_id)
            .where(BlocMember.commune_code == commune_code, BlocMember.start <= on,
                   or_(BlocMember.end.is_(None), BlocMember.end > on), Bloc.year == (year or on.year))
            .order_by(BlocMember.start.desc()).limit(1))
    return session.scalar(stmt)


def _later_membership(session: Session, commune_code: int, after: date, year: int) -> Optional[BlocMember]:
    return session.scalar(select(BlocMember).join(Bloc, Bloc.id == BlocMember.bloc_id).where(
        BlocMember.commune_code == commune_code, BlocMember.start > after, Bloc.year == year).limit(1))


def bloc_of(session: Session, commune_code: int, on: date) -> Optional[Bloc]:
    """The bloc ``commune_code`` is in on ``on`` (None: in no bloc that day)."""
    member = membership_on(session, commune_code, on)
    return session.get(Bloc, member.bloc_id) if member is not None else None


def members_on(session: Session, bloc_ids: Iterable[int], on: date) -> dict[int, list[int]]:
    """Commune codes per bloc on a date, sorted (every bloc asked for is a key)."""
    ids = list(bloc_ids)
    out: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = session.execute(select(BlocMember.bloc_id, BlocMember.commune_code).where(
            BlocMember.bloc_id.in_(ids), BlocMember.start <= on, or_(BlocMember.end.is_(None), BlocMember.end > on)))
        for bloc_id, code in rows:
            out[bloc_id].append(code)
    return {i: sorted(out.get(i, [])) for i in ids}


def blocs_of_year(session: Session, province_code: Optional[int], year: int) -> list[Bloc]:
    stmt = select(Bloc).where(Bloc.year == year).order_by(Bloc.province_code, Bloc.id)
    if province_code is not None:
        stmt = stmt.where(Bloc.province_code == province_code)
    return list(session.scalars(stmt))


def find_bloc(session: Session, province_code: Optional[int], year: Optional[int], text: str) -> Optional[Bloc]:
    """A bloc by its number (#id or id), or by its name typed with or without diacritics (the
    newest year's when no year is given; None when two provinces have a bloc of that name)."""
    text = (text or "").strip().lstrip("#")
    if text.isdigit():
        bloc = session.get(Bloc, int(text))
        if bloc is not None and (province_code is None or bloc.province_code == province_code):
            return bloc
    stmt = select(Bloc).where(Bloc.folded == fold(text))
    if province_code is not None:
        stmt = stmt.where(Bloc.province_code == province_code)
    if year is not None:
        stmt = stmt.where(Bloc.year == year)
    found = list(session.scalars(stmt.order_by(Bloc.year.desc(), Bloc.id.desc()).limit(2)))
    if len(found) == 2 and (found[0].year, found[0].province_code) == (found[1].year, found[1].province_code):
        return None  # cannot happen within a province (unique name per year); across provinces: ambiguous
    if len(found) == 2 and found[0].province_code != found[1].province_code:
        return None
    return found[0] if found else None  # the newest year's bloc of that name


def led_blocs(session: Session, commune_code: Optional[int], year: Optional[int] = None) -> list[Bloc]:
    """Blocs whose leading commune is ``commune_code`` (its officers review them)."""
    if commune_code is None:
        return []
    stmt = select(Bloc).where(Bloc.leader_code == commune_code)
    if year is not None:
        stmt = stmt.where(Bloc.year == year)
    return list(session.scalars(stmt.order_by(Bloc.year.desc(), Bloc.id)))
