"""A bloc's ranking as a phone-sized PNG: one bar per commune (final total), place and marks.

Drawn with the report charts' figure and axes (``store.reporting.charts.bar_axes`` / ``save_bars``), so
both read alike on a phone. Ties carry "=" beside the place; late and disputed communes are
coloured; communes that did not submit are listed with no bar.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

from store.reporting.charts import TITLE_CHARS, bar_axes, save_bars
from store.vn.numbers import format_number

COLORS = {"ok": "#2e7d32", "late": "#f9a825", "disputed": "#c62828"}


def _label(row: dict[str, Any]) -> str:
    name = str(row["name"]).replace("Phường ", "P. ").replace("Xã ", "")
    if row["place"] is None:
        return f"– {name}"
    return f"{row['place']}{'=' if row['tied'] else ''}. {name}"


def _color(row: dict[str, Any]) -> str:
    if row["disputed"]:
        return COLORS["disputed"]
    return COLORS["late"] if row["late_days"] else COLORS["ok"]


def ranking_chart(rows: list[dict[str, Any]], title: str, path: Path, maximum: Decimal) -> Path:
    """Bars of the final totals, best first; ``maximum`` (the table's total) sets the scale."""
    fig, ax = bar_axes(len(rows))
    names = [_label(r) for r in rows]
    values = [float(Decimal(r["final_total"])) if r["final_total"] is not None else 0.0 for r in rows]
    ax.barh(names, values, color=[_color(r) for r in rows], height=0.7)
    widest = max([float(maximum), *values, 1.0])
    for i, (row, value) in enumerate(zip(rows, values)):
        text = format_number(Decimal(row["final_total"])) if row["final_total"] is not None else "chưa nộp"
        ax.text(value + widest * 0.01, i, text, va="center", fontsize=9)
    handles = [ax.bar(0, 0, color=c, label=lbl) for c, lbl in
               ((COLORS["ok"], "Đúng hạn"), (COLORS["late"], "Trễ hạn"), (COLORS["disputed"], "Có khiếu nại"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=9, frameon=False, handlelength=1.2)
    return save_bars(fig, ax, path, title=textwrap.fill(title, TITLE_CHARS), xlabel="Điểm",
                     xmax=widest * 1.15, integer=False)
