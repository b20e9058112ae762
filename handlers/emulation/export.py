"""The province's XLSX of every bloc's sheets and the ranking charts, sent in chat.

Written after the update commits, in a worker thread (``store.emulation.export_files``); the
document and the charts are queued as replies of the same update.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from core.context import Context
from core.types import Attachment, Reply
from store.clock import local
from store.emulation.blocs import blocs_of_year
from store.emulation.export_files import ExportFiles, write_export
from store.models import ScoringPeriod

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CHARTS = 3


def export_all(ctx: Context, period: ScoringPeriod, bloc_id: Optional[int] = None) -> list[Reply]:
    """Queue the workbook (all blocs) and the chart of ``bloc_id`` (else of the first few blocs)."""
    stamp = local(ctx.now).strftime("%Y%m%d-%H%M%S")
    name = f"thidua-dot{period.id}-{stamp}.xlsx"
    files_dir = ctx.services.settings.files_dir
    workbook = files_dir / "exports" / f"{ctx.me.id}-{name}"
    charts = [bloc_id] if bloc_id is not None else [
        b.id for b in blocs_of_year(ctx.session, period.province_code, period.year)[:MAX_CHARTS]]
    factory, period_id, label, now = ctx.services.session_factory, period.id, period.label, ctx.now

    async def write() -> ExportFiles:
        return await asyncio.to_thread(write_export, factory, period_id, workbook, files_dir / "charts", charts, now)

    def sent(done: Context, files: ExportFiles) -> list[Reply]:
        done.audit("emulation.export", f"scoring:{period_id}", "done", blocs=files.blocs)
        out = [Reply(text=f"Tệp Excel “{label}”: {files.blocs} khối (trang tổng hợp và mỗi khối một trang).",
                     document=Attachment(name, path=str(workbook), mime_type=XLSX_MIME))]
        out += [Reply(text=f"Biểu đồ xếp hạng {bloc}", image=Attachment(path.name, path=str(path), mime_type="image/png"))
                for bloc, path in files.charts]
        return out

    ctx.after_commit(write, sent, task="emulation.export")
    return []
