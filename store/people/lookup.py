"""Provinces and communes looked up by code or listed by name, for the chat features."""

from __future__ import annotations

from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Commune, Province


def provinces_by_name(session: Session, codes: Optional[Iterable[int]] = None) -> list[Province]:
    """Provinces ordered by name: all of them, or those with these codes."""
    stmt = select(Province).order_by(Province.name)
    if codes is not None:
        stmt = stmt.where(Province.code.in_(list(codes)))
    return list(session.scalars(stmt))


def province_names(session: Session) -> dict[int, str]:
    """Every province's name by its code."""
    return {code: name for code, name in session.execute(select(Province.code, Province.name)).all()}


def province_name(session: Session, code: int) -> Optional[str]:
    return session.scalar(select(Province.name).where(Province.code == code))


def communes_by_code(session: Session, codes: Iterable[int]) -> list[Commune]:
    return list(session.scalars(select(Commune).where(Commune.code.in_(list(codes)))))
