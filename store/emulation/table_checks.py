"""Checks for one criterion of a criteria table, and the small readers they share; pure.

Each problem is recorded with where it is ("Tiêu chí 2.3 (dòng 14)") so a province officer can
fix the file at once; numbers may be written the Vietnamese way ("12,5") in spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional

from store.vn.numbers import NumberFormatError, parse_number
from store.vn.text import fold

CRITERION_KEYS = {"code", "text", "max", "kind", "evidence", "basis", "hint", "limit", "target", "unit",
                  "formula", "per", "steps", "row"}
MAX_TEXT = 1000
YES_WORDS = {"co", "yes", "x", "true", "1", "bat buoc", "can"}
NO_WORDS = {"khong", "no", "false", "0", ""}


class Kind(StrEnum):
    POINTS = "points"  # 0..max, typed by the commune
    QUANTITY = "quantity"  # a quantity typed, the score computed by the formula
    YESNO = "yesno"  # đạt: max, không đạt: 0
    BONUS = "bonus"  # 0..max, outside the base total (capped by its group)
    PENALTY = "penalty"  # a deduction 0..limit, outside the base total


class Formula(StrEnum):
    RATIO = "ratio"  # max × value / target, at most max
    PER_UNIT = "per_unit"  # per × value, at most max
    DEDUCT_PER_UNIT = "deduct_per_unit"  # max − per × value, at least 0
    STEPS = "steps"  # the score of the highest threshold reached


@dataclass
class Problems:
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.errors.append(f"{where}: {problem}")


def code_of(value: Any) -> str:
    """A code as text: 2 → "2", 2.3 → "2.3", " II " → "II"."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().rstrip(".")


def number(value: Any, problems: Problems, where: str, name: str, *, positive: bool = False,
           optional: bool = False) -> Optional[Decimal]:
    """A number from YAML (int/float) or a spreadsheet cell ("12,5"); None with a problem noted."""
    if value is None or value == "":
        if not optional:
            problems.add(where, f"thiếu {name}")
        return None
    try:
        if isinstance(value, bool):
            raise NumberFormatError(str(value))
        result = Decimal(str(value)) if isinstance(value, (int, float)) else parse_number(str(value))[0]
    except (NumberFormatError, ArithmeticError):
        problems.add(where, f"{name} phải là một số (không phải “{value}”)")
        return None
    if result < 0 or (positive and result == 0):
        problems.add(where, f"{name} phải lớn hơn 0" if positive else f"{name} không được âm")
        return None
    return result


def flag(value: Any, problems: Problems, where: str, name: str) -> bool:
    """A yes/no cell: true/false, "có"/"không", "x"; text describing evidence counts as yes."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    key = fold(str(value))
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    if isinstance(value, str) and len(key) > 3:
        return True  # "Biên bản giao quân": the evidence named, so evidence is required
    problems.add(where, f"{name} phải là có/không (không phải “{value}”)")
    return False


def check_criterion(raw: Any, index: int, group: str, group_kind: Optional[Kind], seen: set[str],
                    problems: Problems) -> Optional[dict[str, Any]]:
    """The keyword arguments of a ``Criterion``, or None (problems noted)."""
    if not isinstance(raw, dict):
        problems.add(f"Nhóm {group}, tiêu chí thứ {index + 1}", "phải là một mục có code, text, max")
        return None
    code = code_of(raw.get("code"))
    row = raw.get("row")
    where = f"Tiêu chí {code or f'thứ {index + 1} của nhóm {group}'}" + (f" (dòng {row})" if row else "")
    for key in sorted(set(raw) - CRITERION_KEYS):
        problems.add(where, f"khóa lạ “{key}”")
    if not code:
        problems.add(where, "thiếu code (số thứ tự, ví dụ 2.3)")
    elif code in seen:
        problems.add(where, f"mã “{code}” bị trùng")
    seen.add(code)
    text = " ".join(str(raw.get("text") or "").split())
    if not text:
        problems.add(where, "thiếu text (nội dung tiêu chí)")
    elif len(text) > MAX_TEXT:
        problems.add(where, f"nội dung dài quá {MAX_TEXT} ký tự")
    kind = _kind(raw.get("kind"), group_kind, where, problems)
    if kind is None:
        return None
    out: dict[str, Any] = {"code": code, "text": text, "kind": kind, "group": group,
                           "evidence": flag(raw.get("evidence"), problems, where, "evidence (minh chứng)"),
                           "basis": " ".join(str(raw.get("basis") or "").split()),
                           "hint": " ".join(str(raw.get("hint") or "").split()),
                           "unit": " ".join(str(raw.get("unit") or "").split())}
    _scores(raw, kind, where, out, problems)
    return out


def _kind(value: Any, group_kind: Optional[Kind], where: str, problems: Problems) -> Optional[Kind]:
    if value is None or value == "":
        return group_kind or Kind.POINTS
    try:
        return Kind(str(value).strip())
    except ValueError:
        problems.add(where, f"kind “{value}” không có; dùng: {', '.join(k.value for k in Kind)}")
        return None


def _scores(raw: dict[str, Any], kind: Kind, where: str, out: dict[str, Any], problems: Problems) -> None:
    """Max, limit and the quantity formula, each checked for the criterion's kind."""
    if kind is Kind.PENALTY:
        out["max"] = Decimal(0)
        out["limit"] = number(raw.get("limit", raw.get("max")), problems, where, "limit (mức trừ tối đa)",
                              positive=True)
        return
    out["max"] = number(raw.get("max"), problems, where, "max (điểm chuẩn)", positive=True) or Decimal(0)
    if kind is not Kind.QUANTITY:
        for key in ("formula", "target", "per", "steps"):
            if raw.get(key) not in (None, "", []):
                problems.add(where, f"{key} chỉ dùng cho kind: quantity")
        return
    try:
        formula = Formula(str(raw.get("formula") or "").strip())
    except ValueError:
        problems.add(where, f"formula phải là một trong: {', '.join(f.value for f in Formula)}")
        return
    out["formula"] = formula
    if formula is Formula.RATIO:
        out["target"] = number(raw.get("target"), problems, where, "target (chỉ tiêu)", positive=True)
    elif formula in (Formula.PER_UNIT, Formula.DEDUCT_PER_UNIT):
        out["per"] = number(raw.get("per"), problems, where, "per (điểm mỗi đơn vị)", positive=True)
    else:
        out["steps"] = _steps(raw.get("steps"), out["max"], where, problems)


def _steps(value: Any, top: Decimal, where: str, problems: Problems) -> tuple[tuple[Decimal, Decimal], ...]:
    """``steps: [{from: 98, score: 8}, {from: 95, score: 5}]``: highest threshold first, scores ≤ max."""
    if not isinstance(value, list) or not value:
        problems.add(where, "steps phải là danh sách mức, ví dụ [{from: 98, score: 8}, {from: 95, score: 5}]")
        return ()
    steps: list[tuple[Decimal, Decimal]] = []
    for i, step in enumerate(value, 1):
        if not isinstance(step, dict) or set(step) != {"from", "score"}:
            problems.add(where, f"mức thứ {i} cần đúng hai khóa from và score")
            continue
        start = number(step["from"], problems, where, f"from của mức thứ {i}")
        score = number(step["score"], problems, where, f"score của mức thứ {i}")
        if start is None or score is None:
            continue
        if score > top:
            problems.add(where, f"mức thứ {i} cho {score} điểm, quá điểm chuẩn")
        steps.append((start, score))
    return tuple(sorted(steps, key=lambda s: -s[0]))
