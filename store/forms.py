"""Report forms as data: YAML definitions validated on load and stored as versions.

``parse_form`` checks a definition and names the field and the problem for every error;
``load_form`` stores it as a new version when its content changed (reports keep the version
they were filled in with); ``form_spec`` turns a stored version back into typed fields.
"""

from __future__ import annotations

import difflib
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

from store import relevant as rel
from store.db import transaction
from store.form_fields import FIELD_TYPES, Field, fold
from store.models import Form
from store.vn_numbers import parse_number

if TYPE_CHECKING:
    from store.deps import StoreServices

log = logging.getLogger(__name__)

FIELD_KEYS = {"name", "type", "label", "hint", "required", "min", "max", "choices", "relevant"}
FORM_KEYS = {"id", "version", "title", "description", "fields"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_FORM_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,99}$")
MAX_FIELDS = 60
MAX_CHOICES = 20  # they become buttons


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


def _num(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _check_field(raw: Any, index: int, seen: dict[str, Field], errors: list[str]) -> Optional[Field]:
    where = f"Câu {index + 1}"
    if not isinstance(raw, dict):
        errors.append(f"{where}: phải là một mục có name, type, label")
        return None
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"Câu {index + 1} ({name})"
    before = len(errors)
    if not isinstance(name, str) or not _NAME.match(name):
        errors.append(f"{where}: name phải là chữ thường không dấu, số, gạch dưới, bắt đầu bằng chữ (ví dụ so_hoi_nghi)")
    elif name in seen:
        errors.append(f"{where}: name '{name}' bị trùng với câu {seen[name].index + 1}")
    for key in sorted(set(raw) - FIELD_KEYS):
        guess = difflib.get_close_matches(str(key), FIELD_KEYS, n=1)
        errors.append(f"{where}: khóa lạ '{key}'" + (f" (có phải '{guess[0]}'?)" if guess else ""))
    ftype = raw.get("type")
    kind = FIELD_TYPES.get(ftype) if isinstance(ftype, str) else None
    if kind is None:
        guess = difflib.get_close_matches(str(ftype), FIELD_TYPES, n=1)
        errors.append(f"{where}: type '{ftype}' không hợp lệ; dùng một trong: {', '.join(FIELD_TYPES)}"
                      + (f" (có phải '{guess[0]}'?)" if guess else ""))
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        errors.append(f"{where}: thiếu label (nội dung câu hỏi)")
    hint = raw.get("hint", "")
    if hint is not None and not isinstance(hint, str):
        errors.append(f"{where}: hint phải là chuỗi chữ")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        errors.append(f"{where}: required phải là true hoặc false")
    lo, hi = raw.get("min"), raw.get("max")
    for key, value in (("min", lo), ("max", hi)):
        if value is None:
            continue
        if kind is not None and not kind.allows_range:
            errors.append(f"{where}: {key} chỉ dùng cho câu kiểu integer hoặc decimal")
        elif _num(value) is None:
            errors.append(f"{where}: {key} phải là một số")
        elif ftype == "integer" and float(value) != int(value):
            errors.append(f"{where}: {key} của câu số nguyên phải là số nguyên")
    if _num(lo) is not None and _num(hi) is not None and float(lo) > float(hi):
        errors.append(f"{where}: min ({lo}) lớn hơn max ({hi})")
    choices = raw.get("choices")
    if kind is not None and kind.needs_choices:
        if not isinstance(choices, list) or not choices:
            errors.append(f"{where}: câu {ftype} cần danh sách choices")
        else:
            labels = [str(c).strip() if isinstance(c, (str, int, float)) and not isinstance(c, bool) else "" for c in choices]
            if any(not c for c in labels):
                errors.append(f"{where}: mỗi lựa chọn trong choices phải là chữ, không để trống")
            folded = [fold(c) for c in labels]
            dups = sorted({c for c, k in zip(labels, folded) if c and folded.count(k) > 1})
            if dups:
                errors.append(f"{where}: lựa chọn bị trùng: {', '.join(dups)}")
            if len(labels) > MAX_CHOICES:
                errors.append(f"{where}: nhiều nhất {MAX_CHOICES} lựa chọn (có {len(labels)})")
            if any(len(c) > 100 for c in labels):
                errors.append(f"{where}: lựa chọn dài quá 100 ký tự")
    elif choices is not None and kind is not None:
        errors.append(f"{where}: choices chỉ dùng cho câu select_one hoặc select_multiple")
    node = None
    relevant_text = raw.get("relevant")
    if relevant_text is not None:
        try:
            node = rel.parse(str(relevant_text))
        except rel.ExpressionError as exc:
            errors.append(f"{where}: relevant '{relevant_text}' sai: {exc}")
        else:
            for comp in rel.names(node):
                ref = seen.get(comp.name)
                if comp.name == name:
                    errors.append(f"{where}: relevant không được nhắc chính câu này ('{comp.name}')")
                elif ref is None:
                    errors.append(f"{where}: relevant nhắc '{comp.name}' nhưng không có câu nào trước đó tên như vậy")
                else:
                    _check_comparison(where, comp, ref, errors)
    if len(errors) > before or kind is None:
        return None
    return Field(
        name=name, type=ftype, label=" ".join(label.split()), index=index, hint=(hint or "").strip(),
        required=required, min=_num(lo), max=_num(hi),
        choices=[str(c).strip() for c in choices] if kind.needs_choices else [],
        relevant=str(relevant_text) if relevant_text is not None else None, condition=node,
    )


def _check_comparison(where: str, comp: rel.Comparison, ref: Field, errors: list[str]) -> None:
    kind = ref.kind
    if comp.op not in ("==", "!=") and not kind.ordered:
        errors.append(f"{where}: relevant dùng '{comp.op}' với câu '{ref.name}' kiểu {ref.type}; chỉ dùng == hoặc !=")
    if ref.type == "yesno" and comp.value.lower() not in ("yes", "no", "true", "false"):
        errors.append(f"{where}: relevant so sánh câu có/không '{ref.name}' với '{comp.value}'; dùng yes hoặc no")
    if ref.type in ("select_one", "select_multiple") and fold(comp.value) not in {fold(c) for c in ref.choices}:
        errors.append(f"{where}: relevant so sánh '{ref.name}' với '{comp.value}' không có trong choices")
    if kind.numeric:
        try:
            parse_number(comp.value)
        except ValueError:
            errors.append(f"{where}: relevant so sánh câu số '{ref.name}' với '{comp.value}' không phải số")
    if ref.type in ("photo", "location"):
        errors.append(f"{where}: relevant không dùng được với câu kiểu {ref.type} ('{ref.name}')")


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
            f = _check_field(raw, i, seen, errors)
            if f is not None:
                seen[f.name] = f
                fields.append(f)
    if errors:
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
