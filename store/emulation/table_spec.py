"""A criteria table (bảng tiêu chí) as typed, checked data; pure (no database).

``parse_table(data)`` checks a YAML-shaped definition and raises ``TableError`` listing every
problem, each naming where it is (the spreadsheet row when the table came from XLSX, else the
group or criterion code) and what is wrong; group and table totals are checked. The format
is documented in the README ("Criteria tables").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional, Union

from store.emulation.table_checks import Formula, Kind, Problems, check_criterion, code_of, number
from store.vn.numbers import format_number

__all__ = ["Bucket", "Criterion", "Formula", "Group", "Kind", "Plan", "TableError", "TableSpec", "parse_table"]

TABLE_KEYS = {"id", "version", "title", "legal_basis", "total", "tie_break", "groups", "description"}
GROUP_KEYS = {"code", "title", "max", "kind", "limit", "criteria", "groups", "row"}
_TABLE_ID = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,99}$")
MAX_DEPTH = 3
MAX_CRITERIA = 200


class TableError(ValueError):
    """A definition with problems; ``errors`` lists each one (Vietnamese)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    kind: Kind
    max: Decimal  # 0 for penalties
    evidence: bool = False
    basis: str = ""
    hint: str = ""
    limit: Optional[Decimal] = None  # penalties: the largest deduction
    target: Optional[Decimal] = None
    unit: str = ""
    formula: Optional[Formula] = None
    per: Optional[Decimal] = None
    steps: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, score), highest threshold first
    group: str = ""  # the code of the group it sits in

    @property
    def in_base(self) -> bool:
        return self.kind not in (Kind.BONUS, Kind.PENALTY)

    @property
    def lowest(self) -> Decimal:
        return -(self.limit or Decimal(0)) if self.kind is Kind.PENALTY else Decimal(0)


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    max: Optional[Decimal]
    kind: Optional[Kind]  # BONUS or PENALTY for a whole group, else None
    limit: Optional[Decimal]
    children: tuple[Union["Group", Criterion], ...]


@dataclass(frozen=True)
class Bucket:
    """Bonus (at most ``cap``) or penalty (at least ``floor``) terms of a group with a cap or limit."""

    terms: tuple[Union[str, "Bucket"], ...]
    cap: Optional[Decimal] = None
    floor: Optional[Decimal] = None


@dataclass(frozen=True)
class Plan:
    """How totals add up, flattened once per table: base codes, bonus and penalty terms."""

    base: tuple[str, ...]
    bonus: tuple[Union[str, Bucket], ...]
    penalty: tuple[Union[str, Bucket], ...]


def _plan(items: tuple[Union["Group", Criterion], ...], base: list[str], bonus: list[Union[str, Bucket]],
          penalty: list[Union[str, Bucket]]) -> None:
    for item in items:
        if isinstance(item, Criterion):
            (base if item.in_base else bonus if item.kind is Kind.BONUS else penalty).append(item.code)
            continue
        capped = item.kind is Kind.BONUS and item.max is not None
        bonus_terms: list[Union[str, Bucket]] = [] if capped else bonus
        penalty_terms: list[Union[str, Bucket]] = [] if item.limit is not None else penalty
        _plan(item.children, base, bonus_terms, penalty_terms)
        if capped:
            bonus.append(Bucket(tuple(bonus_terms), cap=item.max))
        if item.limit is not None:
            penalty.append(Bucket(tuple(penalty_terms), floor=-item.limit))


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    version: int
    title: str
    legal_basis: str
    total: Decimal
    groups: tuple[Group, ...]
    tie_break: tuple[str, ...]
    definition: dict[str, Any] = field(compare=False, repr=False)
    criteria: tuple[Criterion, ...] = field(init=False, compare=False, repr=False)
    _by_code: dict[str, Criterion] = field(init=False, compare=False, repr=False)
    _groups: dict[str, Group] = field(init=False, compare=False, repr=False)
    plan: Plan = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        leaves: list[Criterion] = []
        _collect(self.groups, leaves)
        object.__setattr__(self, "criteria", tuple(leaves))
        object.__setattr__(self, "_by_code", {c.code: c for c in leaves})
        object.__setattr__(self, "_groups", _group_index(self.groups))
        base: list[str] = []
        bonus: list[Union[str, Bucket]] = []
        penalty: list[Union[str, Bucket]] = []
        _plan(self.groups, base, bonus, penalty)
        object.__setattr__(self, "plan", Plan(tuple(base), tuple(bonus), tuple(penalty)))

    def criterion(self, code: str) -> Optional[Criterion]:
        return self._by_code.get(code)

    def group(self, code: str) -> Optional[Group]:
        return self._groups.get(code)

    def codes_under(self, code: str) -> list[str]:
        """The criterion codes a tie-break code stands for: a criterion itself, or a group's leaves."""
        group = self.group(code)
        if group is None:
            return [code] if self.criterion(code) is not None else []
        leaves: list[Criterion] = []
        _collect((group,), leaves)
        return [c.code for c in leaves]


