"""The bloc's review (khối chấm) and the commune's explanation (giải trình); nothing overwritten.

- ``change_score``: the leader's officer sets a criterion's score on a submitted sheet, with a
  reason; a new ``ScoreChange`` row (who, when, from, to, why) and an audit row.
- ``explain``: the commune answers the latest change on a criterion within the period's
  explanation days (text; files via ``store.emulation.evidence``).
- ``decide``: the leader accepts (score restored to the self-score, or set) or keeps the
  change, which marks the criterion disputed (shown to the province).
- ``criterion_scores`` / ``sheet_scores``: per criterion the self, bloc and final scores and
  whether it is disputed, computed from the history (bulk for many sheets).
- ``review_is_open``: the bloc's review for the period has not been closed (or was reopened).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import as_utc
from store.emulation import engine
from store.emulation.blocs import membership_on
from store.emulation.tables import spec_by_pk
from store.models import AuditLog, Explanation, Ranking, ScoreChange, ScoringPeriod, Sheet

MIN_REASON = 5


class ChangeKind(StrEnum):
    REVIEW = "review"
    ACCEPTED = "accepted"
    KEPT = "kept"


class ReviewStatus(StrEnum):
    DONE = "done"
    NO_REASON = "no_reason"
    SAME_SCORE = "same_score"
    NOT_SUBMITTED = "not_submitted"
    REVIEW_CLOSED = "review_closed"
    UNKNOWN_CRITERION = "unknown_criterion"
    OUT_OF_RANGE = "out_of_range"
    NOTHING_TO_EXPLAIN = "nothing_to_explain"
    ALREADY = "already"
    TOO_LATE = "too_late"
    EMPTY = "empty"


@dataclass(frozen=True)
class CriterionScore:
    self_score: Decimal
    bloc: Decimal  # the bloc's latest review score, else the self-score
    final: Decimal  # after explanations were decided
    disputed: bool
    changed: bool


def latest_ranking(session: Session, period_id: int, bloc_id: int) -> Optional[Ranking]:
    return session.scalar(select(Ranking).where(Ranking.period_id == period_id, Ranking.bloc_id == bloc_id)
                          .order_by(Ranking.revision.desc()).limit(1))


def review_is_open(session: Session, period_id: int, bloc_id: int) -> bool:
    last = latest_ranking(session, period_id, bloc_id)
    return last is None or last.reopened_at is not None


def sheet_bloc(session: Session, sheet: Sheet, period: ScoringPeriod) -> Optional[int]:
    member = membership_on(session, sheet.commune_code, period.as_of, period.year)
    return member.bloc_id if member is not None else None


def _changes(session: Session, sheet_ids: Iterable[int]) -> dict[int, list[ScoreChange]]:
    out: dict[int, list[ScoreChange]] = defaultdict(list)
    ids = list(sheet_ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for ch in session.scalars(select(ScoreChange).where(ScoreChange.sheet_id.in_(chunk)).order_by(ScoreChange.id)):
            out[ch.sheet_id].append(ch)
    return out


@dataclass(frozen=True)
class SheetScores:
    """A submitted sheet's scores per criterion: self, bloc and final, and the disputed criteria.

    Without changes the three maps are the same dict (most sheets: nothing is copied).
    """

    self_scores: dict[str, Decimal]
    bloc: dict[str, Decimal]
    final: dict[str, Decimal]
    disputed: frozenset[str]
    changed: frozenset[str]

    def get(self, code: str) -> Optional[CriterionScore]:
        if code not in self.final:
            return None
        return CriterionScore(self.self_scores.get(code, Decimal(0)), self.bloc[code], self.final[code],
                              code in self.disputed, code in self.changed)

    def by_code(self) -> dict[str, CriterionScore]:
        return {code: got for code in self.final if (got := self.get(code)) is not None}


def fold_history(self_scores: dict[str, Decimal], changes: list[ScoreChange]) -> SheetScores:
    """Self, bloc and final scores from the submitted sheet and its change history, in order."""
    if not changes:
        return SheetScores(self_scores, self_scores, self_scores, frozenset(), frozenset())
    bloc, final = dict(self_scores), dict(self_scores)
    disputed: set[str] = set()
    for ch in changes:
        to = Decimal(ch.to_score)
        final[ch.code] = to
        if ch.kind == ChangeKind.REVIEW:
            bloc[ch.code] = to
        bloc.setdefault(ch.code, Decimal(0))
        (disputed.add if ch.kind == ChangeKind.KEPT else disputed.discard)(ch.code)
    return SheetScores(self_scores, bloc, final, frozenset(disputed), frozenset(ch.code for ch in changes))


def sheet_scores(session: Session, sheets: list[Sheet]) -> dict[int, SheetScores]:
    """``fold_history`` for many submitted sheets in a few queries."""
    history = _changes(session, [s.id for s in sheets])
    return {s.id: fold_history(engine.scores(s.answers), history.get(s.id, [])) for s in sheets}


def criterion_scores(session: Session, sheet: Sheet) -> dict[str, CriterionScore]:
    return sheet_scores(session, [sheet])[sheet.id].by_code()


def _audit(session: Session, action: str, sheet: Sheet, code: str, officer_id: Optional[int], now: datetime,
           **detail: object) -> None:
    session.add(AuditLog(at=now, officer_id=officer_id, action=action, target=f"sheet:{sheet.id}:{code}",
                         outcome="done", detail={k: str(v) for k, v in detail.items()}))


def change_score(session: Session, sheet: Sheet, period: ScoringPeriod, code: str, score: Decimal, reason: str,
                 officer_id: Optional[int], now: datetime) -> ReviewStatus:
    """The bloc sets a criterion's score, with a reason; the self-score stays on the sheet."""
    reason = " ".join((reason or "").split())
    if sheet.submitted_at is None:
        return ReviewStatus.NOT_SUBMITTED
    bloc_id = sheet_bloc(session, sheet, period)
    if bloc_id is None or not review_is_open(session, period.id, bloc_id):
        return ReviewStatus.REVIEW_CLOSED
    criterion = spec_by_pk(session, sheet.table_pk).criterion(code)
    if criterion is None:
        return ReviewStatus.UNKNOWN_CRITERION
    if engine.check_score(criterion, score) is not engine.Status.OK:
        return ReviewStatus.OUT_OF_RANGE
    if len(reason) < MIN_REASON:
        return ReviewStatus.NO_REASON
    current = sheet_scores(session, [sheet])[sheet.id].final.get(code, Decimal(0))
    if current == score:
        return ReviewStatus.SAME_SCORE
    session.add(ScoreChange(sheet_id=sheet.id, code=code, kind=ChangeKind.REVIEW.value,
                            from_score=engine.decimal_text(current), to_score=engine.decimal_text(score),
                            reason=reason[:2000], by_officer=officer_id, at=now))
    _audit(session, "emulation.score_change", sheet, code, officer_id, now, from_score=current, to_score=score,
           reason=reason)
    session.flush()
    return ReviewStatus.DONE


