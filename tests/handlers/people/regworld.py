"""Shared set-up for registration handler tests: a core on a real database with units and a list."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore, QueuedReply
from core.outbox import mark_shown
from core.types import Contact, Incoming, UserRef
from store.db import transaction
from store.models import AuditLog, OutboxMessage, User
from store.people.importer import import_officers
from store.people.units import seed_units

LIST_CSV = (
    "ho_ten,so_dien_thoai,ma_xa,xa,tinh,vai_tro,telegram_id\n"
    "Nguyễn Thị Lan,0912 345 678,,Tuần Giáo,Điện Biên,cán bộ,\n"
    "Trần Văn Bình,+84 98.765.4321,,,Điện Biên,giám sát,\n"
    "Lê Văn Cường,0933.111.222,,,Lai Châu,giám sát,\n"
    "Phạm Minh Đức,0977000111,,Mường Ảng,Điện Biên,,\n"
)


class World:
    """A bot core plus helpers to send messages as named users."""

    def __init__(self, database_url: str, tmp_path: Path, clock) -> None:
        settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
        self.services = build_services(settings, clock, startup=False)
        seed_units(self.services)
        self.core = BotCore(self.services, build_router())
        self.seq = 0
        path = tmp_path / "list.csv"
        path.write_text(LIST_CSV, encoding="utf-8")
        with transaction(self.services.session_factory) as s:
            report = import_officers(s, path, now=clock.now())
        assert not report.errors, report.errors

    def user(self, uid: int, name: str = "") -> UserRef:
        return UserRef("telegram", str(uid), str(uid), name or f"User {uid}")

    async def send(self, who: UserRef, **kw) -> list[QueuedReply]:
        self.seq += 1
        self.deliver(who)  # what was due for this chat is on the phone before the user types
        return await self.core.handle(Incoming(user=who, update_key=f"u{self.seq}", **kw))

    def deliver(self, who: UserRef) -> None:
        now = self.services.clock.now()
        with transaction(self.services.session_factory) as s:
            ids = s.scalars(select(OutboxMessage.id).where(OutboxMessage.chat_id == who.chat_id,
                                                           OutboxMessage.state == "queued",
                                                           OutboxMessage.not_before <= now)).all()
            mark_shown(s, ids, now)

    async def text(self, who: UserRef, text: str) -> str:
        return "\n".join(q.reply.text for q in await self.send(who, text=text))

    async def contact(self, who: UserRef, phone: str, own: bool = True) -> list[QueuedReply]:
        return await self.send(who, contact=Contact(phone=phone, external_id=who.external_id if own else "999"))

    def notices(self, who: UserRef) -> list[dict]:
        with self.services.session_factory() as s:
            uid = s.scalar(select(User.id).where(User.external_id == who.external_id))
            return [o.payload for o in s.scalars(select(OutboxMessage).where(
                OutboxMessage.user_id == uid, OutboxMessage.kind != "reply").order_by(OutboxMessage.id))]

    def audits(self, action: Optional[str] = None) -> list[AuditLog]:
        with self.services.session_factory() as s:
            q = select(AuditLog).order_by(AuditLog.id)
            if action:
                q = q.where(AuditLog.action == action)
            return list(s.scalars(q))

    def db_user(self, who: UserRef) -> User:
        with self.services.session_factory() as s:
            return s.scalar(select(User).where(User.external_id == who.external_id))


async def register_supervisor(world: World, uid: int = 2, phone: str = "0987654321") -> UserRef:
    """A listed supervisor (Điện Biên by default) who registers by sharing their own number."""
    sup = world.user(uid, "Bình")
    await world.send(sup, command="start")
    out = await world.contact(sup, phone)
    assert "Đăng ký thành công" in out[0].reply.text
    return sup
