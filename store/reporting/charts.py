"""Completeness chart of a period as a PNG (matplotlib, Agg; no pyplot, so it is thread-safe).

Sized for a phone: a chat shows the image about 400 px wide, so the figure is narrow
(5 in) and drawn at high resolution with large type; the constrained layout makes the bars,
labels and the legend (below, placed by the layout) fill the canvas.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from store.reporting.reports import Summary

COLORS = {"on_time": "#2e7d32", "late": "#f9a825", "missing": "#c62828"}
LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa gửi"}
WIDTH_IN, DPI = 5.0, 200
BAR_IN = 0.42  # height per province
MIN_SHARE_FOR_NUMBER = 0.07  # a segment narrower than this shows no number (it would not fit)
TITLE_CHARS = 38  # the period label wraps to stay inside the narrow figure


@dataclass(frozen=True)
class ChartData:
    """What the chart shows, detached from the database (rendered in a worker thread)."""

    title: str
    names: list[str]  # one bar per province
    counts: list[dict[str, int]]  # on_time / late / missing per bar


def _short_name(name: str) -> str:
    return name.replace("Tỉnh ", "").replace("Thành phố ", "TP ")


def chart_data(summary: Summary, province_names: dict[int, str]) -> ChartData:
    """Counts per province and the title, read while the summary's session is open."""
    groups: dict[int, dict[str, int]] = {}
    for row in summary.rows:
        groups.setdefault(row.province_code, {"on_time": 0, "late": 0, "missing": 0})[row.status] += 1
    names = [_short_name(province_names.get(code, str(code))) for code in sorted(groups)]
    total = len(summary.rows)
    done = summary.count("on_time") + summary.count("late")
    share = f"{done * 100 / total:.0f}%" if total else "0%"
    title = f"{textwrap.fill(summary.period.label, TITLE_CHARS)}\n{done}/{total} xã đã gửi ({share})"
    return ChartData(title, names, [groups[code] for code in sorted(groups)])


def completeness_chart(summary: Summary, province_names: dict[int, str], path: Path) -> Path:
    """Stacked horizontal bars per province (on time / late / missing), totals in the title."""
    return render_chart(chart_data(summary, province_names), path)


def render_chart(data: ChartData, path: Path) -> Path:
    """Draw ``data`` to a PNG at ``path`` (no database, no pyplot: safe in a worker thread)."""
    names, counts = data.names, data.counts
    fig = Figure(figsize=(WIDTH_IN, 1.9 + BAR_IN * max(1, len(names))), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    widest = max((sum(c.values()) for c in counts), default=1) or 1
    left = [0] * len(names)
    for key in ("on_time", "late", "missing"):
        values = [c[key] for c in counts]
        ax.barh(names, values, left=left, color=COLORS[key], label=LABELS[key], height=0.7)
        for i, v in enumerate(values):
            if v and v / widest >= MIN_SHARE_FOR_NUMBER:
                ax.text(left[i] + v / 2, i, str(v), ha="center", va="center", color="white", fontsize=10,
                        fontweight="bold")
        left = [a + b for a, b in zip(left, values)]
    fig.suptitle(data.title, fontsize=12)
    fig.legend(loc="outside lower center", ncol=3, fontsize=10, frameon=False, handlelength=1.2)
    ax.set_xlabel("Số xã, phường", fontsize=10)
    ax.tick_params(labelsize=10)
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one; the base Locator takes no "integer"
        locator.set_params(integer=True)
    ax.set_xlim(0, widest)
    ax.margins(y=0.02)
    ax.invert_yaxis()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
