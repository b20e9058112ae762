"""How the bloc's review looks: the bloc's sheets, one commune's sheet, the ranking table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping, Sequence

from core.types import Button
from handlers.emulation.calls import AdjustItem
from handlers.emulation.words import num, when
from store.emulation.review import CriterionScore
from store.emulation.table_spec import Kind, TableSpec
from store.models import ScoringPeriod


def marks(row: Mapping[str, Any]) -> str:
    """Late and disputed marks beside a ranking row."""
    out = []
    if row.get("late_days"):
        out.append(f"trễ {row['late_days']} ngày")
    if row.get("disputed"):
        out.append(f"{row['disputed']} tiêu chí còn ý kiến khác")
    return f" ({'; '.join(out)})" if out else ""


def ranking_lines(rows: Sequence[Mapping[str, Any]], period: ScoringPeriod, now: datetime) -> list[str]:
    """Places with ties shown as ties; communes that did not submit last, without a place."""
    lines = []
    for r in rows:
        if not r.get("submitted"):
            late = "quá hạn" if now > period.due_at else "chưa đến hạn"
            lines.append(f"– {r['name']}: chưa nộp ({late})")
            continue
        tie = " (đồng hạng)" if r.get("tied") else ""
        lines.append(f"{r['place']}. {r['name']}: {num(r['final_total'])} điểm{tie}{marks(r)}")
    return lines


def sheet_rows(rows: Sequence[Mapping[str, Any]], period: ScoringPeriod, now: datetime) -> list[str]:
    """The bloc's sheets for its reviewers: who submitted, who is late, self and bloc totals."""
    lines = []
    for r in rows:
        if not r.get("submitted"):
            lines.append(f"– {r['name']}: chưa nộp{' (quá hạn)' if now > period.due_at else ''}")
            continue
        changed = "" if r["bloc_total"] == r["self_total"] else f", khối chấm {num(r['bloc_total'])}"
        lines.append(f"• {r['name']}: tự chấm {num(r['self_total'])}{changed}{marks(r)}")
    return lines


def criterion_label(spec: TableSpec, code: str, s: CriterionScore | None, files: int) -> str:
    c = spec.criterion(code)
    top = "" if c is None or c.kind is Kind.PENALTY else f"/{num(c.max)}"
    if s is None:
        return f"{code} · chưa chấm"
    score = f"{num(s.self_score)}{top}"
    if s.final != s.self_score:
        score += f" → {num(s.final)}"
    flag = " ⚑" if s.disputed else ""
    clip = f" 📎{files}" if files else ""
    return f"{code} · {score}{flag}{clip}"[:60]


def criterion_buttons(spec: TableSpec, sheet_id: int, scores: Mapping[str, CriterionScore],
                      files: Mapping[str, int]) -> list[list[Button]]:
    return [[AdjustItem(sheet_id, i).button(criterion_label(spec, c.code, scores.get(c.code), files.get(c.code, 0)))]
            for i, c in enumerate(spec.criteria)]


def changed_lines(spec: TableSpec, scores: Mapping[str, CriterionScore]) -> list[str]:
    out = []
    for c in spec.criteria:
        s = scores.get(c.code)
        if s is not None and s.changed:
            state = " – còn ý kiến khác" if s.disputed else ""
            out.append(f"• {c.code}: tự chấm {num(s.self_score)}, khối {num(s.bloc)}, kết quả {num(s.final)}{state}")
    return out


def submitted_line(name: str, submitted_at: datetime | None, late: int, totals: list[Decimal]) -> str:
    lateness = f", trễ {late} ngày" if late else ", đúng hạn"
    self_total, bloc_total, final = totals
    return (f"{name}: nộp {when(submitted_at)}{lateness}. Tự chấm {num(self_total)}, khối chấm {num(bloc_total)}, "
            f"kết quả {num(final)}.")
