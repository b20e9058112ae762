"""A province with two blocs, a small criteria table, a scoring period and officers, for the
emulation handler tests (through BotCore, on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from bot.services import build_services
from core.dispatch import BotCore
from core.settings import Settings
from handlers.app import build_router
from store.db import transaction
from store.emulation.blocs import create_bloc
from store.emulation.periods import create_scoring_period
from store.emulation.tables import load_table, parse_table_text, publish_table
from store.models import Commune
from tests.handlers.report_setup import PROVINCE, add_officer, seed_units

OPEN = datetime(2026, 11, 1, 1, 0, tzinfo=timezone.utc)
DUE = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
CLOSE = datetime(2026, 12, 15, 10, 0, tzinfo=timezone.utc)
EXTRA_COMMUNES = {3004: "Xã Nậm Tăm", 3005: "Xã Sìn Hồ", 3006: "Xã Pa Tần"}

TABLE = """
id: thu-nghiem
version: 1
title: Bảng tiêu chí thử nghiệm
total: 30
groups:
  - code: I
    title: Kinh tế
    max: 20
    criteria:
      - {code: "1", text: Thu ngân sách đạt dự toán, max: 10, evidence: true}
      - {code: "2", text: Hoàn thành chỉ tiêu giao quân, kind: yesno, max: 10}
  - code: II
    title: Chính quyền
    max: 10
    criteria:
      - {code: "3", text: Chấp hành chế độ báo cáo, max: 10}
  - code: III
    title: Điểm trừ
    kind: penalty
    limit: 5
    criteria:
      - {code: "4", text: Vi phạm kỷ luật, limit: 5}
"""

LEADER, MEMBER, THIRD, FOURTH, OTHER_BLOC, SUPERVISOR = 1, 3, 4, 5, 6, 9


@dataclass
class EmuWorld:
    core: BotCore
    period_id: int
    bloc_id: int


def build(database_url: str, data_dir: Path, clock, fetch_file=None, table: str = TABLE) -> EmuWorld:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=data_dir, load_samples=False,
                        quiet_hours="")
    services = build_services(settings, clock, startup=False)
    if fetch_file is not None:
        services.fetchers["test"] = fetch_file
    now = clock.now()
    with transaction(services.session_factory) as s:
        seed_units(s)
        for code, name in EXTRA_COMMUNES.items():
            s.add(Commune(code=code, name=name, division_type="xã", province_code=PROVINCE, folded=name.lower()))
        s.flush()
        for user, commune, name in ((LEADER, 3001, "Lò Văn An"), (MEMBER, 3002, "Vàng A Chứ"),
                                    (THIRD, 3003, "Tao Thị Dung"), (FOURTH, 3004, "Lý Văn Em"),
                                    (OTHER_BLOC, 3005, "Giàng A Phử")):
            add_officer(s, now, user=user, name=name, commune=commune)
        add_officer(s, now, user=SUPERVISOR, name="Nguyễn Thị Giám Sát", role="supervisor", provinces=(PROVINCE,))
        bloc = create_bloc(s, province_code=PROVINCE, year=2026, name="Khối thi đua số 1", leader_code=3001,
                           deputy_code=3002, members=[3003, 3004], now=now)
        create_bloc(s, province_code=PROVINCE, year=2026, name="Khối thi đua số 2", leader_code=3005,
                    members=[3006], now=now)
        load_table(s, parse_table_text(table), now)
        publish_table(s, "thu-nghiem", None, None, now)
        period = create_scoring_period(s, province_code=PROVINCE, year=2026, label="Chấm điểm thi đua năm 2026",
                                       table_id="thu-nghiem", as_of=date(2026, 12, 31), open_at=OPEN, due_at=DUE,
                                       close_at=CLOSE, now=now, explain_days=5)
        ids = period.id, bloc.id
    return EmuWorld(BotCore(services, build_router()), *ids)
