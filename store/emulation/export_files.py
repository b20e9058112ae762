"""The province's export as files for the chat: the workbook of every bloc and ranking charts.

Blocking (database and drawing): call it in a worker thread, with no transaction of the
update open. Each file is written atomically by ``store.emulation.export`` / ``chart``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from store.emulation.chart import ranking_chart
from store.emulation.export import export_round
from store.emulation.ranking import bloc_rows
from store.emulation.review import latest_ranking
from store.emulation.tables import latest_published, table_spec
from store.models import Bloc, ScoringPeriod


@dataclass
class ExportFiles:
    workbook: Path
    blocs: int
    charts: list[tuple[str, Path]] = field(default_factory=list)  # (bloc name, png)


def _rows(session: Session, period: ScoringPeriod, bloc: Bloc) -> list[dict[str, Any]]:
    ranking = latest_ranking(session, period.id, bloc.id)
    if ranking is not None and ranking.reopened_at is None:
        return list(ranking.rows)
    return bloc_rows(session, period, [bloc.id])[bloc.id]


def write_export(session_factory: sessionmaker[Session], period_id: int, workbook: Path, chart_dir: Path,
                 chart_blocs: list[int], now: datetime) -> ExportFiles:
    """The workbook of every bloc of the period, and a chart for each bloc in ``chart_blocs``."""
    with session_factory() as session:
        period = session.get_one(ScoringPeriod, period_id)
        blocs = export_round(session, period, workbook, now=now)
        out = ExportFiles(workbook, blocs)
        table = latest_published(session, period.table_id)
        maximum = table_spec(table).total if table is not None else Decimal(100)
        for bloc_id in chart_blocs:
            bloc = session.get(Bloc, bloc_id)
            if bloc is None or bloc.province_code != period.province_code or bloc.year != period.year:
                continue
            path = chart_dir / f"{workbook.stem}-khoi{bloc.id}.png"
            ranking_chart(_rows(session, period, bloc), f"{bloc.name} – {period.label}", path, maximum)
            out.charts.append((bloc.name, path))
    return out
