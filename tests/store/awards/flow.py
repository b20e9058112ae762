"""A published bloc ranking to nominate from (3001 first), shared by the award tests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from store.emulation.ranking import close_review, publish_ranking
from store.emulation.review import change_score
from store.emulation.titles import load_catalogue, parse_catalogue_text
from store.models import Bloc, Ranking
from tests.store.emulation.conftest import EmuWorld
from tests.store.emulation.test_review import submitted

PDF = b"%PDF-1.4\n% dossier\n"
REQUIRED = [{"code": "to-trinh", "name": "Tờ trình đề nghị khen thưởng"},
            {"code": "bien-ban", "name": "Biên bản họp bình xét của khối thi đua"},
            {"code": "bao-cao", "name": "Báo cáo thành tích của tập thể"}]


def published(s: Session, world: EmuWorld, files: Path, now: datetime) -> tuple[Bloc, Ranking]:
    period, _ = submitted(s, world, 3001, files, now)
    _, second = submitted(s, world, 3002, files, now)
    _, third = submitted(s, world, 3003, files, now)
    change_score(s, second, period, "9", Decimal(4), "Chậm hai báo cáo quý", world.leader, now)
    change_score(s, third, period, "9", Decimal(3), "Chậm ba báo cáo quý", world.leader, now)
    bloc = s.get_one(Bloc, world.bloc1)
    close_review(s, period, bloc, world.leader, now)
    status, ranking = publish_ranking(s, period, bloc, world.supervisor, now)
    assert status.value == "done" and ranking is not None
    return bloc, ranking


CATALOGUE = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "danh-hieu-2026.yaml"


def with_catalogue(s: Session, province_code: int, now: datetime) -> None:
    load_catalogue(s, province_code, parse_catalogue_text(CATALOGUE.read_text(encoding="utf-8")), now)
