"""A province's title catalogue for a year, stored as versions (the typed parts: ``title_spec``).

- ``parse_catalogue_text(text)``: YAML text → checked ``Catalogue`` (``CatalogueError`` lists problems).
- ``load_catalogue(session, province_code, catalogue, now)``: store it; the same content again
  changes nothing ("unchanged"), else a new version ("new"); older versions are kept (a
  registration names the version it was made on).
- ``current_catalogue(session, province_code, year)``: the latest version in force, or None.
- ``catalogue_version(session, province_code, year, version)``: one stored version.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from datetime import datetime
from typing import Any, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.emulation.title_spec import (Catalogue, CatalogueError, DossierDocument, PrereqKind, Prerequisite, Title,
                                        TitleLevel, parse_catalogue)
from store.models import TitleCatalogue

__all__ = ["Catalogue", "CatalogueError", "DossierDocument", "PrereqKind", "Prerequisite", "Title", "TitleLevel",
           "catalogue_of", "catalogue_version", "current_catalogue", "latest_row", "load_catalogue", "parse_catalogue_text"]


def parse_catalogue_text(text: str) -> Catalogue:
    """Parse YAML text and check it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise CatalogueError([f"YAML không đọc được{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    return parse_catalogue(data)


def _plain(definition: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(definition, ensure_ascii=False, default=str))
    return loaded


def _hash(definition: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def latest_row(session: Session, province_code: int, year: int) -> Optional[TitleCatalogue]:
    return session.scalar(select(TitleCatalogue).where(TitleCatalogue.province_code == province_code,
                                                       TitleCatalogue.year == year)
                          .order_by(TitleCatalogue.version.desc()).limit(1))


def load_catalogue(session: Session, province_code: int, catalogue: Catalogue,
                   now: datetime) -> tuple[TitleCatalogue, str]:
    """Store ``catalogue`` for the province; return the row and "new" or "unchanged"."""
    definition = _plain(catalogue.definition)
    digest = _hash(definition)
    last = latest_row(session, province_code, catalogue.year)
    if last is not None and last.content_hash == digest:
        return last, "unchanged"
    row = TitleCatalogue(province_code=province_code, year=catalogue.year,
                         version=(last.version + 1) if last is not None else 1, title=catalogue.title[:300],
                         definition=definition, content_hash=digest, created_at=now)
    session.add(row)
    session.flush()
    return row, "new"


def catalogue_of(row: TitleCatalogue) -> Catalogue:
    """The typed catalogue of a stored version (parsed once per content)."""
    return _parsed(row.content_hash, json.dumps(row.definition, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=64)
def _parsed(digest: str, definition: str) -> Catalogue:
    return parse_catalogue(json.loads(definition))


def current_catalogue(session: Session, province_code: int, year: int) -> Optional[Catalogue]:
    row = latest_row(session, province_code, year)
    return catalogue_of(row) if row is not None else None


def catalogue_version(session: Session, province_code: int, year: int, version: int) -> Optional[Catalogue]:
    row = session.scalar(select(TitleCatalogue).where(TitleCatalogue.province_code == province_code,
                                                      TitleCatalogue.year == year, TitleCatalogue.version == version))
    return catalogue_of(row) if row is not None else None
