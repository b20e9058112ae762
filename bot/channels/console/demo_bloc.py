"""``/thu truongkhoi``: try the bloc leader's side on sample data in the console.

The console user becomes an officer of a sample commune that leads a demo bloc of six
communes, scored on the sample criteria table (store/sample/emulation) in every state a
leader meets: two sheets submitted on time, one late, one whose commune has explained a
changed score (a decision waits), one half done, one not started. Like ``/thu`` it refuses on
a database with real officers, and creates the demo data once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console.demo_officer import DEMO_POSITION, demo_officer
from bot.channels.console.demo_registrations import seed_registrations
from core.context import Services
from core.permissions import Role
from core.types import UserRef
from store.db import transaction
from store.emulation import engine
from store.emulation.blocs import create_bloc
from store.emulation.evidence import record_evidence, write_evidence
from store.emulation.periods import create_scoring_period
from store.emulation.review import change_score, explain
from store.emulation.sheets import open_sheet, save_score, sheet_spec, submit_sheet
from store.emulation.table_spec import Criterion, Formula, Kind
from store.emulation.tables import latest, load_table, parse_table_text, publish_table
from store.models import Bloc, BlocMember, Commune, Officer, ScoringPeriod
from store.people.units import CommuneMatch, find_communes, resolve_province

SAMPLE_TABLE = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "khoi-xa-2026.yaml"
DEMO_BLOC = "Khối thi đua thử (console)"
DEMO_SCORING_LABEL = "Chấm điểm thi đua thử (console)"
DEMO_PROVINCE, DEMO_COMMUNE = "Lai Châu", "Tân Phong"
JPEG = b"\xff\xd8\xff\xe0" + b"minh chung thu" * 20
# (share of the maximum, days before (−) or after (+) the due time it was submitted; None: not submitted)
STATES: tuple[tuple[float, Optional[int]], ...] = ((0.9, -2), (0.8, -1), (0.85, 2), (0.75, -3), (0.6, None), (0.0, None))


def demo_leader(session: Session, sample: Path, what: str) -> Union[str, tuple[int, CommuneMatch]]:
    """The demo province and its leading commune, or why a leader's demo cannot start: the
    database has real officers, or the units or the ``sample`` file (``what``) are missing."""
    if session.scalar(select(Officer.id).where(Officer.position != DEMO_POSITION).limit(1)) is not None:
        return "Cơ sở dữ liệu này đã có danh sách cán bộ thật, nên không tạo tài khoản thử."
    province = resolve_province(session, DEMO_PROVINCE)
    leader = next(iter(find_communes(session, DEMO_COMMUNE, province_code=province, limit=1)), None)
    if province is None or leader is None or not sample.exists():
        return f"Chưa có dữ liệu mẫu (đơn vị hành chính hoặc {what} mẫu) để tạo tài khoản thử."
    return province, leader


def setup_leader_demo(services: Services, ref: UserRef) -> str:
    now = services.clock.now()
    with transaction(services.session_factory) as session:
        found = demo_leader(session, SAMPLE_TABLE, "bảng tiêu chí")
        if isinstance(found, str):
            return found
        province, leader = found
        demo_officer(session, ref, Role.OFFICER, leader.code, None, now)
        period = session.scalar(select(ScoringPeriod).where(ScoringPeriod.label == DEMO_SCORING_LABEL))
        if period is None:
            period = _seed(session, services.settings.files_dir, province, leader.code, now)
        label = period.label
        members = [c for c in session.scalars(select(BlocMember.commune_code).join(Bloc).where(
            Bloc.name == DEMO_BLOC, Bloc.year == period.year, BlocMember.commune_code != leader.code)
            .order_by(BlocMember.commune_code))]
        start_of_year = seed_registrations(session, services.settings.files_dir, province, members, now)
    return (f"Anh/chị đang thử vai cán bộ {leader.name}, xã trưởng “{DEMO_BLOC}” (6 xã), đợt “{label}”: "
            "4 xã đã nộp (1 trễ hạn; 1 xã đã giải trình một điểm bị sửa, chờ anh/chị quyết định), "
            "1 xã đang chấm dở, 1 xã chưa chấm.\n"
            "Gõ /khoicham để xem và chấm điểm các xã, /xephang để xem xếp hạng, "
            "“Xã … thuộc khối nào?” để hỏi khối của một xã." + (f"\n{start_of_year}" if start_of_year else ""))


def sample_table(session: Session, now: datetime) -> str:
    """The sample criteria table, loaded and published once; its id."""
    if latest(session, "khoi-xa-2026") is None:
        load_table(session, parse_table_text(SAMPLE_TABLE.read_text(encoding="utf-8")), now)
        publish_table(session, "khoi-xa-2026", None, None, now)
    return "khoi-xa-2026"


def _seed(session: Session, files_dir: Path, province: int, leader: int, now: datetime) -> ScoringPeriod:
    """The sample table published, the demo bloc, a period past due, and six sheets in six states."""
    sample_table(session, now)
    others = list(session.scalars(select(Commune.code).where(Commune.province_code == province,
                                                             Commune.code != leader).order_by(Commune.code).limit(5)))
    year = now.year
    create_bloc(session, province_code=province, year=year, name=DEMO_BLOC, leader_code=leader,
                deputy_code=others[0], members=others, start=date(year, 1, 1), now=now)
    due = now - timedelta(days=3)
    period = create_scoring_period(session, province_code=province, year=year, label=DEMO_SCORING_LABEL,
                                   table_id="khoi-xa-2026", as_of=date(year, 12, 31), open_at=now - timedelta(days=20),
                                   due_at=due, close_at=now + timedelta(days=10), now=now)
    for code, (level, offset) in zip([leader, *others], STATES):
        if level:
            seed_sheet(session, files_dir, period, code, level, offset, due)
    _explained(session, period, others[2], now)
    return period


def _value(c: Criterion, level: float) -> Union[Decimal, bool]:
    if c.kind is Kind.YESNO:
        return level >= 0.7
    if c.kind is Kind.PENALTY:
        return Decimal(0 if level >= 0.8 else 1)
    if c.kind is Kind.QUANTITY:
        if c.formula is Formula.PER_UNIT:
            return Decimal(int(4 * level))
        if c.formula is Formula.DEDUCT_PER_UNIT:
            return Decimal(int(4 * (1 - level)))
        return (c.target or Decimal(100)) * Decimal(str(level))
    return (c.max * Decimal(str(level)) * 2).quantize(Decimal(1)) / 2


def seed_sheet(session: Session, files_dir: Path, period: ScoringPeriod, code: int, level: float,
           offset: Optional[int], due: datetime) -> None:
    at = due + timedelta(days=offset or 0) if offset is not None else due - timedelta(days=5)
    _status, sheet = open_sheet(session, period, code, None, period.open_at + timedelta(days=1))
    if sheet is None:  # the commune is in the demo bloc and the table is published: never, unless the data broke
        raise ValueError(f"demo sheet for commune {code} could not be opened")
    spec = sheet_spec(session, sheet)
    stored = write_evidence(files_dir, period.id, code, "demo", JPEG)
    criteria = spec.criteria if offset is not None else spec.criteria[: len(spec.criteria) // 2]
    for c in criteria:
        scored = save_score(session, sheet, c.code, _value(c, level), None, at)
        if scored.status is not engine.Status.OK:
            save_score(session, sheet, c.code, False if c.kind is Kind.YESNO else Decimal(0), None, at)
        if c.evidence:
            record_evidence(session, sheet, c.code, stored, officer_id=None, now=at)
    if offset is not None:
        submit_sheet(session, sheet, period, None, at)


def _explained(session: Session, period: ScoringPeriod, code: int, now: datetime) -> None:
    """The leader's colleague lowered one score; the commune explained it (a decision waits)."""
    _status, sheet = open_sheet(session, period, code, None, now)
    if sheet is None or sheet.submitted_at is None:
        return
    first = next(c for c in sheet_spec(session, sheet).criteria if c.kind is Kind.POINTS)
    score = engine.scores(sheet.answers)[first.code]
    change_score(session, sheet, period, first.code, max(Decimal(0), score - 2),
                 "Minh chứng chưa đủ: thiếu biên bản kiểm tra", None, now - timedelta(days=1))
    explain(session, sheet, period, first.code, "Xã đã bổ sung biên bản kiểm tra ngày 15, gửi kèm ảnh.", None, now)
