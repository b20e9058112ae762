"""Importing officer lists: rows checked against the units, then upserted by phone.

An import is an upsert by normalized phone: running it twice changes nothing. Rows are
parsed and resolved in memory against the unit index, then written with bulk INSERT and
bulk UPDATE statements, so 20,000 officers load in seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Optional

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from store.models import AuditLog, Officer, OfficerProvince
from store.people.files import read_rows
from store.people.granted import undoes_grant
from store.people.phones import normalize_phone
from store.roles import Role
from store.people.unit_names import accented_core, commune_key
from store.people.units import UnitIndex, resolve_province, unit_index
from store.vn.text import fold

# How the role column may be written (folded); an empty cell means a commune officer.
ROLE_WORDS = {
    "officer": Role.OFFICER, "can bo": Role.OFFICER, "can bo xa": Role.OFFICER, "": Role.OFFICER,
    "supervisor": Role.SUPERVISOR, "giam sat": Role.SUPERVISOR, "phu trach": Role.SUPERVISOR,
    "can bo tinh": Role.SUPERVISOR, "admin": Role.ADMIN, "quan tri": Role.ADMIN, "quan tri vien": Role.ADMIN,
}


FIELD_LABELS = {"full_name": "họ tên", "role": "vai trò", "commune_code": "xã", "position": "chức vụ",
                "telegram_id": "telegram_id"}


@dataclass
class RowIssue:
    row: int
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # a supervisor's second row (another province) folded into the first
    errors: list[RowIssue] = field(default_factory=list)
    notes: list[RowIssue] = field(default_factory=list)  # accepted with a near match
    changes: list[RowIssue] = field(default_factory=list)  # which rows update an officer, and what
    dry_run: bool = False
    phones: set[str] = field(default_factory=set)  # every valid phone in the list (--deactivate-missing)

    def summary(self) -> str:
        """Counts of rows that add up to the rows read (a row with several errors counts once)."""
        head = "Thử (không ghi)" if self.dry_run else "Đã nhập"
        merged = f", gộp {self.merged} (cán bộ tỉnh ghi nhiều dòng)" if self.merged else ""
        failed = len({issue.row for issue in self.errors})
        return (f"{head}: {self.rows} dòng; mới {self.created}, cập nhật {self.updated}, "
                f"không đổi {self.unchanged}{merged}, lỗi {failed}.")


# -- resolving rows -------------------------------------------------------------
@dataclass
class OfficerRow:
    row: int
    full_name: str
    phone: str
    role: Role
    commune_code: Optional[int]
    provinces: set[int]
    telegram_id: Optional[str]
    position: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def resolve_commune(index: UnitIndex, name: str, province_code: int) -> tuple[Optional[int], Optional[str]]:
    """(commune code, note) for a name inside a province; a near match comes with a note."""
    key = commune_key(name)
    if not key:
        return None, None
    exact = index.exact(name, province_code)
    if len(exact) == 1:
        return exact[0].code, None
    if len(exact) > 1:
        # Folded twins ("Sơn Hà" / "Sơn Hạ"): only the marks as typed can tell them apart.
        typed = accented_core(name)
        same = [m for m in exact if accented_core(m.name) == typed]
        if len(same) == 1:
            return same[0].code, None
    matches = index.find_communes(name, province_code, limit=2, within_province=True)
    if matches and matches[0].score >= 88 and (len(matches) < 2 or matches[0].score - matches[1].score >= 5):
        return matches[0].code, f"“{name}” hiểu là “{matches[0].name}”"
    return None, None


def _provinces_of(index: UnitIndex, text: str, errors: list[str]) -> Optional[set[int]]:
    """The provinces of a cell ("Lai Châu; Lào Cai"), each unknown one noted in ``errors``;
    None when one is unknown, so that the rows' other unit checks do not report the same cause again."""
    provinces: set[int] = set()
    unknown = False
    for part in re.split(r"[;|]", text):
        if part.strip():
            code = resolve_province(index, part)
            if code is None:
                errors.append(f"không tìm thấy tỉnh “{part.strip()}”")
                unknown = True
            else:
                provinces.add(code)
    return None if unknown else provinces


