"""The /tonghop chart fills its canvas and reads on a phone."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from store.reporting.charts import completeness_chart


def _summary(provinces: int) -> SimpleNamespace:
    rows = [SimpleNamespace(province_code=p, status=("on_time", "late", "missing")[(i + p) % 3])
            for p in range(1, provinces + 1) for i in range(8 + 5 * p)]
    return SimpleNamespace(rows=rows, period=SimpleNamespace(label="6 tháng đầu năm 2026"),
                           count=lambda key: sum(r.status == key for r in rows))


@pytest.mark.parametrize("provinces", [1, 4, 12])
def test_chart_fills_its_canvas(tmp_path: Path, provinces: int) -> None:
    path = completeness_chart(_summary(provinces), {p: f"Tỉnh số {p}" for p in range(1, 13)}, tmp_path / "c.png")
    image = np.asarray(Image.open(path).convert("L"))
    height, width = image.shape
    assert width >= 900  # sharp when a phone shrinks it to ~400 px
    assert height <= width * 2.2  # not a strip to scroll through
    inked = image < 245
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    # drawing from edge to edge: no half-blank image (the old legend left a third of it empty)
    edge = 40  # pixels of margin at most on each side
    assert rows[0] < edge and rows[-1] > height - edge
    assert cols[0] < edge and cols[-1] > width - edge
    blank_rows = (~inked.any(axis=1)).astype(int)
    longest_gap = max((len(run) for run in "".join(map(str, blank_rows)).split("0")), default=0)
    assert longest_gap < 0.12 * height
