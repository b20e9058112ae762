"""Importing a province's blocs for a year from a list (XLSX or CSV): one row per commune.

Columns (headers matched loosely, with or without diacritics): Khối (the bloc's name), Xã or
Mã xã (the commune, its name matched as officer lists are), Vai trò (trưởng khối / phó khối /
empty for a member), Từ ngày (optional: joins on that date, else 1/1). Every row is checked
first; one bad row and nothing is written, each problem named with its row number. Running
the same list twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from sqlalchemy.orm import Session

from store.emulation.blocs import BlocError, add_members, create_bloc, find_bloc, membership_on
from store.people.files import Columns, read_rows
from store.people.importer import resolve_commune
from store.people.units import UnitIndex
from store.vn.numbers import parse_date
from store.vn.text import fold

BLOC_COLUMNS = Columns(
    {"bloc": {"khoi", "khoi_thi_dua", "cum", "cum_thi_dua", "ten_khoi", "bloc"},
     "commune": {"xa", "xa_phuong", "ten_xa", "don_vi", "commune", "ten_don_vi"},
     "commune_code": {"ma_xa", "ma_don_vi", "commune_code", "ma_xa_phuong"},
     "role": {"vai_tro", "chuc_danh", "role", "vai_tro_trong_khoi"},
     "start": {"tu_ngay", "ngay_vao", "ngay_vao_khoi", "start"}},
    ("bloc",), "dòng tiêu đề phải có cột Khối và cột Xã (hoặc Mã xã)")
LEADER_WORDS = {"truong khoi", "truong cum", "khoi truong", "cum truong", "leader"}
DEPUTY_WORDS = {"pho khoi", "pho cum", "khoi pho", "cum pho", "deputy"}


@dataclass
class BlocImport:
    rows: int = 0
    blocs_created: int = 0
    members_added: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    name: str
    leader: Optional[int] = None
    deputy: Optional[int] = None
    members: dict[int, date] = field(default_factory=dict)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value or "").split())


def _row_commune(index: UnitIndex, raw: dict[str, Any], province_code: int, report: BlocImport,
                 number: int) -> Optional[int]:
    code_text, name = _text(raw.get("commune_code")), _text(raw.get("commune"))
    if code_text:
        found = index.commune(int(code_text)) if code_text.isdigit() else None
        if found is None or found.province_code != province_code:
            report.errors.append(f"Dòng {number}: không có xã mã “{code_text}” trong tỉnh")
            return None
        return found.code
    if not name:
        report.errors.append(f"Dòng {number}: thiếu tên xã hoặc mã xã")
        return None
    code, note = resolve_commune(index, name, province_code)
    if code is None:
        report.errors.append(f"Dòng {number}: không tìm thấy xã “{name}” trong tỉnh")
    elif note:
        report.notes.append(f"Dòng {number}: {note}")
    return code


def _plan(path: Path, index: UnitIndex, province_code: int, year: int, report: BlocImport) -> dict[str, _Plan]:
    plans: dict[str, _Plan] = {}
    seen: dict[int, int] = {}
    for number, raw in read_rows(path, BLOC_COLUMNS):
        report.rows += 1
        name = _text(raw.get("bloc"))
        if not name:
            report.errors.append(f"Dòng {number}: thiếu tên khối")
            continue
        code = _row_commune(index, raw, province_code, report, number)
        start = date(year, 1, 1)
        if _text(raw.get("start")):
            cell = raw["start"]
            start_or_none = cell.date() if isinstance(cell, datetime) else parse_date(_text(cell))
            if start_or_none is None or start_or_none.year != year:
                report.errors.append(f"Dòng {number}: ngày “{_text(cell)}” không phải một ngày trong năm {year}")
                continue
            start = start_or_none
        if code is None:
            continue
        if code in seen:
            report.errors.append(f"Dòng {number}: xã này đã có ở dòng {seen[code]}")
            continue
        seen[code] = number
        plan = plans.setdefault(fold(name), _Plan(name))
        plan.members[code] = start
        _role(plan, fold(_text(raw.get("role"))), code, number, report)
    return plans


def _role(plan: _Plan, role: str, code: int, number: int, report: BlocImport) -> None:
    if role in LEADER_WORDS:
        if plan.leader is not None:
            report.errors.append(f"Dòng {number}: “{plan.name}” đã có trưởng khối ở dòng trước")
        plan.leader = code
    elif role in DEPUTY_WORDS:
        if plan.deputy is not None:
            report.errors.append(f"Dòng {number}: “{plan.name}” đã có phó khối ở dòng trước")
        plan.deputy = code


def import_blocs(session: Session, path: Path, index: UnitIndex, *, province_code: int, year: int, now: datetime,
                 dry_run: bool = False) -> BlocImport:
    """Create the blocs listed and add their members; nothing is written when any row is wrong."""
    report = BlocImport()
    plans = _plan(path, index, province_code, year, report)
    if report.errors or dry_run:
        return report
    try:
        with session.begin_nested():
            for plan in plans.values():
                _apply(session, plan, province_code, year, now, report)
    except BlocError as exc:
        report.errors.append(f"{exc}")
        report.blocs_created = report.members_added = 0
    return report


def _apply(session: Session, plan: _Plan, province_code: int, year: int, now: datetime, report: BlocImport) -> None:
    bloc = find_bloc(session, province_code, year, plan.name)
    if bloc is None:
        bloc = create_bloc(session, province_code=province_code, year=year, name=plan.name, leader_code=None,
                           now=now)
        report.blocs_created += 1
    if plan.leader is not None:
        bloc.leader_code = plan.leader
    if plan.deputy is not None:
        bloc.deputy_code = plan.deputy
    by_start: dict[date, list[int]] = defaultdict(list)
    for code, start in plan.members.items():
        member = membership_on(session, code, start, year)
        if member is None or member.bloc_id != bloc.id:
            by_start[start].append(code)
    for start, codes in sorted(by_start.items()):
        report.members_added += len(add_members(session, bloc, codes, start, now))
