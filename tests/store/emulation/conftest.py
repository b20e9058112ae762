"""A province with six communes in two blocs, the sample criteria table published, a scoring period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, make_session_factory, transaction
from store.emulation.blocs import create_bloc
from store.emulation.periods import create_scoring_period
from store.emulation.tables import load_table, parse_table_text, publish_table
from store.migrate import upgrade
from store.models import Commune, ScoringPeriod
from tests.handlers.report_setup import PROVINCE, add_officer, seed_units

SAMPLE_TABLE = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "khoi-xa-2026.yaml"
EXTRA = {3004: "Xã Nà Tăm", 3005: "Xã Bản Bo", 3006: "Xã Khun Há"}
OPEN = datetime(2026, 11, 1, 0, 0, tzinfo=timezone.utc)
DUE = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)  # 17:00 30/11 in Vietnam
CLOSE = datetime(2026, 12, 10, 10, 0, tzinfo=timezone.utc)


@dataclass
class EmuWorld:
    factory: sessionmaker[Session]
    period_id: int
    bloc1: int
    bloc2: int
    leader: int  # an officer of 3001, the leading commune of bloc 1
    officer2: int  # an officer of 3002
    supervisor: int


def seed_emulation(s: Session, now: datetime) -> EmuWorld:
    seed_units(s)
    for code, name in EXTRA.items():
        s.add(Commune(code=code, name=name, division_type="xã", province_code=PROVINCE, folded=name.lower()))
    s.flush()
    leader = add_officer(s, now, user=1, name="Lò Văn An", commune=3001)
    officer2 = add_officer(s, now, user=3, name="Vàng A Chứ", commune=3002)
    sup = add_officer(s, now, user=9, name="Nguyễn Thị Giám Sát", role="supervisor", provinces=(PROVINCE,))
    spec = parse_table_text(SAMPLE_TABLE.read_text(encoding="utf-8"))
    load_table(s, spec, now)
    publish_table(s, spec.table_id, None, sup.id, now)
    b1 = create_bloc(s, province_code=PROVINCE, year=2026, name="Khối thi đua số 1", leader_code=3001,
                     deputy_code=3002, members=[3003], now=now)
    b2 = create_bloc(s, province_code=PROVINCE, year=2026, name="Khối thi đua số 2", leader_code=3004,
                     members=[3005, 3006], now=now)
    period = create_scoring_period(s, province_code=PROVINCE, year=2026, label="Chấm điểm thi đua năm 2026",
                                   table_id=spec.table_id, as_of=date(2026, 12, 31), open_at=OPEN, due_at=DUE,
                                   close_at=CLOSE, now=now)
    return EmuWorld(None, period.id, b1.id, b2.id, leader.id, officer2.id, sup.id)  # type: ignore[arg-type]


@pytest.fixture
def world(database_url: str, clock) -> Iterator[EmuWorld]:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        w = seed_emulation(s, clock.now())
    w.factory = factory
    yield w
    engine.dispose()


def period_of(s: Session, w: EmuWorld) -> ScoringPeriod:
    return s.get_one(ScoringPeriod, w.period_id)