def _commune_of(index: UnitIndex, raw: dict[str, Any], provinces: set[int],
                errors: list[str]) -> tuple[Optional[int], Optional[str]]:
    """(commune code, note) from the code column, or from the name inside the one province."""
    code_text = _text(raw.get("commune_code"))
    commune_name = _text(raw.get("commune"))
    if code_text:
        found = index.commune(int(code_text)) if code_text.isdigit() else None
        if found is None:
            errors.append(f"mã xã không có: “{code_text}”")
            return None, None
        if provinces and found.province_code not in provinces:
            errors.append(f"mã xã {code_text} không thuộc tỉnh đã ghi")
        return found.code, None
    if not commune_name:
        return None, None
    if len(provinces) != 1:
        errors.append("có tên xã nhưng thiếu tỉnh (hoặc ghi nhiều tỉnh)")
        return None, None
    commune_code, note = resolve_commune(index, commune_name, next(iter(provinces)))
    if commune_code is None:
        errors.append(f"không tìm thấy xã “{commune_name}” trong tỉnh đã ghi")
    return commune_code, note


def parse_row(index: UnitIndex, number: int, raw: dict[str, Any]) -> tuple[Optional[OfficerRow], list[str], Optional[str]]:
    """One row checked against the units: (row, errors, note)."""
    errors: list[str] = []
    name = _text(raw.get("full_name"))
    if not name:
        errors.append("thiếu họ tên")
    phone = normalize_phone(raw.get("phone"))
    if phone is None:
        errors.append(f"số điện thoại không hợp lệ: “{_text(raw.get('phone'))}”")
    role = ROLE_WORDS.get(fold(_text(raw.get("role"))))
    if role is None:
        errors.append(f"vai trò không rõ: “{_text(raw.get('role'))}”")
        role = Role.OFFICER
    unit_errors: list[str] = []  # one cause, one error: an unknown province explains a missing commune
    found = _provinces_of(index, _text(raw.get("province")), unit_errors)
    provinces = found or set()
    commune_code, note = (None, None) if found is None else _commune_of(index, raw, provinces, unit_errors)
    errors += unit_errors
    if role is Role.OFFICER and commune_code is None and not unit_errors:
        errors.append("cán bộ xã cần mã xã hoặc tên xã và tỉnh")
    if role is Role.SUPERVISOR and found is not None and not provinces:
        errors.append("cán bộ tỉnh cần cột tỉnh")
    telegram_id = _text(raw.get("telegram_id")) or None
    if telegram_id is not None and not telegram_id.lstrip("-").isdigit():
        errors.append(f"telegram_id không hợp lệ: “{telegram_id}”")
    if errors or phone is None:  # a missing phone is one of the errors
        return None, errors, None
    return OfficerRow(number, name, phone, role, commune_code if role is Role.OFFICER else None,
                      provinces if role is Role.SUPERVISOR else set(), telegram_id,
                      _text(raw.get("position"))), [], note


# -- import ---------------------------------------------------------------------
def import_officers(session: Session, path: Path, *, now: datetime, dry_run: bool = False,
                    index: Optional[UnitIndex] = None, progress: bool = False,
                    actor_user_id: Optional[int] = None, override_granted: bool = False) -> ImportReport:
    """Load an officer list; ``dry_run`` checks every row and writes nothing. A row that would
    lower or rename an officer granted by hand is an error unless ``override_granted``."""
    index = index or unit_index(session)
    report = ImportReport(dry_run=dry_run)
    source: Iterable[tuple[int, dict[str, Any]]] = read_rows(path)
    if progress:
        source = tqdm(source, desc="officers", unit=" rows")
    rows = _checked_rows(index, source, report)
    report.phones = set(rows)
    changes = _compare(session, rows, report, now=now, override_granted=override_granted)
    if not dry_run:
        _write(session, changes)
    session.add(AuditLog(at=now, user_id=actor_user_id, action="officers.import", target=Path(path).name[:200],
                         outcome="dry-run" if dry_run else "done",
                         detail={"rows": report.rows, "created": report.created, "updated": report.updated,
                                 "unchanged": report.unchanged, "errors": len(report.errors)}))
    return report


def _checked_rows(index: UnitIndex, source: Iterable[tuple[int, dict[str, Any]]],
                  report: ImportReport) -> dict[str, OfficerRow]:
    """The valid rows by phone; errors and notes go to ``report`` (duplicates are errors,
    except a supervisor listed once per province)."""
    rows: dict[str, OfficerRow] = {}
    seen_tg: dict[str, int] = {}
    for number, raw in source:
        report.rows += 1
        row, errors, note = parse_row(index, number, raw)
        report.errors.extend(RowIssue(number, message) for message in errors)
        if row is None:
            continue
        if note:
            report.notes.append(RowIssue(number, note))
        previous = rows.get(row.phone)
        if previous is not None:
            if previous.role == row.role == Role.SUPERVISOR:
                previous.provinces |= row.provinces  # one supervisor, several provinces
                report.merged += 1
                continue
            report.errors.append(RowIssue(number, f"trùng số điện thoại với dòng {previous.row}"))
            continue
        if row.telegram_id and row.telegram_id in seen_tg:
            report.errors.append(RowIssue(number, f"trùng telegram_id với dòng {seen_tg[row.telegram_id]}"))
            continue
        if row.telegram_id:
            seen_tg[row.telegram_id] = number
        rows[row.phone] = row
    return rows


