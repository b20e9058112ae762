"""Stored form versions: loading a definition as a new version when its content changed, the
latest version of a form, and a stored version's typed fields (the database side of store.forms.spec).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.db import transaction
from store.forms.spec import FormSpec, parse_form, validate_definition
from store.models import Form

if TYPE_CHECKING:
    from store.deps import StoreServices

log = logging.getLogger(__name__)


def _hash(definition: dict[str, Any]) -> str:
    body = {k: v for k, v in definition.items() if k != "version"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def load_form(session: Session, text: str, now: datetime) -> tuple[Form, bool]:
    """Validate and store a form; return (the stored version, whether it is new).

    Same content as the latest stored version: nothing changes. Changed content: a new
    version (the YAML's own number when it is higher, else the latest plus one).
    """
    spec = parse_form(text)
    definition = json.loads(json.dumps(spec.definition, ensure_ascii=False, default=str))
    digest = _hash(definition)
    latest = latest_form(session, spec.form_id)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    version = spec.version if latest is None or spec.version > latest.version else latest.version + 1
    definition["version"] = version
    row = Form(form_id=spec.form_id, version=version, title=spec.title, definition=definition,
               content_hash=digest, created_at=now)
    session.add(row)
    session.flush()
    return row, True


def latest_form(session: Session, form_id: str) -> Optional[Form]:
    return session.scalar(select(Form).where(Form.form_id == form_id).order_by(Form.version.desc()).limit(1))


def list_forms(session: Session) -> list[Form]:
    """The latest version of every form."""
    latest = select(Form.form_id, func.max(Form.version).label("v")).group_by(Form.form_id).subquery()
    return list(session.scalars(select(Form).join(latest, (Form.form_id == latest.c.form_id) & (Form.version == latest.c.v))
                                .order_by(Form.form_id)))


_SPEC_CACHE: dict[tuple[int, str], FormSpec] = {}


def form_spec(form: Form) -> FormSpec:
    """The typed fields of a stored version (cached: stored versions never change)."""
    key = (form.id, form.content_hash)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        spec = validate_definition(form.definition)
        if len(_SPEC_CACHE) > 256:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[key] = spec
    return spec


def load_sample_forms(services: "StoreServices") -> None:
    """Start-up step: store the bundled forms (a no-op when unchanged)."""
    settings = services.settings
    if not settings.load_samples:
        return
    folder = Path(settings.sample_dir) / "forms"
    for path in sorted(folder.glob("*.yaml")):
        with transaction(services.session_factory) as session:
            row, created = load_form(session, path.read_text(encoding="utf-8"), services.clock.now())
            if created:
                log.info("loaded form %s version %s from %s", row.form_id, row.version, path.name)