def _collect(items: tuple[Union[Group, Criterion], ...], out: list[Criterion]) -> None:
    for item in items:
        if isinstance(item, Criterion):
            out.append(item)
        else:
            _collect(item.children, out)


def _group_index(groups: tuple[Union[Group, Criterion], ...]) -> dict[str, Group]:
    out: dict[str, Group] = {}
    for g in groups:
        if isinstance(g, Group):
            out[g.code] = g
            out.update(_group_index(g.children))
    return out


def parse_table(data: Any) -> TableSpec:
    """Check a definition (parsed YAML, or built from XLSX); raise TableError listing every problem."""
    problems = Problems()
    if not isinstance(data, dict):
        raise TableError(["Bảng tiêu chí phải là một mục YAML có id, version, title, total, groups"])
    for key in sorted(set(data) - TABLE_KEYS):
        problems.add("Bảng", f"khóa lạ “{key}”")
    table_id = data.get("id")
    if not isinstance(table_id, str) or not _TABLE_ID.match(table_id):
        problems.add("Bảng", "id phải là chữ thường không dấu, số, gạch ngang (ví dụ khoi-xa-2026)")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.add("Bảng", "version phải là số nguyên từ 1")
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        problems.add("Bảng", "thiếu title (tên bảng tiêu chí)")
    total = number(data.get("total"), problems, "Bảng", "total (tổng điểm chuẩn)", positive=True)
    seen: set[str] = set()
    raw_groups = data.get("groups")
    groups: list[Group] = []
    if not isinstance(raw_groups, list) or not raw_groups:
        problems.add("Bảng", "groups phải là danh sách nhóm tiêu chí, ít nhất một nhóm")
    else:
        groups = [g for i, raw in enumerate(raw_groups)
                  if (g := _group(raw, i, 1, None, seen, problems)) is not None]
    spec_groups = tuple(groups)
    if total is not None and groups:
        base = sum((_base_max(g) for g in groups), Decimal(0))
        if base != total:
            problems.add("Bảng", f"tổng điểm chuẩn các nhóm là {format_number(base)}, khác total {format_number(total)}")
    tie_break = _tie_break(data.get("tie_break"), spec_groups, problems)
    if len(seen) > MAX_CRITERIA:
        problems.add("Bảng", f"nhiều nhất {MAX_CRITERIA} mục (có {len(seen)})")
    if problems.errors or total is None or not isinstance(table_id, str):
        raise TableError(problems.errors)
    return TableSpec(table_id, int(version), title, " ".join(str(data.get("legal_basis") or "").split()),
                     total, spec_groups, tie_break, data)


