"""Report forms as data: YAML definitions validated on load and stored as versions.

``parse_form`` checks a definition and names the field and the problem for every error;
``load_form`` stores it as a new version when its content changed (reports keep the version
they were filled in with); ``form_spec`` turns a stored version back into typed fields.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.db import transaction
from store.forms.checks import check_field
from store.forms.fields import Field
from store.models import Form

if TYPE_CHECKING:
    from store.deps import StoreServices

log = logging.getLogger(__name__)

FORM_KEYS = {"id", "version", "title", "description", "fields"}
_FORM_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,99}$")
MAX_FIELDS = 60


class FormError(ValueError):
    """A form definition with problems; ``errors`` lists each one."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class FormSpec:
    """A validated form: id, version, title and its fields in order."""

    form_id: str
    version: int
    title: str
    fields: list[Field]
    definition: dict[str, Any]

    def field(self, name: str) -> Optional[Field]:
        return self._by_name.get(name)

    def __post_init__(self) -> None:
        self._by_name = {f.name: f for f in self.fields}


def validate_definition(data: Any) -> FormSpec:
    """Check a parsed YAML definition; raise FormError listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise FormError(["Biểu mẫu phải là một mục YAML có id, version, title, fields"])
    for key in sorted(set(data) - FORM_KEYS):
        errors.append(f"Biểu mẫu: khóa lạ '{key}'")
    form_id = data.get("id")
    if not isinstance(form_id, str) or not _FORM_ID.match(form_id):
        errors.append("Biểu mẫu: id phải là chữ thường không dấu, số, gạch ngang (ví dụ thi-dua-6-thang)")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors.append("Biểu mẫu: version phải là số nguyên từ 1")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append("Biểu mẫu: thiếu title")
    raw_fields = data.get("fields")
    fields: list[Field] = []
    if not isinstance(raw_fields, list) or not raw_fields:
        errors.append("Biểu mẫu: fields phải là danh sách câu hỏi, ít nhất một câu")
    else:
        if len(raw_fields) > MAX_FIELDS:
            errors.append(f"Biểu mẫu: nhiều nhất {MAX_FIELDS} câu (có {len(raw_fields)})")
        seen: dict[str, Field] = {}
        for i, raw in enumerate(raw_fields):
            f = check_field(raw, i, seen, errors)
            if f is not None:
                seen[f.name] = f
                fields.append(f)
    # With no error, id and title are text (checked above); the isinstance tests say so to the type checker.
    if errors or not isinstance(form_id, str) or not isinstance(title, str):
        raise FormError(errors)
    return FormSpec(form_id, version, " ".join(title.split()), fields, data)


def parse_form(text: str) -> FormSpec:
    """Parse YAML text and validate it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise FormError([f"YAML không đọc được{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    return validate_definition(data)


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
