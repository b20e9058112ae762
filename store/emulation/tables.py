"""Criteria tables stored as versions: load, publish, look up.

- ``parse_table_text(text)``: YAML text → checked ``TableSpec`` (``TableError`` lists problems).
- ``load_table(session, spec, now)``: store it. Same content as the latest version: nothing
  changes. Latest version still a draft: the draft is replaced in place (nobody scores on a
  draft). Latest published: a new draft version (published versions are locked).
- ``publish_table(session, table_id, version, officer_id, now)``: lock a draft; from then on
  new sheets start on it (sheets already started keep their version).
- ``latest_published(session, table_id)``, ``list_tables``, ``table_spec(row)`` (cached).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.emulation.table_spec import TableError, TableSpec, parse_table
from store.models import CriteriaTable


class PublishError(ValueError):
    """A table that cannot be published (message in Vietnamese)."""


def parse_table_text(text: str) -> TableSpec:
    """Parse YAML text and check it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise TableError([f"YAML không đọc được{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    return parse_table(data)


def _hash(definition: dict[str, Any]) -> str:
    body = {k: v for k, v in definition.items() if k != "version"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _plain(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition as JSON can store it (spreadsheet row markers kept: errors name rows later too)."""
    loaded: dict[str, Any] = json.loads(json.dumps(definition, ensure_ascii=False, default=str))
    return loaded


def latest(session: Session, table_id: str) -> Optional[CriteriaTable]:
    return session.scalar(select(CriteriaTable).where(CriteriaTable.table_id == table_id)
                          .order_by(CriteriaTable.version.desc()).limit(1))


def latest_published(session: Session, table_id: str) -> Optional[CriteriaTable]:
    return session.scalar(select(CriteriaTable).where(CriteriaTable.table_id == table_id,
                                                      CriteriaTable.published_at.is_not(None))
                          .order_by(CriteriaTable.version.desc()).limit(1))


def load_table(session: Session, spec: TableSpec, now: datetime) -> tuple[CriteriaTable, str]:
    """Store ``spec``; return the row and what happened: "new", "unchanged" or "replaced" (a draft)."""
    definition = _plain(spec.definition)
    digest = _hash(definition)
    last = latest(session, spec.table_id)
    if last is not None and last.content_hash == digest:
        return last, "unchanged"
    if last is not None and last.published_at is None:
        last.definition, last.content_hash, last.title = definition, digest, spec.title
        last.legal_basis, last.created_at = spec.legal_basis[:300], now
        session.flush()
        return last, "replaced"
    version = max(spec.version, (last.version + 1) if last is not None else 1)
    row = CriteriaTable(table_id=spec.table_id, version=version, title=spec.title[:300],
                        legal_basis=spec.legal_basis[:300], definition=definition, content_hash=digest,
                        created_at=now)
    session.add(row)
    session.flush()
    return row, "new"


def publish_table(session: Session, table_id: str, version: Optional[int], officer_id: Optional[int],
                  now: datetime) -> CriteriaTable:
    """Publish a draft version (the latest when ``version`` is None); publishing twice is refused."""
    stmt = select(CriteriaTable).where(CriteriaTable.table_id == table_id)
    row = session.scalar(stmt.where(CriteriaTable.version == version) if version is not None
                         else stmt.order_by(CriteriaTable.version.desc()).limit(1))
    if row is None:
        raise PublishError(f"không có bảng tiêu chí “{table_id}”" + (f" phiên bản {version}" if version else ""))
    if row.published_at is not None:
        raise PublishError(f"bảng “{table_id}” phiên bản {row.version} đã ban hành từ trước, không đổi được")
    newer = latest_published(session, table_id)
    if newer is not None and newer.version > row.version:
        raise PublishError(f"đã ban hành phiên bản {newer.version}, mới hơn phiên bản {row.version}")
    row.published_at, row.published_by = now, officer_id
    session.flush()
    return row


def list_tables(session: Session) -> list[CriteriaTable]:
    return list(session.scalars(select(CriteriaTable).order_by(CriteriaTable.table_id, CriteriaTable.version)))


SPECS_KEPT = 64
_specs: dict[tuple[str, int], TableSpec] = {}


def table_spec(row: CriteriaTable) -> TableSpec:
    """The typed table of a stored version, parsed once per content.

    Keyed by the stored content hash (written with every definition, ``load_table``) and the
    version: a scoring step asks for the table several times, and serialising a 40-criterion
    definition to build a key cost more than the step's own work."""
    key = (row.content_hash, row.version)
    spec = _specs.get(key)
    if spec is None:
        data = json.loads(json.dumps(row.definition))  # parse_table may keep or change parts of it
        data["version"] = row.version
        spec = parse_table(data)
        if len(_specs) >= SPECS_KEPT:
            del _specs[next(iter(_specs))]  # the oldest
        _specs[key] = spec
    return spec


def spec_by_pk(session: Session, table_pk: int) -> TableSpec:
    return table_spec(session.get_one(CriteriaTable, table_pk))