def _group(raw: Any, index: int, depth: int, parent: Optional[Group], seen: set[str],
           problems: Problems) -> Optional[Group]:
    if not isinstance(raw, dict):
        problems.add(f"Nhóm thứ {index + 1}", "phải là một mục có code, title, criteria")
        return None
    code = code_of(raw.get("code"))
    where = f"Nhóm {code or f'thứ {index + 1}'}" + (f" (dòng {raw['row']})" if raw.get("row") else "")
    for key in sorted(set(raw) - GROUP_KEYS):
        problems.add(where, f"khóa lạ “{key}”")
    if not code:
        problems.add(where, "thiếu code (số thứ tự, ví dụ I hoặc 2)")
    elif code in seen:
        problems.add(where, f"mã “{code}” bị trùng")
    seen.add(code)
    title = " ".join(str(raw.get("title") or "").split())
    if not title:
        problems.add(where, "thiếu title (tên nhóm)")
    kind = _group_kind(raw, where, problems)
    gmax = number(raw.get("max"), problems, where, "max", positive=True, optional=True)
    limit = number(raw.get("limit"), problems, where, "limit", positive=True, optional=kind is not Kind.PENALTY)
    children = _children(raw, where, depth, code, kind, seen, problems)
    group = Group(code, title, gmax, kind, limit, tuple(children))
    _check_group_totals(group, where, problems)
    return group


def _group_kind(raw: dict[str, Any], where: str, problems: Problems) -> Optional[Kind]:
    value = raw.get("kind")
    if value is None:
        return None
    if value not in (Kind.BONUS.value, Kind.PENALTY.value):
        problems.add(where, "kind của nhóm chỉ là bonus (điểm thưởng) hoặc penalty (điểm trừ)")
        return None
    return Kind(value)


def _children(raw: dict[str, Any], where: str, depth: int, code: str, kind: Optional[Kind], seen: set[str],
              problems: Problems) -> list[Union[Group, Criterion]]:
    out: list[Union[Group, Criterion]] = []
    subgroups = raw.get("groups") or []
    criteria = raw.get("criteria") or []
    if not isinstance(subgroups, list) or not isinstance(criteria, list) or not (subgroups or criteria):
        problems.add(where, "cần criteria (danh sách tiêu chí) hoặc groups (nhóm con)")
        return out
    if subgroups and depth >= MAX_DEPTH:
        problems.add(where, f"nhóm lồng nhau nhiều nhất {MAX_DEPTH} cấp")
        return out
    for i, sub in enumerate(subgroups):
        g = _group(sub, i, depth + 1, None, seen, problems)
        if g is not None:
            out.append(g)
    for i, item in enumerate(criteria):
        c = check_criterion(item, i, code, kind, seen, problems)
        if c is not None:
            out.append(Criterion(**c))
    return out


def _base_max(item: Union[Group, Criterion]) -> Decimal:
    if isinstance(item, Criterion):
        return item.max if item.in_base else Decimal(0)
    if item.kind is not None:
        return Decimal(0)
    return sum((_base_max(c) for c in item.children), Decimal(0))


def _check_group_totals(group: Group, where: str, problems: Problems) -> None:
    if group.kind is Kind.BONUS and group.max is not None:
        for c in group.children:
            if isinstance(c, Criterion) and c.max > group.max:
                problems.add(where, f"tiêu chí {c.code} có {format_number(c.max)} điểm, quá mức thưởng của nhóm "
                                    f"{format_number(group.max)}")
    elif group.kind is None and group.max is not None:
        inside = sum((_base_max(c) for c in group.children), Decimal(0))
        if inside != group.max:
            problems.add(where, f"tổng điểm chuẩn các tiêu chí là {format_number(inside)}, khác điểm của nhóm "
                                f"{format_number(group.max)}")


def _tie_break(value: Any, groups: tuple[Group, ...], problems: Problems) -> tuple[str, ...]:
    if value in (None, "", []):
        return ()
    items = value if isinstance(value, list) else [value]
    codes = [code_of(v) for v in items]
    spec_codes = set(_group_index(groups))
    leaves: list[Criterion] = []
    _collect(groups, leaves)
    spec_codes |= {c.code for c in leaves}
    for code in codes:
        if code not in spec_codes:
            problems.add("Bảng", f"tie_break nêu mã “{code}” không có trong bảng")
    return tuple(codes)

