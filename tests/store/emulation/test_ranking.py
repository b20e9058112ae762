"""Ranking: ties shown as ties (or broken by the table's rule), marks, publish, reopen, a commune's place and gaps."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import select

from store.db import transaction
from store.emulation.blocs import move_commune
from store.emulation.periods import create_scoring_period
from store.emulation.ranking import (RankingStatus, bloc_rows, close_review, publish_ranking, reopen_ranking,
                                     standing)
from store.emulation.review import change_score
from store.emulation.table_spec import parse_table
from store.emulation.tables import load_table, publish_table
from store.models import AuditLog, Bloc, Ranking
from tests.store.emulation.conftest import CLOSE, DUE, OPEN, SAMPLE_TABLE, EmuWorld, period_of
from tests.store.emulation.test_review import submitted


def test_ties_are_shown_without_a_rule(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        data = yaml.safe_load(SAMPLE_TABLE.read_text(encoding="utf-8"))
        data.pop("tie_break")
        load_table(s, parse_table(data), now)
        publish_table(s, "khoi-xa-2026", None, world.supervisor, now)  # v2, no tie-break rule
        for code in (3001, 3002, 3003):
            submitted(s, world, code, tmp_path, now)
        rows = bloc_rows(s, period_of(s, world), [world.bloc1])[world.bloc1]
        assert [(r["place"], r["tied"]) for r in rows] == [(1, True), (1, True), (1, True)]


def test_rule_breaks_ties_marks_and_publication(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        period, a = submitted(s, world, 3001, tmp_path, now)
        _, b = submitted(s, world, 3002, tmp_path, now)
        _, c = submitted(s, world, 3003, tmp_path, DUE + timedelta(days=3))  # late
        # Same totals: b loses 2 in group III (criterion 9) and gains 2 in group IV (criterion 12).
        assert change_score(s, b, period, "9", Decimal(4), "Chậm hai báo cáo", world.leader, now).value == "done"
        assert change_score(s, b, period, "12", Decimal(2), "Tham gia đủ", world.leader, now).value == "done"
        rows = bloc_rows(s, period, [world.bloc1])[world.bloc1]
        got = [(r["commune_code"], r["place"], r["tied"], r["final_total"], r["late_days"]) for r in rows]
        # Rule [I, III]: group I equal, group III higher for 3001 and 3003 (tied: same on every rule).
        assert got == [(3003, 1, True, "9", 3), (3001, 1, True, "9", 0), (3002, 3, False, "9", 0)]  # ties by name
        bloc = s.get_one(Bloc, world.bloc1)
        assert publish_ranking(s, period, bloc, world.supervisor, now)[0] is RankingStatus.NOT_CLOSED
        status, first = close_review(s, period, bloc, world.leader, now)
        assert status is RankingStatus.DONE and first.revision == 1
        assert close_review(s, period, bloc, world.leader, now)[0] is RankingStatus.ALREADY
        assert reopen_ranking(s, period, bloc, world.supervisor, "Sai sót", now)[0] is RankingStatus.NOT_PUBLISHED
        assert publish_ranking(s, period, bloc, world.supervisor, now)[0] is RankingStatus.DONE
        assert publish_ranking(s, period, bloc, world.supervisor, now)[0] is RankingStatus.ALREADY
        assert reopen_ranking(s, period, bloc, world.supervisor, "  ", now)[0] is RankingStatus.NO_REASON
        assert reopen_ranking(s, period, bloc, world.supervisor, "Xã 3002 khiếu nại đúng",
                              now)[0] is RankingStatus.DONE
        assert standing(s, period, 3002).ranking is None  # reopened: no place until closed again
        change_score(s, b, period, "9", Decimal(6), "Đã xác minh lại", world.leader, now)
        status, second = close_review(s, period, bloc, world.leader, now)
        assert second.revision == 2 and second.rows[0]["commune_code"] == 3002
        kept = s.scalars(select(Ranking).order_by(Ranking.revision)).all()
        assert [r.revision for r in kept] == [1, 2] and kept[0].reopen_reason == "Xã 3002 khiếu nại đúng"
        where = standing(s, period, 3001)
        assert (where.row["place"], where.of, where.bloc.id) == (2, 3, world.bloc1)
        gaps = {g.code: (g.maximum, g.score) for g in where.gaps}
        assert gaps["1"] == (Decimal(12), Decimal(0)) and "9" not in gaps and "16" not in gaps
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.action.like("emulation.r%"))))
        assert actions == {"emulation.review_close", "emulation.ranking_publish", "emulation.ranking_reopen"}


def test_a_moved_commune_counts_where_it_was_on_the_period_date(world: EmuWorld, clock, tmp_path: Path) -> None:
    with transaction(world.factory) as s:
        move_commune(s, 3003, s.get_one(Bloc, world.bloc2), date(2026, 7, 1), clock.now())
        half = create_scoring_period(s, province_code=12, year=2026, label="Sơ kết 6 tháng", table_id="khoi-xa-2026",
                                     as_of=date(2026, 6, 30), open_at=OPEN, due_at=DUE, close_at=CLOSE,
                                     now=clock.now())
        year_end = period_of(s, world)  # as of 31/12
        assert sorted(r["commune_code"] for r in bloc_rows(s, half, [world.bloc1])[world.bloc1]) == [3001, 3002, 3003]
        assert 3003 not in {r["commune_code"] for r in bloc_rows(s, year_end, [world.bloc1])[world.bloc1]}
        assert 3003 in {r["commune_code"] for r in bloc_rows(s, year_end, [world.bloc2])[world.bloc2]}
        assert standing(s, half, 3003).bloc.id == world.bloc1 and standing(s, year_end, 3003).bloc.id == world.bloc2
        assert standing(s, year_end, 3003).row is None  # no ranking closed yet
