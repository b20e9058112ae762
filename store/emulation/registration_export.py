"""The province's registrations of a year as XLSX: one row per commune (registered or not),
then every version sent, with titles, targets and the signed page's hash. Text cells are
written as text (``store.reporting.export.TEXT_ONLY``): a target named “=1+1” stays text.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import as_utc, local
from store.emulation.blocs import blocs_of_year
from store.emulation.pledges import pledges_of
from store.emulation.registrations import expected_communes
from store.emulation.targets import Target
from store.emulation.titles import current_catalogue
from store.models import Commune, Registration, RegistrationRound
from store.reporting.export import TEXT_ONLY

LIST_HEAD = ["Khối", "Mã xã", "Xã, phường", "Tình trạng", "Bản", "Gửi lúc", "Danh hiệu đăng ký", "Chỉ tiêu",
             "Giao ước của khối"]
VERSION_HEAD = ["Mã xã", "Xã, phường", "Bản", "Gửi lúc", "Danh hiệu đăng ký", "Chỉ tiêu", "Trang ký (SHA-256)"]


def _naive(moment: datetime) -> datetime:
    return local(as_utc(moment)).replace(tzinfo=None)


def _targets(reg: Registration) -> str:
    return "; ".join(Target.from_dict(t).show() for t in reg.targets)

NO_BLOC = "Chưa thuộc khối"


def export_registrations(session: Session, rnd: RegistrationRound, path: Path, *, now: datetime) -> int:
    """Write the workbook to ``path`` atomically; returns the number of registrations (all versions)."""
    cat = current_catalogue(session, rnd.province_code, rnd.year)
    names = cat.names if cat is not None else {}
    regs = list(session.scalars(select(Registration).where(Registration.province_code == rnd.province_code,
                                                           Registration.year == rnd.year)
                                .order_by(Registration.commune_code, Registration.version)))
    latest = {r.commune_code: r for r in regs}
    blocs = blocs_of_year(session, rnd.province_code, rnd.year)
    members = expected_communes(session, rnd.province_code, rnd.year, local(as_utc(rnd.due_at)).date())
    pledges = pledges_of(session, [b.id for b in blocs])
    communes = {c.code: c.name for c in session.scalars(select(Commune).where(
        Commune.province_code == rnd.province_code))}
    rows: list[list[Any]] = []

    def row(bloc_name: str, code: int, pledge: str) -> list[Any]:
        reg = latest.get(code)
        return [bloc_name, str(code), communes.get(code, str(code)), "Đã đăng ký" if reg else "Chưa đăng ký",
                reg.version if reg else "", _naive(reg.submitted_at) if reg else "",
                ", ".join(names.get(t, t) for t in reg.titles) if reg else "", _targets(reg) if reg else "", pledge]

    for bloc in blocs:
        pledge = pledges.get(bloc.id)
        rows += [row(bloc.name, code, f"Bản {pledge.version}" if pledge else "Chưa có")
                 for code in members.get(bloc.id, [])]
    # A commune that registered without being in a bloc on the deadline's day is listed too.
    in_blocs = {code for codes in members.values() for code in codes}
    rows += [row(NO_BLOC, code, "") for code in sorted(latest) if code not in in_blocs]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        wb = xlsxwriter.Workbook(str(tmp), {**TEXT_ONLY, "constant_memory": False, "in_memory": True})
        head = wb.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "border": 1})
        when = wb.add_format({"num_format": "hh:mm d/m/yyyy"})
        _sheet(wb.add_worksheet("Đăng ký thi đua"), LIST_HEAD, rows, head, when)
        _sheet(wb.add_worksheet("Các bản đã gửi"), VERSION_HEAD,
               [[str(r.commune_code), communes.get(r.commune_code, ""), r.version, _naive(r.submitted_at),
                 ", ".join(names.get(t, t) for t in r.titles), _targets(r), r.sha256] for r in regs], head, when)
        wb.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(regs)


def _sheet(sheet: Any, head: list[str], rows: list[list[Any]], head_fmt: Any, when_fmt: Any) -> None:
    sheet.set_column(0, len(head) - 1, 22)
    for c, title in enumerate(head):
        sheet.write_string(0, c, title, head_fmt)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, when_fmt)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
