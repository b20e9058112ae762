"""Missing-document reminders before a nomination's deadline: once per step, to the nominated
commune and the bloc leader, nothing once the dossier is complete or the deadline has passed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from reminders.sweep import run_sweep
from store.awards.files import write_document
from store.awards.nominations import add_document, propose
from store.clock import VN_TZ
from store.db import transaction
from store.models import Bloc, Nomination, OutboxMessage
from tests.handlers.emulation.test_selfscore import _fetch
from tests.handlers.emulation.world import OPEN, EmuWorld, build
from tests.store.awards.flow import PDF, REQUIRED


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> EmuWorld:
    clock.set(OPEN + timedelta(days=3))
    return build(database_url, tmp_path / "data", clock, fetch_file=_fetch)


def _vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def _reminders(world: EmuWorld) -> list[OutboxMessage]:
    with world.core.services.session_factory() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("award-rem:%"))
                              .order_by(OutboxMessage.id)))


def test_missing_documents_are_reminded_once_per_step(world: EmuWorld, clock, tmp_path: Path) -> None:
    services = world.core.services
    with transaction(services.session_factory) as s:
        bloc = s.get_one(Bloc, world.bloc_id)
        nom = propose(s, bloc=bloc, commune_code=3002, title_code="co-tinh", title_name="Cờ thi đua của UBND tỉnh",
                      required=REQUIRED, deadline=date(2026, 12, 10), officer_id=None, now=clock.now()).nomination
        add_document(s, nom, "to-trinh", write_document(tmp_path, 2026, nom.id, "to-trinh", PDF), officer_id=None,
                     now=clock.now())
        nid = nom.id
    clock.set(_vn("2026-12-01T09:00"))  # before the first step (-7d@08:00 is 3/12)
    run_sweep(services)
    assert _reminders(world) == []
    clock.set(_vn("2026-12-07T08:00"))  # the -3d step
    run_sweep(services)
    run_sweep(services)  # a second sweep: nothing twice
    first = _reminders(world)
    assert {m.dedup_key.split(":", 3)[3] for m in first} == {"-3d@08:00"} and len(first) == 2  # 3002 and the leader
    text = first[0].payload["text"]
    assert "còn thiếu: Biên bản họp bình xét của khối thi đua; Báo cáo thành tích của tập thể" in text
    assert "Hạn nộp hồ sơ 10/12/2026" in text and first[0].payload["buttons"][0][0]["data"] == f"dn:v:{nid}"
    with transaction(services.session_factory) as s:
        nom = s.get_one(Nomination, nid)
        for code in ("bien-ban", "bao-cao"):
            add_document(s, nom, code, write_document(tmp_path, 2026, nid, code, PDF + code.encode()),
                         officer_id=None, now=clock.now())
    clock.set(_vn("2026-12-09T08:00"))  # the -1d step: the dossier is complete
    run_sweep(services)
    assert len(_reminders(world)) == 2


def test_nothing_after_the_deadline(world: EmuWorld, clock) -> None:
    services = world.core.services
    with transaction(services.session_factory) as s:
        bloc = s.get_one(Bloc, world.bloc_id)
        propose(s, bloc=bloc, commune_code=3003, title_code="bk-tinh", title_name="Bằng khen",
                required=REQUIRED, deadline=date(2026, 12, 10), officer_id=None, now=clock.now())
    clock.set(_vn("2026-12-10T17:30"))
    run_sweep(services)
    clock.set(_vn("2026-12-12T08:00"))
    run_sweep(services)
    assert _reminders(world) == []
