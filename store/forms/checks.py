"""Checks of one field of a form definition: every problem names the field and says what is wrong."""

from __future__ import annotations

import difflib
import re
from typing import Any, Optional

from store.forms import relevant as rel
from store.forms.fields import FIELD_TYPES, Field, fold
from store.vn.numbers import parse_number

FIELD_KEYS = {"name", "type", "label", "hint", "required", "min", "max", "choices", "exclusive", "relevant"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_CHOICES = 20  # they become buttons


def _num(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def check_field(raw: Any, index: int, seen: dict[str, Field], errors: list[str]) -> Optional[Field]:
    """One field definition: its problems go to ``errors`` (each naming the field); the typed field if none."""
    where = f"Câu {index + 1}"
    if not isinstance(raw, dict):
        errors.append(f"{where}: phải là một mục có name, type, label")
        return None
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"Câu {index + 1} ({name})"
    before = len(errors)
    ftype = raw.get("type")
    kind = FIELD_TYPES.get(ftype) if isinstance(ftype, str) else None
    _check_keys(raw, where, name, seen, kind, errors)
    _check_range(raw, where, kind, errors)
    choices = _check_choices(raw, where, kind, errors)
    node = _check_relevant(raw, where, name, seen, errors)
    label, hint, lo, hi = raw.get("label"), raw.get("hint", ""), raw.get("min"), raw.get("max")
    # The checks above have put a problem in errors unless name, type and label are text; the
    # isinstance tests repeat that for the type checker.
    if (len(errors) > before or kind is None or not isinstance(name, str) or not isinstance(ftype, str)
            or not isinstance(label, str)):
        return None
    return Field(
        name=name, type=ftype, label=" ".join(label.split()), index=index, hint=(hint or "").strip(),
        required=raw.get("required", True), min=_num(lo), max=_num(hi), choices=choices,
        relevant=str(raw["relevant"]) if raw.get("relevant") is not None else None, condition=node,
        exclusive=[c for c in choices if fold(c) in {fold(str(x)) for x in raw.get("exclusive") or []}],
    )


def _check_keys(raw: dict[str, Any], where: str, name: Any, seen: dict[str, Field], kind: Any,
                errors: list[str]) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        errors.append(f"{where}: name phải là chữ thường không dấu, số, gạch dưới, bắt đầu bằng chữ (ví dụ so_hoi_nghi)")
    elif name in seen:
        errors.append(f"{where}: name '{name}' bị trùng với câu {seen[name].index + 1}")
    for key in sorted(set(raw) - FIELD_KEYS):
        guess = difflib.get_close_matches(str(key), FIELD_KEYS, n=1)
        errors.append(f"{where}: khóa lạ '{key}'" + (f" (có phải '{guess[0]}'?)" if guess else ""))
    ftype = raw.get("type")
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
    if not isinstance(raw.get("required", True), bool):
        errors.append(f"{where}: required phải là true hoặc false")


def _check_range(raw: dict[str, Any], where: str, kind: Any, errors: list[str]) -> None:
    lo, hi = raw.get("min"), raw.get("max")
    for key, value in (("min", lo), ("max", hi)):
        if value is None:
            continue
        if kind is not None and not kind.allows_range:
            errors.append(f"{where}: {key} chỉ dùng cho câu kiểu integer hoặc decimal")
        elif _num(value) is None:
            errors.append(f"{where}: {key} phải là một số")
        elif raw.get("type") == "integer" and float(value) != int(value):
            errors.append(f"{where}: {key} của câu số nguyên phải là số nguyên")
    lo_num, hi_num = _num(lo), _num(hi)
    if lo_num is not None and hi_num is not None and lo_num > hi_num:
        errors.append(f"{where}: min ({lo}) lớn hơn max ({hi})")


def _check_choices(raw: dict[str, Any], where: str, kind: Any, errors: list[str]) -> list[str]:
    """The choice labels of a choice question (and its ``exclusive`` ones checked against them)."""
    choices, ftype = raw.get("choices"), raw.get("type")
    if kind is None or not kind.needs_choices:
        if choices is not None and kind is not None:
            errors.append(f"{where}: choices chỉ dùng cho câu select_one hoặc select_multiple")
        if raw.get("exclusive") is not None and kind is not None:
            errors.append(f"{where}: exclusive chỉ dùng cho câu select_multiple")
        return []
    if not isinstance(choices, list) or not choices:
        errors.append(f"{where}: câu {ftype} cần danh sách choices")
        return []
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
    _check_exclusive(raw.get("exclusive"), where, ftype, set(folded), errors)
    return labels


def _check_exclusive(exclusive: Any, where: str, ftype: Any, folded: set[str], errors: list[str]) -> None:
    if exclusive is None:
        return
    if ftype != "select_multiple":
        errors.append(f"{where}: exclusive chỉ dùng cho câu select_multiple")
    elif not isinstance(exclusive, list) or not exclusive:
        errors.append(f"{where}: exclusive phải là danh sách lựa chọn, ví dụ [Chưa phát hiện]")
    else:
        for item in exclusive:
            if fold(str(item)) not in folded:
                errors.append(f"{where}: exclusive nhắc '{item}' không có trong choices")


def _check_relevant(raw: dict[str, Any], where: str, name: Any, seen: dict[str, Field],
                    errors: list[str]) -> Optional[rel.Node]:
    relevant_text = raw.get("relevant")
    if relevant_text is None:
        return None
    try:
        node = rel.parse(str(relevant_text))
    except rel.ExpressionError as exc:
        errors.append(f"{where}: relevant '{relevant_text}' sai: {exc}")
        return None
    for comp in rel.names(node):
        ref = seen.get(comp.name)
        if comp.name == name:
            errors.append(f"{where}: relevant không được nhắc chính câu này ('{comp.name}')")
        elif ref is None:
            errors.append(f"{where}: relevant nhắc '{comp.name}' nhưng không có câu nào trước đó tên như vậy")
        else:
            _check_comparison(where, comp, ref, errors)
    return node


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
