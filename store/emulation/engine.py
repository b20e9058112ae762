"""The scoring engine: walks a sheet criterion by criterion; state in, status codes out. Pure.

Like JavaRosa's FormEntryController, it holds no wording and no storage: the chat layer parses
what the officer typed (Vietnamese numbers through ``store.vn.numbers``), asks the engine, and
words the status. Answers are the JSON the sheet stores: ``{code: {"value", "score", "note"}}``
with numbers as exact decimal text.

- ``score_for(criterion, value)``: the score a typed value gives, or why it is refused
  (above the maximum, below zero except penalties, over a penalty's limit, not yes/no).
- ``answer(table, answers, code, value, note)``: the same, returning the new answers.
- ``first_code`` / ``next_code`` / ``previous_code``: the walk (the next unanswered criterion).
- ``scores(answers)`` and ``totals(table, scores)``: base, bonus (capped by its group),
  penalty (capped by its limit), total, out of the table's total.
- ``evidence_missing(table, answers, counts)``: criteria scored above zero whose evidence is
  required and not sent; ``check_submit``: complete and proven, or the codes in the way.
- ``review_rows``: what a review screen shows, one row per criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Mapping, Optional, Union

from store.emulation.table_spec import Bucket, Criterion, Formula, Kind, TableSpec

CENT = Decimal("0.01")
Answers = Mapping[str, Mapping[str, Any]]


class Status(StrEnum):
    OK = "ok"
    ABOVE_MAX = "above_max"
    BELOW_ZERO = "below_zero"
    OVER_LIMIT = "over_limit"  # a penalty larger than its limit
    TOO_PRECISE = "too_precise"  # more than two decimals typed
    NOT_YESNO = "not_yesno"
    UNKNOWN_CRITERION = "unknown_criterion"
    INCOMPLETE = "incomplete"
    EVIDENCE_MISSING = "evidence_missing"
    END = "end"  # no criterion left to answer


@dataclass(frozen=True)
class Scored:
    status: Status
    score: Optional[Decimal] = None


def score_for(criterion: Criterion, value: Union[Decimal, bool]) -> Scored:
    """The score ``value`` gives on ``criterion`` (for a quantity: the quantity reached)."""
    if criterion.kind is Kind.YESNO:
        if not isinstance(value, bool):
            return Scored(Status.NOT_YESNO)
        return Scored(Status.OK, criterion.max if value else Decimal(0))
    if isinstance(value, bool):
        return Scored(Status.NOT_YESNO)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP) and criterion.kind is not Kind.QUANTITY:
        return Scored(Status.TOO_PRECISE)
    if criterion.kind is Kind.PENALTY:
        deduction = abs(value)  # "2" and "-2" both mean two points deducted
        if criterion.limit is not None and deduction > criterion.limit:
            return Scored(Status.OVER_LIMIT)
        return Scored(Status.OK, -deduction if deduction else Decimal(0))
    if value < 0:
        return Scored(Status.BELOW_ZERO)
    if criterion.kind is Kind.QUANTITY:
        return Scored(Status.OK, _formula(criterion, value))
    if value > criterion.max:
        return Scored(Status.ABOVE_MAX)
    return Scored(Status.OK, value)


def check_score(criterion: Criterion, score: Decimal) -> Status:
    """Whether a score set directly (by the bloc, or an accepted explanation) is in range."""
    if score != score.quantize(CENT, rounding=ROUND_HALF_UP):
        return Status.TOO_PRECISE
    if score < criterion.lowest:
        return Status.OVER_LIMIT if criterion.kind is Kind.PENALTY else Status.BELOW_ZERO
    if score > criterion.max:
        return Status.ABOVE_MAX
    return Status.OK


def _formula(c: Criterion, value: Decimal) -> Decimal:
    if c.formula is Formula.RATIO and c.target:
        raw = c.max * value / c.target
    elif c.formula is Formula.PER_UNIT and c.per is not None:
        raw = c.per * value
    elif c.formula is Formula.DEDUCT_PER_UNIT and c.per is not None:
        raw = c.max - c.per * value
    else:
        raw = next((score for start, score in c.steps if value >= start), Decimal(0))
    return min(c.max, max(Decimal(0), raw)).quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """Exact and plain, as answers and changes store scores: 6.00 → "6", 4.50 → "4.5", 600 → "600"."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def answer(table: TableSpec, answers: Answers, code: str, value: Union[Decimal, bool],
           note: str = "") -> tuple[Scored, dict[str, dict[str, Any]]]:
    """Score ``value`` on criterion ``code``; the new answers when accepted, else the old ones."""
    current = {k: dict(v) for k, v in answers.items()}
    criterion = table.criterion(code)
    if criterion is None:
        return Scored(Status.UNKNOWN_CRITERION), current
    scored = score_for(criterion, value)
    if scored.status is not Status.OK or scored.score is None:
        return scored, current
    stored = value if isinstance(value, bool) else decimal_text(value)
    current[code] = {"value": stored, "score": decimal_text(scored.score), "note": " ".join(note.split())[:500]}
    return scored, current


