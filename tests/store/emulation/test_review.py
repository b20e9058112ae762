"""Review: a reason for every change, explanations within the days allowed, accept or keep; nothing overwritten."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from store.db import transaction
from store.emulation.evidence import files_of, record_evidence, write_evidence
from store.emulation.ranking import close_review, reopen_ranking, publish_ranking
from store.emulation.review import (ReviewStatus, change_score, criterion_scores, decide, explain, explain_deadline,
                                    history, last_change)
from store.emulation.sheets import open_sheet, submit_sheet
from store.models import AuditLog, Bloc, ScoreChange
from tests.store.emulation.conftest import DUE, EmuWorld, period_of
from tests.store.emulation.test_sheets import fill_zero


def submitted(s, world: EmuWorld, commune: int, files: Path, now):
    period = period_of(s, world)
    _, sheet = open_sheet(s, period, commune, None, now)
    fill_zero(s, sheet, period, files, now)
    assert submit_sheet(s, sheet, period, None, now).status.value == "submitted"
    return period, sheet


def test_change_explain_accept_and_keep(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        period, sheet = submitted(s, world, 3002, tmp_path, now)
        assert change_score(s, sheet, period, "9", Decimal(4), "Chậm hai báo cáo quý", world.leader,
                            now) is ReviewStatus.DONE
        assert change_score(s, sheet, period, "9", Decimal(4), "Chậm hai báo cáo quý", world.leader,
                            now) is ReviewStatus.SAME_SCORE
        assert change_score(s, sheet, period, "99", Decimal(4), "Mã không có", world.leader,
                            now) is ReviewStatus.UNKNOWN_CRITERION
        assert change_score(s, sheet, period, "16", Decimal(-7), "Phê bình bốn lần", world.leader,
                            now) is ReviewStatus.OUT_OF_RANGE  # a penalty's limit is 6
        assert change_score(s, sheet, period, "16", Decimal(-4), "Bị phê bình hai lần", world.leader,
                            now) is ReviewStatus.DONE
        change = last_change(s, sheet.id, "9")
        assert explain_deadline(period, change) == now + timedelta(days=5)
        # Criterion 9: the commune explains with a file, the leader accepts: the self-score is restored.
        status, expl = explain(s, sheet, period, "9", "Báo cáo quý II gửi qua hệ thống đúng hạn", world.officer2, now)
        assert status is ReviewStatus.DONE
        stored = write_evidence(tmp_path, period.id, 3002, "9", b"%PDF-1.4 xac nhan")
        record_evidence(s, sheet, "9", stored, officer_id=world.officer2, now=now, explanation_id=expl.id)
        assert explain(s, sheet, period, "9", "Lần hai", world.officer2, now)[0] is ReviewStatus.ALREADY
        assert decide(s, expl, period, accept=True, officer_id=world.leader, now=now) is ReviewStatus.DONE
        assert decide(s, expl, period, accept=False, officer_id=world.leader, now=now) is ReviewStatus.ALREADY
        assert explain(s, sheet, period, "9", "Nữa", world.officer2, now)[0] is ReviewStatus.NOTHING_TO_EXPLAIN
        # Criterion 16: explained too late.
        late = now + timedelta(days=5, minutes=1)
        assert explain(s, sheet, period, "16", "Muộn", world.officer2, late)[0] is ReviewStatus.TOO_LATE
        got = criterion_scores(s, sheet)
        assert (got["9"].self_score, got["9"].bloc, got["9"].final, got["9"].disputed) == (6, 4, 6, False)
        assert (got["16"].self_score, got["16"].final) == (0, -4)
        assert len(files_of(s, sheet.id, "9", explanation_id=expl.id)) == 1
        trail = [(c.kind, c.code, c.from_score, c.to_score) for c in history(s, sheet.id)]
        assert trail == [("review", "9", "6", "4"), ("review", "16", "0", "-4"), ("accepted", "9", "4", "6")]
        assert sheet.answers["9"]["score"] == "6"  # the self-score on the sheet never changes
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.target.like(f"sheet:{sheet.id}:%"))))
        assert actions == {"emulation.score_change", "emulation.explain", "emulation.explanation_accepted"}


def test_keep_disputes_and_closing_locks(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = DUE - timedelta(days=1)
    with transaction(world.factory) as s:
        period, sheet = submitted(s, world, 3003, tmp_path, now)
        _, draft = open_sheet(s, period, 3002, None, now)
        assert change_score(s, draft, period, "9", Decimal(4), "Chưa nộp mà chấm", world.leader,
                            now) is ReviewStatus.NOT_SUBMITTED
        assert change_score(s, sheet, period, "12", Decimal(3), "Vắng hai lần họp", world.leader,
                            now) is ReviewStatus.DONE
        _, expl = explain(s, sheet, period, "12", "Vắng có giấy phép", None, now)
        # Accept with a score set between the two.
        assert decide(s, expl, period, accept=True, score=Decimal(9), officer_id=world.leader,
                      now=now) is ReviewStatus.OUT_OF_RANGE
        assert decide(s, expl, period, accept=False, officer_id=world.leader, now=now,
                      reason="Giấy phép không hợp lệ") is ReviewStatus.DONE
        got = criterion_scores(s, sheet)["12"]
        assert (got.self_score, got.bloc, got.final, got.disputed) == (0, 3, 3, True)
        bloc = s.get_one(Bloc, world.bloc1)
        close_review(s, period, bloc, world.leader, now)
        assert change_score(s, sheet, period, "9", Decimal(1), "Sau khi đóng", world.leader,
                            now) is ReviewStatus.REVIEW_CLOSED
        publish_ranking(s, period, bloc, world.supervisor, now)
        reopen_ranking(s, period, bloc, world.supervisor, "Khiếu nại của xã được chấp nhận", now)
        assert change_score(s, sheet, period, "9", Decimal(1), "Sau khi mở lại", world.leader,
                            now) is ReviewStatus.DONE
        assert s.scalar(select(ScoreChange.reason).where(ScoreChange.kind == "kept")) == "Giấy phép không hợp lệ"
