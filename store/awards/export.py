"""The province's workbook of nominations: one row per nomination (who was proposed), its
state (who was approved), the checklist, the last reason, the decision; every text cell written
as text (``store.reporting.export.TEXT_ONLY``), written atomically."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.awards.decisions import decision_of
from store.awards.dossier import State
from store.awards.nominations import checklist, last_reason, nominations_of
from store.awards.wording import STATE_TEXT, hint_text
from store.clock import local, vn_date
from store.models import Bloc, Commune, Nomination, Ranking
from store.reporting.export import TEXT_ONLY

HEAD = ["STT", "Năm", "Khối", "Mã xã", "Xã, phường", "Mã danh hiệu", "Danh hiệu", "Hạng trong khối", "Trạng thái",
        "Hồ sơ đủ", "Giấy tờ còn thiếu", "Lưu ý điều kiện", "Lý do trả lại / không duyệt", "Số quyết định",
        "Ngày quyết định", "Cấp quyết định"]


def _places(session: Session, ranking_id: Optional[int]) -> dict[int, int]:
    ranking = session.get(Ranking, ranking_id) if ranking_id is not None else None
    return {int(r["commune_code"]): int(r["place"]) for r in (ranking.rows if ranking is not None else [])
            if r.get("place") is not None}


def _texts(session: Session, nom: Nomination, blocs: dict[int, str], names: dict[int, str]) -> list[str]:
    items = checklist(session, nom)
    state = State(nom.state)
    reason = last_reason(session, nom.id, state) if state in (State.RETURNED, State.NOT_APPROVED) else ""
    decision = decision_of(session, nom.id)
    place = _places(session, nom.ranking_id).get(nom.commune_code)
    return [str(nom.year), blocs.get(nom.bloc_id or 0, ""), str(nom.commune_code), names.get(nom.commune_code, ""),
            nom.title_code, nom.title_name, str(place or ""), STATE_TEXT[state],
            "Đủ" if all(it.present for it in items) else "Chưa đủ",
            "; ".join(it.name for it in items if not it.present), "; ".join(hint_text(h) for h in nom.hints), reason,
            decision.number if decision else "", vn_date(decision.signed_on) if decision else "",
            decision.level if decision else ""]


def export_nominations(session: Session, province_code: int, year: int, path: Path, *, now: datetime) -> int:
    """Write the workbook; the number of nominations written."""
    noms = nominations_of(session, province_code=province_code, year=year)
    names = {code: name for code, name in session.execute(select(Commune.code, Commune.name).where(
        Commune.code.in_(sorted({n.commune_code for n in noms}))))} if noms else {}
    blocs = {bid: name for bid, name in session.execute(select(Bloc.id, Bloc.name).where(
        Bloc.province_code == province_code, Bloc.year == year))}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        wb = xlsxwriter.Workbook(str(tmp), {**TEXT_ONLY, "constant_memory": False, "in_memory": True})
        head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
        sheet = wb.add_worksheet("Đề nghị khen thưởng")
        sheet.write_string(0, 0, f"Đề nghị khen thưởng năm {year} – xuất lúc {local(now):%H:%M} {vn_date(now)}")
        for c, title in enumerate(HEAD):
            sheet.write_string(2, c, title, head)
        for i, nom in enumerate(noms, start=1):
            texts = _texts(session, nom, blocs, names)
            sheet.write_number(2 + i, 0, i)
            for c, text in enumerate(texts, start=1):
                sheet.write_string(2 + i, c, text)
        sheet.set_column(0, len(HEAD) - 1, 18)
        wb.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(noms)


def write_nominations(session_factory: sessionmaker[Session], province_code: int, year: int, path: Path,
                      now: datetime) -> int:
    """The same in its own session (blocking: call it in a worker thread, no update's transaction open)."""
    with session_factory() as session:
        return export_nominations(session, province_code, year, path, now=now)
