"""A small world for reminder tests: a province, communes, officers with chats, one period."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from core.context import Services
from core.types import Reply
from core.outbox import SendResult
from store.clock import VN_TZ
from store.db import transaction
from store.models import Commune, Form, Officer, OfficerProvince, Period, Province, Report, User


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@dataclass
class World:
    province: int = 99
    communes: dict[str, int] = field(default_factory=dict)
    officers: dict[str, int] = field(default_factory=dict)  # name -> officer id (chat id = name)
    users: dict[str, int] = field(default_factory=dict)
    form_pk: Optional[int] = None


def build_world(services: Services, *, communes=("A", "B", "C"),
                officers=(("a1", "A", True, True), ("a2", "A", False, True), ("b1", "B", True, False),
                          ("c1", "C", True, True)), supervisors=("s1",), real_form: bool = False,
                channel: str = "test", chat_ids: Optional[dict[str, str]] = None) -> World:
    """Officers as (name, commune, active, reachable); chat ids are the names unless given."""
    now = services.clock.now()
    w = World()
    with transaction(services.session_factory) as s:
        s.add(Province(code=w.province, name="Tỉnh Thử", folded="thu"))
        for i, name in enumerate(communes):
            code = 99000 + i
            s.add(Commune(code=code, name=f"Xã {name}", division_type="xã", province_code=w.province,
                          folded=name.lower()))
            w.communes[name] = code
        if real_form:  # the bundled 6-month form, so the /baocao dialog can open it
            from store.forms.versions import load_form

            form, _ = load_form(s, (services.settings.sample_dir / "forms" / "thi-dua-6-thang.yaml").read_text("utf-8"),
                                now)
        else:
            form = Form(form_id="f", version=1, title="Mẫu", definition={}, content_hash="x", created_at=now)
            s.add(form)
        s.flush()
        w.form_pk = form.id
        people = [(n, w.communes[c], act, reach, "officer") for n, c, act, reach in officers]
        people += [(n, None, True, True, "supervisor") for n in supervisors]
        for name, commune, active, reachable, role in people:
            o = Officer(full_name=name, role=role, commune_code=commune, active=active, created_at=now)
            if role == "supervisor":
                o.provinces = [OfficerProvince(province_code=w.province)]
            s.add(o)
            s.flush()
            chat = (chat_ids or {}).get(name, name)
            u = User(channel=channel, external_id=chat, chat_id=chat, officer_id=o.id, reachable=reachable,
                     created_at=now, last_seen_at=now)
            s.add(u)
            s.flush()
            w.officers[name], w.users[name] = o.id, u.id
    return w


def add_period(services: Services, w: World, *, label: str, open_at: datetime, due_at: datetime,
               close_at: datetime) -> int:
    with transaction(services.session_factory) as s:
        p = Period(label=label, form_pk=w.form_pk, province_code=w.province, open_at=open_at, due_at=due_at,
                   close_at=close_at, created_at=services.clock.now())
        s.add(p)
        s.flush()
        return p.id


def submit(services: Services, w: World, period_id: int, commune: str) -> None:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        s.add(Report(period_id=period_id, commune_code=w.communes[commune], form_pk=w.form_pk, answers={},
                     submitted_at=now, updated_at=now))


class RecordingTransport:
    """Records (clock time, chat, reply) for every send."""

    channel = "test"

    def __init__(self, clock) -> None:
        self.clock = clock
        self.sent: list[tuple[datetime, str, Reply]] = []
        self._changed = asyncio.Condition()

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.sent.append((self.clock.now(), chat_id, reply))
        async with self._changed:
            self._changed.notify_all()
        return SendResult(ok=True)

    async def wait_sent(self, count: int, timeout: float = 10.0) -> None:
        """Until ``count`` messages were sent (awaited, not polled); fails after ``timeout``."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), timeout)
