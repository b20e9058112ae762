"""Shared set-up for report tests: a province, communes, officers linked to users, forms, a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from core.listing import with_listed_details
from core.outbox import mark_shown
from core.types import Incoming, UserRef
from store.db import transaction
from store.forms.versions import load_form
from store.models import Commune, Officer, OfficerProvince, OutboxMessage, Province, User
from store.reporting.periods import create_period

SAMPLE_FORMS = Path(__file__).resolve().parents[2] / "store" / "sample" / "forms"
PROVINCE = 12  # Lai Châu
COMMUNES = {3001: "Xã Tam Đường", 3002: "Xã Bình Lư", 3003: "Phường Tân Phong"}
OPEN = datetime(2026, 6, 1, 0, 0, tzinfo=timezone.utc)
DUE = datetime(2026, 6, 30, 10, 0, tzinfo=timezone.utc)
CLOSE = datetime(2026, 7, 15, 10, 0, tzinfo=timezone.utc)


def user_ref(n: int) -> UserRef:
    return UserRef("test", str(n), str(n), f"Người {n}")


@dataclass
class World:
    core: BotCore
    period_id: int
    annual_period_id: int


def seed_units(session) -> None:
    session.add(Province(code=PROVINCE, name="Tỉnh Lai Châu", folded="lai chau"))
    session.add(Province(code=11, name="Tỉnh Điện Biên", folded="dien bien"))
    for code, name in COMMUNES.items():
        session.add(Commune(code=code, name=name, division_type="xã", province_code=PROVINCE, folded=name.lower()))
    session.add(Commune(code=4001, name="Xã Tuần Giáo", division_type="xã", province_code=11, folded="tuan giao"))
    session.flush()


def add_officer(session, now: datetime, *, user: int, name: str, role: str = "officer",
                commune: Optional[int] = None, provinces: tuple[int, ...] = ()) -> Officer:
    officer = Officer(full_name=name, role=role, commune_code=commune, active=True, created_at=now,
                      phone=f"09{user:08d}", provinces=[OfficerProvince(province_code=p) for p in provinces])
    session.add(officer)
    session.flush()
    session.add(User(channel="test", external_id=str(user), chat_id=str(user), display_name=name,
                     officer_id=officer.id, reachable=True, created_at=now, last_seen_at=now))
    session.flush()
    return officer


def build_world(database_url: str, data_dir: Path, clock, fetch_file=None) -> World:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=data_dir, load_samples=False)
    services = build_services(settings, clock, startup=False)
    if fetch_file is not None:
        services.fetchers["test"] = fetch_file
    now = clock.now()
    with transaction(services.session_factory) as s:
        seed_units(s)
        add_officer(s, now, user=1, name="Lò Văn An", commune=3001)
        add_officer(s, now, user=2, name="Tòng Thị Bình", commune=3001)
        add_officer(s, now, user=3, name="Vàng A Chứ", commune=3002)
        add_officer(s, now, user=9, name="Nguyễn Thị Giám Sát", role="supervisor", provinces=(PROVINCE,))
        add_officer(s, now, user=8, name="Supervisor Điện Biên", role="supervisor", provinces=(11,))
        six, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), now)
        annual, _ = load_form(s, (SAMPLE_FORMS / "tong-ket-nam.yaml").read_text(encoding="utf-8"), now)
        period = create_period(s, form=six, label="6 tháng đầu năm 2026", province_code=PROVINCE,
                               open_at=OPEN, due_at=DUE, close_at=CLOSE, now=now)
        annual_p = create_period(s, form=annual, label="Tổng kết năm 2026", commune_codes=[3001, 3002],
                                 open_at=OPEN, due_at=DUE + timedelta(days=150), close_at=CLOSE + timedelta(days=160),
                                 now=now)
        ids = period.id, annual_p.id
    return World(BotCore(services, build_router()), *ids)


class Chat:
    """One user talking to the core; remembers the last buttons like a phone screen."""

    def __init__(self, core: BotCore, user: int) -> None:
        self.core, self.ref, self.n = core, user_ref(user), 0
        self.last: list = []

    def _key(self) -> str:
        self.n += 1
        return f"{self.ref.external_id}-{self.n}"

    def deliver(self) -> None:
        """The phone receives what is due for this chat (a real sender would send it)."""
        now = self.core.services.clock.now()
        with transaction(self.core.services.session_factory) as s:
            ids = s.scalars(select(OutboxMessage.id).where(OutboxMessage.chat_id == self.ref.chat_id,
                                                           OutboxMessage.state == "queued",
                                                           OutboxMessage.not_before <= now)).all()
            mark_shown(s, ids, now)

    async def send(self, **kw) -> list:
        self.deliver()  # what was queued before this message is on the screen
        out = await self.core.handle(Incoming(user=self.ref, update_key=kw.pop("key", None) or self._key(), **kw))
        self.last = [q.reply for q in out]
        return self.last

    async def cmd(self, name: str, args: str = "") -> list:
        return await self.send(command=name, args=args, text=f"/{name} {args}".strip())

    async def text(self, text: str) -> list:
        return await self.send(text=text)

    async def press(self, label: str, *, key: Optional[str] = None) -> list:
        return await self.send(button=self.find(label), key=key)

    def find(self, label: str) -> str:
        for reply in self.last:
            for row in reply.buttons:
                for b in row:
                    if b.text == label or b.text.startswith(label):
                        return b.data
        raise AssertionError(f"no button {label!r} in {[b.text for r in self.last for row in r.buttons for b in row]}")

    @property
    def said(self) -> str:
        """What a channel with buttons shows: each reply's text with its list's entries."""
        return "\n".join(with_listed_details(r).text for r in self.last)
