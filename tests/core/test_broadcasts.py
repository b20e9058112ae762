"""Broadcast audiences, queuing (once per recipient, quiet hours), progress and the delivery report."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from core.context import Services
from core.broadcasts import AudienceError, create_broadcast, finish_completed, progress, resolve_audience
from bot.delivery.sender import OutboxSender
from bot.delivery.pacer import Pacer
from core.timespec import QuietHours
from core.outbox import SendResult
from store.clock import local
from store.db import transaction
from store.models import Broadcast, OutboxMessage, User
from tests.reminders.world import RecordingTransport, add_period, build_world, submit, vn


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock) -> Services:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return build_services(settings, clock, startup=False)


def names(services, targets) -> list[str]:
    with services.session_factory() as s:
        return sorted(s.get(User, t.user_id).chat_id for t in targets)


def test_audiences(services: Services) -> None:
    w = build_world(services, supervisors=("s1", "s2"))
    pid = add_period(services, w, label="K", open_at=vn(2026, 5, 1), due_at=vn(2026, 6, 15), close_at=vn(2026, 7, 1))
    submit(services, w, pid, "C")
    with services.session_factory() as s:
        def r(aud, **kw):
            return names(services, resolve_audience(s, aud, **kw))
        assert r({"kind": "province", "province_codes": [w.province]}) == ["a1", "c1"]
        assert r({"kind": "province", "province_codes": [1]}) == []
        assert r({"kind": "communes", "commune_codes": [w.communes["C"]], "province_codes": [w.province]}) == ["c1"]
        # A commune outside the sender's provinces is silently out of reach.
        assert r({"kind": "communes", "commune_codes": [w.communes["C"]], "province_codes": [1]}) == []
        assert r({"kind": "role", "role": "supervisor", "province_codes": [w.province]},
                 exclude_officer=w.officers["s1"]) == ["s2"]
        assert r({"kind": "not_reported", "period_id": pid, "province_codes": None}) == ["a1"]
        with pytest.raises(AudienceError):
            resolve_audience(s, {"kind": "everyone"})


async def test_queue_once_deliver_and_report(services: Services, clock) -> None:
    w = build_world(services, officers=(("a1", "A", True, True), ("c1", "C", True, True), ("c2", "C", True, True)))
    clock.set(vn(2026, 6, 1, 22))  # quiet hours: queued for 07:00
    with transaction(services.session_factory) as s:
        bc = create_broadcast(s, officer_id=w.officers["s1"], sender_user_id=w.users["s1"], text="Họp lúc 9h",
                              audience={"kind": "province", "province_codes": [w.province]}, audience_label="Tỉnh",
                              now=clock.now(), quiet=QuietHours.parse("21:00-07:00"))
        bc_id = bc.id
    with services.session_factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.broadcast_id == bc_id)).all()
        assert {local(r.not_before).strftime("%d/%m %H:%M") for r in rows} == {"02/06 07:00"}
        assert len(rows) == 3 == s.get(Broadcast, bc_id).recipient_count

    class Mixed(RecordingTransport):
        async def send(self, chat_id, reply):
            if chat_id == "c2":
                return SendResult(ok=False, blocked=True, error="Forbidden")
            return await super().send(chat_id, reply)

    t = Mixed(clock)
    sender = OutboxSender(services, {"test": t}, pacer=Pacer(10_000, 0))
    assert await sender.drain_once() == 0  # still night
    clock.set(vn(2026, 6, 2, 7))
    await sender.drain_once()
    with services.session_factory() as s:
        assert progress(s, bc_id) == {"sent": 2, "blocked": 1}
        assert s.get(Broadcast, bc_id).state == "done"
        assert s.get(User, w.users["c2"]).reachable is False
    await sender.drain_once()
    (report,) = [r for _, c, r in t.sent if c == "s1"]
    assert "Gửi được: 2/3" in report.text and "đã chặn bot: 1" in report.text
    with transaction(services.session_factory) as s:
        assert finish_completed(s, clock.now()) == []  # reported once


async def test_a_sender_stopped_right_after_the_last_send_still_queues_the_report(services: Services, clock) -> None:
    """The console quits as soon as input ends: the running sender is stopped the moment the
    broadcast's last message settles, and the report must not depend on a later pass."""
    w = build_world(services, officers=(("c1", "C", True, True),))
    clock.set(vn(2026, 6, 2, 9))
    with transaction(services.session_factory) as s:
        bc_id = create_broadcast(s, officer_id=w.officers["s1"], sender_user_id=w.users["s1"], text="Họp",
                                 audience={"kind": "province", "province_codes": [w.province]},
                                 audience_label="Tỉnh", now=clock.now(), quiet=QuietHours.parse("21:00-07:00")).id
    stop = asyncio.Event()

    class StopAfterSend(RecordingTransport):
        async def send(self, chat_id, reply):
            stop.set()  # the loop ends with this send in flight; run() waits for it, then returns
            await asyncio.sleep(0.05)  # (passes at any delay with the fix; fails without it)
            return await super().send(chat_id, reply)

    await OutboxSender(services, {"test": StopAfterSend(clock)}, pacer=Pacer(10_000, 0)).run(stop)
    with services.session_factory() as s:
        assert s.get(Broadcast, bc_id).state == "done"
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == f"bc-report:{bc_id}")).one()
