"""The province's XLSX of a year's nominations, sent in chat: written after the update commits,
in a worker thread (``store.awards.export``), queued as a document reply."""

from __future__ import annotations

import asyncio

from core.context import Context
from core.permissions import Refused, can
from core.router import Router
from core.types import Attachment, Reply
from handlers.awards.calls import ExportNominations
from handlers.emulation.export import XLSX_MIME
from store.awards.export import write_nominations
from store.clock import local


async def on_export(ctx: Context, data: ExportNominations) -> list[Reply]:
    if not can(ctx.officer, "award.export", province_code=data.province):
        raise Refused("award.export", f"province:{data.province}", reason="not the province")
    name = f"denghi-{data.year}-{local(ctx.now):%Y%m%d-%H%M%S}.xlsx"
    path = ctx.services.settings.files_dir / "exports" / f"{ctx.me.id}-{name}"
    factory, province, year, now = ctx.services.session_factory, data.province, data.year, ctx.now

    async def write() -> int:
        return await asyncio.to_thread(write_nominations, factory, province, year, path, now)

    def sent(done: Context, count: int) -> list[Reply]:
        done.audit("award.export", f"province:{province}:{year}", "done", nominations=count)
        return [Reply(text=f"Tệp Excel đề nghị khen thưởng năm {year}: {count} đề nghị.",
                      document=Attachment(name, path=str(path), mime_type=XLSX_MIME))]

    ctx.after_commit(write, sent, task="award.export")
    return []


def register(router: Router) -> None:
    router.callback(ExportNominations, action="award.export")(on_export)
