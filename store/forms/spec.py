"""Report forms as data: YAML definitions checked into typed fields, with no database.

``parse_form`` checks a definition and names the field and the problem for every error;
storing it as a version (reports keep the version they were filled in with) and turning a
stored version back into typed fields is store.forms.versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

import yaml

from store.forms.checks import check_field
from store.forms.fields import Field

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
