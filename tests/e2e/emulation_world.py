"""Seed for the emulation end-to-end tests: a province, a bloc of four communes (the leader,
two members on Telegram and one on Zalo), a province supervisor, the test criteria table
loaded and published, and an open scoring period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from store.db import transaction
from store.emulation.blocs import create_bloc
from store.emulation.periods import create_scoring_period
from store.emulation.tables import load_table, parse_table_text, publish_table
from store.models import Commune, User
from tests.e2e.fakebotapi import FakeUser
from tests.e2e.fakezaloapi import FakeZaloUser
from tests.handlers.emulation.world import CLOSE, DUE, EXTRA_COMMUNES, OPEN, TABLE
from tests.handlers.report_setup import PROVINCE, add_officer, seed_units

LEADER = FakeUser(id=6001, first_name="An", last_name="Lò Văn")
MEMBER = FakeUser(id=6002, first_name="Chứ", last_name="Vàng A")
SUPERVISOR = FakeUser(id=6009, first_name="Sát", last_name="Nguyễn Thị Giám")
ZALO_MEMBER = FakeZaloUser("9200000000000000003", "Tao Thị Dung")
BEFORE_DUE = "2026-11-20T09:00:00+07:00"
TWO_DAYS_LATE = "2026-12-02T09:00:00+07:00"


def seed(session_factory, now: datetime) -> int:
    """Everything the scenario needs; returns the scoring period's id."""
    with transaction(session_factory) as s:
        seed_units(s)
        for code, name in EXTRA_COMMUNES.items():
            s.add(Commune(code=code, name=name, division_type="xã", province_code=PROVINCE, folded=name.lower()))
        s.flush()
        people = ((LEADER.id, 3001, "Lò Văn An", "officer", ()), (MEMBER.id, 3002, "Vàng A Chứ", "officer", ()),
                  (SUPERVISOR.id, None, "Nguyễn Thị Giám Sát", "supervisor", (PROVINCE,)))
        for user_id, commune, name, role, provinces in people:
            officer = add_officer(s, now, user=user_id, name=name, commune=commune, role=role, provinces=provinces)
            officer.telegram_id = str(user_id)
            s.scalar(select(User).where(User.external_id == str(user_id))).channel = "telegram"
        add_officer(s, now, user=6003, name="Tao Thị Dung", commune=3003)
        zalo = s.scalar(select(User).where(User.external_id == "6003"))
        zalo.channel, zalo.external_id, zalo.chat_id = "zalo", ZALO_MEMBER.id, ZALO_MEMBER.id
        create_bloc(s, province_code=PROVINCE, year=2026, name="Khối thi đua số 1", leader_code=3001,
                    deputy_code=3002, members=[3003, 3004], now=now)
        load_table(s, parse_table_text(TABLE), now)
        publish_table(s, "thu-nghiem", None, None, now)
        period = create_scoring_period(s, province_code=PROVINCE, year=2026, label="Chấm điểm thi đua năm 2026",
                                       table_id="thu-nghiem", as_of=date(2026, 12, 31), open_at=OPEN, due_at=DUE,
                                       close_at=CLOSE, now=now, explain_days=5)
        return period.id
