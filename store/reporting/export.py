"""XLSX workbook of a period: a summary sheet and one row per commune, one column per field.

Written with XlsxWriter in constant-memory mode (rows streamed to disk), so thousands of
reports export in about a second.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Optional

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.clock import local
from store.db import transaction
from store.forms.fields import Field
from store.forms.versions import form_spec
from store.models import Form, Officer, Period, Province
from store.reporting.reports import Summary, period_summary

# Every string is written as a string: a title, label or answer typed as "=HYPERLINK(…)", "+1"
# or "-2" must never become a formula, number or link in the supervisor's spreadsheet.
TEXT_ONLY = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
             "strings_to_urls": False}
STATUS_VI = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa gửi"}
FIXED = ["STT", "Tỉnh", "Mã xã", "Xã, phường", "Trạng thái", "Gửi lần đầu", "Cập nhật", "Lần sửa",
         "Người gửi", "Phiên bản mẫu"]


def _naive_local(moment: Optional[datetime]) -> Optional[datetime]:
    return None if moment is None else local(moment).replace(tzinfo=None)


def _link(files_dir: Optional[Path], rel_path: str, workbook: Path) -> str:
    """A link to a stored photo relative to the workbook (works where the files directory is reachable)."""
    if files_dir is None:
        return rel_path
    return os.path.relpath(Path(files_dir).resolve() / rel_path, workbook.resolve().parent)


def _columns(session: Session, period: Period, summary: Summary) -> tuple[list[Field], dict[int, Any]]:
    """Fields of the form versions in use (latest order first, then fields only older versions had)."""
    form_pks = {period.form_pk} | {r.report.form_pk for r in summary.rows if r.report is not None}
    forms = {f.id: f for f in session.scalars(select(Form).where(Form.id.in_(form_pks)))}
    specs = {pk: form_spec(f) for pk, f in forms.items()}
    ordered = sorted(specs.values(), key=lambda s: -s.version)
    columns: list[Field] = []
    seen: set[str] = set()
    for spec in ordered:
        for f in spec.fields:
            if f.name not in seen:
                seen.add(f.name)
                columns.append(f)
    return columns, {pk: forms[pk].version for pk in forms}


def export_period(session: Session, period: Period, path: Path, *, provinces: Optional[set[int]] = None,
                  files_dir: Optional[Path] = None, now: Optional[datetime] = None,
                  progress: Optional[Callable[[int], object]] = None) -> Summary:
    """Write the workbook to ``path``; ``progress(n)`` is called as rows are written."""
    summary = period_summary(session, period, provinces, with_officers=False)
    columns, versions = _columns(session, period, summary)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        _write_workbook(session, period, summary, columns, versions, tmp, path, files_dir, now, progress)
        tmp.replace(path)
    except xlsxwriter.exceptions.FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        raise OSError(getattr(cause, "errno", None), f"không tạo được tệp {path}") from exc
    finally:
        tmp.unlink(missing_ok=True)  # an error leaves no half-written file behind
    return summary


def _write_workbook(session: Session, period: Period, summary: Summary, columns: list[Field],
                    versions: dict[int, Any], tmp: Path, path: Path, files_dir: Optional[Path],
                    now: Optional[datetime], progress: Optional[Callable[[int], object]]) -> None:
    province_names = dict(session.execute(select(Province.code, Province.name)).all())
    sender_ids = {r.report.submitted_by for r in summary.rows if r.report is not None and r.report.submitted_by}
    # A report whose sender's record is gone (SET NULL) has no sender: an empty name.
    senders: dict[Optional[int], str] = dict(
        session.execute(select(Officer.id, Officer.full_name).where(Officer.id.in_(sender_ids))).all()) \
        if sender_ids else {}
    wb = xlsxwriter.Workbook(str(tmp), TEXT_ONLY)
    fmt = {"bold": wb.add_format({"bold": True}),
           "head": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                  "border": 1}),
           "dt": wb.add_format({"num_format": "hh:mm d/m/yyyy"}), "d": wb.add_format({"num_format": "d/m/yyyy"}),
           "pct": wb.add_format({"num_format": "0.0%"})}
    _summary_sheet(wb, fmt, session, period, summary, province_names, now)
    _report_sheet(wb, fmt, summary, columns, versions, senders, province_names, files_dir, path, progress)
    wb.close()


def _summary_sheet(wb: Any, fmt: dict[str, Any], session: Session, period: Period, summary: Summary,
                   province_names: dict[int, str], now: Optional[datetime]) -> None:
    bold, head, dt, pct = fmt["bold"], fmt["head"], fmt["dt"], fmt["pct"]
    sheet = wb.add_worksheet("Tổng hợp")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 3, 16)
    total = len(summary.rows) or 1
    info = [("Kỳ báo cáo", period.label), ("Biểu mẫu", session.get_one(Form, period.form_pk).title),
            ("Mở", _naive_local(period.open_at)), ("Hạn nộp", _naive_local(period.due_at)),
            ("Đóng", _naive_local(period.close_at)), ("Xuất lúc", _naive_local(now) if now else None)]
    for i, (k, v) in enumerate(info):
        sheet.write_string(i, 0, k, bold)
        if isinstance(v, datetime):
            sheet.write_datetime(i, 1, v, dt)
        elif v is not None:
            sheet.write_string(i, 1, str(v))
    r0 = len(info) + 1
    for c, title in enumerate(["Tình trạng", "Số xã", "Tỷ lệ"]):
        sheet.write_string(r0, c, title, head)
    for i, key in enumerate(("on_time", "late", "missing"), 1):
        n = summary.count(key)
        sheet.write_string(r0 + i, 0, STATUS_VI[key])
        sheet.write_number(r0 + i, 1, n)
        sheet.write_number(r0 + i, 2, n / total, pct)
    sheet.write_string(r0 + 4, 0, "Tổng số xã phải báo cáo", bold)
    sheet.write_number(r0 + 4, 1, len(summary.rows))
    by_prov: dict[int, dict[str, int]] = {}
    for row in summary.rows:
        by_prov.setdefault(row.province_code, {"on_time": 0, "late": 0, "missing": 0})[row.status] += 1
    r1 = r0 + 6
    for c, title in enumerate(["Tỉnh", "Đúng hạn", "Trễ hạn", "Chưa gửi"]):
        sheet.write_string(r1, c, title, head)
    for i, (code, counts) in enumerate(sorted(by_prov.items()), 1):
        sheet.write_string(r1 + i, 0, province_names.get(code, str(code)))
        sheet.write_row(r1 + i, 1, [counts["on_time"], counts["late"], counts["missing"]])


def _report_sheet(wb: Any, fmt: dict[str, Any], summary: Summary, columns: list[Field], versions: dict[int, Any],
                  senders: dict[Optional[int], str], province_names: dict[int, str], files_dir: Optional[Path],
                  path: Path, progress: Optional[Callable[[int], object]]) -> None:
    head, dt, d = fmt["head"], fmt["dt"], fmt["d"]
    data = wb.add_worksheet("Báo cáo")
    header = FIXED + [f.label for f in columns]
    data.set_row(0, 60)
    data.set_column(0, 0, 5)
    data.set_column(1, 3, 18)
    data.set_column(4, 9, 14)
    data.set_column(len(FIXED), len(header) - 1, 22)
    for c, title in enumerate(header):
        data.write_string(0, c, title, head)
    data.freeze_panes(1, 4)
    for n, row in enumerate(summary.rows, 1):
        rep = row.report
        data.write_number(n, 0, n)
        data.write_string(n, 1, province_names.get(row.province_code, ""))
        data.write_number(n, 2, row.code)
        data.write_string(n, 3, row.name)
        data.write_string(n, 4, STATUS_VI[row.status])
        if rep is not None:
            data.write_datetime(n, 5, _naive_local(rep.submitted_at), dt)
            data.write_datetime(n, 6, _naive_local(rep.updated_at), dt)
            data.write_number(n, 7, rep.revision)
            data.write_string(n, 8, senders.get(rep.submitted_by, ""))
            data.write_number(n, 9, versions.get(rep.form_pk, 0))
            _write_answers(data, n, rep.answers, columns, d, files_dir, path)
        if progress is not None:
            progress(1)


def _write_answers(data: Any, n: int, answers: dict[str, Any], columns: list[Field], date_format: Any,
                   files_dir: Optional[Path], path: Path) -> None:
    """One report's answers, one column per field (photos as links to the stored files)."""
    for c, f in enumerate(columns, len(FIXED)):
        if f.name not in answers:
            continue
        value = answers[f.name]
        if f.type == "photo" and value:
            first = value[0]["path"]
            text = "\n".join(item["path"] for item in value)
            data.write_url(n, c, "external:" + _link(files_dir, first, path), string=text[:250])
            continue
        cell = f.kind.cell(f, value)
        if cell is None:
            continue
        if f.type == "date":
            data.write_datetime(n, c, datetime(cell.year, cell.month, cell.day), date_format)
        elif isinstance(cell, bool):
            data.write_string(n, c, "Có" if cell else "Không")
        elif isinstance(cell, (int, float)):
            data.write_number(n, c, cell)
        else:
            data.write_string(n, c, str(cell))


def write_period_export(session_factory: sessionmaker[Session], period_id: int, path: Path, *,
                        provinces: Optional[set[int]], files_dir: Path, now: datetime) -> tuple[int, int]:
    """``export_period`` in its own read transaction (for a worker thread); (communes, submitted)."""
    with transaction(session_factory) as session:
        summary = export_period(session, session.get_one(Period, period_id), path, provinces=provinces,
                                files_dir=files_dir, now=now)
        return len(summary.rows), summary.count("on_time") + summary.count("late")
