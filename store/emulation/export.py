"""The province's workbook of a scoring period: a summary sheet, then one sheet per bloc.

Each bloc sheet has its ranking (place, ties, self / bloc / final totals, evidence files, days
late, disputed criteria) and then every submitted sheet criterion by criterion (maximum,
self, bloc and final score, evidence files, disputed). The stored ranking is used once the
bloc's review is closed; before that the live one, marked so. Text cells are written as text,
as in the reports export (``store.reporting.export.TEXT_ONLY``). A province's workbook is a few thousand
rows, so it is built in memory: XlsxWriter's constant-memory mode would write a temporary file
per bloc sheet, which costs more than the rows (benchmarks/emulation_ranking.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import local
from store.emulation.ranking import Round, load_round, rank_bloc
from store.emulation.review import latest_ranking
from store.emulation.table_spec import Kind
from store.reporting.export import TEXT_ONLY
from store.models import Bloc, Ranking, ScoringPeriod

RANK_HEAD = ["Hạng", "Mã xã", "Xã, phường", "Tự chấm", "Khối chấm", "Điểm cuối cùng", "Số minh chứng",
             "Số ngày trễ", "Tiêu chí khiếu nại", "Ghi chú"]
DETAIL_HEAD = ["Mã xã", "Xã, phường", "Mã tiêu chí", "Tiêu chí", "Điểm chuẩn", "Tự chấm", "Khối chấm",
               "Điểm cuối cùng", "Số minh chứng", "Khiếu nại"]
SUMMARY_HEAD = ["Khối", "Trưởng khối", "Số xã", "Đã nộp", "Trễ hạn", "Khiếu nại", "Tình trạng"]


@dataclass(frozen=True)
class BlocState:
    label: str  # "đang chấm", "đã đóng", "đã công bố"
    ranking: Optional[Ranking]


def bloc_state(session: Session, period_id: int, bloc_id: int) -> BlocState:
    last = latest_ranking(session, period_id, bloc_id)
    if last is None or last.reopened_at is not None:
        return BlocState("đang chấm" if last is None else "mở lại để chấm", None)
    return BlocState("đã công bố" if last.published_at is not None else "đã đóng, chờ công bố", last)


def sheet_title(name: str, used: set[str]) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Khối"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def export_round(session: Session, period: ScoringPeriod, path: Path, *, now: datetime,
                 bloc_ids: Optional[list[int]] = None) -> int:
    """Write the workbook to ``path`` (atomically); returns the number of blocs written."""
    blocs = list(session.scalars(select(Bloc).where(Bloc.province_code == period.province_code,
                                                    Bloc.year == period.year).order_by(Bloc.id)))
    if bloc_ids is not None:
        blocs = [b for b in blocs if b.id in set(bloc_ids)]
    data = load_round(session, period, [b.id for b in blocs])
    states = {b.id: bloc_state(session, period.id, b.id) for b in blocs}
    rows = {b.id: _rows(states[b.id], data, b.id) for b in blocs}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        wb = xlsxwriter.Workbook(str(tmp), {**TEXT_ONLY, "constant_memory": False, "in_memory": True})
        fmt = {"bold": wb.add_format({"bold": True}),
               "head": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                      "border": 1}),
               "dt": wb.add_format({"num_format": "hh:mm d/m/yyyy"})}
        _summary(wb, fmt, period, blocs, rows, states, data, now)
        used = {"tổng hợp"}
        for bloc in blocs:
            _bloc_sheet(wb.add_worksheet(sheet_title(bloc.name, used)), fmt, bloc, states[bloc.id], rows[bloc.id],
                        data)
        wb.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(blocs)


def _rows(state: BlocState, data: Round, bloc_id: int) -> list[dict[str, Any]]:
    """The stored ranking once the review is closed, else the live one."""
    return list(state.ranking.rows) if state.ranking is not None else rank_bloc(data, bloc_id)


def _naive(moment: datetime) -> datetime:
    return local(moment).replace(tzinfo=None)


def _summary(wb: Any, fmt: dict[str, Any], period: ScoringPeriod, blocs: list[Bloc],
             rows: dict[int, list[dict[str, Any]]], states: dict[int, BlocState], data: Round, now: datetime) -> None:
    sheet = wb.add_worksheet("Tổng hợp")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 6, 16)
    info: list[tuple[str, Any]] = [("Đợt chấm điểm", period.label), ("Bảng tiêu chí", period.table_id),
                                   ("Mở", _naive(period.open_at)), ("Hạn nộp", _naive(period.due_at)),
                                   ("Đóng", _naive(period.close_at)), ("Xuất lúc", _naive(now))]
    for i, (key, value) in enumerate(info):
        sheet.write_string(i, 0, key, fmt["bold"])
        if isinstance(value, datetime):
            sheet.write_datetime(i, 1, value, fmt["dt"])
        else:
            sheet.write_string(i, 1, str(value))
    r0 = len(info) + 1
    for c, title in enumerate(SUMMARY_HEAD):
        sheet.write_string(r0, c, title, fmt["head"])
    for i, bloc in enumerate(blocs, 1):
        got = rows[bloc.id]
        sheet.write_string(r0 + i, 0, bloc.name)
        sheet.write_string(r0 + i, 1, data.names.get(bloc.leader_code or 0, ""))
        sheet.write_number(r0 + i, 2, len(got))
        sheet.write_number(r0 + i, 3, sum(1 for r in got if r["submitted"]))
        sheet.write_number(r0 + i, 4, sum(1 for r in got if r["late_days"]))
        sheet.write_number(r0 + i, 5, sum(r["disputed"] for r in got))
        sheet.write_string(r0 + i, 6, states[bloc.id].label)


def _note(row: dict[str, Any]) -> str:
    if not row["submitted"]:
        return "chưa nộp"
    marks = ["đồng hạng"] if row["tied"] else []
    if row["late_days"]:
        marks.append(f"trễ {row['late_days']} ngày")
    if row["disputed"]:
        marks.append("có khiếu nại")
    return ", ".join(marks)


def _bloc_sheet(sheet: Any, fmt: dict[str, Any], bloc: Bloc, state: BlocState, rows: list[dict[str, Any]],
                data: Round) -> None:
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 3, 30)
    sheet.set_column(4, 9, 13)
    sheet.write_string(0, 0, bloc.name, fmt["bold"])
    sheet.write_string(1, 0, f"Xếp hạng: {state.label}")
    for c, title in enumerate(RANK_HEAD):
        sheet.write_string(3, c, title, fmt["head"])
    for i, row in enumerate(rows, 4):
        if row["place"] is not None:
            sheet.write_number(i, 0, row["place"])
        sheet.write_number(i, 1, row["commune_code"])
        sheet.write_string(i, 2, row["name"])
        for c, key in enumerate(("self_total", "bloc_total", "final_total"), 3):
            if row[key] is not None:
                sheet.write_number(i, c, float(Decimal(row[key])))
        sheet.write_number(i, 6, row["evidence"])
        sheet.write_number(i, 7, row["late_days"])
        sheet.write_number(i, 8, row["disputed"])
        sheet.write_string(i, 9, _note(row))
    _details(sheet, fmt, 4 + len(rows) + 2, rows, data)


def _details(sheet: Any, fmt: dict[str, Any], r0: int, rows: list[dict[str, Any]], data: Round) -> None:
    sheet.write_string(r0 - 1, 0, "Chi tiết phiếu chấm", fmt["bold"])
    for c, title in enumerate(DETAIL_HEAD):
        sheet.write_string(r0, c, title, fmt["head"])
    r = r0 + 1
    for row in rows:
        sheet_row = data.sheets.get(row["commune_code"])
        if sheet_row is None:
            continue
        spec = data.specs[sheet_row.table_pk]
        got, files = data.scores.get(sheet_row.id), data.files.get(sheet_row.id, {})
        for crit in spec.criteria:
            got_one = got.get(crit.code) if got is not None else None
            sheet.write_number(r, 0, row["commune_code"])
            sheet.write_string(r, 1, row["name"])
            sheet.write_string(r, 2, crit.code)
            sheet.write_string(r, 3, crit.text)
            sheet.write_number(r, 4, float(crit.lowest if crit.kind is Kind.PENALTY else crit.max))
            if got_one is not None:
                sheet.write_row(r, 5, [float(got_one.self_score), float(got_one.bloc), float(got_one.final)])
            sheet.write_number(r, 8, files.get(crit.code, 0))
            if got_one is not None and got_one.disputed:
                sheet.write_string(r, 9, "có")
            r += 1
