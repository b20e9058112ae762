"""The pure scoring engine: each kind of criterion, refusals as status codes, totals, the walk."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from store.emulation import engine
from store.emulation.engine import Status
from store.emulation.tables import parse_table_text
from tests.store.emulation.conftest import SAMPLE_TABLE

SPEC = parse_table_text(SAMPLE_TABLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code,value,status,score", [
    ("11", D(4), Status.OK, D(4)),
    ("11", D("3.5"), Status.OK, D("3.5")),
    ("11", D("4.5"), Status.ABOVE_MAX, None),
    ("11", D(-1), Status.BELOW_ZERO, None),
    ("11", D("2.125"), Status.TOO_PRECISE, None),
    ("11", True, Status.NOT_YESNO, None),
    ("5", True, Status.OK, D(8)),
    ("5", False, Status.OK, D(0)),
    ("5", D(8), Status.NOT_YESNO, None),
    ("1", D(50), Status.OK, D(6)),  # ratio: 12 × 50 / 100
    ("1", D(130), Status.OK, D(12)),  # capped at the maximum
    ("1", D("33.3"), Status.OK, D("4.00")),
    ("1", D(-5), Status.BELOW_ZERO, None),
    ("2", D(100), Status.OK, D(10)),  # steps
    ("2", D(85), Status.OK, D(6)),
    ("2", D(79), Status.OK, D(0)),
    ("3", D(3), Status.OK, D(6)),  # 2 per unit
    ("3", D(7), Status.OK, D(8)),  # capped
    ("4", D(2), Status.OK, D(6)),  # 10 − 2 × 2
    ("4", D(9), Status.OK, D(0)),  # not below zero
    ("16", D(2), Status.OK, D(-2)),  # a penalty typed as the points deducted
    ("16", D(-4), Status.OK, D(-4)),  # or with its sign
    ("16", D(7), Status.OVER_LIMIT, None),  # limit 6
    ("16", D(0), Status.OK, D(0)),
    ("14", D(3), Status.OK, D(3)),  # bonus
    ("14", D(4), Status.ABOVE_MAX, None),
])
def test_score_for(code, value, status, score) -> None:
    got = engine.score_for(SPEC.criterion(code), value)
    assert got.status is status
    assert got.score == score


def test_answer_keeps_the_old_answers_when_refused() -> None:
    scored, answers = engine.answer(SPEC, {}, "11", D(4), note="  kế hoạch   số 5  ")
    assert scored.status is Status.OK and answers == {"11": {"value": "4", "score": "4", "note": "kế hoạch số 5"}}
    refused, same = engine.answer(SPEC, answers, "11", D(9))
    assert refused.status is Status.ABOVE_MAX and same == answers
    assert engine.answer(SPEC, answers, "99", D(1))[0].status is Status.UNKNOWN_CRITERION
    yes = engine.answer(SPEC, answers, "5", True)[1]["5"]
    assert yes == {"value": True, "score": "8", "note": ""}


def test_walk_goes_to_the_next_unanswered_and_wraps() -> None:
    codes = [c.code for c in SPEC.criteria]
    assert engine.first_code(SPEC) == "1"
    answers = {"1": {"score": "1"}, "2": {"score": "1"}, "4": {"score": "1"}}
    assert engine.next_code(SPEC, answers, "1") == "3"
    assert engine.next_code(SPEC, answers, "3") == "5"
    full = {c: {"score": "0"} for c in codes if c != "3"}
    assert engine.next_code(SPEC, full, "16") == "3"  # wraps to the one left
    assert engine.next_code(SPEC, {c: {"score": "0"} for c in codes}) is None
    assert engine.previous_code(SPEC, "2") == "1" and engine.previous_code(SPEC, "1") is None


def test_totals_cap_bonus_and_limit_penalty() -> None:
    scores = {c.code: c.max for c in SPEC.criteria if c.in_base}
    scores.update({"14": D(3), "15": D(5), "16": D(-6), "17": D(-5)})
    totals = engine.totals(SPEC, scores)
    assert (totals.base, totals.bonus, totals.penalty) == (D(100), D(5), D(-10))  # bonus cap 5, penalty limit 10
    assert totals.total == D(95) and totals.maximum == D(100)
    assert engine.subtotal(SPEC, scores, "II") == D(25) and engine.subtotal(SPEC, scores, "3") == D(8)


def test_submit_needs_every_criterion_and_the_evidence() -> None:
    answers = {c.code: {"score": "0"} for c in SPEC.criteria}
    assert engine.check_submit(SPEC, answers, {}) == (Status.OK, [])  # zero needs no proof
    answers["1"] = {"score": "12"}
    answers["12"] = {"score": "5"}  # criterion 12 requires no evidence
    assert engine.check_submit(SPEC, answers, {}) == (Status.EVIDENCE_MISSING, ["1"])
    assert engine.check_submit(SPEC, answers, {"1": 2}) == (Status.OK, [])
    del answers["7"]
    assert engine.check_submit(SPEC, answers, {"1": 2}) == (Status.INCOMPLETE, ["7"])
    rows = engine.review_rows(SPEC, answers, {})
    first = rows[0]
    assert (first.code, first.maximum, first.score, first.evidence_count, first.needs_evidence) == \
        ("1", D(12), D(12), 0, True)
    assert rows[6].score is None
    penalty = next(r for r in rows if r.code == "16")
    assert (penalty.maximum, penalty.lowest) == (D(0), D(-6))
