"""``/thu denghi``: the end of the year in the console, for a newcomer to try đề nghị khen thưởng.

The console user becomes an officer of the sample commune that leads the demo bloc, as with
``/thu truongkhoi``, but in the previous year: the bloc's six communes scored, the review closed,
the ranking published by the province (two communes tied), and that year's sample title
catalogue loaded. ``/denghi`` then nominates a commune for a title, shows the dossier's
checklist, takes its documents (``/tep ĐƯỜNG_DẪN``) and sends it; ``/thu giamsat`` turns the
same console user into the province's officer, who appraises it. Like every ``/thu`` it
refuses on a database with real officers, and creates the demo data once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console.demo_bloc import DEMO_BLOC, demo_leader, sample_table, seed_sheet
from bot.channels.console.demo_officer import demo_officer
from bot.channels.console.demo_registrations import SAMPLE_TITLES
from core.context import Services
from core.permissions import Role
from core.types import UserRef
from store.clock import as_utc, local
from store.db import transaction
from store.emulation.blocs import create_bloc
from store.emulation.periods import create_scoring_period
from store.emulation.ranking import close_review, publish_ranking
from store.emulation.titles import current_catalogue, load_catalogue, parse_catalogue_text
from store.models import Commune, ScoringPeriod

DEMO_AWARDS_LABEL = "Chấm điểm thi đua năm trước (console)"
# Shares of the maximum, the leader first: two communes tie for second place.
LEVELS = (0.9, 0.85, 0.85, 0.8, 0.7, 0.6)


def setup_awards_demo(services: Services, ref: UserRef) -> str:
    now = services.clock.now()
    year = local(as_utc(now)).year - 1
    with transaction(services.session_factory) as session:
        found = demo_leader(session, SAMPLE_TITLES, "danh mục danh hiệu")
        if isinstance(found, str):
            return found
        province, leader = found
        demo_officer(session, ref, Role.OFFICER, leader.code, None, now)
        if session.scalar(select(ScoringPeriod.id).where(ScoringPeriod.label == DEMO_AWARDS_LABEL)) is None:
            _seed(session, services.settings.files_dir, province, leader.code, year, now)
    return (f"Anh/chị đang thử vai cán bộ {leader.name}, xã trưởng “{DEMO_BLOC}” năm {year}: tỉnh đã công bố "
            "xếp hạng của khối (có 2 xã đồng hạng).\n"
            "Gõ /denghi, chọn xã rồi chọn danh hiệu để đề nghị khen thưởng; hồ sơ hiện danh sách giấy tờ "
            "cần có (✓/✗): chọn “Gửi …” rồi gửi tệp bằng /tep ĐƯỜNG_DẪN (ảnh, PDF, .docx). "
            "Đủ giấy tờ thì gửi hồ sơ lên tỉnh; gõ /thu giamsat để thử vai cán bộ tỉnh thẩm định.")


def _seed(session: Session, files_dir: Path, province: int, leader: int, year: int, now: datetime) -> None:
    """Last year's bloc, scored and ranked, the ranking published, and last year's catalogue."""
    table_id = sample_table(session, now)
    others = list(session.scalars(select(Commune.code).where(Commune.province_code == province,
                                                             Commune.code != leader).order_by(Commune.code).limit(5)))
    bloc = create_bloc(session, province_code=province, year=year, name=DEMO_BLOC, leader_code=leader,
                       deputy_code=others[0], members=others, start=date(year, 1, 1), now=now)
    due = now - timedelta(days=30)
    period = create_scoring_period(session, province_code=province, year=year, label=DEMO_AWARDS_LABEL,
                                   table_id=table_id, as_of=date(year, 12, 31), open_at=due - timedelta(days=20),
                                   due_at=due, close_at=due + timedelta(days=10), now=now)
    for code, level in zip([leader, *others], LEVELS):
        seed_sheet(session, files_dir, period, code, level, -1, due)
    close_review(session, period, bloc, None, now)
    publish_ranking(session, period, bloc, None, now)
    if current_catalogue(session, province, year) is None:
        text = SAMPLE_TITLES.read_text(encoding="utf-8").replace("year: 2026", f"year: {year}").replace("năm 2026", f"năm {year}")
        load_catalogue(session, province, parse_catalogue_text(text), now)