def last_change(session: Session, sheet_id: int, code: str) -> Optional[ScoreChange]:
    return session.scalar(select(ScoreChange).where(ScoreChange.sheet_id == sheet_id, ScoreChange.code == code)
                          .order_by(ScoreChange.id.desc()).limit(1))


def explain_deadline(period: ScoringPeriod, change: ScoreChange) -> datetime:
    return as_utc(change.at) + timedelta(days=period.explain_days)


def explain(session: Session, sheet: Sheet, period: ScoringPeriod, code: str, text: str,
            officer_id: Optional[int], now: datetime) -> tuple[ReviewStatus, Optional[Explanation]]:
    """The commune explains the latest review change on ``code`` (once, within the days allowed)."""
    text = " ".join((text or "").split())
    change = last_change(session, sheet.id, code)
    if change is None or change.kind != ChangeKind.REVIEW:
        return ReviewStatus.NOTHING_TO_EXPLAIN, None
    existing = session.scalar(select(Explanation).where(Explanation.change_id == change.id))
    if existing is not None:
        return ReviewStatus.ALREADY, existing
    bloc_id = sheet_bloc(session, sheet, period)
    if bloc_id is None or not review_is_open(session, period.id, bloc_id):
        return ReviewStatus.REVIEW_CLOSED, None
    if now > explain_deadline(period, change):
        return ReviewStatus.TOO_LATE, None
    if not text:
        return ReviewStatus.EMPTY, None
    row = Explanation(sheet_id=sheet.id, change_id=change.id, code=code, text=text[:4000], by_officer=officer_id,
                      at=now)
    session.add(row)
    session.flush()
    _audit(session, "emulation.explain", sheet, code, officer_id, now, change=change.id)
    return ReviewStatus.DONE, row


def decide(session: Session, explanation: Explanation, period: ScoringPeriod, *, accept: bool,
           officer_id: Optional[int], now: datetime, score: Optional[Decimal] = None,
           reason: str = "") -> ReviewStatus:
    """Accept (the self-score restored, or ``score`` set) or keep the bloc's change (disputed)."""
    sheet = session.get_one(Sheet, explanation.sheet_id)
    change = last_change(session, sheet.id, explanation.code)
    if change is None or change.id != explanation.change_id:
        return ReviewStatus.ALREADY  # decided already, or superseded by a newer change
    bloc_id = sheet_bloc(session, sheet, period)
    if bloc_id is None or not review_is_open(session, period.id, bloc_id):
        return ReviewStatus.REVIEW_CLOSED
    scores = sheet_scores(session, [sheet])[sheet.id].get(explanation.code)
    if scores is None:
        return ReviewStatus.UNKNOWN_CRITERION
    to = scores.final
    if accept:
        to = scores.self_score if score is None else score
        criterion = spec_by_pk(session, sheet.table_pk).criterion(explanation.code)
        if criterion is None or engine.check_score(criterion, to) is not engine.Status.OK:
            return ReviewStatus.OUT_OF_RANGE
    kind = ChangeKind.ACCEPTED if accept else ChangeKind.KEPT
    why = " ".join((reason or "").split()) or ("chấp nhận giải trình" if accept else "giữ điểm khối chấm")
    session.add(ScoreChange(sheet_id=sheet.id, code=explanation.code, kind=kind.value,
                            from_score=engine.decimal_text(scores.final), to_score=engine.decimal_text(to),
                            reason=why[:2000], explanation_id=explanation.id,
                            by_officer=officer_id, at=now))
    _audit(session, f"emulation.explanation_{kind.value}", sheet, explanation.code, officer_id, now,
           from_score=scores.final, to_score=to, reason=why)
    session.flush()
    return ReviewStatus.DONE


def history(session: Session, sheet_id: int) -> list[ScoreChange]:
    return _changes(session, [sheet_id]).get(sheet_id, [])
