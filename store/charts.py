"""Completeness chart of a period as a PNG (matplotlib, Agg; no pyplot, so it is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from store.reports import Summary

COLORS = {"on_time": "#2e7d32", "late": "#f9a825", "missing": "#c62828"}
LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "missing": "Chưa gửi"}


@dataclass(frozen=True)
class ChartData:
    """What the chart shows, detached from the database (rendered in a worker thread)."""

    title: str
    names: list[str]  # one bar per province
    counts: list[dict[str, int]]  # on_time / late / missing per bar


def chart_data(summary: Summary, province_names: dict[int, str]) -> ChartData:
    """Counts per province and the title, read while the summary's session is open."""
    groups: dict[int, dict[str, int]] = {}
    for row in summary.rows:
        groups.setdefault(row.province_code, {"on_time": 0, "late": 0, "missing": 0})[row.status] += 1
    names = [province_names.get(code, str(code)).replace("Tỉnh ", "").replace("Thành phố ", "TP ")
             for code in sorted(groups)]
    total = len(summary.rows)
    done = summary.count("on_time") + summary.count("late")
    share = f"{done * 100 / total:.0f}%" if total else "0%"
    return ChartData(f"{summary.period.label}: {done}/{total} xã đã gửi ({share})", names,
                     [groups[code] for code in sorted(groups)])


def completeness_chart(summary: Summary, province_names: dict[int, str], path: Path) -> Path:
    """Stacked horizontal bars per province (on time / late / missing), totals in the title."""
    return render_chart(chart_data(summary, province_names), path)


def render_chart(data: ChartData, path: Path) -> Path:
    """Draw ``data`` to a PNG at ``path`` (no database, no pyplot: safe in a worker thread)."""
    names, counts = data.names, data.counts
    fig = Figure(figsize=(8, 2.2 + 0.45 * max(1, len(names))), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = [0] * len(names)
    for key in ("on_time", "late", "missing"):
        values = [c[key] for c in counts]
        ax.barh(names, values, left=left, color=COLORS[key], label=LABELS[key])
        for i, v in enumerate(values):
            if v:
                ax.text(left[i] + v / 2, i, str(v), ha="center", va="center", color="white", fontsize=8)
        left = [a + b for a, b in zip(left, values)]
    ax.set_title(data.title, fontsize=11)
    ax.set_xlabel("Số xã, phường")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 / max(1, len(names)) - 0.25), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