@dataclass
class _Changes:
    """What an import writes: new officers, changed columns, and supervisors' new province sets."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    province_sets: dict[str, set[int]] = field(default_factory=dict)


def _compare(session: Session, rows: dict[str, OfficerRow], report: ImportReport, *,
             now: datetime, override_granted: bool) -> _Changes:
    """The rows against the officers in the database, counted in ``report``."""
    # Plain rows, not ORM objects: 20,000 officers compare in a fraction of a second.
    existing = {r.phone: r for r in session.execute(
        select(Officer.id, Officer.phone, Officer.full_name, Officer.role, Officer.commune_code,
               Officer.position, Officer.telegram_id, Officer.granted_by_hand).where(Officer.phone.is_not(None)))}
    supervised: dict[int, set[int]] = {}
    for officer_id, code in session.execute(select(OfficerProvince.officer_id, OfficerProvince.province_code)):
        supervised.setdefault(officer_id, set()).add(code)
    tg_owner = dict(session.execute(select(Officer.telegram_id, Officer.phone).where(Officer.telegram_id.is_not(None))).all())
    changes = _Changes()
    for phone, row in rows.items():
        owner = tg_owner.get(row.telegram_id) if row.telegram_id else None
        if owner is not None and owner != phone:
            report.errors.append(RowIssue(row.row, "telegram_id đã gắn với cán bộ khác"))
            continue
        values: dict[str, Any] = {"full_name": row.full_name, "role": row.role.value, "commune_code": row.commune_code}
        if row.position:
            values["position"] = row.position
        if row.telegram_id:
            values["telegram_id"] = row.telegram_id
        officer = existing.get(phone)
        if officer is None:
            changes.inserts.append({"phone": phone, "position": "", "telegram_id": None, "active": True,
                                    "created_at": now, **values})
            if row.role is Role.SUPERVISOR:
                changes.province_sets[phone] = row.provinces
            report.created += 1
            continue
        refused = None if override_granted else undoes_grant(officer, row.role, row.full_name)
        if refused is not None:
            report.errors.append(RowIssue(row.row, refused))
            continue
        changed = {k: v for k, v in values.items() if getattr(officer, k) != v}
        if officer.granted_by_hand and changed:
            changed["granted_by_hand"] = False  # overridden: the list governs this officer again
        old_provinces = supervised.get(officer.id, set())
        want_provinces = row.provinces if row.role is Role.SUPERVISOR else set()
        if want_provinces != old_provinces:
            changes.province_sets[phone] = want_provinces
        if changed:
            changes.updates.append({"id": officer.id, **changed})
        if changed or want_provinces != old_provinces:
            report.updated += 1
            fields = [FIELD_LABELS[k] for k in changed if k in FIELD_LABELS] + (["tỉnh phụ trách"] if want_provinces != old_provinces else [])
            report.changes.append(RowIssue(row.row, f"{row.full_name} ({phone}): đổi {', '.join(fields)}"))
        else:
            report.unchanged += 1
    return changes


def _write(session: Session, changes: _Changes) -> None:
    """Bulk INSERT and UPDATE, then replace the changed supervisors' province links."""
    for start in range(0, len(changes.inserts), 2000):
        session.execute(insert(Officer), changes.inserts[start:start + 2000])
    if changes.updates:
        session.execute(update(Officer), changes.updates)
    if changes.province_sets:
        ids = dict(session.execute(select(Officer.phone, Officer.id)
                                   .where(Officer.phone.in_(list(changes.province_sets)))).all())
        session.execute(delete(OfficerProvince).where(OfficerProvince.officer_id.in_(list(ids.values()))))
        links = [{"officer_id": ids[phone], "province_code": code}
                 for phone, codes in changes.province_sets.items() for code in sorted(codes)]
        if links:
            session.execute(insert(OfficerProvince), links)
    session.expire_all()
