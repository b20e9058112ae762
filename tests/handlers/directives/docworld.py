"""A chat bot over the sample directives, for /vanban and /phongtrao tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services import build_services
from core.dispatch import BotCore
from core.settings import Settings
from core.types import Incoming, Reply, UserRef
from handlers.app import build_router
from store.directives.ingest import ingest_paths
from store.models import AuditLog, Document, Section

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "directives"
ANON = UserRef("test", "1", "1", "Khách")
OFFICER = UserRef("test", "2", "2", "Cán bộ Tuần Giáo")


class Bot:
    def __init__(self, database_url: str, tmp_path: Path, clock, folder: Path = SAMPLES) -> None:
        settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
        self.services = build_services(settings, clock, startup=False)
        result = ingest_paths(self.services.session_factory, [folder], clock)
        assert not result.errors
        self.core = BotCore(self.services, build_router())
        self.seq = 0

    async def send(self, who: UserRef = ANON, **kw) -> Reply:
        self.seq += 1
        out = await self.core.handle(Incoming(user=who, update_key=f"k{self.seq}", **kw))
        assert len(out) == 1
        return out[0].reply

    def doc_id(self, source_key: str) -> int:
        with self.services.session_factory() as s:
            return s.scalar(select(Document.id).where(Document.source_key == source_key))

    def section_id(self, source_key: str, path: str) -> int:
        with self.services.session_factory() as s:
            return s.scalar(select(Section.id).join(Document).where(Document.source_key == source_key,
                                                                    Section.path == path))

    def audits(self, action: str) -> list[AuditLog]:
        with self.services.session_factory() as s:
            return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def datas(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]
