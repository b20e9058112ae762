"""The registration screens stay phone-sized whatever was typed: 15 targets with long names."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

from handlers.emulation.register_view import review_screen, targets_screen
from store.emulation.targets import MAX_TARGETS, Target
from store.emulation.title_spec import Catalogue

LONG = "Tỷ lệ hộ gia đình được công nhận đạt chuẩn văn hóa và khu dân cư văn hóa trên địa bàn toàn xã " * 2


def test_review_screen_stays_under_a_thousand_characters() -> None:
    targets = [Target(f"{k}. {LONG}"[:200], Decimal("1250.5"), "triệu đồng").to_dict() for k in range(MAX_TARGETS)]
    state = SimpleNamespace(titles=["tt-ldtt", "co-tinh"], targets=targets, file="x.jpg", nonce=1)
    cat = cast(Catalogue, SimpleNamespace(names={"tt-ldtt": "Tập thể lao động tiên tiến",
                                                  "co-tinh": "Cờ thi đua của UBND tỉnh"}))
    due = datetime(2026, 1, 31, 10, 0, tzinfo=timezone.utc)
    review = review_screen(cat, 2026, "Phường Tân Phong", state, due, "", version=2, buttonless=True)
    assert len(review.text) <= 1000, len(review.text)
    assert "1.250,5 triệu đồng" in review.text  # the figure is never cut away
    assert "chỉ tiêu nữa" in review.text
    assert len(targets_screen(targets, 1, "", buttonless=False).text) <= 1000
