""""Tải bản nháp báo cáo thành tích" on a dossier: the DOCX drafted from what the bot holds
(``store.awards.achievement_docx``), for the nominated commune's officers and the bloc leader;
written after the update commits, in a worker thread, queued as a document reply."""

from __future__ import annotations

import asyncio

from core.context import Context
from core.router import Router
from core.types import Attachment, Reply
from handlers.awards.access import nomination_turn
from handlers.awards.calls import DraftAchievement
from store.awards.achievement import Achievement
from store.awards.achievement_docx import DOCX_MIME, write_achievement
from store.clock import local
from store.vn.text import fold

DRAFT_NOTE = ("Bản nháp báo cáo thành tích đề nghị tặng {title} năm {year} của {commune}. Anh/chị bổ sung các chỗ "
              "ghi “[cán bộ bổ sung: …]”, rà soát số liệu rồi trình ký.")


def file_name(commune_name: str, year: int, moment: str) -> str:
    return f"bao-cao-thanh-tich-{'-'.join(fold(commune_name).split())}-{year}-{moment}.docx"


async def on_draft(ctx: Context, data: DraftAchievement) -> list[Reply]:
    turn = nomination_turn(ctx, data.nomination, "award.dossier")
    name = file_name(turn.commune.name, turn.nomination.year, f"{local(ctx.now):%Y%m%d-%H%M%S}")
    path = ctx.services.settings.files_dir / "exports" / f"{ctx.me.id}-{name}"
    factory, nomination_id = ctx.services.session_factory, data.nomination

    async def write() -> Achievement:
        return await asyncio.to_thread(write_achievement, factory, nomination_id, path)

    def sent(done: Context, a: Achievement) -> list[Reply]:
        done.audit("award.achievement", f"nomination:{nomination_id}", "done")
        return [Reply(text=DRAFT_NOTE.format(title=a.title, year=a.year, commune=a.commune),
                      document=Attachment(name, path=str(path), mime_type=DOCX_MIME))]

    ctx.after_commit(write, sent, task="award.achievement")
    return []


def register(router: Router) -> None:
    router.callback(DraftAchievement, action="award.dossier")(on_draft)