def first_code(table: TableSpec) -> str:
    return table.criteria[0].code


def next_code(table: TableSpec, answers: Answers, after: Optional[str] = None) -> Optional[str]:
    """The next unanswered criterion after ``after`` (from the start when None), wrapping round once."""
    codes = [c.code for c in table.criteria]
    start = codes.index(after) + 1 if after in codes else 0
    for code in codes[start:] + codes[:start]:
        if code not in answers:
            return code
    return None


def previous_code(table: TableSpec, code: str) -> Optional[str]:
    codes = [c.code for c in table.criteria]
    i = codes.index(code) if code in codes else 0
    return codes[i - 1] if i > 0 else None


def scores(answers: Answers) -> dict[str, Decimal]:
    return {code: Decimal(a["score"]) for code, a in answers.items() if a.get("score") is not None}


@dataclass(frozen=True)
class Totals:
    base: Decimal
    bonus: Decimal
    penalty: Decimal  # zero or negative
    maximum: Decimal  # the table's base total

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus + self.penalty


def totals(table: TableSpec, by_code: Mapping[str, Decimal]) -> Totals:
    """Base, bonus (each capped group at most its max) and penalty (each limited group at least
    minus its limit), from the table's flattened plan: one pass over the criteria."""
    plan, zero = table.plan, Decimal(0)
    base = sum((by_code.get(code, zero) for code in plan.base), zero)
    return Totals(base, _terms(plan.bonus, by_code), _terms(plan.penalty, by_code), table.total)


def _terms(terms: tuple[Union[str, Bucket], ...], by_code: Mapping[str, Decimal]) -> Decimal:
    total = Decimal(0)
    for term in terms:
        if isinstance(term, str):
            total += by_code.get(term, Decimal(0))
            continue
        inner = _terms(term.terms, by_code)
        if term.cap is not None:
            inner = min(inner, term.cap)
        if term.floor is not None:
            inner = max(inner, term.floor)
        total += inner
    return total


def subtotal(table: TableSpec, by_code: Mapping[str, Decimal], code: str) -> Decimal:
    """The score under a group or criterion code (for a tie-break rule)."""
    return sum((by_code.get(c, Decimal(0)) for c in table.codes_under(code)), Decimal(0))


def evidence_missing(table: TableSpec, answers: Answers, counts: Mapping[str, int]) -> list[str]:
    """Criteria that require evidence, are scored above zero, and have no file yet."""
    out = []
    for c in table.criteria:
        a = answers.get(c.code)
        if c.evidence and a is not None and Decimal(str(a["score"])) > 0 and not counts.get(c.code):
            out.append(c.code)
    return out


def missing(table: TableSpec, answers: Answers) -> list[str]:
    return [c.code for c in table.criteria if c.code not in answers]


def check_submit(table: TableSpec, answers: Answers, counts: Mapping[str, int]) -> tuple[Status, list[str]]:
    """OK, or INCOMPLETE / EVIDENCE_MISSING with the criteria in the way."""
    gaps = missing(table, answers)
    if gaps:
        return Status.INCOMPLETE, gaps
    unproven = evidence_missing(table, answers, counts)
    if unproven:
        return Status.EVIDENCE_MISSING, unproven
    return Status.OK, []


@dataclass(frozen=True)
class ReviewRow:
    code: str
    text: str
    kind: Kind
    maximum: Decimal  # 0 for a penalty
    lowest: Decimal  # minus the limit for a penalty, else 0
    score: Optional[Decimal]  # None: not answered yet
    evidence_count: int
    needs_evidence: bool  # required and missing


def review_rows(table: TableSpec, answers: Answers, counts: Mapping[str, int]) -> list[ReviewRow]:
    unproven = set(evidence_missing(table, answers, counts))
    got = scores(answers)
    return [ReviewRow(c.code, c.text, c.kind, c.max, c.lowest, got.get(c.code), counts.get(c.code, 0), c.code in unproven) for c in table.criteria]
