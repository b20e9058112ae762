"""The whole round on SQLite and PostgreSQL: score, submit, review, explain, keep, rank with a tie, publish."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from store.emulation.engine import Status
from store.emulation.evidence import record_evidence, write_evidence
from store.emulation.ranking import RankingStatus, bloc_rows, close_review, publish_ranking, reopen_ranking, standing
from store.emulation.review import ReviewStatus, change_score, criterion_scores, decide, explain
from store.emulation.sheets import OpenStatus, SubmitStatus, open_sheet, save_score, submit_sheet
from store.db import transaction
from store.models import Bloc, Explanation
from tests.store.emulation.conftest import DUE, OPEN, EmuWorld, period_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# Values per criterion giving a full 100 (quantities typed as reached), no bonus, no penalty.
FULL = {"1": Decimal(100), "2": Decimal(100), "3": Decimal(4), "4": Decimal(0), "5": True, "6": True,
        "7": Decimal(95), "8": Decimal(99), "9": Decimal(0), "10": True, "11": Decimal(4), "12": Decimal(5),
        "13": Decimal(3), "14": Decimal(0), "15": Decimal(0), "16": Decimal(0), "17": Decimal(0)}


def _fill(s, w: EmuWorld, commune: int, now, values=FULL):
    period = period_of(s, w)
    status, sheet = open_sheet(s, period, commune, None, now)
    assert status is OpenStatus.OPENED
    for code, value in values.items():
        assert save_score(s, sheet, code, value, None, now).status is Status.OK, code
    return period, sheet


def test_round(world: EmuWorld, clock, tmp_path) -> None:
    on_time = OPEN + timedelta(days=3)
    with transaction(world.factory) as s:
        period, sheet = _fill(s, world, 3001, on_time)
        # Evidence is required for criteria scored above zero: submitting without it is refused.
        result = submit_sheet(s, sheet, period, world.leader, on_time)
        assert result.status is SubmitStatus.EVIDENCE_MISSING and "1" in result.codes
    no_evidence = {**FULL, **{c: Decimal(0) for c in ("1", "2", "3", "7", "8", "11", "13")},
                   "4": Decimal(5), "5": False, "6": False}
    with transaction(world.factory) as s:
        period, sheet = _fill(s, world, 3002, on_time, no_evidence)
        stored = write_evidence(tmp_path, period.id, 3002, "7", PNG)
        assert record_evidence(s, sheet, "7", stored, officer_id=world.officer2, now=on_time)[1]
        assert not record_evidence(s, sheet, "7", stored, officer_id=world.officer2, now=on_time)[1]  # same file
        assert submit_sheet(s, sheet, period, world.officer2, on_time).status is SubmitStatus.SUBMITTED
        assert submit_sheet(s, sheet, period, world.officer2, on_time).status is SubmitStatus.ALREADY
    late = DUE + timedelta(days=2)
    with transaction(world.factory) as s:
        period, sheet = _fill(s, world, 3003, late, no_evidence)
        record_evidence(s, sheet, "7", write_evidence(tmp_path, period.id, 3003, "7", PNG), officer_id=None, now=late)
        result = submit_sheet(s, sheet, period, None, late)
        assert result.status is SubmitStatus.SUBMITTED and result.days_late == 2
    review_at = late + timedelta(hours=1)
    with transaction(world.factory) as s:
        period = period_of(s, world)
        _, sheet = open_sheet(s, period, 3002, None, review_at)
        assert change_score(s, sheet, period, "12", Decimal(3), "", world.leader, review_at) is ReviewStatus.NO_REASON
        assert change_score(s, sheet, period, "12", Decimal(9), "quá điểm", world.leader,
                            review_at) is ReviewStatus.OUT_OF_RANGE
        assert change_score(s, sheet, period, "12", Decimal(3), "Vắng hai lần họp khối", world.leader,
                            review_at) is ReviewStatus.DONE
        status, expl = explain(s, sheet, period, "12", "Có giấy mời muộn", world.officer2, review_at)
        assert status is ReviewStatus.DONE
        assert decide(s, expl, period, accept=False, officer_id=world.leader, now=review_at) is ReviewStatus.DONE
        got = criterion_scores(s, sheet)["12"]
        assert (got.self_score, got.bloc, got.final, got.disputed) == (Decimal(5), Decimal(3), Decimal(3), True)
        rows = bloc_rows(s, period, [world.bloc1])[world.bloc1]
        # 3002 and 3003 scored the same sheet; 3002 lost two points on review: no tie, 3003 first.
        assert [(r["commune_code"], r["place"], r["tied"]) for r in rows] == [(3003, 1, False), (3002, 2, False),
                                                                               (3001, None, False)]
        assert rows[1]["disputed"] == 1 and rows[0]["late_days"] == 2
        bloc = s.get_one(Bloc, world.bloc1)
        status, ranking = close_review(s, period, bloc, world.leader, review_at)
        assert status is RankingStatus.DONE
        assert change_score(s, sheet, period, "11", Decimal(0), "Không có kế hoạch", world.leader,
                            review_at) is ReviewStatus.REVIEW_CLOSED
        assert publish_ranking(s, period, bloc, world.supervisor, review_at)[0] is RankingStatus.DONE
        assert reopen_ranking(s, period, bloc, world.supervisor, "", review_at)[0] is RankingStatus.NO_REASON
        where = standing(s, period, 3002)
        assert where.row is not None and where.row["place"] == 2 and where.of == 3
        assert {g.code for g in where.gaps} >= {"1", "12"}
        assert s.query(Explanation).count() == 1
